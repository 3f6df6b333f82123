"""Report jobs, batches, the archive of rendered PDFs, and e-mail deliveries."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from apps.accounts.access import access_for
from apps.allocation.models import AllocationPlan
from apps.core.formatting import fiscal_year
from apps.core.models import BackgroundJob, SingleLineCharField
from apps.members.models import Consortium, MemberBody, consortia_of


class Kind(models.TextChoices):
    SIDE_BY_SIDE = "side_by_side", _("Named side-by-side cost comparison (経費比較表)")
    BRIEFING = "briefing", _("Mayor briefing (首長向け説明資料)")


def options_label(params: dict) -> str:
    """How a report's amounts and dates are written, for the lists that offer it: two
    comparisons of one year (or two batches of briefings) differ only by these."""
    unit = _("thousand yen (千円)") if params.get("unit") == "thousand" else _("yen (円)")
    calendar = _("Japanese era") if params.get("calendar") == "era" else _("Western")
    return f"{unit} · {calendar}"


class Batch(models.Model):
    """"Briefings for all members": one job per member, followed on one page."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="report_batches")
    plan = models.ForeignKey(AllocationPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    params = models.JSONField(default=dict)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report batch")
        verbose_name_plural = _("report batches")
        ordering = ["-created_at"]

    @property
    def fiscal_year(self) -> int | None:
        return self.params.get("fiscal_year")

    @property
    def options_label(self) -> str:
        return options_label(self.params)


# A claim older than the hard time limit (and a margin for the worker to notice) was lost
# with its worker: no attempt renders that long. The broker's visibility timeout is set
# above it (settings), so a message given back after a worker died finds the claim lost.
CLAIM_LOST_MARGIN = datetime.timedelta(seconds=30)


def claims_lost_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - CLAIM_LOST_MARGIN


# A job waiting this long for a worker, while no worker has claimed any job either, was
# lost by the broker: Redis here keeps nothing on disk, and a restart empties its queue.
# The wait alone would not tell: the last briefings of a national batch of 1,741 may wait
# longer than any fixed threshold behind the others. But workers going through a queue
# claim a job each time they finish one, and on a sound queue they go without claiming
# only while each of their processes is busy with one slow task, a render at most the hard
# time limit: two minutes above it (five minutes with the default limit). A false alarm
# (workers held longer, by a slow mail server) sends a job twice, and its claim renders it once.
UNCLAIMED_MARGIN = datetime.timedelta(minutes=2)


def unclaimed_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - UNCLAIMED_MARGIN


class ReportJobQuerySet(models.QuerySet):
    def lost(self):
        """Jobs still marked running whose attempt cannot be running any more: they count as
        failed, and are retried like the failed ones."""
        return self.filter(status=ReportJob.Status.RUNNING, claimed_at__lt=claims_lost_before())

    def unfinished(self):
        """Waiting for a worker, or being rendered by one."""
        return self.filter(Q(status=ReportJob.Status.PENDING)
                           | Q(status=ReportJob.Status.RUNNING, claimed_at__gte=claims_lost_before()))

    def failed(self):
        """Failed, or lost with the worker that was rendering them."""
        return self.filter(Q(status=ReportJob.Status.FAILED)
                           | Q(status=ReportJob.Status.RUNNING, claimed_at__lt=claims_lost_before()))


class ReportJob(BackgroundJob, models.Model):
    # What a failed job tells the secretariat, stored untranslated and shown in the reader's
    # language (``error_message``); the exception itself, with its server paths, goes to the log.
    FAILED = gettext_noop("The report could not be made. Try again; if it fails again, tell your system "
                          "administrator (the details are in the server log).")
    TOO_SLOW = gettext_noop("The report took too long to make. Try again; if it fails again, tell your system "
                            "administrator.")
    LOST = gettext_noop("The worker making the report stopped before it was done (it may have run out of memory). "
                        "Try again; if it fails again, tell your system administrator.")
    NOT_QUEUED = gettext_noop("The report could not be handed to the workers: the task queue did not answer. Try "
                              "again in a moment; if it fails again, tell your system administrator.")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="report_jobs")
    body = models.ForeignKey(MemberBody, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    plan = models.ForeignKey(AllocationPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year of costs"))
    params = models.JSONField(default=dict)
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last handed to the broker, to tell a job waiting in the queue from one the
    # queue lost (services.jobs_requeue_unclaimed).
    queued_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Who holds the claim: the process (its host, PID namespace and id) and the Celery task,
    # so that a message given back after that process died may take the job again.
    claimed_by = SingleLineCharField(max_length=300, blank=True)
    claimed_task = SingleLineCharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["batch", "status"]), models.Index(fields=["status", "queued_at"])]

    def claims_lost_before(self) -> datetime.datetime:
        return claims_lost_before()


class ReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """Secretariat and observers: their consortia's reports. Member staff and mayors:
        their own body's briefings, and comparisons the secretariat has published, of
        figures it had locked: a comparison made while a year was still surveyed names
        other towns' unfinished (even never submitted) figures, as the comparison page
        would not (apps.costs.selectors.comparison_years)."""
        access = access_for(user)
        if access.is_admin:
            return self
        if access.is_member_user:
            return self.filter(
                Q(kind=Kind.BRIEFING, body_id=access.body_id)
                | Q(kind=Kind.SIDE_BY_SIDE, consortium__comparison_published=True, survey_locked=True,
                    consortium_id__in=consortia_of(access.body_id))
            )
        return self.filter(consortium_id__in=access.readable_consortia)


class Report(models.Model):
    """An archived PDF with what it was made from. Never changes once stored."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="reports")
    body = models.ForeignKey(MemberBody, on_delete=models.PROTECT, null=True, blank=True, related_name="reports")
    plan = models.ForeignKey(AllocationPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year of costs"))
    # Whether the year's survey was locked when the report was made: its figures are then
    # the reviewed ones, and a published comparison may reach the members.
    survey_locked = models.BooleanField(_("made from a locked survey"), default=False)
    params = models.JSONField(_("parameters"), default=dict)
    job = models.OneToOneField(ReportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="report")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    file_name = SingleLineCharField(max_length=200, unique=True)
    sha256 = SingleLineCharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("bytes"))
    pages = models.PositiveSmallIntegerField(_("pages"))

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        subject = self.body or self.consortium
        return f"{self.get_kind_display()} — {subject} ({self.fiscal_year})"

    @property
    def options_label(self) -> str:
        return options_label(self.params)

    @property
    def download_name(self) -> str:
        """What the file is called on the user's disk and in the mayor's mail: the
        document's Japanese title, whom it is for, the year («首長向け説明資料_伊奈町_令和7年度.pdf»).
        The archive stores it under an ASCII name of its own (``file_name``)."""
        year = fiscal_year(self.fiscal_year, self.params.get("calendar", "western"))
        if self.kind == Kind.BRIEFING:
            return f"首長向け説明資料_{self.body.name}_{year}.pdf"
        return f"経費比較表_{self.consortium.name}_{year}.pdf"

    @property
    def last_sent(self) -> Delivery | None:
        """The latest sending that reached the mayor's mail server (from ``sendings``, the
        archive's prefetch, newest first, when it is there)."""
        sendings = getattr(self, "sendings", None)
        if sendings is None:
            return self.deliveries.filter(ok=True).order_by("-sent_at", "-id").first()
        return next((sending for sending in sendings if sending.ok), None)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A stored report never changes."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A stored report is kept for good."))


class Delivery(models.Model):
    """One e-mail of a briefing to a mayor, kept whether it went out or not. ``ok`` is None
    while it is queued for a worker to send: such a briefing is not counted as still to send."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="deliveries")
    to = models.EmailField(_("to"))
    mode = models.CharField(_("sent as"), max_length=12, choices=[("attachment", _("attachment")),
                                                                  ("link", _("link"))])
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    ok = models.BooleanField(_("sent"), null=True, default=True)
    # The mail server's own words, or NOT_QUEUED (stored untranslated, shown in the reader's language).
    error = models.TextField(blank=True)

    NOT_QUEUED = gettext_noop("Not sent: the task queue did not answer. Send it again in a moment.")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-sent_at"]

    @property
    def error_message(self) -> str:
        return gettext(self.error) if self.error == self.NOT_QUEUED else self.error
