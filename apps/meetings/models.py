"""Meetings (会議) of a consortium: agenda and materials, attendance, minutes,
decisions with each member's position, and action items.

A voluntary council decides by consensus, so a decision records where each member body
stood, not only the outcome.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import AuditScoped, SingleLineCharField, TimeStampedModel
from apps.members.models import Consortium, ConsortiumRecordQuerySet, MemberBody


class MeetingQuerySet(ConsortiumRecordQuerySet):
    """Members read every meeting of their consortia, materials included."""


class Meeting(AuditScoped, TimeStampedModel):
    class Kind(models.TextChoices):
        STUDY_GROUP = "study_group", _("Study group")
        COUNCIL = "council", _("Council meeting")
        WORKING_GROUP = "working_group", _("Working group")
        MAYORS = "mayors", _("Mayors' meeting")
        SUBCOMMITTEE = "subcommittee", _("Subcommittee")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
        # Called off before it was held (services.meeting_cancel): kept on record, marked 中止.
        CANCELLED = "cancelled", _("Cancelled")

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    title = SingleLineCharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    venue = SingleLineCharField(_("venue"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    notified_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    cancellation_sent_at = models.DateTimeField(_("cancellation sent at"), null=True, blank=True)
    # Its date, time or place changed after the notice went out: the members were told
    # something else, until the notice is sent again (apps.meetings.services).
    changed_since_notice = models.BooleanField(_("changed since the notice"), default=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["consortium", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def audit_consortium_ids(self) -> list[int]:
        return [self.consortium_id]

    @property
    def ends_on_another_day(self) -> bool:
        """It ends on a later day than it starts (in the council's time zone): its end is
        written with its date, not «14:00 – 10:00»."""
        return bool(self.ends_at) and timezone.localdate(self.ends_at) != timezone.localdate(self.starts_at)

    @property
    def has_started(self) -> bool:
        """Its attendance and decisions may be recorded (apps.meetings.services)."""
        return self.starts_at <= timezone.now()

    @property
    def may_be_restored(self) -> bool:
        """Its cancellation may be undone (apps.meetings.services.meeting_restore): only
        while its day has not passed."""
        return self.status == self.Status.CANCELLED and timezone.localdate(self.starts_at) >= timezone.localdate()

    @property
    def has_minutes(self) -> bool:
        """It was held, so it has minutes to print (a meeting planned or called off has none)."""
        return self.status in (self.Status.HELD, self.Status.MINUTES_APPROVED)

    @property
    def record_is_open(self) -> bool:
        """Its agenda, attendance, decisions and action items may change: not once the
        minutes are approved (apps.meetings.services)."""
        return self.status != self.Status.MINUTES_APPROVED


class MeetingPart(AuditScoped, models.Model):
    """Anything recorded under a meeting belongs to the meeting's consortium."""

    class Meta:
        abstract = True

    def audit_consortium_ids(self) -> list[int]:
        return [self.meeting.consortium_id]


def material_folder(meeting_id: int) -> str:
    """Where a meeting's materials are stored, each under a folder of its own."""
    return f"meetings/{meeting_id}"


def material_path(item: AgendaItem, filename: str) -> str:
    # A folder of its own for each upload, so the file keeps the name it was uploaded
    # with: Django would otherwise add a random suffix («資料1_xppd8EA.pdf») whenever the
    # name is taken — a second 資料1.pdf, or a replacement before the old one is deleted.
    return f"{material_folder(item.meeting_id)}/{secrets.token_hex(4)}/{filename}"


class AgendaItem(MeetingPart):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    number = models.PositiveSmallIntegerField(_("number"))
    title = SingleLineCharField(_("title"), max_length=200)
    presenter = SingleLineCharField(_("presenter"), max_length=100, blank=True)
    # Materials are private to the council: served by an access-checked view, never by
    # MEDIA_URL.
    document = models.FileField(_("document"), upload_to=material_path, blank=True, max_length=300)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="one_agenda_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def document_name(self) -> str:
        return self.document.name.rsplit("/", 1)[-1] if self.document else ""


class Attendance(MeetingPart):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        PROXY = "proxy", _("By proxy")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    body = models.ForeignKey(MemberBody, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    attendees = SingleLineCharField(_("attendees"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "body"], name="one_attendance_per_body")]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_status_display()}"


class Decision(MeetingPart):
    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        NOT_AGREED = "not_agreed", _("Not agreed")
        DEFERRED = "deferred", _("Deferred")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class Position(AuditScoped, models.Model):
    class Stance(models.TextChoices):
        AGREE = "agree", _("Agrees")
        OBJECT = "object", _("Objects")
        ABSTAIN = "abstain", _("Abstains")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="positions")
    body = models.ForeignKey(MemberBody, on_delete=models.CASCADE, related_name="+")
    stance = models.CharField(_("position"), max_length=10, choices=Stance.choices)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [models.UniqueConstraint(fields=["decision", "body"], name="one_position_per_body")]

    def __str__(self) -> str:
        return f"{self.body}: {self.get_stance_display()}"

    def audit_consortium_ids(self) -> list[int]:
        return [self.decision.meeting.consortium_id]


class ActionItem(MeetingPart):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    text = SingleLineCharField(_("action"), max_length=300)
    # No owner body: the secretariat's own action.
    owner = models.ForeignKey(MemberBody, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["done_on", "due_on", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_overdue(self) -> bool:
        """Still open past its due date (期限超過)."""
        return self.done_on is None and self.due_on is not None and self.due_on < timezone.localdate()
