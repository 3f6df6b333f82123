"""Procurement (調達): the vendor register, cases, RFI rounds with indicative quotes, and
the comprehensive evaluation (総合評価) that ends in a recorded selection.

Procurement is the secretariat's work: the secretariat and observers of a consortium
read it, member staff and mayors do not (``for_user``). Scores are sealed, then frozen:
while scoring is open an evaluator reads only their own (``Score.objects.for_user``);
once the secretariat closes scoring, every save or delete of the evaluation's criteria,
proposals, evaluators and scores is refused here, in the model layer, whatever page,
command or admin action asks.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.access import access_for
from apps.core.limits import YEN_LIMIT
from apps.core.models import AuditScoped, FrozenRowsQuerySet, SingleLineCharField, TimeStampedModel
from apps.costs.models import BusinessSystem
from apps.members.models import Consortium
from apps.procurement.corporate_number import is_valid_corporate_number


def validate_corporate_number(value: str) -> None:
    if not is_valid_corporate_number(value):
        raise ValidationError(
            _("%(value)s is not a valid corporate number (13 digits with a correct check digit)."),
            params={"value": value}, code="invalid_corporate_number",
        )


class ScopedQuerySet(models.QuerySet):
    """Rows that belong to one consortium, reached through ``consortium_lookup``."""

    consortium_lookup = "consortium_id"

    def for_user(self, user):
        """What the user may read: the secretariat's and observers' consortia only."""
        access = access_for(user)
        if access.is_admin:
            return self
        return self.filter(**{f"{self.consortium_lookup}__in": access.readable_consortia})

    def in_scope_of(self, user):
        """What the user may know exists: every consortium the user reaches at all,
        members' included; a page refuses (403) what is in scope but not readable.
        Each row carries ``scope_consortium_id`` for that check."""
        return (self.filter(**{f"{self.consortium_lookup}__in": Consortium.objects.for_user(user).values("pk")})
                .annotate(scope_consortium_id=F(self.consortium_lookup)))


class CaseScopedQuerySet(ScopedQuerySet):
    consortium_lookup = "case__consortium_id"


class ResponseQuerySet(ScopedQuerySet):
    consortium_lookup = "rfi_round__case__consortium_id"


class VendorQuerySet(models.QuerySet):
    def for_user(self, user):
        """The register is shared by every consortium: anyone who oversees one reads it."""
        access = access_for(user)
        return self if access.is_admin or access.readable_consortia else self.none()


class Vendor(AuditScoped, TimeStampedModel):
    """A company (事業者), shared by every consortium of the installation."""

    name = SingleLineCharField(_("name"), max_length=200)
    corporate_number = SingleLineCharField(
        _("corporate number"), max_length=13, unique=True, validators=[validate_corporate_number],
        help_text=_("13 digits, the first of which is a check digit."),
        # Django's own reads «Vendor with this Corporate number already exists.»
        error_messages={"unique": _("A vendor with this corporate number is already registered.")})
    address = SingleLineCharField(_("address"), max_length=300, blank=True)
    contact = SingleLineCharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = VendorQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_consortium_ids(self) -> list[int]:
        # The consortia whose cases involve the vendor; a new vendor belongs to none yet.
        cases = ProcurementCase.objects.filter(Q(rfi_rounds__invited=self) | Q(evaluation__proposals__vendor=self))
        return list(cases.values_list("consortium_id", flat=True).distinct())


class Stage(models.TextChoices):
    MARKET_SURVEY = "market_survey", _("Market survey")
    RFI = "rfi", _("Request for information (RFI)")
    RFP = "rfp", _("Request for proposals (RFP)")
    EVALUATION = "evaluation", _("Evaluation")
    AWARDED = "awarded", _("Awarded")
    NEGOTIATION = "negotiation", _("Contract negotiation")
    CLOSED = "closed", pgettext_lazy("procurement stage", "Closed")


# A case reaches these only once a vendor has been selected.
NEEDS_SELECTION = (Stage.AWARDED, Stage.NEGOTIATION)
# The stages of a case with a selection, in order: it only moves forward through them.
AFTER_SELECTION = (Stage.AWARDED, Stage.NEGOTIATION, Stage.CLOSED)


class ProcurementCase(AuditScoped, TimeStampedModel):
    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="procurement_cases",
                                   verbose_name=_("consortium"))
    title = SingleLineCharField(_("title"), max_length=200)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.MARKET_SURVEY)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("procurement case")
        verbose_name_plural = _("procurement cases")
        ordering = ["consortium", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def audit_consortium_ids(self) -> list[int]:
        return [self.consortium_id]


class CasePart(AuditScoped, TimeStampedModel):
    """Anything recorded under a case belongs to the case's consortium."""

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def audit_consortium_ids(self) -> list[int]:
        return [self.case.consortium_id]


