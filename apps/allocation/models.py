"""Allocation plans (按分案): their inputs, scenarios, and the frozen published result.

A published plan never changes: every save or delete of the plan or of anything that
feeds it is refused here, in the model layer, whatever page, command or admin action
asks. A change is a new plan that supersedes it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.limits import YEN_LIMIT
from apps.core.models import AuditScoped, FrozenRowsQuerySet, SingleLineCharField, TimeStampedModel
from apps.costs.models import BusinessSystem
from apps.members.models import Consortium, ConsortiumRecordQuerySet, MemberBody

RATIO = {"max_digits": 5, "decimal_places": 4,
         "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]}


class FrozenPlanError(ValidationError):
    pass


def refuse_if_published(plan_id) -> None:
    if plan_id and AllocationPlan.objects.filter(pk=plan_id, status=AllocationPlan.Status.PUBLISHED).exists():
        raise FrozenPlanError(_("A published plan cannot be changed; create a new plan that supersedes it."))


class FrozenQuerySet(FrozenRowsQuerySet):
    """Bulk updates and deletes cannot touch published plans either."""

    plan_field = "plan"
    frozen_error = FrozenPlanError
    change_refusal = _("A published plan cannot be changed.")
    delete_refusal = _("A published plan cannot be deleted.")

    @property
    def frozen_lookup(self) -> dict:
        lookup = "status" if self.model is AllocationPlan else f"{self.plan_field}__status"
        return {lookup: AllocationPlan.Status.PUBLISHED}


class PlanQuerySet(FrozenQuerySet, ConsortiumRecordQuerySet):
    def for_members(self):
        """Members see published plans only."""
        return self.filter(status=AllocationPlan.Status.PUBLISHED)


class AllocationPlan(AuditScoped, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="allocation_plans")
    name = SingleLineCharField(_("name"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year allocated"))
    cost_fiscal_year = models.PositiveSmallIntegerField(_("fiscal year of current costs compared"))
    population_basis_date = models.DateField(_("population basis date"))
    guarantee = models.DecimalField(_("guaranteed minimum saving ratio"), null=True, blank=True, **RATIO)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    # Frozen at publication: exactly what the engine was given and what it answered.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    engine_version = SingleLineCharField(_("engine version"), max_length=20, blank=True)
    frozen_inputs = models.JSONField(_("inputs"), null=True, blank=True)
    frozen_results = models.JSONField(_("results"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation plan")
        verbose_name_plural = _("allocation plans")
        ordering = ["-fiscal_year", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.fiscal_year})"

    def audit_consortium_ids(self) -> list[int]:
        return [self.consortium_id]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def save(self, *args, **kwargs):
        refuse_if_published(self.pk)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_published(self.pk)
        return super().delete(*args, **kwargs)


class PlanPart(AuditScoped, models.Model):
    """Anything that feeds a plan: frozen with it."""

    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        refuse_if_published(self.plan_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_published(self.plan_id)
        return super().delete(*args, **kwargs)

    def audit_consortium_ids(self) -> list[int]:
        return [self.plan.consortium_id]


class PlanMember(PlanPart):
    plan = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="members")
    body = models.ForeignKey(MemberBody, on_delete=models.PROTECT, related_name="+")
    guaranteed = models.BooleanField(_("guaranteed"), default=True)

    class Meta:
        verbose_name = _("plan member")
        verbose_name_plural = _("plan members")
        constraints = [models.UniqueConstraint(fields=["plan", "body"], name="one_plan_member")]

    def __str__(self) -> str:  # the audit trail's name for it (members are added in bulk, unlogged)
        return f"{self.plan} — {self.body.name}"


class Pool(PlanPart):
    plan = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="pools")
    name = SingleLineCharField(_("name"), max_length=100)
    amount = models.BigIntegerField(_("annual amount (yen)"), validators=[MinValueValidator(0), MaxValueValidator(YEN_LIMIT)])
    equal_ratio = models.DecimalField(_("equal share ratio"), default=Decimal("0.3"), **RATIO)
    population_ratio = models.DecimalField(_("population share ratio"), default=Decimal("0.7"), **RATIO)
    business_systems = models.ManyToManyField(BusinessSystem, blank=True, verbose_name=_("business systems"))
    # Empty means every member of the plan.
    bodies = models.ManyToManyField(MemberBody, blank=True, related_name="+", verbose_name=_("members sharing"))

    class Meta:
        verbose_name = _("cost pool")
        verbose_name_plural = _("cost pools")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="unique_pool_name")]

    def __str__(self) -> str:
        return self.name


class Scenario(PlanPart):
    """The plan under other ratios or another total, compared side by side."""

    plan = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="scenarios")
    name = SingleLineCharField(_("name"), max_length=100)
    equal_ratio = models.DecimalField(_("equal share ratio"), **RATIO)
    population_ratio = models.DecimalField(_("population share ratio"), **RATIO)
    total_amount = models.BigIntegerField(_("total amount (yen)"), null=True, blank=True,
                                          validators=[MinValueValidator(0), MaxValueValidator(YEN_LIMIT)],
                                          help_text=_("Leave blank to keep the plan's pools."))

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


def _refuse_membership_change(sender, instance, action, **kwargs):
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        refuse_if_published(instance.plan_id)


models.signals.m2m_changed.connect(_refuse_membership_change, sender=Pool.bodies.through)
models.signals.m2m_changed.connect(_refuse_membership_change, sender=Pool.business_systems.through)
