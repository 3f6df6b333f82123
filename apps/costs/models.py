from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.core.limits import YEN_LIMIT
from apps.core.models import AuditScoped, SingleLineCharField, TimeStampedModel
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
