"""Writes for meetings. Each validates before it saves, and a set of rows (attendance,
positions) is written whole or not at all.

Once a meeting's minutes are approved, its record — agenda, attendance, decisions with
each member's position, action items — is what the council approved, and stays as it is
(ticking an action off excepted: that happens after the meeting). To correct it, the
secretariat sets the meeting back to "held" first, which the audit trail records.
"""

from __future__ import annotations

import codecs
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from apps.core.formatting import names_joined
from apps.core.mail import japanese_message
from apps.meetings.models import ActionItem, AgendaItem, Attendance, Decision, Meeting, Position, material_folder
from apps.meetings.selectors import meeting_members, notice_recipients
from apps.members.models import Consortium, MemberBody

MATERIAL_TYPES = {".pdf", ".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt", ".csv", ".txt", ".zip"}

# How each type's content begins: every member downloads a material as what its name says.
PDF_SIGNATURE, ZIP_SIGNATURE, OLE2_SIGNATURE = b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MATERIAL_SIGNATURES = {".pdf": PDF_SIGNATURE, ".docx": ZIP_SIGNATURE, ".xlsx": ZIP_SIGNATURE, ".pptx": ZIP_SIGNATURE,
                       ".zip": ZIP_SIGNATURE, ".doc": OLE2_SIGNATURE, ".xls": OLE2_SIGNATURE, ".ppt": OLE2_SIGNATURE}
TEXT_ENCODINGS = ("utf-8-sig", "cp932")  # what Japanese offices save CSV and text in
# A meeting's minutes run to a few thousand characters; a paste of 2,000,000 went into the
# page, the PDF and the audit trail whole. A longer record belongs in an agenda document.
MINUTES_MAX_CHARS = 100_000
# What the notice tells the members: a change to any of them after it went out is news to them.
NOTICE_FIELDS = ("starts_at", "ends_at", "venue", "online_url")

logger = logging.getLogger(__name__)


def _content_matches(document: UploadedFile, suffix: str) -> bool:
    document.seek(0)
    try:
        if suffix in MATERIAL_SIGNATURES:
            return document.read(len(MATERIAL_SIGNATURES[suffix])) == MATERIAL_SIGNATURES[suffix]
        content = document.read()
        if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's «Unicode»
            encodings = ("utf-16",)
        elif b"\x00" in content:  # a binary file named .txt
            return False
        else:
            encodings = TEXT_ENCODINGS
        for encoding in encodings:
            try:
                content.decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
        return False
    finally:
        document.seek(0)


def _refuse_cancelling_by_a_change(stored: Meeting | None, meeting: Meeting) -> None:
    """A meeting is called off by ``meeting_cancel``, which can tell the members; once
    called off it stays as it was, the record of a meeting that did not take place,
    unless ``meeting_restore`` puts it back on, which tells those told it was off."""
    cancelled = Meeting.Status.CANCELLED
    if stored and stored.status == cancelled:
        raise ValidationError(_("This meeting was cancelled and stays as it was. If it is to be held after all, "
                                "undo the cancellation on its page (possible until its day), or make a new "
                                "meeting."))
    if meeting.status == cancelled:
        raise ValidationError({"status": _("Cancel a meeting with its “Cancel the meeting” button, which can "
                                           "tell the members.")})


def meeting_save(*, consortium: Consortium, meeting: Meeting | None = None, **fields) -> Meeting:
    """Create or change a meeting. Approved minutes stay as approved: changing anything
    while the status stays «minutes approved» is refused (set it back to «held» in the
    same save to correct them, which the audit trail records). Every problem of the save
    is reported at once, each under its field, and nothing is saved."""
    meeting = meeting or Meeting(consortium=consortium)
    stored = Meeting.objects.filter(pk=meeting.pk).first() if meeting.pk else None
    for name, value in fields.items():
        setattr(meeting, name, value)
    _refuse_cancelling_by_a_change(stored, meeting)
    problems: dict[str, list[str]] = {}
    try:
        meeting.full_clean()
    except ValidationError as error:
        problems = {field: list(texts) for field, texts in error.message_dict.items()}
    for field, text in _meeting_problems(meeting=meeting, stored=stored, changed=list(fields)):
        problems.setdefault(field, []).append(text)
    if problems:
        raise ValidationError(problems)
    if stored and stored.notified_at and any(getattr(stored, name) != getattr(meeting, name)
                                             for name in NOTICE_FIELDS):
        meeting.changed_since_notice = True
    meeting.save()
    return meeting


