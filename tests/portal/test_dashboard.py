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
from apps.members.models import MemberBody, Participation, ParticipationStatus
from tests.factories import ConsortiumFactory, member_of, user_with_role

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


def test_the_dashboard_names_members_whose_go_live_is_late_or_near(client):
    today = timezone.localdate()
    council = ConsortiumFactory(slug="staggered")
    late, near, far, live, gone = (member_of(council, name=name) for name in ("伊奈町", "三芳町", "越生町", "滑川町",
                                                                            "嵐山町"))
    plans = {late: -10, near: 30, far: 200, live: -400, gone: -5}
    for body, days in plans.items():
        Participation.objects.filter(body=body).update(planned_go_live=today + datetime.timedelta(days=days),
                                                      status=ParticipationStatus.DECLARED)
    Participation.objects.filter(body=live).update(status=ParticipationStatus.LIVE,
                                                   actual_go_live=today - datetime.timedelta(days=400))
    Participation.objects.filter(body=gone).update(status=ParticipationStatus.WITHDRAWN)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=council))
    page = client.get(reverse("consortium_dashboard", args=["staggered"])).content.decode()
    card = page[page.index("要対応"):page.index("参加状況別")]
    assert card.index("伊奈町") < card.index("三芳町")  # the late one first
    assert "稼働予定日" in card and "未稼働" in card
    for absent in ("越生町", "滑川町", "嵐山町"):
        assert absent not in card


def test_a_long_list_of_go_lives_shows_the_first_five_and_counts_the_rest(client):
    today = timezone.localdate()
    council = ConsortiumFactory(slug="wide")
    for index in range(8):
        body = member_of(council, name=f"町{index}")
        Participation.objects.filter(body=body).update(planned_go_live=today + datetime.timedelta(days=index),
                                                      status=ParticipationStatus.DECLARED)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=council))
    page = client.get(reverse("consortium_dashboard", args=["wide"])).content.decode()
    card = page[page.index("要対応"):page.index("参加状況別")]
    assert "町4" in card and "町5" not in card and "ほか 3 団体" in card
