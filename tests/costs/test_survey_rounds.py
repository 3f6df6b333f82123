"""The secretariat's side of the yearly cost survey: open it with a deadline, see who has
answered, accept or return answers, remind those still to answer, close and lock the year."""

import datetime
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.costs.checks import site_url_set
from apps.costs.tasks import send_survey_reminders
from apps.costs.models import CostRecord, SurveyResponse, SurveyRound
from apps.members.models import ParticipationStatus
from tests.factories import ConsortiumFactory, add_cost, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(client):
    consortium = ConsortiumFactory(slug="saitama")
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    client.force_login(secretariat)
    return consortium


def days_ahead(days: int) -> datetime.date:
    """Deadlines are days ahead of today (one already past is refused)."""
    return timezone.localdate() + datetime.timedelta(days=days)


DEADLINE = days_ahead(60)


def open_round(client, consortium, year=2026, deadline=DEADLINE.isoformat()):
    return client.post(reverse("survey_rounds", args=[consortium.slug]), {"fiscal_year": year, "deadline": deadline})


def act(client, survey_round, action, **data):
    return client.post(reverse("survey_round_action", args=[survey_round.consortium.slug, survey_round.pk]),
                       {"action": action, **data})


def user_with_address(role, body, email, *, is_active=True, consortium=None):
    user = user_with_role(role, body=body, consortium=consortium)
    user.email, user.is_active = email, is_active
    user.save()
    return user


def answer(survey_round, body, status):
    return SurveyResponse.objects.create(survey_round=survey_round, body=body, status=status)


def test_the_secretariat_opens_a_year_once(client, council):
    response = open_round(client, council)
    survey_round = SurveyRound.objects.get(consortium=council)
    assert response.url == reverse("survey_round_detail", args=["saitama", survey_round.pk])
    assert (survey_round.fiscal_year, survey_round.status, survey_round.deadline) == (
        2026, SurveyRound.Status.OPEN, DEADLINE)
    again = open_round(client, council)
    assert again.status_code == 200 and "既にあります" in again.content.decode()
    assert SurveyRound.objects.count() == 1


def test_the_pages_show_who_has_answered_and_leave_out_withdrawn_members(client, council):
    accepted, submitted, editing, silent = (member_of(council, name=name, cost=1_000_000 * (i + 1), fiscal_year=2026)
                                            for i, name in enumerate(["伊奈町", "三芳町", "毛呂山町", "越生町"]))
    withdrawn = member_of(council, name="離脱町")
    withdrawn.participations.update(status=ParticipationStatus.WITHDRAWN)
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    for body, status in ((accepted, "accepted"), (submitted, "submitted"), (editing, "editing")):
        answer(survey_round, body, status)
    listing = client.get(reverse("survey_rounds", args=["saitama"]))
    [(_, progress)] = listing.context["rounds"]
    assert (progress.accepted, progress.submitted, progress.unanswered, progress.members) == (1, 1, 2, 4)
    detail = client.get(reverse("survey_round_detail", args=["saitama", survey_round.pk]))
    rows = {m.participation.body.name: (m.status, m.total) for m in detail.context["members"]}
    assert rows == {"伊奈町": ("accepted", 1_000_000), "三芳町": ("submitted", 2_000_000),
                    "毛呂山町": ("editing", 3_000_000), "越生町": ("", 4_000_000)}
    page = detail.content.decode()
    assert "1 件受理、1 件確認待ち、未回答 2 団体（構成団体 4 団体）" in page and "離脱町" not in page
    silent.contact = "総務課 情報係 0494-00-0000"
    silent.save()
    assert "総務課 情報係 0494-00-0000" in client.get(  # whom to call about a missing answer
        reverse("survey_round_detail", args=["saitama", survey_round.pk])).content.decode()
    waiting = client.get(reverse("survey_round_detail", args=["saitama", survey_round.pk]) + "?answer=unanswered")
    assert [m.participation.body.name for m in waiting.context["members"]] == ["毛呂山町", "越生町"]