def _meeting_problems(*, meeting: Meeting, stored: Meeting | None, changed: list[str]):
    """(field, message) for each rule of a meeting the save would break."""
    approved = Meeting.Status.MINUTES_APPROVED
    if stored and stored.status == approved and meeting.status == approved and any(
            getattr(stored, name) != getattr(meeting, name) for name in changed):
        yield "status", _("The minutes are approved and stay as approved. To correct the meeting, set its status "
                          "back to “Held” as you save the correction.")
    # Minutes are approved at a later meeting, of a record written after this one was
    # held: a meeting still «planned» (or new) has no record to approve yet.
    if meeting.status == approved and (stored is None or stored.status == Meeting.Status.PLANNED):
        yield "status", _("Mark the meeting “Held” and write up its record first: minutes can be approved only "
                          "once the meeting has been held.")
    if len(meeting.minutes) > MINUTES_MAX_CHARS:
        yield "minutes", _("The minutes are %(length)s characters long: at most %(limit)s fit. Attach a longer "
                           "record to an agenda item as a document.") % {
            "length": number_format(len(meeting.minutes), force_grouping=True),
            "limit": number_format(MINUTES_MAX_CHARS, force_grouping=True)}
    # What the council approves is a written record of who was there: approving none
    # closed an empty record for good (議事録確定 with no minutes and no attendance).
    if meeting.status == approved and (stored is None or stored.status != approved):
        if not meeting.minutes.strip():
            yield "minutes", _("The minutes are empty: write them before they are approved.")
        if stored is None or not Attendance.objects.filter(meeting_id=stored.pk).exists():
            yield "status", _("No attendance is recorded: record who attended before the minutes are approved.")
    starts, ends = meeting.starts_at, meeting.ends_at
    if isinstance(starts, datetime.datetime):  # else full_clean has said what is wrong with it
        if meeting.status != Meeting.Status.PLANNED and starts > timezone.now():
            yield "status", _("The meeting has not started yet: it can be held, and its minutes approved, only "
                              "once it has.")
        if isinstance(ends, datetime.datetime) and ends <= starts:
            yield "ends_at", _("A meeting must end after it starts.")
        # Its attendance and decisions say the meeting took place (apps.meetings.services
        # records them only once it has begun): members would read 決定事項 of a meeting ahead.
        if stored and starts != stored.starts_at and starts > timezone.now() and (
                Attendance.objects.filter(meeting_id=stored.pk).exists()
                or Decision.objects.filter(meeting_id=stored.pk).exists()):
            yield "starts_at", _("Attendance or decisions are recorded for this meeting, so it has taken place: it "
                                 "cannot be moved to a time still ahead.")
        if stored and starts != stored.starts_at:
            late = _actions_due_before(stored.pk, timezone.localdate(starts))
            if late:
                # Refused, not carried along: a due date is what the owner town was told it
                # owes, and by how much each should move only the secretariat knows.
                yield "starts_at", _("Open action items of this meeting are due before its new date (%(date)s): "
                                     "%(actions)s. Correct their due dates first, or keep the meeting's date.") % {
                    "date": date_format(timezone.localdate(starts)), "actions": names_joined(late)}


def _actions_due_before(meeting_id: int, day: datetime.date) -> list[str]:
    """The meeting's open actions due before ``day``, each named with its due date."""
    due = (ActionItem.objects.filter(meeting_id=meeting_id, done_on__isnull=True, due_on__lt=day)
           .order_by("due_on", "id"))
    return [_("“%(action)s” (due %(due)s)") % {"action": action.text, "due": date_format(action.due_on)}
            for action in due]


def _require_open_record(meeting: Meeting | int) -> None:
    meeting_id = meeting if isinstance(meeting, int) else meeting.pk
    # Read from the database, not from the object: the page that posted may be stale.
    if Meeting.objects.filter(pk=meeting_id, status=Meeting.Status.MINUTES_APPROVED).exists():
        raise ValidationError(_("The minutes of this meeting are approved, so its record can no longer change. "
                                "To correct it, set the meeting's status back to “Held” first."))


