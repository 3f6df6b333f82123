"""Meetings: the secretariat records them; members read them and their materials."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from apps.accounts.models import Role
from apps.meetings import selectors, services
from apps.meetings.models import ActionItem, AgendaItem, Attendance, Meeting
from apps.members.models import ParticipationStatus
from apps.members.services import participation_set_status
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 materials"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"


@pytest.fixture
def world():
    a, b = ConsortiumFactory(slug="a", name="埼玉"), ConsortiumFactory(slug="b", name="奈良")
    ina = member_of(a, name="伊奈町", mayor_email="mayor@ina.example")
    miyoshi = member_of(a, name="三芳町")
    kashiba = member_of(b, name="香芝市", mayor_email="mayor@kashiba.example")
    meeting = services.meeting_save(consortium=a, title="第3回 協議会", kind=Meeting.Kind.COUNCIL,
                                    starts_at=timezone.now() + datetime.timedelta(days=7), venue="伊奈町役場")
    return {"a": a, "b": b, "ina": ina, "miyoshi": miyoshi, "kashiba": kashiba, "meeting": meeting,
            "secretariat": user_with_role(Role.SECRETARIAT, consortium=a),
            "ina_staff": user_with_role(Role.STAFF, body=ina),
            "kashiba_staff": user_with_role(Role.STAFF, body=kashiba)}


def held_meeting(world) -> Meeting:
    """A meeting that has taken place: attendance and decisions are recorded of one only."""
    return services.meeting_save(consortium=world["a"], title="第2回 協議会", status=Meeting.Status.HELD,
                                 starts_at=timezone.now() - datetime.timedelta(days=1))


def test_the_secretariat_creates_a_meeting_and_adds_numbered_agenda_items_with_materials(client, world):
    client.force_login(world["secretariat"])
    response = client.post(reverse("meeting_create", args=["a"]), {
        "kind": "study_group", "title": "第1回 研究会", "starts_at": "2026-12-10T14:00", "status": "planned"})
    meeting = Meeting.objects.get(title="第1回 研究会")
    assert response.status_code == 302 and response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    for title in ("経費調査の結果", "按分案"):
        client.post(reverse("agenda_add", args=[meeting.pk]),
                    {"title": title, "document": SimpleUploadedFile(f"{title}.pdf", PDF)})
    assert list(meeting.agenda.values_list("number", "title")) == [(1, "経費調査の結果"), (2, "按分案")]
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "経費調査の結果.pdf" in page and "按分案.pdf" in page


def test_a_meeting_cannot_end_before_it_starts(world):
    start = timezone.now()
    with pytest.raises(ValidationError) as refusal:
        services.meeting_save(consortium=world["a"], title="x", starts_at=start,
                              ends_at=start - datetime.timedelta(hours=1))
    assert list(refusal.value.message_dict) == ["ends_at"]
    assert not Meeting.objects.filter(title="x").exists()


def test_a_material_of_the_wrong_type_is_refused_by_name_and_nothing_is_added(client, world):
    client.force_login(world["secretariat"])
    response = client.post(reverse("agenda_add", args=[world["meeting"].pk]),
                           {"title": "議題", "document": SimpleUploadedFile("run.exe", b"MZ")})
    assert response.status_code == 200
    assert "run.exe" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_a_material_whose_content_is_not_what_its_name_says_is_refused_by_name(client, world):
    """A text file named 資料1.pdf was accepted, and served to every member as a PDF."""
    client.force_login(world["secretariat"])
    response = client.post(reverse("agenda_add", args=[world["meeting"].pk]),
                           {"title": "議題", "document": SimpleUploadedFile("資料1.pdf", "これはPDFではない".encode())})
    error = " ".join(response.context["form"].errors["document"])
    assert "資料1.pdf" in error and "PDF" in error and not AgendaItem.objects.exists()
    for name, content in (("名簿.xlsx", b"%PDF-1.4"), ("議事.doc", b"PK\x03\x04"), ("一覧.csv", b"\x00\x01\xff\xfe"),
                          ("旧様式.xls", b"PK\x03\x04")):
        with pytest.raises(ValidationError) as refusal:
            services.material_check(SimpleUploadedFile(name, content))
        assert name in refusal.value.message_dict["document"][0]
    for name, content in (("資料.pdf", PDF), ("名簿.xlsx", b"PK\x03\x04rest"), ("議事.doc", OLE2), ("一覧.zip", b"PK\x03\x04"),
                          ("一覧.csv", "団体,金額\n伊奈町,1\n".encode("cp932")), ("メモ.txt", "メモ".encode("utf-8")),
                          ("メモ2.txt", "メモ".encode("utf-16"))):
        document = SimpleUploadedFile(name, content)
        services.material_check(document)
        assert document.read() == content  # read from the start when saved


def test_members_read_meetings_and_download_materials_of_their_own_consortium_only(client, world):
    item = services.agenda_item_add(meeting=world["meeting"], title="資料",
                                    document=SimpleUploadedFile("資料1.pdf", PDF))
    client.force_login(world["ina_staff"])
    assert world["meeting"].title in client.get(reverse("meeting_list", args=["a"])).content.decode()
    download = client.get(reverse("agenda_document", args=[item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(world["kashiba_staff"])
    assert client.get(reverse("agenda_document", args=[item.pk])).status_code == 404
    assert client.get(reverse("meeting_detail", args=[world["meeting"].pk])).status_code == 404


def test_members_cannot_change_a_meeting(client, world):
    action = services.action_add(meeting=world["meeting"], text="回答を提出", owner=world["ina"])
    client.force_login(world["ina_staff"])
    assert client.post(reverse("action_done", args=[action.pk])).status_code == 403
    assert client.post(reverse("meeting_edit", args=[world["meeting"].pk]), {"title": "x"}).status_code == 403
    action.refresh_from_db()
    assert not action.is_done


def test_attendance_is_recorded_per_member_and_blank_rows_are_left_out(client, world):
    meeting, ina, miyoshi = held_meeting(world), world["ina"], world["miyoshi"]
    client.force_login(world["secretariat"])
    client.post(reverse("attendance_edit", args=[meeting.pk]), {
        f"status_{ina.pk}": "present", f"attendees_{ina.pk}": "情報政策課長",
        f"status_{miyoshi.pk}": "", f"attendees_{miyoshi.pk}": ""})
    assert list(meeting.attendance.values_list("body__name", "status", "attendees")) == [
        ("伊奈町", "present", "情報政策課長")]


def test_attendance_of_a_body_outside_the_consortium_is_refused_and_nothing_is_written(world):
    rows = [services.AttendanceRow(body_id=world["ina"].pk, status="present"),
            services.AttendanceRow(body_id=world["kashiba"].pk, status="present")]
    with pytest.raises(ValidationError, match="香芝市"):
        services.attendance_record(meeting=held_meeting(world), rows=rows)
    assert not Attendance.objects.exists()


def test_withdrawn_members_are_not_asked_for_attendance(world):
    participation = world["miyoshi"].participations.get()
    participation_set_status(participation=participation, status=ParticipationStatus.WITHDRAWN,
                             on=datetime.date(2026, 4, 1))
    assert selectors.meeting_members(meeting=world["meeting"]) == [world["ina"]]


def test_a_decision_keeps_each_members_position(client, world):
    meeting, ina, miyoshi = held_meeting(world), world["ina"], world["miyoshi"]
    client.force_login(world["secretariat"])
    client.post(reverse("decision_add", args=[meeting.pk]), {
        "text": "按分案（3:7）を了承する", "outcome": "agreed",
        f"stance_{ina.pk}": "agree", f"stance_{miyoshi.pk}": "abstain"})
    decision = meeting.decisions.get()
    assert decision.outcome == "agreed"
    assert dict(decision.positions.values_list("body__name", "stance")) == {"伊奈町": "agree", "三芳町": "abstain"}


def test_the_secretariat_ticks_off_an_action_item(client, world):
    action = services.action_add(meeting=world["meeting"], text="回答を提出", owner=world["ina"],
                                 due_on=timezone.localdate() + datetime.timedelta(days=30))
    assert selectors.body_open_actions(body=world["ina"]) == [action]
    client.force_login(world["secretariat"])
    client.post(reverse("action_done", args=[action.pk]))
    assert ActionItem.objects.get().is_done
    assert selectors.body_open_actions(body=world["ina"]) == []


def test_the_notice_goes_to_the_members_mayors_and_users_in_bcc_and_is_recorded(client, world):
    services.agenda_item_add(meeting=world["meeting"], title="按分案について")
    world["ina_staff"].email = "it@ina.example"
    world["ina_staff"].save()
    client.force_login(world["secretariat"])
    client.post(reverse("meeting_notify", args=[world["meeting"].pk]))
    [message] = mail.outbox
    assert sorted(message.bcc) == ["it@ina.example", "mayor@ina.example"]
    assert "第3回 協議会" in message.subject and "按分案について" in message.body
    assert Meeting.objects.get(pk=world["meeting"].pk).notified_at is not None


@pytest.mark.parametrize("title", ["第3回\n協議会", "第3回\r\nBcc: x@evil.example", "第3回\u2028協議会"])
def test_a_title_stored_with_a_line_break_still_gives_the_notice_a_one_line_subject(client, world, title):
    """A title from before titles were refused line breaks: the notice failed with a server error."""
    Meeting.objects.filter(pk=world["meeting"].pk).update(title=title)
    world["ina_staff"].email = "it@ina.example"
    world["ina_staff"].save()
    client.force_login(world["secretariat"])
    response = client.post(reverse("meeting_notify", args=[world["meeting"].pk]))
    assert response.status_code == 302
    [message] = mail.outbox
    assert "第3回 " in message.subject and not set(message.subject) & {"\n", "\r", "\u2028"}
    assert sorted(message.bcc) == ["it@ina.example", "mayor@ina.example"]


def test_the_notice_is_japanese_when_the_secretariat_reads_the_site_in_english(client, world):
    world["ina_staff"].email = "it@ina.example"
    world["ina_staff"].save()
    client.force_login(world["secretariat"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("meeting_detail", args=[world["meeting"].pk])).content.decode()
    assert '<html lang="en">' in page  # the sender's screen is in English
    client.post(reverse("meeting_notify", args=[world["meeting"].pk]))
    [message] = mail.outbox
    starts = timezone.localtime(world["meeting"].starts_at)
    assert "下記のとおり協議会を開催します" in message.body and "Council" not in message.body
    assert f"{starts.year}年{starts.month}月{starts.day}日" in message.subject


def test_the_calendar_feed_lists_the_consortiums_meetings(client, world):
    client.force_login(world["ina_staff"])
    response = client.get(reverse("meetings_ics", args=["a"]))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["第3回 協議会"]
    assert events[0].decoded("DTSTART") == world["meeting"].starts_at.replace(microsecond=0)
    assert events[0]["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert str(events[0]["LOCATION"]) == "伊奈町役場"


def test_the_next_meeting_is_the_first_planned_one_ahead(world):
    services.meeting_save(consortium=world["a"], title="過去", starts_at=timezone.now() - datetime.timedelta(days=30))
    services.meeting_save(consortium=world["a"], title="その次", starts_at=timezone.now() + datetime.timedelta(days=40))
    assert selectors.next_meeting(consortium=world["a"]) == world["meeting"]
    assert selectors.next_meeting(consortium=world["b"]) is None


def test_meeting_changes_are_in_the_audit_trail(client, world):
    client.force_login(world["secretariat"])
    meeting = world["meeting"]
    client.post(reverse("meeting_edit", args=[meeting.pk]), {
        "kind": meeting.kind, "title": meeting.title, "starts_at": "2026-12-10T14:00", "venue": "三芳町役場",
        "status": "planned"})
    entry = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world["secretariat"]
    assert entry.changes_dict["venue"] == ["伊奈町役場", "三芳町役場"]


def test_the_members_page_shows_the_next_meetings_and_its_own_open_actions(client, world):
    services.action_add(meeting=world["meeting"], text="回答を提出", owner=world["ina"])
    services.action_add(meeting=world["meeting"], text="三芳町の宿題", owner=world["miyoshi"])
    client.force_login(world["ina_staff"])
    page = client.get(reverse("body_detail", args=[world["ina"].code])).content.decode()
    assert "第3回 協議会" in page and "回答を提出" in page
    assert "三芳町の宿題" not in page


def test_a_body_in_two_consortia_shows_each_secretariat_only_its_own_actions(client, world):
    from tests.factories import ParticipationFactory

    ParticipationFactory(body=world["ina"], consortium=world["b"])  # with its dated history, as services make it
    nara_meeting = services.meeting_save(consortium=world["b"], title="奈良の会議",
                                         starts_at=timezone.now() + datetime.timedelta(days=3))
    services.action_add(meeting=nara_meeting, text="奈良の宿題", owner=world["ina"])
    client.force_login(world["secretariat"])
    page = client.get(reverse("body_detail", args=[world["ina"].code])).content.decode()
    assert "奈良の宿題" not in page and "奈良の会議" not in page


def test_the_private_calendar_address_works_without_a_session_and_only_while_access_lasts(client, world):
    from apps.meetings.feed_tokens import feed_token

    staff = world["ina_staff"]
    url = reverse("meetings_feed", args=["a", feed_token(user=staff, consortium=world["a"])])
    events = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["第3回 協議会"]

    assert client.get(url.replace("/c/a/", "/c/b/")).status_code == 404  # made for another consortium
    assert client.get(url[:-10] + "x" * 6 + ".ics").status_code == 404  # tampered
    staff.roles.all().delete()
    assert client.get(url).status_code == 404  # no longer a member's user
    staff.is_active = False
    staff.save()
    assert client.get(url).status_code == 404


def test_the_meetings_page_offers_the_users_own_private_address(client, world):
    client.force_login(world["ina_staff"])
    page = client.get(reverse("meeting_list", args=["a"]))
    assert "/c/a/meetings/feed/" in page.context["feed_url"]
    assert page.context["feed_url"] in page.content.decode()


def test_a_leaked_calendar_address_is_withdrawn_by_issuing_a_new_one(client, world):
    staff = world["ina_staff"]
    client.force_login(staff)
    old = client.get(reverse("meeting_list", args=["a"])).context["feed_url"]
    response = client.post(reverse("meetings_feed_reissue", args=["a"]), follow=True)
    new = response.context["feed_url"]
    assert new != old and new in response.content.decode() and "以前のアドレス" in response.content.decode()
    client.logout()
    assert client.get(old).status_code == 404
    assert [str(event["SUMMARY"]) for event in Calendar.from_ical(client.get(new).content).walk("VEVENT")] == [
        "第3回 協議会"]


def test_a_new_password_withdraws_the_private_calendar_addresses_as_it_ends_other_sessions(client, world):
    staff = world["ina_staff"]
    staff.set_password("old-password-2026")
    staff.save()
    client.force_login(staff)
    old = client.get(reverse("meeting_list", args=["a"])).context["feed_url"]
    response = client.post(reverse("password_change"), {"old_password": "old-password-2026",
                                                        "new_password1": "a-new-password-2026",
                                                        "new_password2": "a-new-password-2026"})
    assert response.status_code == 302
    new = client.get(reverse("meeting_list", args=["a"])).context["feed_url"]
    client.logout()
    assert new != old and client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_forms_that_add_to_a_meeting_do_not_read_its_attendance(client, world):
    """A council of 1,741 members read every member's attendance and position again for
    each form that adds an agenda item, an action or an edit (0.4 s apiece)."""
    meeting = held_meeting(world)
    client.force_login(world["secretariat"])
    pages = [reverse(name, args=[meeting.pk]) for name in ("meeting_edit", "agenda_add")]

    def queries():
        counts = []
        for page in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(page).status_code == 200
            counts.append([query["sql"] for query in captured if "attendance" in query["sql"]])
        return counts

    services.attendance_record(meeting=meeting, rows=[
        services.AttendanceRow(body_id=body.pk, status="present") for body in (world["ina"], world["miyoshi"])])
    assert queries() == [[], []]


def test_a_national_councils_attendance_is_listed_a_page_at_a_time_and_counted_in_full(client, world, monkeypatch):
    from apps.meetings import views

    monkeypatch.setattr(views, "ATTENDANCE_PER_PAGE", 1)
    meeting = held_meeting(world)
    services.attendance_record(meeting=meeting, rows=[
        services.AttendanceRow(body_id=world["ina"].pk, status="present"),
        services.AttendanceRow(body_id=world["miyoshi"].pk, status="absent")])
    client.force_login(world["secretariat"])
    url = reverse("meeting_detail", args=[meeting.pk])
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url)
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url + "?page=2")
    shown = [[record.body.name for record in page.context["attendance"]] for page in (first, second)]
    assert sorted(sum(shown, [])) == ["三芳町", "伊奈町"] and all(len(names) == 1 for names in shown)
    assert [count for _label, count in first.context["attendance_counts"]] == [1, 1]  # of all, not of the page
    assert "data-pager" in first.content.decode() and len(first_queries) == len(second_queries)
