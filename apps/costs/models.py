import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _

from apps.core.limits import YEN_LIMIT
from apps.core.models import AuditScoped, BackgroundJob, SingleLineCharField, TimeStampedModel
from apps.members.models import Consortium, MemberBody

# Costs not broken down by business system are recorded against this catalogue entry.
WHOLE_SYSTEM_CODE = "whole"


class BusinessSystem(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_ja = SingleLineCharField(_("name (Japanese)"), max_length=100)
    name_en = SingleLineCharField(_("name (English)"), max_length=100)
    standardised = models.BooleanField(_("standardised by the 2021 act"), default=False)
    sort_order = models.PositiveIntegerField(default=0)
    # Catalogue entries added by one consortium; null means the national catalogue.
    consortium = models.ForeignKey(
        Consortium, on_delete=models.CASCADE, null=True, blank=True, related_name="own_business_systems"
    )
    in_scope_of = models.ManyToManyField(
        Consortium, blank=True, related_name="business_systems", verbose_name=_("in scope of")
    )

    class Meta:
        verbose_name = _("business system")
        verbose_name_plural = _("business systems")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """In the reader's language: the English name on English pages (the catalogue has
        both), the Japanese one otherwise and in the documents, which are Japanese."""
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name_ja


class CostCategory(models.TextChoices):
    SOFTWARE = "software", _("Software")
    HARDWARE = "hardware", _("Hardware")
    DATA_CENTRE = "data_centre", _("Data centre")
    PRINTING = "printing", _("Printing / BPO")
    NETWORK = "network", _("Network")
    OPERATIONS = "operations", _("Operations")
    MAINTENANCE = "maintenance", _("Maintenance")
    OTHER = "other", _("Other")


class SurveyRound(AuditScoped, TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        LOCKED = "locked", _("Locked")

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="survey_rounds")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("members last reminded"), null=True, blank=True)
    # When the round was last opened, closed or locked: a closed round asked the members
    # that were in the council at that moment (a later deadline edit does not move it).
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["consortium", "-fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["consortium", "fiscal_year"], name="one_round_per_year")]

    def __str__(self) -> str:
        return f"{self.consortium} {self.fiscal_year}"

    def audit_consortium_ids(self) -> list[int]:
        return [self.consortium_id]


class CostRecordQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(body__in=MemberBody.objects.for_user(user).values("pk"))


class CostRecord(AuditScoped, TimeStampedModel):
    """What one body paid in one fiscal year for one business system and category, in yen."""

    body = models.ForeignKey(MemberBody, on_delete=models.CASCADE, related_name="cost_records")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    business_system = models.ForeignKey(
        BusinessSystem, on_delete=models.PROTECT, related_name="cost_records", verbose_name=_("business system")
    )
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    amount = models.BigIntegerField(_("amount (yen)"), validators=[MaxValueValidator(YEN_LIMIT)])
    vendor = SingleLineCharField(_("vendor"), max_length=200, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)

    objects = CostRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost record")
        verbose_name_plural = _("cost records")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "fiscal_year", "business_system", "category"], name="one_cost_per_cell"
            ),
            models.CheckConstraint(name="cost_not_negative", condition=models.Q(amount__gte=0)),
        ]
        indexes = [models.Index(fields=["fiscal_year", "body"])]

    def __str__(self) -> str:
        # The audit trail's name for it: the category as the reader knows it (保守), not its code.
        return f"{self.body} {self.fiscal_year} {self.business_system} {self.get_category_display()}: {self.amount:,}"

    def audit_consortium_ids(self) -> list[int]:
        return self.body.audit_consortium_ids()