def _require_started(meeting: Meeting | int) -> None:
    """Attendance and decisions are what happened: not of a meeting still ahead. One
    whose time has come is recorded while still «planned» — the secretariat takes the
    attendance on the day and marks the meeting held afterwards."""
    meeting_id = meeting if isinstance(meeting, int) else meeting.pk
    # Read from the database: the meeting may have been moved since the page was read.
    if Meeting.objects.filter(pk=meeting_id, starts_at__gt=timezone.now()).exists():
        raise ValidationError(_("This meeting has not started yet: its attendance and decisions are recorded once "
                                "it has taken place."))


def _positions_of_absent_refused(meeting_id: int, positions: dict[int, str]) -> None:
    """A body recorded absent took no position: the council records no written opinion,
    so a position beside «absent» is a slip of one menu or the other."""
    taking = [body_id for body_id, stance in positions.items() if stance]
    absent = list(Attendance.objects.filter(meeting_id=meeting_id, body_id__in=taking,
                                            status=Attendance.Status.ABSENT)
                  .order_by("body__code").values_list("body__name", flat=True))
    if absent:
        raise ValidationError(_("Recorded as absent from this meeting, so without a position: %(names)s. Correct "
                                "the attendance first if they took part.") % {"names": names_joined(absent)})


def _delete_file_after_commit(field_file) -> None:
    """A material removed or replaced goes from the storage too — it may be the wrong
    file, uploaded by mistake — but only once the change is committed."""
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


