"""Correcting a meeting's record: the secretariat fixes or removes an agenda item, a
decision (with the members' positions) or an action item, until the minutes are
approved. From then on the record stays as approved."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.meetings import services
from apps.meetings.models import ActionItem, AgendaItem, Decision, Meeting, Position
from apps.members.models import ParticipationStatus
from apps.members.services import participation_set_status
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 materials"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a, b = ConsortiumFactory(slug="a", name="埼玉"), ConsortiumFactory(slug="b", name="奈良")
    ina, miyoshi, ogose = (member_of(a, name=name) for name in ("伊奈町", "三芳町", "越生町"))
    kashiba = member_of(b, name="香芝市")
    meeting = services.meeting_save(consortium=a, title="第3回 協議会", kind=Meeting.Kind.COUNCIL,
                                    starts_at=timezone.now() - datetime.timedelta(days=1),
                                    status=Meeting.Status.HELD)
    agenda = [services.agenda_item_add(meeting=meeting, title=title) for title in ("経費調査", "按分案", "協定書")]
    decision = services.decision_record(meeting=meeting, text="按分案（3:7）を了承する", outcome="agreed",
                                        positions={ina.pk: "agree", miyoshi.pk: "agree", ogose.pk: "abstain"})
    action = services.action_add(meeting=meeting, text="回答を提出", owner=ina,
                                 due_on=timezone.localdate() + datetime.timedelta(days=30))
    return {"a": a, "ina": ina, "miyoshi": miyoshi, "ogose": ogose, "kashiba": kashiba, "meeting": meeting,
            "agenda": agenda, "decision": decision, "action": action,
            "secretariat": user_with_role(Role.SECRETARIAT, consortium=a),
            "secretariat_b": user_with_role(Role.SECRETARIAT, consortium=b),
            "ina_staff": user_with_role(Role.STAFF, body=ina)}


def agenda_of(meeting):
    return list(meeting.agenda.order_by("number").values_list("number", "title"))


def test_an_agenda_item_is_corrected_and_its_document_replaced_then_the_old_file_is_gone(
        client, world, django_capture_on_commit_callbacks):
    item = world["agenda"][1]
    services.agenda_item_change(item=item, title="按分案", document=SimpleUploadedFile("誤った資料.pdf", PDF))
    wrong = AgendaItem.objects.get(pk=item.pk).document.name
    assert default_storage.exists(wrong)
    client.force_login(world["secretariat"])
    assert "誤った資料.pdf" in client.get(reverse("agenda_edit", args=[item.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("agenda_edit", args=[item.pk]), {
            "title": "経費按分案について", "presenter": "事務局", "document": SimpleUploadedFile("資料2.pdf", PDF)})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.presenter, item.document_name) == ("経費按分案について", "事務局", "資料2.pdf")
    assert not default_storage.exists(wrong) and default_storage.exists(item.document.name)


def test_an_attached_document_can_be_removed(client, world, django_capture_on_commit_callbacks):
    item = services.agenda_item_change(item=world["agenda"][0], title="経費調査",
                                       document=SimpleUploadedFile("資料1.pdf", PDF))
    name = item.document.name
    client.force_login(world["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agenda_edit", args=[item.pk]), {"title": "経費調査", "remove_document": "on"})
    item.refresh_from_db()
    assert not item.document and not default_storage.exists(name)


def test_a_wrong_file_type_leaves_the_item_and_its_document_as_they_were(client, world):
    item = services.agenda_item_change(item=world["agenda"][0], title="経費調査",
                                       document=SimpleUploadedFile("資料1.pdf", PDF))
    client.force_login(world["secretariat"])
    response = client.post(reverse("agenda_edit", args=[item.pk]), {
        "title": "変更後", "document": SimpleUploadedFile("virus.exe", b"MZ")})
    assert response.status_code == 200 and "virus.exe" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "経費調査" and item.document_name == "資料1.pdf" and default_storage.exists(item.document.name)


def test_removing_an_agenda_item_moves_the_later_ones_up(client, world):
    client.force_login(world["secretariat"])
    client.post(reverse("agenda_delete", args=[world["agenda"][0].pk]))
    assert agenda_of(world["meeting"]) == [(1, "按分案"), (2, "協定書")]
    services.agenda_item_add(meeting=world["meeting"], title="その他")
    assert agenda_of(world["meeting"])[-1] == (3, "その他")


def test_an_agenda_item_moves_up_and_the_first_stays_first(client, world):
    client.force_login(world["secretariat"])
    client.post(reverse("agenda_move_up", args=[world["agenda"][2].pk]))
    assert agenda_of(world["meeting"]) == [(1, "経費調査"), (2, "協定書"), (3, "按分案")]
    client.post(reverse("agenda_move_up", args=[world["agenda"][0].pk]))
    assert agenda_of(world["meeting"]) == [(1, "経費調査"), (2, "協定書"), (3, "按分案")]


def test_a_decision_and_the_members_positions_are_corrected_each_change_audited(client, world):
    decision, ina, miyoshi, ogose = world["decision"], world["ina"], world["miyoshi"], world["ogose"]
    client.force_login(world["secretariat"])
    page = client.get(reverse("decision_edit", args=[decision.pk])).content.decode()
    assert "按分案（3:7）を了承する" in page
    assert f'<option value="abstain" selected>' in page.split(f'name="stance_{ogose.pk}"')[1].split("</select>")[0]
    response = client.post(reverse("decision_edit", args=[decision.pk]), {
        "text": "按分案（均等割3：人口割7）を了承する", "outcome": "agreed",
        f"stance_{ina.pk}": "agree", f"stance_{miyoshi.pk}": "", f"stance_{ogose.pk}": "agree"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.text == "按分案（均等割3：人口割7）を了承する"
    assert dict(decision.positions.values_list("body__name", "stance")) == {"伊奈町": "agree", "越生町": "agree"}
    position_changes = LogEntry.objects.get_for_model(Position).values_list("action", flat=True)
    assert sorted(position_changes) == sorted([LogEntry.Action.CREATE] * 3 + [LogEntry.Action.UPDATE,
                                                                              LogEntry.Action.DELETE])


def test_a_decision_is_removed_with_its_positions(client, world):
    client.force_login(world["secretariat"])
    client.post(reverse("decision_delete", args=[world["decision"].pk]))
    assert not Decision.objects.exists() and not Position.objects.exists()
    assert LogEntry.objects.get_for_model(Position).filter(action=LogEntry.Action.DELETE).count() == 3


def test_a_position_for_a_body_outside_the_consortium_is_refused_and_nothing_changes(world):
    decision = world["decision"]
    with pytest.raises(ValidationError, match="香芝市"):
        services.decision_change(decision=decision, text="別の文", outcome="deferred",
                                 positions={world["kashiba"].pk: "agree"})
    decision.refresh_from_db()
    assert decision.text == "按分案（3:7）を了承する" and decision.positions.count() == 3


def test_an_action_item_is_corrected_and_removed(client, world):
    action = world["action"]
    client.force_login(world["secretariat"])
    due = timezone.localdate() + datetime.timedelta(days=40)
    client.post(reverse("action_edit", args=[action.pk]), {
        "text": "現行経費の回答を提出", "owner": world["miyoshi"].pk, "due_on": due.isoformat()})
    action.refresh_from_db()
    assert (action.text, action.owner, action.due_on) == ("現行経費の回答を提出", world["miyoshi"], due)
    refused = client.post(reverse("action_edit", args=[action.pk]), {"text": "x", "owner": world["kashiba"].pk})
    assert refused.status_code == 200 and ActionItem.objects.get().text == "現行経費の回答を提出"
    client.post(reverse("action_delete", args=[action.pk]))
    assert not ActionItem.objects.exists()


def test_once_the_minutes_are_approved_the_record_stays_as_approved(client, world):
    meeting, item, decision, action = world["meeting"], world["agenda"][0], world["decision"], world["action"]
    services.attendance_record(meeting=meeting, rows=[
        services.AttendanceRow(body_id=world["ina"].pk, status="proxy")])
    services.meeting_save(consortium=world["a"], meeting=meeting, minutes="按分案を了承した。",
                          status=Meeting.Status.MINUTES_APPROVED)
    refusals = [
        lambda: services.agenda_item_add(meeting=meeting, title="追加"),
        lambda: services.agenda_item_change(item=item, title="変更"),
        lambda: services.agenda_item_delete(item=item),
        lambda: services.agenda_item_move_up(item=world["agenda"][1]),
        lambda: services.attendance_record(meeting=meeting, rows=[
            services.AttendanceRow(body_id=world["ina"].pk, status="present")]),
        lambda: services.decision_record(meeting=meeting, text="追加", outcome="agreed", positions={}),
        lambda: services.decision_change(decision=decision, text="変更", outcome="agreed", positions={}),
        lambda: services.decision_delete(decision=decision),
        lambda: services.action_add(meeting=meeting, text="追加"),
        lambda: services.action_change(action=action, text="変更"),
        lambda: services.action_delete(action=action),
    ]
    for refusal in refusals:
        with pytest.raises(ValidationError, match="approved|確定"):
            refusal()
    assert agenda_of(meeting) == [(1, "経費調査"), (2, "按分案"), (3, "協定書")]
    assert Decision.objects.get().text == "按分案（3:7）を了承する" and Position.objects.count() == 3
    assert ActionItem.objects.get().text == "回答を提出"
    assert list(meeting.attendance.values_list("body__name", "status")) == [("伊奈町", "proxy")]

    client.force_login(world["secretariat"])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "議事録が確定しています" in page
    for name, pk in (("agenda_edit", item.pk), ("decision_edit", decision.pk), ("action_edit", action.pk),
                     ("agenda_add", meeting.pk), ("attendance_edit", meeting.pk)):
        assert reverse(name, args=[pk]) not in page
    response = client.post(reverse("decision_delete", args=[decision.pk]), follow=True)
    assert "議事録が確定しているため" in response.content.decode() and Decision.objects.exists()
    form = client.post(reverse("action_edit", args=[action.pk]), {"text": "変更"})
    assert form.status_code == 200 and "議事録が確定しているため" in form.content.decode()

    # An action is still ticked off after the meeting; and setting the meeting back to
    # "held" opens its record to corrections again.
    client.post(reverse("action_done", args=[action.pk]))
    assert ActionItem.objects.get().is_done
    services.meeting_save(consortium=world["a"], meeting=meeting, status=Meeting.Status.HELD)
    services.decision_delete(decision=decision)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("name", ["agenda_delete", "agenda_move_up", "decision_delete", "action_delete"])
def test_only_the_meetings_own_secretariat_may_correct_it(client, world, name):
    part = {"agenda": world["agenda"][1], "decision": world["decision"], "action": world["action"]}[name.split("_")[0]]
    for user, status in ((world["ina_staff"], 403), (world["secretariat_b"], 404)):
        client.force_login(user)
        assert client.post(reverse(name, args=[part.pk])).status_code == status
    assert agenda_of(world["meeting"]) == [(1, "経費調査"), (2, "按分案"), (3, "協定書")]
    assert Decision.objects.exists() and ActionItem.objects.exists()


def test_the_meeting_page_offers_the_corrections_to_its_secretariat_only(client, world):
    meeting = world["meeting"]
    links = [reverse("agenda_edit", args=[world["agenda"][0].pk]), reverse("decision_edit", args=[world["decision"].pk]),
             reverse("action_edit", args=[world["action"].pk])]
    client.force_login(world["secretariat"])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert all(link in page for link in links)
    client.force_login(world["ina_staff"])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert not any(link in page for link in links)


def test_a_material_keeps_the_name_it_was_uploaded_with_even_when_the_name_is_taken(world):
    first = services.agenda_item_change(item=world["agenda"][0], title="経費調査",
                                        document=SimpleUploadedFile("資料1.pdf", PDF))
    second = services.agenda_item_change(item=world["agenda"][1], title="按分案",
                                         document=SimpleUploadedFile("資料1.pdf", PDF))
    replaced = services.agenda_item_change(item=first, title="経費調査", document=SimpleUploadedFile("資料1.pdf", PDF))
    assert [item.document_name for item in (first, second, replaced)] == ["資料1.pdf"] * 3
    assert len({second.document.name, replaced.document.name}) == 2


def test_a_member_that_withdrew_since_keeps_its_attendance_and_position_when_the_record_is_corrected(client, world):
    meeting, ogose = world["meeting"], world["ogose"]
    services.attendance_record(meeting=meeting, rows=[
        services.AttendanceRow(body_id=body.pk, status="present") for body in (world["ina"], world["miyoshi"], ogose)])
    participation_set_status(participation=ogose.participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=timezone.localdate())
    client.force_login(world["secretariat"])
    # Still offered, with what it recorded: it was a member on the day of the meeting.
    page = client.get(reverse("decision_edit", args=[world["decision"].pk])).content.decode()
    assert '<option value="abstain" selected>' in page.split(f'name="stance_{ogose.pk}"')[1].split("</select>")[0]
    page = client.get(reverse("attendance_edit", args=[meeting.pk])).content.decode()
    assert '<option value="present" selected>' in page.split(f'name="status_{ogose.pk}"')[1].split("</select>")[0]
    client.post(reverse("decision_edit", args=[world["decision"].pk]), {
        "text": "按分案を了承する", "outcome": "agreed", f"stance_{world['ina'].pk}": "agree",
        f"stance_{world['miyoshi'].pk}": "", f"stance_{ogose.pk}": "abstain"})
    client.post(reverse("attendance_edit", args=[meeting.pk]), {
        f"status_{world['ina'].pk}": "proxy", f"status_{world['miyoshi'].pk}": "", f"status_{ogose.pk}": "present"})
    assert dict(world["decision"].positions.values_list("body__name", "stance")) == {"伊奈町": "agree",
                                                                                    "越生町": "abstain"}
    assert dict(meeting.attendance.values_list("body__name", "status")) == {"伊奈町": "proxy", "越生町": "present"}


def test_approved_minutes_are_not_rewritten_unless_the_meeting_is_set_back_to_held(client, world):
    meeting = world["meeting"]
    services.attendance_record(meeting=meeting, rows=[
        services.AttendanceRow(body_id=world["ina"].pk, status="present")])
    services.meeting_save(consortium=world["a"], meeting=meeting, minutes="按分案を了承した。",
                          status=Meeting.Status.MINUTES_APPROVED)
    client.force_login(world["secretariat"])
    form = {"kind": "council", "title": meeting.title, "starts_at": timezone.localtime(meeting.starts_at)
            .strftime("%Y-%m-%dT%H:%M"), "status": "minutes_approved", "minutes": "書き換えた議事録"}
    refused = client.post(reverse("meeting_edit", args=[meeting.pk]), form)
    assert refused.status_code == 200 and "開催済み" in refused.content.decode()
    assert Meeting.objects.get().minutes == "按分案を了承した。"
    assert client.post(reverse("meeting_edit", args=[meeting.pk]), {**form, "status": "held"}).status_code == 302
    assert Meeting.objects.get().minutes == "書き換えた議事録"


def test_minutes_are_approved_only_of_a_meeting_marked_held(client, world):
    planned = services.meeting_save(consortium=world["a"], title="第4回 協議会",
                                    starts_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(world["secretariat"])
    services.attendance_record(meeting=planned, rows=[
        services.AttendanceRow(body_id=world["ina"].pk, status="present")])
    form = {"kind": "council", "title": planned.title, "status": "minutes_approved", "minutes": "按分案を了承した。",
            "starts_at": timezone.localtime(planned.starts_at).strftime("%Y-%m-%dT%H:%M")}
    refused = client.post(reverse("meeting_edit", args=[planned.pk]), form)
    assert refused.status_code == 200 and "開催済み" in refused.content.decode()
    planned.refresh_from_db()
    assert planned.status == Meeting.Status.PLANNED
    with pytest.raises(ValidationError, match="status"):
        services.meeting_save(consortium=world["a"], title="第5回 協議会", status=Meeting.Status.MINUTES_APPROVED,
                              starts_at=timezone.now() - datetime.timedelta(days=1))
    assert client.post(reverse("meeting_edit", args=[planned.pk]), {**form, "status": "held"}).status_code == 302
    assert client.post(reverse("meeting_edit", args=[planned.pk]), form).status_code == 302
    planned.refresh_from_db()
    assert planned.status == Meeting.Status.MINUTES_APPROVED


def test_a_meeting_ahead_cannot_be_held_or_its_minutes_approved(world):
    for status in (Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED):
        with pytest.raises(ValidationError, match="status"):
            services.meeting_save(consortium=world["a"], title="第9回", status=status,
                                  starts_at=timezone.now() + datetime.timedelta(days=3))
    assert not Meeting.objects.filter(title="第9回").exists()


def test_agreed_over_an_objection_is_saved_but_questioned(client, world):
    meeting, ina, miyoshi = world["meeting"], world["ina"], world["miyoshi"]
    client.force_login(world["secretariat"])
    response = client.post(reverse("decision_add", args=[meeting.pk]), {
        "text": "稼働時期を了承する", "outcome": "agreed", f"stance_{ina.pk}": "agree",
        f"stance_{miyoshi.pk}": "object"}, follow=True)
    assert meeting.decisions.filter(text="稼働時期を了承する").exists()
    assert "三芳町" in response.content.decode() and "反対" in response.content.decode()
    quiet = client.post(reverse("decision_add", args=[meeting.pk]), {
        "text": "次回日程を了承する", "outcome": "agreed", f"stance_{ina.pk}": "agree"}, follow=True)
    assert "にもかかわらず" not in quiet.content.decode()


def test_the_notice_goes_out_only_for_a_meeting_still_ahead(client, world):
    held = world["meeting"]  # held yesterday
    client.force_login(world["secretariat"])
    page = client.get(reverse("meeting_detail", args=[held.pk])).content.decode()
    assert reverse("meeting_notify", args=[held.pk]) not in page
    response = client.post(reverse("meeting_notify", args=[held.pk]), follow=True)
    assert "開催前" in response.content.decode() and not mail.outbox
    assert Meeting.objects.get(pk=held.pk).notified_at is None