def test_each_answer_is_set_beside_the_year_before_and_a_tenfold_change_is_questioned(client, council):
    steady, thousand_typed, new = (member_of(council, name=name) for name in ("伊奈町", "三芳町", "新規町"))
    for body, before, now in ((steady, 60_000_000, 66_000_000), (thousand_typed, 70_000_000, 70_000)):
        add_cost(body, before, fiscal_year=2025)
        add_cost(body, now, fiscal_year=2026, category="hardware")
    add_cost(new, 5_000_000, fiscal_year=2026)  # no figure the year before: nothing to compare
    open_round(client, council)
    detail = client.get(reverse("survey_round_detail", args=["saitama", SurveyRound.objects.get().pk]))
    rows = {m.participation.body.name: (m.previous_total, m.change, m.implausible) for m in detail.context["members"]}
    assert rows["伊奈町"] == (60_000_000, Decimal("0.1"), False)
    assert rows["三芳町"][0] == 70_000_000 and rows["三芳町"][2]  # 70,000 円: 千円 figures typed as 円
    assert rows["新規町"] == (None, None, False)
    page = detail.content.decode()
    assert "令和7年度（円）" in page and "前年度比" in page and "+10.0%" in page and "−99.9%" in page
    assert page.count("円と千円の取り違えはありませんか") == 1


@pytest.mark.parametrize("total, previous, implausible", [
    (10_000_000_000_000_000, 99_999_999_999_999_999, False),  # just over a tenth: float division said a tenth
    (10_000_000_000_000_000, 100_000_000_000_000_000, True),  # a tenth exactly
    (999_999_999_999_999_999, 100_000_000_000_000_000, False),  # just under tenfold
    (6_999_999, 700_000, False), (7_000_000, 700_000, True), (70_000, 700_000, True), (70_001, 700_000, False),
])
def test_a_tenfold_change_is_judged_in_whole_yen_however_large_the_figures(total, previous, implausible):
    from apps.costs.selectors import implausible_change

    assert implausible_change(total, previous) is implausible