def material_check(document: UploadedFile | None) -> None:
    """Meeting materials: office documents and PDFs of a sensible size, nothing else, and
    each one what its name says it is (its content's signature, or text for .csv/.txt)."""
    if not document:
        return
    suffix = "." + document.name.rsplit(".", 1)[-1].lower() if "." in document.name else ""
    if suffix not in MATERIAL_TYPES:
        raise ValidationError({"document": _("%(name)s: only %(types)s files can be attached.") % {
            "name": document.name, "types": ", ".join(sorted(MATERIAL_TYPES))}})
    if document.size > settings.MEETING_MATERIAL_MAX_BYTES:
        raise ValidationError({"document": _("%(name)s is larger than %(limit)d MB.") % {
            "name": document.name, "limit": settings.MEETING_MATERIAL_MAX_BYTES // (1024 * 1024)}})
    if not _content_matches(document, suffix):
        raise ValidationError({"document": _("%(name)s is not a %(type)s file: its content is something else. Save "
                                             "it as %(type)s again, or attach it under its own type's name.") % {
            "name": document.name, "type": suffix[1:].upper()}})


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, title: str, presenter: str = "",
                    document: UploadedFile | None = None) -> AgendaItem:
    _require_open_record(meeting)
    material_check(document)
    last = Meeting.objects.select_for_update().filter(pk=meeting.pk).aggregate(n=Max("agenda__number"))["n"]
    item = AgendaItem(meeting=meeting, number=(last or 0) + 1, title=title, presenter=presenter)
    if document:
        item.document.save(document.name, document, save=False)
    item.save()
    return item


@transaction.atomic
def agenda_item_change(*, item: AgendaItem, title: str, presenter: str = "",
                       document: UploadedFile | None = None, remove_document: bool = False) -> AgendaItem:
    """Correct an agenda item; a new document replaces the old one."""
    _require_open_record(item.meeting_id)
    material_check(document)
    item.title, item.presenter = title, presenter
    if document or remove_document:
        _delete_file_after_commit(item.document)
        item.document = None
    if document:
        item.document.save(document.name, document, save=False)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    """Remove an agenda item; the items after it move up, so the agenda stays numbered
    1, 2, 3…"""
    _require_open_record(item.meeting_id)
    Meeting.objects.select_for_update().filter(pk=item.meeting_id).exists()  # one renumbering at a time
    item = AgendaItem.objects.get(pk=item.pk)  # its number as it is now, under the lock
    _delete_file_after_commit(item.document)
    item.delete()
    # One row at a time, in order: a single UPDATE could trip the (meeting, number)
    # constraint half way on PostgreSQL, which checks it row by row.
    for later in AgendaItem.objects.filter(meeting_id=item.meeting_id, number__gt=item.number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number"])


@transaction.atomic
def agenda_item_move_up(*, item: AgendaItem) -> None:
    """Swap an agenda item with the one before it (the first stays first)."""
    _require_open_record(item.meeting_id)
    Meeting.objects.select_for_update().filter(pk=item.meeting_id).exists()  # one renumbering at a time
    item = AgendaItem.objects.get(pk=item.pk)  # its number as it is now, under the lock
    before = (AgendaItem.objects.filter(meeting_id=item.meeting_id, number__lt=item.number)
              .order_by("-number").first())
    if before is None:
        return
    number, before_number = item.number, before.number
    item.number = 0  # free its number for a moment: the pair is unique in the meeting
    item.save(update_fields=["number"])
    before.number = number
    before.save(update_fields=["number"])
    item.number = before_number
    item.save(update_fields=["number"])


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
    """Record the attendance of the members in ``rows``; a blank status clears a member's.
    Members not in ``rows`` keep what was recorded: a member that withdrew after the
    meeting is no longer offered on the form, but it attended."""
    _require_open_record(meeting)
    _require_started(meeting)
    _members_only(meeting, [row.body_id for row in rows])
    absent = [row.body_id for row in rows if row.status == Attendance.Status.ABSENT]
    with_position = sorted(set(Position.objects.filter(decision__meeting=meeting, body_id__in=absent)
                               .values_list("body__code", "body__name")))
    if with_position:
        raise ValidationError(_("%(names)s took a position on a decision of this meeting: record them as present "
                                "or by proxy, or clear their positions first.")
                              % {"names": names_joined(name for _code, name in with_position)})
    kept = [row for row in rows if row.status]
    Attendance.objects.filter(meeting=meeting, body_id__in=[row.body_id for row in rows if not row.status]).delete()
    for row in kept:
        Attendance.objects.update_or_create(meeting=meeting, body_id=row.body_id,
                                            defaults={"status": row.status, "attendees": row.attendees})
    return len(kept)


@transaction.atomic
def decision_record(*, meeting: Meeting, text: str, outcome: str, positions: dict[int, str]) -> Decision:
    """A decision with each member body's position (bodies without one are left out)."""
    _require_open_record(meeting)
    _require_started(meeting)
    _members_only(meeting, positions)
    _positions_of_absent_refused(meeting.pk, positions)
    decision = Decision(meeting=meeting, text=text, outcome=outcome)
    decision.full_clean()
    decision.save()
    for body_id, stance in positions.items():
        if stance:
            Position.objects.create(decision=decision, body_id=body_id, stance=stance)
    return decision


@transaction.atomic
def decision_change(*, decision: Decision, text: str, outcome: str, positions: dict[int, str]) -> Decision:
    """Correct a decision and the positions of the members in ``positions``; a blank one
    clears the member's. Members not in ``positions`` keep theirs (a member that has
    withdrawn since is not offered on the form, but it took part). Each change is in the
    audit trail."""
    _require_open_record(decision.meeting_id)
    _require_started(decision.meeting_id)
    _members_only(decision.meeting, positions)
    _positions_of_absent_refused(decision.meeting_id, positions)
    decision.text, decision.outcome = text, outcome
    decision.full_clean()
    decision.save()
    wanted = {body_id: stance for body_id, stance in positions.items() if stance}
    for position in decision.positions.filter(body_id__in=list(positions)):
        stance = wanted.pop(position.body_id, "")
        if not stance:
            position.delete()  # one by one, so that the audit trail names each
        elif stance != position.stance:
            position.stance = stance
            position.save(update_fields=["stance"])
    for body_id, stance in wanted.items():
        Position.objects.create(decision=decision, body_id=body_id, stance=stance)
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    _require_open_record(decision.meeting_id)
    # The positions first, each while its decision still exists: the audit trail reads
    # a position's consortium through its decision.
    for position in decision.positions.select_related("decision__meeting"):
        position.delete()
    decision.delete()


def _due_after_meeting(meeting: Meeting, due_on: datetime.date | None) -> None:
    """An action is given at its meeting: due before that day is a slip of the date."""
    held_on = timezone.localdate(meeting.starts_at)
    if due_on is not None and due_on < held_on:
        raise ValidationError({"due_on": _("The due date %(due)s is before the meeting (%(meeting)s): an action "
                                           "is due on the meeting's day or later.")
                               % {"due": date_format(due_on), "meeting": date_format(held_on)}})


def action_add(*, meeting: Meeting, text: str, owner: MemberBody | None = None,
               due_on: datetime.date | None = None) -> ActionItem:
    _require_open_record(meeting)
    _due_after_meeting(meeting, due_on)
    if owner is not None:
        _members_only(meeting, [owner.pk])
    action = ActionItem(meeting=meeting, text=text, owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    return action


def action_change(*, action: ActionItem, text: str, owner: MemberBody | None = None,
                  due_on: datetime.date | None = None) -> ActionItem:
    _require_open_record(action.meeting_id)
    _due_after_meeting(action.meeting, due_on)
    # The owner it has keeps it, a member or not any more; a new owner is a member. From
    # the database: a bound model form has already put the new owner on ``action``.
    kept_owner_id = ActionItem.objects.filter(pk=action.pk).values_list("owner_id", flat=True).first()
    if owner is not None and owner.pk != kept_owner_id:
        _members_only(action.meeting, [owner.pk])
    action.text, action.owner, action.due_on = text, owner, due_on
    action.full_clean()
    action.save()
    return action


def action_delete(*, action: ActionItem) -> None:
    _require_open_record(action.meeting_id)
    action.delete()


def action_complete(*, action: ActionItem, on: datetime.date | None = None) -> ActionItem:
    if not action.is_done:
        action.done_on = on or timezone.localdate()
        action.save(update_fields=["done_on"])
    return action


def action_reopen(*, action: ActionItem) -> ActionItem:
    """An action ticked off by mistake is open again. Like ticking off, also once the
    minutes are approved: both happen after the meeting. The audit trail keeps the tick
    and its undoing."""
    if action.is_done:
        action.done_on = None
        action.save(update_fields=["done_on"])
    return action


@dataclass(frozen=True)
class Notice:
    sent: int
    error: str = ""


def _mail_members(*, meeting: Meeting, template: str, meeting_url: str) -> Notice:
    """One message about the meeting to its members' mayors and users (``emails/<template>``,
    recipients in Bcc so no town sees another's addresses)."""
    recipients = notice_recipients(meeting=meeting)
    if not recipients:
        return Notice(sent=0, error=_("No member has an e-mail address."))
    context = {"meeting": meeting, "meeting_url": meeting_url, "agenda": list(meeting.agenda.all())}
    message = japanese_message(template, context, html=True, to=[settings.DEFAULT_FROM_EMAIL], bcc=recipients)
    try:
        message.send()
    except OSError as error:
        return Notice(sent=0, error=str(error))
    return Notice(sent=len(recipients))


def meeting_notify(*, meeting: Meeting, meeting_url: str) -> Notice:
    """E-mail the notice of a meeting to its members' mayors and users."""
    if meeting.status != Meeting.Status.PLANNED or meeting.starts_at < timezone.now():
        # «下記のとおり開催します» about a meeting already held misleads every member.
        return Notice(sent=0, error=_("The notice is for a meeting still ahead: this one has begun or been held."))
    notice = _mail_members(meeting=meeting, template="meeting_notice", meeting_url=meeting_url)
    if notice.sent:
        Meeting.objects.filter(pk=meeting.pk).update(notified_at=timezone.now(), changed_since_notice=False)
    return notice


def meeting_cancel(*, meeting: Meeting, meeting_url: str, tell_members: bool) -> Notice:
    """Call off a meeting not yet held (中止). It stays on the list and its page, marked,
    leaves the upcoming lists, and the calendar feeds mark it cancelled, so that the
    members' calendars drop it. With ``tell_members``, the members who had its notice are
    e-mailed that it is cancelled (nobody was told of a meeting whose notice never went out)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("consortium").get(pk=meeting.pk)
        if meeting.status != Meeting.Status.PLANNED:
            raise ValidationError(_("Only a meeting not yet held can be cancelled: this one is “%(status)s”.")
                                  % {"status": meeting.get_status_display()})
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status", "updated_at"])  # a change the audit trail records, with who
    if tell_members and meeting.notified_at:
        return meeting_cancellation_notify(meeting=meeting, meeting_url=meeting_url)
    return Notice(sent=0)


def meeting_cancellation_notify(*, meeting: Meeting, meeting_url: str) -> Notice:
    """E-mail that a meeting is cancelled to those its notice goes to."""
    if meeting.status != Meeting.Status.CANCELLED or meeting.notified_at is None:
        return Notice(sent=0, error=_("Only the cancellation of a meeting whose notice went out is e-mailed: the "
                                      "members were never told of this one."))
    notice = _mail_members(meeting=meeting, template="meeting_cancelled", meeting_url=meeting_url)
    if notice.sent:
        Meeting.objects.filter(pk=meeting.pk).update(cancellation_sent_at=timezone.now())
    return notice


def meeting_restore(*, meeting: Meeting, meeting_url: str) -> Notice | None:
    """Undo a cancellation made by mistake (中止を取り消す): the meeting is planned again,
    back in the upcoming lists and the calendar feeds (which mark only a cancelled meeting
    CANCELLED), and those who were e-mailed its cancellation are e-mailed that it is on.
    None when it is not cancelled (any more): a second click, or a colleague's, restores it
    once and mails once.

    Only while its day has not passed: a meeting whose day went by was not held, and set
    back to «planned» it would stand in the record as a meeting due that nobody attended
    (and could be marked held). Held later after all, it is a new meeting on a new date."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("consortium").get(pk=meeting.pk)
        if meeting.status != Meeting.Status.CANCELLED:
            return None
        if not meeting.may_be_restored:
            day = date_format(timezone.localdate(meeting.starts_at))
            raise ValidationError(_("“%(title)s” was to be held on %(date)s, which has passed: its cancellation "
                                    "stays. If it is to be held after all, make a new meeting.")
                                  % {"title": meeting.title, "date": day})
        told_of_cancellation = meeting.cancellation_sent_at is not None
        meeting.status, meeting.cancellation_sent_at = Meeting.Status.PLANNED, None
        # A change the audit trail records, with who: as the cancellation was.
        meeting.save(update_fields=["status", "cancellation_sent_at", "updated_at"])
    if not told_of_cancellation:
        return Notice(sent=0)  # the members, if they had its notice, still expect it
    notice = _mail_members(meeting=meeting, template="meeting_restored", meeting_url=meeting_url)
    if not notice.sent:
        # Their last word is that it is off: the page and the dashboard ask for the notice again.
        Meeting.objects.filter(pk=meeting.pk).update(changed_since_notice=True)
    return notice


def _meeting_record(meeting: Meeting) -> list[str]:
    """What has been recorded of a meeting, by name: a meeting with any of it took place
    as far as the council's record goes."""
    recorded = [(Attendance._meta.verbose_name_plural, meeting.attendance.exists()),
                (Decision._meta.verbose_name_plural, meeting.decisions.exists()),
                (Meeting._meta.get_field("minutes").verbose_name, bool(meeting.minutes.strip())),
                (ActionItem._meta.verbose_name_plural, meeting.actions.exists())]
    return [str(name) for name, present in recorded if present]


def _storage_folder_delete(storage, folder: str) -> None:
    """Everything under ``folder`` and the folders themselves, on a storage that lists
    them: a material whose file was left behind goes too."""
    try:
        folders, files = storage.listdir(folder)
        for name in files:
            storage.delete(f"{folder}/{name}")
        for name in folders:
            _storage_folder_delete(storage, f"{folder}/{name}")
        storage.delete(folder)
    except FileNotFoundError:
        return
    except (NotImplementedError, OSError) as error:
        # The meeting is gone and the named files deleted: a leftover folder is no reason
        # to fail the secretariat's request.
        logger.warning("meeting materials folder %s not removed: %s", folder, error)


@transaction.atomic
def meeting_delete(*, meeting: Meeting) -> None:
    """Delete a meeting made by mistake, with its agenda and the material files. Only a
    planned meeting that nobody has been told of and that has nothing recorded: any other
    is cancelled instead, and stays on record."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be deleted: “%(title)s” is “%(status)s” and stays on "
                                "record.") % {"title": meeting.title, "status": meeting.get_status_display()})
    recorded = _meeting_record(meeting)
    if recorded:
        raise ValidationError(_("“%(title)s” has %(record)s recorded, so it is not deleted. Cancel it instead: it "
                                "stays on the list marked cancelled, with its record.")
                              % {"title": meeting.title, "record": names_joined(recorded)})
    if meeting.notified_at:
        raise ValidationError(_("The notice of “%(title)s” has gone out to the members, so it is not deleted. Cancel "
                                "it instead: the members can be e-mailed that it is cancelled.")
                              % {"title": meeting.title})
    storage = AgendaItem._meta.get_field("document").storage
    for item in meeting.agenda.all():
        _delete_file_after_commit(item.document)
    folder = material_folder(meeting.pk)
    transaction.on_commit(lambda: _storage_folder_delete(storage, folder))
    meeting.delete()  # its agenda with it; the audit trail records each