class BodyYearCost(models.Model):
    """A body's total current cost for one fiscal year, and its main vendor.

    Derived from CostRecord by ``services.cost_summaries_refresh`` whenever costs are
    written, so the side-by-side pages join one row per body instead of summing
    thousands of records on every request.
    """

    body = models.ForeignKey(MemberBody, on_delete=models.CASCADE, related_name="year_costs")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    total = models.BigIntegerField(_("total (yen)"))
    main_vendor = SingleLineCharField(_("main vendor"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("yearly cost summary")
        verbose_name_plural = _("yearly cost summaries")
        constraints = [models.UniqueConstraint(fields=["body", "fiscal_year"], name="one_summary_per_year")]


class SurveyResponse(AuditScoped, TimeStampedModel):
    """One body's answer to one survey round: edited by its staff, then submitted for
    the secretariat's review, then accepted."""

    class Status(models.TextChoices):
        EDITING = "editing", _("Being filled in")
        SUBMITTED = "submitted", _("Submitted for review")
        ACCEPTED = "accepted", _("Accepted")

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    body = models.ForeignKey(MemberBody, on_delete=models.CASCADE, related_name="survey_responses")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.EDITING)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Why the secretariat returned the answer, for the town to see; kept until the next review.
    review_note = models.TextField(_("note from the secretariat"), blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.UniqueConstraint(fields=["survey_round", "body"], name="one_response_per_round")]

    def __str__(self) -> str:  # the audit trail's name for it
        return f"{self.body.name} {self.survey_round.fiscal_year}"

    def audit_consortium_ids(self) -> list[int]:
        return [self.survey_round.consortium_id]


# An import's own time limits (the tasks' default of 120 s is sized for a report): the
# national file of 273,760 figures took 65 s to check and write on an idle 2-core machine,
# and 147 s in a worker on the same machine under a load of 7. Ten minutes leave room for a
# slower server; a lost job is shown failed a little after the hard limit.
IMPORT_SOFT_TIME_LIMIT = 600
IMPORT_TIME_LIMIT = IMPORT_SOFT_TIME_LIMIT + 30
# A running import claimed longer ago than this was lost with its worker (or with the
# request that ran it in-process): Celery stops every attempt by the hard limit.
IMPORT_LOST_AFTER = datetime.timedelta(seconds=IMPORT_TIME_LIMIT + 30)


class ImportJob(BackgroundJob, models.Model):
    """A consortium-wide import confirmed on its upload page and written by a worker: the
    stashed file (apps.costs.upload_stash, under MEDIA_ROOT, which the web and the worker
    share) is checked again and written in one transaction, or refused with its rows."""

    # What a failed import tells the secretariat, stored untranslated and shown in the
    # reader's language (``error_message``); the exception itself goes to the log.
    REFUSED = gettext_noop("The file was checked again when it was imported and refused (the data changed since the "
                           "preview): nothing was imported. Correct the rows below and upload it again.")
    FAILED = gettext_noop("The import stopped with an error and nothing was imported. Try again; if it fails again, "
                          "tell your system administrator (the details are in the server log).")
    TOO_SLOW = gettext_noop("The import took too long and nothing was imported. Try again; if it fails again, tell "
                            "your system administrator.")
    LOST = gettext_noop("The worker importing the file stopped before it was done and nothing was imported. Try "
                        "again; if it fails again, tell your system administrator.")
    NOT_QUEUED = gettext_noop("The import could not be handed to the workers: the task queue did not answer. Nothing "
                              "was imported. Try again in a moment; if it fails again, tell your system "
                              "administrator.")
    FILE_GONE = gettext_noop("The uploaded file could not be read by the worker and nothing was imported: upload it "
                             "again. If this happens again, tell your system administrator (the web server and the "
                             "workers must share the media folder).")

    class Kind(models.TextChoices):
        BODIES = "bodies", _("Member bodies")
        COSTS = "costs", _("Current costs")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="import_jobs")
    params = models.JSONField(default=dict)  # the upload form's other fields (fiscal year, unit)
    # The stashed upload's token: one job per confirmed preview, however often it is confirmed.
    upload = SingleLineCharField(max_length=64, unique=True)
    file_name = SingleLineCharField(_("file"), max_length=255)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Where the request came from, for the audit trail the worker writes in its name.
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    remote_port = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # A refused file's first errors (as the preview lists them) and how many there were.
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.file_name}"

    @property
    def fiscal_year(self) -> int | None:
        return self.params.get("fiscal_year")

    def claims_lost_before(self) -> datetime.datetime:
        return timezone.now() - IMPORT_LOST_AFTER

    @property
    def unfinished(self) -> bool:
        return self.status == self.Status.PENDING or (self.status == self.Status.RUNNING and not self.lost)

    @property
    def retryable(self) -> bool:
        """Failed for a reason of the server's, not of the file's: the same file may be tried again."""
        return self.failed and self.error not in (self.REFUSED, self.FILE_GONE)
