"""A council's first page tells its secretariat what to act on, across every part of the work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.agreements import services as agreements
from apps.agreements.models import Contract
from apps.costs.models import SurveyResponse, SurveyRound
from apps.meetings.models import ActionItem, Meeting
from apps.members.models import MemberBody
from tests.factories import ConsortiumFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client):
    from apps.demo.seed import seed_demo

    seed_demo()
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=SurveyRound.objects.get(
        consortium__slug="saitama", fiscal_year=2026).consortium))


def test_the_dashboard_lists_the_surveys_meetings_actions_signatures_and_renewals_to_act_on(client, demo):
    today = timezone.localdate()
    ina = MemberBody.objects.get(code="113018")
    survey = SurveyRound.objects.get(consortium__slug="saitama", fiscal_year=2026)
    SurveyResponse.objects.create(survey_round=survey, body=ina, status=SurveyResponse.Status.SUBMITTED)
    meeting = Meeting.objects.filter(consortium=survey.consortium).first()
    ActionItem.objects.create(meeting=meeting, text="移行計画書の提出", owner=ina, due_on=today - datetime.timedelta(days=3))
    ActionItem.objects.create(meeting=meeting, text="済んだ対応", due_on=today - datetime.timedelta(days=9),
                              done_on=today)
    agreements.contract_save(contract=Contract(
        consortium=survey.consortium, body=ina, title="伊奈町 基幹系クラウド利用契約", vendor="デモクラウド株式会社",
        starts_on=today - datetime.timedelta(days=700), ends_on=today + datetime.timedelta(days=30),
        annual_amount=12_000_000, total_amount=24_000_000))
    page = client.get(reverse("consortium_dashboard", args=["saitama"])).content.decode()
    card = page[page.index("要対応"):page.index("参加状況別")]
    assert "令和8年度 現行経費調査" in card and "確認待ち 1 件、未回答 17 団体" in card
    assert "期限を過ぎた対応事項 1 件" in card and "移行計画書の提出（伊奈町）" in card and "済んだ対応" not in card
    assert "更新時期を迎えた契約 1 件" in card
    assert "次回会議" in card and "団体が署名済み" in card


def test_a_council_with_nothing_pending_shows_no_card(client):
    council = ConsortiumFactory(slug="quiet")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=council))
    assert "要対応" not in client.get(reverse("consortium_dashboard", args=["quiet"])).content.decode()