class StageChange(CasePart):
    """One dated step of a case: the case is at ``stage`` from ``on`` until the next step."""

    case = models.ForeignKey(ProcurementCase, on_delete=models.CASCADE, related_name="stage_history",
                             verbose_name=_("procurement case"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("from"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    note = SingleLineCharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["case", "on", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_stage_display()} ({self.on})"


class RfiRound(CasePart):
    """A request for information (質問票) sent to invited vendors, asking indicative
    quotes per business system for the fiscal years ``first_fiscal_year`` to
    ``last_fiscal_year``, to be compared with the members' costs of ``cost_fiscal_year``."""

    case = models.ForeignKey(ProcurementCase, on_delete=models.CASCADE, related_name="rfi_rounds",
                             verbose_name=_("procurement case"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = SingleLineCharField(_("questionnaire title"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    first_fiscal_year = models.PositiveSmallIntegerField(_("quotes from fiscal year"))
    last_fiscal_year = models.PositiveSmallIntegerField(_("quotes until fiscal year"))
    cost_fiscal_year = models.PositiveSmallIntegerField(
        _("compare with the current costs of fiscal year"),
        help_text=_("The fiscal year of the members' cost survey that the quotes are compared with."))
    invited = models.ManyToManyField(Vendor, blank=True, related_name="rfi_invitations",
                                     verbose_name=_("invited vendors"))

    class Meta:
        verbose_name = _("RFI round")
        verbose_name_plural = _("RFI rounds")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_rfi_number"),
            models.CheckConstraint(name="rfi_due_after_issue", condition=Q(due_on__gte=models.F("issued_on")),
                                   violation_error_message=_("The due date cannot be before the issue date.")),
            models.CheckConstraint(name="rfi_years_in_order",
                                   condition=Q(last_fiscal_year__gte=models.F("first_fiscal_year")),
                                   violation_error_message=_("The last fiscal year cannot be before the first.")),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def fiscal_years(self) -> list[int]:
        return list(range(self.first_fiscal_year, self.last_fiscal_year + 1))


class RfiResponse(AuditScoped, TimeStampedModel):
    rfi_round = models.ForeignKey(RfiRound, on_delete=models.CASCADE, related_name="responses",
                                  verbose_name=_("RFI round"))
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="rfi_responses",
                               verbose_name=_("vendor"))
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("summary"), blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("RFI response")
        verbose_name_plural = _("RFI responses")
        ordering = ["rfi_round", "vendor__name"]
        constraints = [models.UniqueConstraint(fields=["rfi_round", "vendor"], name="one_response_per_vendor")]

    def __str__(self) -> str:
        return f"{self.vendor} — {self.rfi_round}"

    def audit_consortium_ids(self) -> list[int]:
        return [self.rfi_round.case.consortium_id]


class IndicativeQuote(AuditScoped, models.Model):
    """A vendor's indicative price for one business system in one fiscal year, in yen."""

    response = models.ForeignKey(RfiResponse, on_delete=models.CASCADE, related_name="quotes",
                                 verbose_name=_("RFI response"))
    business_system = models.ForeignKey(BusinessSystem, on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("business system"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount = models.PositiveBigIntegerField(_("amount (yen)"), validators=[MaxValueValidator(YEN_LIMIT)])

    class Meta:
        verbose_name = _("indicative quote")
        verbose_name_plural = _("indicative quotes")
        constraints = [models.UniqueConstraint(fields=["response", "business_system", "fiscal_year"],
                                               name="one_quote_per_system_and_year")]

    def __str__(self) -> str:
        return f"{self.business_system} {self.fiscal_year}: {self.amount:,}"

    def audit_consortium_ids(self) -> list[int]:
        return [self.response.rfi_round.case.consortium_id]


class FrozenScoringError(ValidationError):
    pass


SCORING_CLOSED = _("Scoring is closed: the evaluation can no longer change.")
SELECTION_RECORDED = _("The selection is recorded and cannot change.")


def refuse_if_closed(**evaluation_lookup) -> None:
    """Refuse when the evaluation found by ``evaluation_lookup`` has closed its scoring
    (asked of the database: the caller's copy may predate the closing)."""
    if Evaluation.objects.filter(scoring_closed_at__isnull=False, **evaluation_lookup).exists():
        raise FrozenScoringError(SCORING_CLOSED)


class EvaluationQuerySet(FrozenRowsQuerySet, ScopedQuerySet):
    """Evaluations, or rows of one reached through ``evaluation_lookup``: bulk updates
    and deletes cannot touch a closed evaluation either."""

    evaluation_lookup = ""
    frozen_error = FrozenScoringError
    change_refusal = delete_refusal = SCORING_CLOSED

    @property
    def _prefix(self) -> str:
        return f"{self.evaluation_lookup}__" if self.evaluation_lookup else ""

    @property
    def consortium_lookup(self) -> str:
        return f"{self._prefix}case__consortium_id"

    @property
    def frozen_lookup(self) -> dict:
        return {f"{self._prefix}scoring_closed_at__isnull": False}


class Evaluation(AuditScoped, TimeStampedModel):
    """The comprehensive evaluation of a case: technical criteria scored by evaluators,
    plus a price score of ``price_points_max × lowest price ÷ price``."""

    case = models.OneToOneField(ProcurementCase, on_delete=models.PROTECT, related_name="evaluation",
                                verbose_name=_("procurement case"))
    price_points_max = models.PositiveSmallIntegerField(
        _("maximum price points"), validators=[MinValueValidator(1)],
        help_text=_("The price score of the lowest price; other prices get it × lowest price ÷ their price."))
    evaluators = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Evaluator", related_name="+",
                                        verbose_name=_("evaluators"))
    scoring_closed_at = models.DateTimeField(_("scoring closed at"), null=True, blank=True)
    scoring_closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+", verbose_name=_("scoring closed by"))
    selected_proposal = models.ForeignKey("Proposal", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("selected proposal"))
    selection_reason = models.TextField(_("reason for the selection"), blank=True)
    selected_at = models.DateTimeField(_("selected at"), null=True, blank=True)
    selected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("selected by"))

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return str(self.case)

    def audit_consortium_ids(self) -> list[int]:
        return [self.case.consortium_id]

    @property
    def is_closed(self) -> bool:
        return self.scoring_closed_at is not None

    @property
    def is_selected(self) -> bool:
        return self.selected_proposal_id is not None

    def save(self, *args, **kwargs):
        self._refuse_frozen_change()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_closed(pk=self.pk)
        return super().delete(*args, **kwargs)

    def _refuse_frozen_change(self) -> None:
        """Once closed only the selection may be written, and only once."""
        stored = (Evaluation.objects.filter(pk=self.pk)
                  .values("scoring_closed_at", "price_points_max", "selected_proposal_id", "selection_reason")
                  .first() if self.pk else None)
        if not stored or stored["scoring_closed_at"] is None:
            return
        if not self.is_closed or self.price_points_max != stored["price_points_max"]:
            raise FrozenScoringError(SCORING_CLOSED)
        if stored["selected_proposal_id"] is not None and (
                self.selected_proposal_id != stored["selected_proposal_id"]
                or self.selection_reason != stored["selection_reason"]):
            raise FrozenScoringError(SELECTION_RECORDED)


class EvaluationPartQuerySet(EvaluationQuerySet):
    evaluation_lookup = "evaluation"


class EvaluationPart(AuditScoped, TimeStampedModel):
    """Anything scored or scored on: frozen with the evaluation once scoring closes."""

    objects = EvaluationPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def evaluation_key(self) -> dict:
        return {"pk": self.evaluation_id}

    def save(self, *args, **kwargs):
        self.refuse_frozen_save()
        super().save(*args, **kwargs)

    def refuse_frozen_save(self) -> None:
        refuse_if_closed(**self.evaluation_key())

    def delete(self, *args, **kwargs):
        refuse_if_closed(**self.evaluation_key())
        return super().delete(*args, **kwargs)

    def audit_consortium_ids(self) -> list[int]:
        return list(Evaluation.objects.filter(**self.evaluation_key()).values_list("case__consortium_id", flat=True))


class Evaluator(EvaluationPart):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="evaluator_rows",
                                   verbose_name=_("evaluation"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("evaluator"))

    class Meta:
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"], name="one_evaluator_row")]

    def __str__(self) -> str:
        return str(self.user)


class Criterion(EvaluationPart):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="criteria",
                                   verbose_name=_("evaluation"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = SingleLineCharField(_("criterion"), max_length=200)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["evaluation", "number"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "number"], name="one_criterion_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class ProposalStatus(models.TextChoices):
    ACTIVE = "active", _("In the evaluation")
    # A context of their own: a member's "Withdrawn" is 離脱, a vendor's 辞退.
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")
    DISQUALIFIED = "disqualified", pgettext_lazy("proposal status", "Disqualified")


class Proposal(EvaluationPart):
    """One vendor's proposal, with the price it offers in yen. A vendor that withdraws
    (辞退) or is disqualified (失格) keeps its proposal and its scores, marked and out of
    the ranking: the record says who took part and why they were not chosen."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="proposals",
                                   verbose_name=_("evaluation"))
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("vendor"))
    price = models.PositiveBigIntegerField(_("price offered (yen)"),
                                           validators=[MinValueValidator(1), MaxValueValidator(YEN_LIMIT)])
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices,
                              default=ProposalStatus.ACTIVE)
    status_reason = models.TextField(_("reason for the withdrawal or disqualification"), blank=True)
    status_recorded_at = models.DateTimeField(_("withdrawal or disqualification recorded at"), null=True,
                                              blank=True)
    status_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                           blank=True, related_name="+",
                                           verbose_name=_("withdrawal or disqualification recorded by"))

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["evaluation", "vendor__name"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "vendor"], name="one_proposal_per_vendor"),
            models.CheckConstraint(name="proposal_exclusion_has_reason",
                                   condition=Q(status=ProposalStatus.ACTIVE) | ~Q(status_reason=""),
                                   violation_error_message=_("Give the reason for the withdrawal or "
                                                             "disqualification.")),
        ]

    def __str__(self) -> str:
        return str(self.vendor)

    @property
    def is_excluded(self) -> bool:
        return self.status != ProposalStatus.ACTIVE

    def refuse_frozen_save(self) -> None:
        """Once scoring closes a proposal is frozen, but for one change: the vendor withdraws
        or is disqualified before the selection is recorded (nothing else of it changes)."""
        if not self._is_exclusion_only():
            super().refuse_frozen_save()
        elif Evaluation.objects.filter(pk=self.evaluation_id, selected_proposal__isnull=False).exists():
            raise FrozenScoringError(SELECTION_RECORDED)

    def _is_exclusion_only(self) -> bool:
        stored = (Proposal.objects.filter(pk=self.pk).values("evaluation_id", "vendor_id", "price", "status").first()
                  if self.pk else None)
        return bool(stored) and stored["status"] == ProposalStatus.ACTIVE and self.is_excluded and (
            (stored["evaluation_id"], stored["vendor_id"], stored["price"])
            == (self.evaluation_id, self.vendor_id, self.price))


class ScoreQuerySet(EvaluationQuerySet):
    evaluation_lookup = "proposal__evaluation"

    def for_user(self, user):
        """Sealed until scoring closes: before, each evaluator reads only their own
        scores, and nobody else (the secretariat and administrators included) any."""
        return super().for_user(user).filter(Q(proposal__evaluation__scoring_closed_at__isnull=False)
                                             | Q(evaluator_id=getattr(user, "pk", None)))


class Score(EvaluationPart):
    """One evaluator's points for one proposal on one criterion (0 to its maximum)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores",
                                 verbose_name=_("proposal"))
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores",
                                  verbose_name=_("criterion"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("evaluator"))
    points = models.PositiveSmallIntegerField(_("points"))

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["proposal", "criterion", "evaluator"],
                                               name="one_score_per_cell")]

    def __str__(self) -> str:
        # No points: the audit trail prints this, and the scores are sealed.
        return f"{self.proposal} / {self.criterion} / {self.evaluator}"

    def evaluation_key(self) -> dict:
        return {"proposals": self.proposal_id}

    def audit_consortium_ids(self) -> list[int]:
        # Tagged with no consortium, a score's history is the administrators' alone: the
        # secretariat's audit trail must not unseal what the evaluation page hides.
        return []
