"""Writes for meetings. Each validates before it saves, and a set of rows (attendance,
positions) is written whole or not at all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.mail import japanese_message
from apps.meetings.models import ActionItem, AgendaItem, Attendance, Decision, Meeting, Position
from apps.meetings.selectors import meeting_members, notice_recipients
from apps.members.models import Consortium, MemberBody

MATERIAL_TYPES = {".pdf", ".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt", ".csv", ".txt", ".zip"}


def meeting_save(*, consortium: Consortium, meeting: Meeting | None = None, **fields) -> Meeting:
    meeting = meeting or Meeting(consortium=consortium)
    for name, value in fields.items():
        setattr(meeting, name, value)
    if meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": _("A meeting must end after it starts.")})
    meeting.full_clean()
    meeting.save()
    return meeting


def material_check(document: UploadedFile | None) -> None:
    """Meeting materials: office documents and PDFs of a sensible size, nothing else."""
    if not document:
        return
    suffix = "." + document.name.rsplit(".", 1)[-1].lower() if "." in document.name else ""
    if suffix not in MATERIAL_TYPES:
        raise ValidationError({"document": _("%(name)s: only %(types)s files can be attached.") % {
            "name": document.name, "types": ", ".join(sorted(MATERIAL_TYPES))}})
    if document.size > settings.MEETING_MATERIAL_MAX_BYTES:
        raise ValidationError({"document": _("%(name)s is larger than %(limit)d MB.") % {
            "name": document.name, "limit": settings.MEETING_MATERIAL_MAX_BYTES // (1024 * 1024)}})


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, title: str, presenter: str = "",
                    document: UploadedFile | None = None) -> AgendaItem:
    material_check(document)
    last = Meeting.objects.select_for_update().filter(pk=meeting.pk).aggregate(n=Max("agenda__number"))["n"]
    item = AgendaItem(meeting=meeting, number=(last or 0) + 1, title=title, presenter=presenter)
    if document:
        item.document.save(document.name, document, save=False)
    item.save()
    return item


def _members_only(meeting: Meeting, body_ids) -> None:
    allowed = {body.pk for body in meeting_members(meeting=meeting)}
    strangers = sorted(set(body_ids) - allowed)
    if strangers:
        names = ", ".join(MemberBody.objects.filter(pk__in=strangers).values_list("name", flat=True))
        raise ValidationError(_("Not members of this consortium: %(names)s") % {"names": names})


@dataclass(frozen=True)
class AttendanceRow:
    body_id: int
    status: str        # "" = not recorded
    attendees: str = ""


@transaction.atomic
def attendance_record(*, meeting: Meeting, rows: list[AttendanceRow]) -> int:
    """Replace the meeting's attendance with ``rows`` (blank status rows are dropped)."""
    _members_only(meeting, [row.body_id for row in rows])
    kept = [row for row in rows if row.status]
    Attendance.objects.filter(meeting=meeting).exclude(body_id__in=[row.body_id for row in kept]).delete()
    for row in kept:
        Attendance.objects.update_or_create(meeting=meeting, body_id=row.body_id,
                                            defaults={"status": row.status, "attendees": row.attendees})
    return len(kept)


@transaction.atomic
def decision_record(*, meeting: Meeting, text: str, outcome: str, positions: dict[int, str]) -> Decision:
    """A decision with each member body's position (bodies without one are left out)."""
    _members_only(meeting, positions)
    decision = Decision(meeting=meeting, text=text, outcome=outcome)
    decision.full_clean()
    decision.save()
    for body_id, stance in positions.items():
        if stance:
            Position.objects.create(decision=decision, body_id=body_id, stance=stance)
    return decision


def action_add(*, meeting: Meeting, text: str, owner: MemberBody | None = None,
               due_on: datetime.date | None = None) -> ActionItem:
    if owner is not None:
        _members_only(meeting, [owner.pk])
    action = ActionItem(meeting=meeting, text=text, owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    return action


def action_complete(*, action: ActionItem, on: datetime.date | None = None) -> ActionItem:
    if not action.is_done:
        action.done_on = on or timezone.localdate()
        action.save(update_fields=["done_on"])
    return action


@dataclass(frozen=True)
class Notice:
    sent: int
    error: str = ""


def meeting_notify(*, meeting: Meeting, meeting_url: str) -> Notice:
    """E-mail the notice of a meeting to its members' mayors and users (one message,
    recipients in Bcc so no town sees another's addresses)."""
    recipients = notice_recipients(meeting=meeting)
    if not recipients:
        return Notice(sent=0, error=_("No member has an e-mail address."))
    context = {"meeting": meeting, "meeting_url": meeting_url, "agenda": list(meeting.agenda.all())}
    message = japanese_message("meeting_notice", context, html=True, to=[settings.DEFAULT_FROM_EMAIL], bcc=recipients)
    try:
        message.send()
    except OSError as error:
        return Notice(sent=0, error=str(error))
    Meeting.objects.filter(pk=meeting.pk).update(notified_at=timezone.now())
    return Notice(sent=len(recipients))
