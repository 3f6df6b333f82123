"""Japanese sentences are written with Japanese punctuation: a town's page said
「受付中, 提出期限 …」, a decision 「令和8年6月20日, 事務局」 and an agreement 「協定書 (1)」."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.agreements.models import Agreement
from apps.costs.models import SurveyRound
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_a_towns_page_gives_the_open_surveys_deadline_in_brackets(client):
    consortium = ConsortiumFactory(slug="saitama")
    ina = member_of(consortium, name="伊奈町")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    SurveyRoundFactory(consortium=consortium, fiscal_year=2026, status=SurveyRound.Status.OPEN, deadline=deadline)
    client.force_login(user_with_role(Role.STAFF, body=ina))
    page = client.get(reverse("body_detail", args=[ina.code])).content.decode()
    assert f"受付中（提出期限 {deadline.year}年{deadline.month}月{deadline.day}日）" in page
    assert "受付中, " not in page


def test_an_agreement_is_named_with_its_version_in_japanese():
    agreement = Agreement(title="協定書", version=2)
    assert str(agreement) == "協定書（第2版）"
