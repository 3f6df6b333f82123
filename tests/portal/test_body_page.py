"""A town's own page: what it is asked to do, said plainly."""

import re

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.members.models import Participation
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_each_open_survey_on_the_towns_page_names_its_council(client):
    """A town in two councils saw «令和8年度 調査 受付中» twice, not knowing whose was whose."""
    saitama = ConsortiumFactory(slug="saitama", name="埼玉県町村情報システム共同化推進協議会")
    nara = ConsortiumFactory(slug="nara", name="奈良県基幹システム共同化検討会")
    town = member_of(saitama, name="香芝市")
    Participation.objects.create(body=town, consortium=nara, status="council")
    for council in (saitama, nara):
        SurveyRoundFactory(consortium=council, fiscal_year=2026)
    client.force_login(user_with_role(Role.STAFF, body=town))
    page = client.get(reverse("body_detail", args=[town.code]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    lines = re.findall(r'<p class="small"><a class="btn[^>]*>.*?</p>', page, flags=re.S)
    assert len(lines) == 2
    # One line per council, each naming its own.
    assert {tuple(council.name in line for council in (saitama, nara)) for line in lines} == {(True, False),
                                                                                             (False, True)}


def test_a_towns_documents_say_which_plan_each_was_made_from(client):
    """Two comparisons of one year, one with a plan's shares and one without, read the same."""
    from apps.reports import services as reports
    from apps.reports.models import Kind

    consortium = ConsortiumFactory(slug="saitama", comparison_published=True)
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")
    ina = member_of(consortium, name="伊奈町", cost=90_000_000)
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    job = reports.job_create(kind=Kind.SIDE_BY_SIDE, consortium=consortium, fiscal_year=2025, plan=None,
                             requested_by=secretariat, enqueue=False)
    reports.job_run(job.pk)
    client.force_login(user_with_role(Role.STAFF, body=ina))
    assert "按分案なし" in client.get(reverse("body_detail", args=[ina.code])).content.decode()


def test_the_towns_page_says_who_records_its_action_items_done_and_where_the_signed_agreement_goes(client):
    import datetime

    from django.utils import timezone

    from apps.agreements import services as agreements
    from apps.meetings.models import ActionItem, Meeting
    from tests.agreements.conftest import draft_with_articles

    consortium = ConsortiumFactory(slug="saitama")
    ina = member_of(consortium, name="伊奈町")
    meeting = Meeting.objects.create(consortium=consortium, title="第1回協議会", starts_at=timezone.now())
    action = ActionItem.objects.create(meeting=meeting, text="移行計画書の提出", owner=ina)
    agreements.agreement_submit_for_review(agreement=draft_with_articles(consortium), on=datetime.date(2026, 3, 2))
    client.force_login(user_with_role(Role.STAFF, body=ina))
    page = client.get(reverse("body_detail", args=[ina.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "tell the secretariat: it records the item as done" in page
    assert client.post(reverse("action_done", args=[action.pk])).status_code == 403  # as the line says
    assert "send the paper to the secretariat: it records your signature here" in page
    assert '<span lang="ja">移行計画書の提出</span>' in page  # read as Japanese on the English page
    # The secretariat, who records them, is not told to tell itself.
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    page = client.get(reverse("body_detail", args=[ina.code])).content.decode()
    assert "移行計画書の提出" in page and "data-actions-done-by" not in page


def test_every_table_on_the_towns_pages_says_what_its_columns_hold(client):
    from tests.factories import add_cost, business_system
    from tests.markup import empty_headers, headerless_tables

    consortium = ConsortiumFactory(slug="saitama")
    ina = member_of(consortium, name="伊奈町")
    for system, category in (("resident_registry", "software"), ("family_register", "hardware")):
        add_cost(ina, 1_000, fiscal_year=2025, business_system=business_system(system), category=category)
    client.force_login(user_with_role(Role.STAFF, body=ina))
    body_page = client.get(reverse("body_detail", args=[ina.code])).content.decode()
    costs_page = client.get(reverse("body_costs", args=[ina.code]) + "?fy=2025").content.decode()
    assert "data-category-totals" in costs_page and "ownership-chart" in body_page
    for page in (body_page, costs_page):
        assert not headerless_tables(page) and not empty_headers(page)