def test_the_round_page_costs_the_same_queries_for_any_number_of_members(client, council):
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    url = reverse("survey_round_detail", args=["saitama", survey_round.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    member_of(council, cost=1_000, fiscal_year=2026)
    few = queries()
    for index in range(8):
        answer(survey_round, member_of(council, cost=1_000, fiscal_year=2026), "submitted")
    assert queries() == few


def test_accepting_on_the_round_page_comes_back_to_it_and_never_to_another_site(client, council):
    body = member_of(council)
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    answer(survey_round, body, "submitted")
    detail = reverse("survey_round_detail", args=["saitama", survey_round.pk])
    url = reverse("survey_response", args=[body.code, survey_round.pk])
    assert client.post(url, {"action": "accept", "next": detail}).url == detail
    assert SurveyResponse.objects.get().status == SurveyResponse.Status.ACCEPTED
    elsewhere = client.post(url, {"action": "return", "next": "https://evil.example/"}).url
    assert elsewhere == f"{reverse('body_costs', args=[body.code])}?fy=2026"


def test_closing_stops_the_members_locking_stops_everyone_and_reopening_lets_them_in(client, council):
    body = member_of(council)
    staff = user_with_role(Role.STAFF, body=body)
    secretariat = user_with_role(Role.SECRETARIAT, consortium=council)
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    edit = reverse("body_costs_edit", args=[body.code, 2026])

    def may_edit(user):
        client.force_login(user)
        return client.get(edit).status_code == 200

    act(client, survey_round, "close")
    assert (may_edit(staff), may_edit(secretariat)) == (False, True)
    act(client, survey_round, "lock")
    assert (may_edit(staff), may_edit(secretariat)) == (False, False)
    act(client, survey_round, "reopen")
    assert (may_edit(staff), may_edit(secretariat)) == (True, True)
    act(client, survey_round, "reopen")  # already open: refused, said so
    survey_round.refresh_from_db()
    assert survey_round.status == SurveyRound.Status.OPEN
    page = client.get(reverse("survey_round_detail", args=["saitama", survey_round.pk]), follow=True)
    assert "その方法では変更できません" in page.content.decode()


def test_the_deadline_can_change_until_the_year_is_locked(client, council):
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    act(client, survey_round, "deadline", deadline=days_ahead(75).isoformat())
    survey_round.refresh_from_db()
    assert survey_round.deadline == days_ahead(75)
    act(client, survey_round, "lock")
    act(client, survey_round, "deadline", deadline=days_ahead(90).isoformat())
    survey_round.refresh_from_db()
    assert survey_round.deadline == days_ahead(75)


def test_a_deadline_already_past_is_refused_by_name(client, council):
    yesterday = days_ahead(-1).isoformat()
    refused = open_round(client, council, deadline=yesterday)
    assert refused.status_code == 200 and "期限" in str(refused.context["form"].errors["deadline"])
    assert not SurveyRound.objects.exists()
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    page = act(client, survey_round, "deadline", deadline=yesterday)
    survey_round.refresh_from_db()
    assert survey_round.deadline == DEADLINE


def test_a_reminder_goes_to_the_staff_of_each_member_still_to_answer_one_message_each(client, council):
    waiting, done, quiet = member_of(council, name="伊奈町"), member_of(council, name="三芳町"), member_of(council, name="越生町")
    staff = user_with_address(Role.STAFF, waiting, "it@town.ina.example")
    user_with_address(Role.MAYOR, waiting, "mayor@town.ina.example")  # the survey is staff work: not the mayor
    user_with_address(Role.STAFF, waiting, "left@town.ina.example", is_active=False)
    user_with_address(Role.STAFF, done, "it@town.miyoshi.example")
    user_with_role(Role.STAFF, body=quiet)  # no address
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    answer(survey_round, done, "submitted")
    page = client.get(act(client, survey_round, "remind").url).content.decode()
    assert "送信しませんでした" in page and "越生町" in page  # the member nobody could be written to, by name
    [message] = mail.outbox
    assert message.to == [staff.email] and not message.bcc
    assert "伊奈町" in message.body and "令和8年度" in message.subject
    assert f"{DEADLINE.year}年{DEADLINE.month}月{DEADLINE.day}日" in message.subject
    assert f"/bodies/{waiting.code}/costs/?fy=2026" in message.body
    survey_round.refresh_from_db()
    assert survey_round.reminded_at is not None
    act(client, survey_round, "close")
    act(client, survey_round, "remind")
    assert len(mail.outbox) == 1


def test_observers_read_the_survey_pages_but_change_nothing(client, council):
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    client.force_login(user_with_role(Role.OBSERVER, consortium=council))
    page = client.get(reverse("survey_round_detail", args=["saitama", survey_round.pk]))
    assert page.status_code == 200 and reverse("survey_round_action", args=["saitama", survey_round.pk]) not in (
        page.content.decode())
    assert client.get(reverse("survey_rounds", args=["saitama"])).context["form"] is None
    assert open_round(client, council, year=2027).status_code == 403
    assert act(client, survey_round, "lock").status_code == 403
    assert SurveyRound.objects.get().status == SurveyRound.Status.OPEN


def test_the_secretariat_import_names_the_rows_of_a_locked_year_and_writes_nothing(client, council):
    ina, miyoshi = member_of(council, name="伊奈町"), member_of(council, name="三芳町")
    add_cost(ina, 1_000, fiscal_year=2026)
    open_round(client, council)
    act(client, SurveyRound.objects.get(), "lock")
    upload = io.BytesIO(f"団体コード,業務,ソフトウェア\n{miyoshi.code},戸籍,100\n{ina.code},戸籍,200\n".encode())
    upload.name = "costs.csv"
    response = client.post(reverse("import_costs", args=["saitama"]),
                           {"file": upload, "fiscal_year": 2026, "unit": "yen"})
    errors = [(e.row, e.column) for e in response.context["report"].errors]
    assert errors == [(2, "団体コード"), (3, "団体コード")]
    assert "確定済み" in response.context["report"].errors[0].reason
    assert list(CostRecord.objects.values_list("amount", flat=True)) == [1_000]


def test_a_submission_reaches_the_secretariat_and_a_return_tells_the_town_what_to_correct(client, council):
    body = member_of(council, name="伊奈町", cost=2_500_000, fiscal_year=2026)
    staff = user_with_address(Role.STAFF, body, "it@town.ina.example")
    secretariat = user_with_address(Role.SECRETARIAT, None, "jimukyoku@council.example", consortium=council)
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    respond = reverse("survey_response", args=[body.code, survey_round.pk])
    client.force_login(staff)
    client.post(respond, {"action": "submit"})
    [submitted] = mail.outbox
    assert submitted.to == ["jimukyoku@council.example"] and "伊奈町から令和8年度" in submitted.subject
    assert "2,500,000 円" in submitted.body
    assert reverse("survey_round_detail", args=["saitama", survey_round.pk]) in submitted.body
    client.force_login(secretariat)
    client.post(respond, {"action": "return", "note": "保守費が前年の10倍です。千円単位の誤りでは？"})
    returned = mail.outbox[1]
    assert returned.to == ["it@town.ina.example"] and "修正のお願い" in returned.subject
    assert "保守費が前年の10倍です" in returned.body
    client.force_login(staff)
    page = client.get(reverse("body_costs", args=[body.code]) + "?fy=2026").content.decode()
    assert "保守費が前年の10倍です" in page
    assert "保守費が前年の10倍です" in client.get(reverse("body_detail", args=[body.code])).content.decode()
    client.post(respond, {"action": "submit"})
    client.force_login(secretariat)
    client.post(respond, {"action": "accept"})
    accepted = mail.outbox[-1]
    assert "受理しました" in accepted.subject and accepted.to == ["it@town.ina.example"]
    assert SurveyResponse.objects.get().review_note == ""
    trail = LogEntry.objects.get_for_object(SurveyResponse.objects.get()).order_by("timestamp")
    assert [entry.changes_dict.get("status") for entry in trail][-2:] == [["editing", "submitted"],
                                                                          ["submitted", "accepted"]]
    assert trail.last().actor == secretariat


def test_the_daily_task_reminds_a_week_and_a_day_before_the_deadline_once_a_day(council, settings):
    settings.SITE_URL = "https://kyogikai.example.jp"
    waiting = member_of(council, name="伊奈町")
    user_with_address(Role.STAFF, waiting, "it@town.ina.example")
    survey_round = SurveyRound.objects.create(consortium=council, fiscal_year=2026,
                                              deadline=datetime.date(2026, 12, 25))
    for day in ("2026-12-17", "2026-12-18", "2026-12-18", "2026-12-20", "2026-12-24", "2026-12-25"):
        call_command("send_survey_reminders", today=datetime.date.fromisoformat(day), stdout=io.StringIO())
    assert len(mail.outbox) == 2  # on the 18th (once, though run twice) and on the 24th
    assert f"https://kyogikai.example.jp/bodies/{waiting.code}/costs/?fy=2026" in mail.outbox[0].body
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.CLOSED)
    assert send_survey_reminders() == 0


def test_the_deployment_check_asks_for_the_sites_address(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert [warning.id for warning in site_url_set(None)] == ["costs.W001"]
    settings.SITE_URL = "https://kyogikai.example.jp"
    assert site_url_set(None) == []


def test_nobody_is_said_to_be_told_of_an_answer_when_no_e_mail_could_be_sent(client, council):
    """「事務局に通知しました」 was shown with no secretariat address to write to, and
    「受理し、構成団体に通知しました」 with no staff address."""
    body = member_of(council, name="伊奈町", cost=2_500_000, fiscal_year=2026)
    staff = user_with_role(Role.STAFF, body=body)  # no address
    secretariat = user_with_role(Role.SECRETARIAT, consortium=council)  # no address
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    respond = reverse("survey_response", args=[body.code, survey_round.pk])
    client.force_login(staff)
    page = client.post(respond, {"action": "submit"}, follow=True).content.decode()
    assert SurveyResponse.objects.get().status == SurveyResponse.Status.SUBMITTED and not mail.outbox
    assert "事務局に通知しました" not in page and "事務局にはメールが届いていません" in page
    assert "調査のページ" in page  # where the secretariat finds it all the same
    client.force_login(secretariat)
    page = client.post(respond, {"action": "accept"}, follow=True).content.decode()
    assert SurveyResponse.objects.get().status == SurveyResponse.Status.ACCEPTED and not mail.outbox
    assert "通知しました" not in page and "伊奈町にはメールが届いていません" in page and "利用者" in page


def test_a_return_must_say_what_to_correct(client, council):
    body = member_of(council, name="伊奈町", cost=2_500_000, fiscal_year=2026)
    user_with_address(Role.STAFF, body, "it@town.ina.example")
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    answer(survey_round, body, "submitted")
    detail = reverse("survey_round_detail", args=["saitama", survey_round.pk])
    respond = reverse("survey_response", args=[body.code, survey_round.pk])
    page = client.post(respond, {"action": "return", "note": "  ", "next": detail}, follow=True).content.decode()
    assert SurveyResponse.objects.get().status == SurveyResponse.Status.SUBMITTED and not mail.outbox
    # Under the note's field, on the page the button was on.
    assert page.count("修正してほしい点を書いてください") == 2 and "data-note-error" in page
    assert "修正してほしい点を書いてください" not in client.get(detail).content.decode()  # said once
    client.post(respond, {"action": "return", "note": "保守費を確認してください"})
    assert SurveyResponse.objects.get().review_note == "保守費を確認してください"
    assert "保守費を確認してください" in mail.outbox[0].body


def test_an_answer_nobody_has_touched_reads_the_same_to_the_town_and_the_secretariat(client, council):
    """The town's page said 「当団体: 入力中」 where the round's page said 未着手."""
    body = member_of(council, name="伊奈町")
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    assert "未着手" in client.get(reverse("survey_round_detail", args=["saitama", survey_round.pk])).content.decode()
    client.force_login(user_with_role(Role.STAFF, body=body))
    costs_page = client.get(reverse("body_costs", args=[body.code]) + "?fy=2026").content.decode()
    assert "当団体: <strong>未着手</strong>" in costs_page and "入力中" not in costs_page
    town_page = client.get(reverse("body_detail", args=[body.code])).content.decode()
    assert "未着手" in town_page and "入力中" not in town_page


def test_a_survey_of_a_council_with_no_business_system_in_scope_says_so_with_the_way_to_choose_them(client, council):
    """A new council starts with no 対象業務: its survey opened without a word, and the towns'
    sheets were headers only."""
    body = member_of(council, name="伊奈町")
    systems = reverse("business_systems", args=["saitama"])
    assert systems in client.get(reverse("survey_rounds", args=["saitama"])).content.decode()
    open_round(client, council)
    survey_round = SurveyRound.objects.get()
    page = client.get(reverse("survey_round_detail", args=["saitama", survey_round.pk])).content.decode()
    assert "data-no-scope" in page and "対象業務" in page and systems in page
    council.business_systems.add(business_system())
    page = client.get(reverse("survey_round_detail", args=["saitama", survey_round.pk])).content.decode()
    assert "data-no-scope" not in page
    sheet = client.get(reverse("body_costs_sheet_csv", args=[body.code, 2026])).content.decode("utf-8-sig")
    assert len(sheet.strip().splitlines()) == 2  # the system in scope, to fill in


def test_a_closed_or_locked_round_counts_the_members_it_asked_not_those_that_joined_since(client, council):
    answered, silent = member_of(council, name="伊奈町"), member_of(council, name="三芳町")
    open_round(client, council, year=2025)
    open_round(client, council, year=2026)
    past, current = SurveyRound.objects.get(fiscal_year=2025), SurveyRound.objects.get(fiscal_year=2026)
    answer(past, answered, "accepted")
    act(client, past, "lock")
    joined = member_of(council, name="新規町")  # added after the year was locked
    late = member_of(council, name="遅参町")
    answer(past, late, "accepted")  # joined late but answered the year all the same: it counts
    progress = dict(client.get(reverse("survey_rounds", args=["saitama"])).context["rounds"])
    assert (progress[past].accepted, progress[past].unanswered, progress[past].members) == (2, 1, 3)
    assert (progress[current].unanswered, progress[current].members) == (4, 4)  # an open round asks everyone
    detail = client.get(reverse("survey_round_detail", args=["saitama", past.pk]))
    assert {m.participation.body for m in detail.context["members"]} == {answered, silent, late}
    assert joined.name not in detail.content.decode()
    assert "2 件受理、0 件確認待ち、未回答 1 団体（構成団体 3 団体）" in detail.content.decode()


def test_a_deadline_moved_on_a_closed_round_does_not_count_a_town_that_joined_since_as_asked(client, council):
    answered = member_of(council, name="伊奈町")
    open_round(client, council, year=2025)
    closed = SurveyRound.objects.get(fiscal_year=2025)
    answer(closed, answered, "accepted")
    act(client, closed, "close")
    member_of(council, name="新規町")  # joined after the year was closed
    act(client, closed, "deadline", deadline=days_ahead(90).isoformat())
    closed.refresh_from_db()
    assert closed.deadline == days_ahead(90)
    progress = dict(client.get(reverse("survey_rounds", args=["saitama"])).context["rounds"])
    assert (progress[closed].unanswered, progress[closed].members) == (0, 1)
    detail = client.get(reverse("survey_round_detail", args=["saitama", closed.pk]))
    assert {m.participation.body for m in detail.context["members"]} == {answered}


def test_a_national_councils_survey_lists_its_members_a_page_at_a_time_and_counts_them_all(
        client, council, monkeypatch):
    from apps.costs import survey_views

    monkeypatch.setattr(survey_views, "MEMBERS_PER_PAGE", 2)
    for name in ["伊奈町", "三芳町", "毛呂山町", "越生町", "小川町"]:
        member_of(council, name=name)
    open_round(client, council)
    url = reverse("survey_round_detail", args=["saitama", SurveyRound.objects.get().pk])

    def shown(query):
        with CaptureQueriesContext(connection) as executed:
            page = client.get(url + query)
        return [m.participation.body.name for m in page.context["members"]], page.context["progress"], len(executed)

    first, progress, queries = shown("?answer=unanswered")
    last, progress_on_last, queries_on_last = shown("?answer=unanswered&page=3")
    assert len(first) == 2 and len(last) == 1
    assert progress.unanswered == progress_on_last.unanswered == progress.members == 5  # of all, not of the page
    assert queries == queries_on_last
    assert "answer=unanswered&amp;page=2" in client.get(url + "?answer=unanswered").content.decode()
