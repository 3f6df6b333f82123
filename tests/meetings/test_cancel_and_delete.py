"""A meeting called off is cancelled (中止): kept on record, marked, out of the upcoming
lists and the calendars, and the members who had its notice are told; called off by
mistake, it is put back on until its day, and those told it was off are told it is on.
A meeting made by mistake, with nothing recorded and nobody told, is deleted — its
material files too."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from apps.accounts.models import Role
from apps.meetings import selectors, services
from apps.meetings.models import AgendaItem, Meeting
from apps.portal.selectors import council_attention
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 materials"


@pytest.fixture
def world():
    a, b = ConsortiumFactory(slug="a", name="埼玉"), ConsortiumFactory(slug="b", name="奈良")
    ina = member_of(a, name="伊奈町", mayor_email="mayor@ina.example")
    miyoshi = member_of(a, name="三芳町")
    member_of(b, name="香芝市", mayor_email="mayor@kashiba.example")
    meeting = services.meeting_save(consortium=a, title="第3回 協議会", kind=Meeting.Kind.COUNCIL,
                                    starts_at=timezone.now() + datetime.timedelta(days=7), venue="伊奈町役場")
    ina_staff = user_with_role(Role.STAFF, body=ina)
    ina_staff.email = "it@ina.example"
    ina_staff.save()
    return {"a": a, "b": b, "ina": ina, "miyoshi": miyoshi, "meeting": meeting, "ina_staff": ina_staff,
            "secretariat": user_with_role(Role.SECRETARIAT, consortium=a),
            "secretariat_b": user_with_role(Role.SECRETARIAT, consortium=b)}


def messages_of(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# Cancelling


def test_the_secretariat_cancels_a_meeting_not_yet_held_and_it_stays_listed_marked_cancelled(client, world):
    meeting = world["meeting"]
    client.force_login(world["secretariat"])
    response = client.post(reverse("meeting_cancel", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
    english(client)
    listing = client.get(reverse("meeting_list", args=["a"])).content.decode()
    assert "第3回 協議会" in listing and 'data-status="cancelled"' in listing and "Cancelled" in listing
    page = client.get(reverse("meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200 and 'data-status="cancelled"' in page.content.decode()


def test_a_cancelled_meeting_leaves_the_upcoming_lists_of_the_dashboard_and_the_towns_page(client, world):
    meeting, ina = world["meeting"], world["ina"]
    assert selectors.next_meeting(consortium=world["a"]) == meeting
    services.meeting_cancel(meeting=meeting, meeting_url="https://example.jp/m/", tell_members=False)
    assert selectors.next_meeting(consortium=world["a"]) is None
    assert council_attention(consortium=world["a"], today=timezone.localdate()).next_meeting is None
    assert selectors.upcoming_meetings_for_body(user=world["ina_staff"], body=ina) == []
    client.force_login(world["ina_staff"])
    assert "第3回 協議会" not in client.get(reverse("body_detail", args=[ina.code])).content.decode()


def test_the_calendar_feed_marks_a_cancelled_meeting_cancelled_so_calendars_remove_it(client, world):
    services.meeting_save(consortium=world["a"], title="第4回 協議会",
                          starts_at=timezone.now() + datetime.timedelta(days=30))
    services.meeting_cancel(meeting=world["meeting"], meeting_url="https://example.jp/m/", tell_members=False)
    client.force_login(world["ina_staff"])
    events = Calendar.from_ical(client.get(reverse("meetings_ics", args=["a"])).content).walk("VEVENT")
    by_uid = {str(event["UID"]): event for event in events}
    cancelled = by_uid[next(uid for uid in by_uid if uid.startswith(f"meeting-{world['meeting'].pk}@"))]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "第3回 協議会" in str(cancelled["SUMMARY"])
    [planned] = [event for uid, event in by_uid.items() if event is not cancelled]
    assert "STATUS" not in planned


def test_the_cancellation_is_in_the_audit_trail_with_who_did_it(client, world):
    meeting = world["meeting"]
    client.force_login(world["secretariat"])
    client.post(reverse("meeting_cancel", args=[meeting.pk]))
    entry = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world["secretariat"]
    assert entry.changes_dict["status"] == ["planned", "cancelled"]


def test_a_meeting_held_cannot_be_cancelled(client, world):
    held = services.meeting_save(consortium=world["a"], title="第2回 協議会", status=Meeting.Status.HELD,
                                 starts_at=timezone.now() - datetime.timedelta(days=7))
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=held, meeting_url="https://example.jp/m/", tell_members=False)
    client.force_login(world["secretariat"])
    english(client)
    response = client.post(reverse("meeting_cancel", args=[held.pk]))
    assert "not yet held" in messages_of(response)
    assert Meeting.objects.get(pk=held.pk).status == Meeting.Status.HELD


def test_a_cancelled_meeting_is_not_changed_back_by_editing_it_nor_cancelled_by_editing(world):
    meeting = world["meeting"]
    with pytest.raises(ValidationError):
        services.meeting_save(consortium=world["a"], meeting=meeting, status=Meeting.Status.CANCELLED)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED
    services.meeting_cancel(meeting=meeting, meeting_url="https://example.jp/m/", tell_members=False)
    meeting.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError, match="undo the cancellation on its page"):
        services.meeting_save(consortium=world["a"], meeting=meeting, status=Meeting.Status.PLANNED)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED


def test_cancelling_a_meeting_whose_notice_went_out_emails_the_same_members_in_japanese(client, world):
    meeting = world["meeting"]
    client.force_login(world["secretariat"])
    english(client)  # the secretariat reads the site in English; the members' letter is Japanese
    client.post(reverse("meeting_notify", args=[meeting.pk]))
    [notice] = mail.outbox
    response = client.post(reverse("meeting_cancel", args=[meeting.pk]), {"notify": "on"})
    [_notice, cancellation] = mail.outbox
    assert sorted(cancellation.bcc) == sorted(notice.bcc) == ["it@ina.example", "mayor@ina.example"]
    assert "中止" in cancellation.subject and "第3回 協議会" in cancellation.subject
    assert "中止" in cancellation.body and "Council" not in cancellation.body
    [(html, mimetype)] = cancellation.alternatives
    assert mimetype == "text/html" and "中止" in html and '<html lang="ja">' in html
    assert "2" in messages_of(response)  # how many addresses were told
    assert Meeting.objects.get(pk=meeting.pk).cancellation_sent_at is not None


def test_the_secretariat_may_cancel_without_emailing_and_send_the_cancellation_later(client, world):
    meeting = world["meeting"]
    services.meeting_notify(meeting=meeting, meeting_url="https://example.jp/m/")
    client.force_login(world["secretariat"])
    client.post(reverse("meeting_cancel", args=[meeting.pk]))  # the box left unticked
    assert len(mail.outbox) == 1 and Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("meeting_cancellation_notify", args=[meeting.pk]) in page
    client.post(reverse("meeting_cancellation_notify", args=[meeting.pk]))
    assert len(mail.outbox) == 2 and "中止" in mail.outbox[1].subject


def test_nobody_is_emailed_about_cancelling_a_meeting_they_were_never_told_of(client, world):
    meeting = world["meeting"]
    client.force_login(world["secretariat"])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert 'name="notify"' not in page  # nothing to offer: no notice went out
    client.post(reverse("meeting_cancel", args=[meeting.pk]), {"notify": "on"})
    assert mail.outbox == [] and Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED
    assert services.meeting_cancellation_notify(meeting=Meeting.objects.get(pk=meeting.pk),
                                                meeting_url="https://example.jp/m/").error
    assert mail.outbox == []


def test_only_the_councils_secretariat_cancels_or_deletes_a_meeting(client, world):
    meeting = world["meeting"]
    for user, status in ((world["ina_staff"], 403), (world["secretariat_b"], 404)):
        client.force_login(user)
        for name in ("meeting_cancel", "meeting_delete", "meeting_cancellation_notify"):
            assert client.post(reverse(name, args=[meeting.pk])).status_code == status
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED


# Undoing a cancellation


def cancelled(meeting, *, tell_members=False):
    services.meeting_cancel(meeting=meeting, meeting_url="https://example.jp/m/", tell_members=tell_members)
    return Meeting.objects.get(pk=meeting.pk)


def test_a_meeting_cancelled_by_mistake_is_planned_again_and_back_in_the_lists_and_the_calendar(client, world):
    meeting = cancelled(world["meeting"])
    client.force_login(world["secretariat"])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("meeting_restore", args=[meeting.pk]) in page
    response = client.post(reverse("meeting_restore", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED
    assert selectors.next_meeting(consortium=world["a"]) == meeting
    client.force_login(world["ina_staff"])
    [event] = Calendar.from_ical(client.get(reverse("meetings_ics", args=["a"])).content).walk("VEVENT")
    assert "STATUS" not in event and str(event["SUMMARY"]) == "第3回 協議会"


def test_undoing_a_cancellation_is_in_the_audit_trail_with_who_did_it(client, world):
    meeting = cancelled(world["meeting"])
    client.force_login(world["secretariat"])
    client.post(reverse("meeting_restore", args=[meeting.pk]))
    entry = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE).order_by("pk").last()
    assert entry.actor == world["secretariat"]
    assert entry.changes_dict["status"] == ["cancelled", "planned"]


def test_those_emailed_the_cancellation_are_emailed_in_japanese_that_the_meeting_is_on(client, world):
    meeting = world["meeting"]
    services.meeting_notify(meeting=meeting, meeting_url="https://example.jp/m/")
    meeting = cancelled(Meeting.objects.get(pk=meeting.pk), tell_members=True)
    [notice, cancellation] = mail.outbox
    client.force_login(world["secretariat"])
    english(client)
    response = client.post(reverse("meeting_restore", args=[meeting.pk]))
    [_notice, _cancellation, restored] = mail.outbox
    assert sorted(restored.bcc) == sorted(cancellation.bcc) == ["it@ina.example", "mayor@ina.example"]
    assert "中止の取消し" in restored.subject and "第3回 協議会" in restored.subject
    assert "予定どおり開催します" in restored.body and "Council" not in restored.body
    [(html, mimetype)] = restored.alternatives
    assert mimetype == "text/html" and '<html lang="ja">' in html and "伊奈町役場" in html
    assert "2 addresses" in messages_of(response)
    meeting.refresh_from_db()
    assert meeting.cancellation_sent_at is None and not meeting.changed_since_notice


def test_nobody_is_emailed_when_the_cancellation_itself_was_never_emailed(client, world):
    meeting = world["meeting"]
    services.meeting_notify(meeting=meeting, meeting_url="https://example.jp/m/")
    meeting = cancelled(Meeting.objects.get(pk=meeting.pk))  # the box left unticked: they still expect it
    client.force_login(world["secretariat"])
    client.post(reverse("meeting_restore", args=[meeting.pk]))
    assert len(mail.outbox) == 1 and Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED


def test_when_the_meeting_is_on_cannot_be_emailed_the_notice_is_asked_for_again(world, monkeypatch):
    meeting = world["meeting"]
    services.meeting_notify(meeting=meeting, meeting_url="https://example.jp/m/")
    meeting = cancelled(Meeting.objects.get(pk=meeting.pk), tell_members=True)
    def server_down(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", server_down)
    notice = services.meeting_restore(meeting=meeting, meeting_url="https://example.jp/m/")
    assert notice.error == "mail server down"
    assert Meeting.objects.get(pk=meeting.pk).changed_since_notice


def test_a_cancelled_meeting_whose_day_has_passed_stays_cancelled(client, world):
    meeting = world["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED,
                                                 starts_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(world["secretariat"])
    english(client)
    assert reverse("meeting_restore", args=[meeting.pk]) not in client.get(
        reverse("meeting_detail", args=[meeting.pk])).content.decode()
    response = client.post(reverse("meeting_restore", args=[meeting.pk]))
    assert "has passed" in messages_of(response) and "第3回 協議会" in messages_of(response)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED


def test_a_cancelled_meeting_is_restored_later_on_its_own_day(world):
    meeting = world["meeting"]
    earlier_today = max(timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0),
                        timezone.now() - datetime.timedelta(hours=1))
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, starts_at=earlier_today)
    services.meeting_restore(meeting=meeting, meeting_url="https://example.jp/m/")
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED


def test_a_second_click_restores_nothing_more_and_says_so(client, world):
    meeting = world["meeting"]
    services.meeting_notify(meeting=meeting, meeting_url="https://example.jp/m/")
    meeting = cancelled(Meeting.objects.get(pk=meeting.pk), tell_members=True)
    client.force_login(world["secretariat"])
    english(client)
    client.post(reverse("meeting_restore", args=[meeting.pk]))
    second = client.post(reverse("meeting_restore", args=[meeting.pk]))
    assert "not cancelled" in messages_of(second)
    assert len(mail.outbox) == 3  # notice, cancellation, one «it is on»
    entries = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE)
    assert [entry.changes_dict.get("status") for entry in entries].count(["cancelled", "planned"]) == 1


def test_only_the_councils_secretariat_undoes_a_cancellation(client, world):
    meeting = cancelled(world["meeting"])
    client.force_login(world["ina_staff"])
    assert reverse("meeting_restore", args=[meeting.pk]) not in client.get(
        reverse("meeting_detail", args=[meeting.pk])).content.decode()
    for user, status in ((world["ina_staff"], 403), (world["secretariat_b"], 404)):
        client.force_login(user)
        assert client.post(reverse("meeting_restore", args=[meeting.pk])).status_code == status
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CANCELLED


# Deleting


def _stored_files(meeting_id: int) -> list:
    folder = settings.MEDIA_ROOT / "meetings" / str(meeting_id)
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_a_meeting_made_by_mistake_is_deleted_with_its_material_files(
        client, world, django_capture_on_commit_callbacks):
    meeting = world["meeting"]
    for title in ("資料1", "資料2"):
        services.agenda_item_add(meeting=meeting, title=title, document=SimpleUploadedFile(f"{title}.pdf", PDF))
    assert len(_stored_files(meeting.pk)) == 2
    client.force_login(world["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meeting_delete", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("meeting_list", args=["a"])
    assert not Meeting.objects.filter(pk=meeting.pk).exists() and not AgendaItem.objects.exists()
    assert _stored_files(meeting.pk) == []
    assert not (settings.MEDIA_ROOT / "meetings" / str(meeting.pk)).exists()
    entry = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_repr="第3回 協議会").get()
    assert entry.actor == world["secretariat"] and f"|{world['a'].pk}|" in entry.additional_data["consortia"]
    agenda = LogEntry.objects.filter(action=LogEntry.Action.DELETE, content_type__model="agendaitem")
    assert sorted(agenda.values_list("object_repr", flat=True)) == ["1. 資料1", "2. 資料2"]
    assert all(f"|{world['a'].pk}|" in item.additional_data["consortia"] for item in agenda)
    assert "第3回 協議会" in client.get(reverse("audit_trail")).content.decode()


@pytest.mark.parametrize("record", ["attendance", "decision", "minutes", "action"])
def test_a_meeting_with_a_record_is_not_deleted_and_the_secretariat_is_told_to_cancel_it(
        client, world, record, django_capture_on_commit_callbacks):
    meeting = world["meeting"]
    if record in ("attendance", "decision"):  # recorded only once the meeting has begun
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
        meeting.refresh_from_db()
    services.agenda_item_add(meeting=meeting, title="資料1", document=SimpleUploadedFile("資料1.pdf", PDF))
    if record == "attendance":
        services.attendance_record(meeting=meeting, rows=[services.AttendanceRow(body_id=world["ina"].pk,
                                                                                 status="present")])
    elif record == "decision":
        services.decision_record(meeting=meeting, text="按分案を了承する", outcome="agreed", positions={})
    elif record == "minutes":
        Meeting.objects.filter(pk=meeting.pk).update(minutes="冒頭、事務局から説明があった。")
    else:
        services.action_add(meeting=meeting, text="回答を提出", owner=world["ina"])
    client.force_login(world["secretariat"])
    english(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meeting_delete", args=[meeting.pk]))
    assert response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    assert "Cancel it instead" in messages_of(response)
    assert Meeting.objects.filter(pk=meeting.pk).exists() and len(_stored_files(meeting.pk)) == 1


def test_a_meeting_held_cancelled_or_already_announced_is_not_deleted(world):
    held = services.meeting_save(consortium=world["a"], title="第2回 協議会", status=Meeting.Status.HELD,
                                 starts_at=timezone.now() - datetime.timedelta(days=7))
    announced = services.meeting_save(consortium=world["a"], title="第4回 協議会",
                                      starts_at=timezone.now() + datetime.timedelta(days=30))
    services.meeting_notify(meeting=announced, meeting_url="https://example.jp/m/")
    cancelled = world["meeting"]
    services.meeting_cancel(meeting=cancelled, meeting_url="https://example.jp/m/", tell_members=False)
    for meeting, why in ((held, "“Held” and stays on record"), (cancelled, "“Cancelled” and stays on record"),
                         (announced, "has gone out to the members, so it is not deleted. Cancel it instead")):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            services.meeting_delete(meeting=Meeting.objects.get(pk=meeting.pk))
        assert why in refusal.value.messages[0]
    assert Meeting.objects.filter(pk__in=[held.pk, announced.pk, cancelled.pk]).count() == 3
