"""Agreements (協定書) with their articles and signatures; contracts and their SLA.

A concluded agreement never changes: every save or delete of it, of its articles or of
its signatures is refused here, in the model layer, whatever page, command or admin
action asks. A change is an amendment: a new version that supersedes it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from apps.accounts.access import access_for
from apps.core.formatting import date_on_screen
from apps.core.limits import YEN_LIMIT
from apps.core.models import AuditScoped, FrozenRowsQuerySet, SingleLineCharField, TimeStampedModel
from apps.members.models import Consortium, ConsortiumRecordQuerySet, MemberBody, consortia_of

ONE_DAY = datetime.timedelta(days=1)


class FrozenAgreementError(ValidationError):
    pass


def refuse_if_concluded(agreement_id) -> None:
    if agreement_id and Agreement.objects.filter(pk=agreement_id, status=Agreement.Status.CONCLUDED).exists():
        raise FrozenAgreementError(_("A concluded agreement cannot be changed; amend it with a new version."))


class FrozenQuerySet(FrozenRowsQuerySet):
    """Bulk updates and deletes cannot touch concluded agreements either."""

    status_lookup = "agreement__status"
    frozen_error = FrozenAgreementError
    change_refusal = _("A concluded agreement cannot be changed.")
    delete_refusal = _("A concluded agreement cannot be deleted.")

    @property
    def frozen_lookup(self) -> dict:
        return {self.status_lookup: Agreement.Status.CONCLUDED}


class AgreementQuerySet(FrozenQuerySet, ConsortiumRecordQuerySet):
    status_lookup = "status"

    def for_members(self):
        """Members see the versions under review or concluded, never drafts."""
        return self.filter(status__in=Agreement.VISIBLE_TO_MEMBERS)


class Agreement(AuditScoped, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        CONCLUDED = "concluded", _("Concluded")

    VISIBLE_TO_MEMBERS = (Status.UNDER_REVIEW, Status.CONCLUDED)

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="agreements",
                                   verbose_name=_("consortium"))
    version = models.PositiveIntegerField(_("version"))
    title = SingleLineCharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The day the members were asked to sign: no signature is dated before it.
    sent_for_review_on = models.DateField(_("sent for review on"), null=True, blank=True, editable=False)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        verbose_name=_("supersedes"),
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["consortium", "-version"]
        constraints = [models.UniqueConstraint(fields=["consortium", "version"], name="one_agreement_version")]

    def __str__(self) -> str:
        return _("%(title)s (version %(version)d)") % {"title": self.title, "version": self.version}

    def audit_consortium_ids(self) -> list[int]:
        return [self.consortium_id]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_under_review(self) -> bool:
        return self.status == self.Status.UNDER_REVIEW

    @property
    def is_concluded(self) -> bool:
        return self.status == self.Status.CONCLUDED

    def save(self, *args, **kwargs):
        refuse_if_concluded(self.pk)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_concluded(self.pk)
        return super().delete(*args, **kwargs)


class AgreementPart(AuditScoped, TimeStampedModel):
    """Anything written on an agreement: frozen with it."""

    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        refuse_if_concluded(self.agreement_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_concluded(self.agreement_id)
        return super().delete(*args, **kwargs)

    def audit_consortium_ids(self) -> list[int]:
        return [self.agreement.consortium_id]


# 第1条 to 第999条: an agreement has a handful of articles, and a number nobody writes
# would only overflow the next one offered (the last plus one).
FIRST_ARTICLE, LAST_ARTICLE = 1, 999


class Article(AgreementPart):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="articles",
                                  verbose_name=_("agreement"))
    number = models.PositiveIntegerField(_("article number"), validators=[MinValueValidator(FIRST_ARTICLE),
                                                                       MaxValueValidator(LAST_ARTICLE)])
    heading = SingleLineCharField(_("heading"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="one_article_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class SignatureQuerySet(FrozenQuerySet):
    def for_user(self, user):
        """Secretariat and observers: every signature of their consortia; members: their
        own body's signatures."""
        access = access_for(user)
        if access.is_admin:
            return self
        if access.is_member_user:
            return self.filter(body_id=access.body_id, agreement__status__in=Agreement.VISIBLE_TO_MEMBERS)
        return self.filter(agreement__consortium_id__in=access.readable_consortia)


class Signature(AgreementPart):
    """One member's signature; ``signed_on`` stays empty until the mayor has signed."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures",
                                  verbose_name=_("agreement"))
    body = models.ForeignKey(MemberBody, on_delete=models.PROTECT, related_name="agreement_signatures",
                             verbose_name=_("member body"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by_name = SingleLineCharField(_("signed by"), max_length=100, blank=True,
                                         help_text=_("The mayor's name as written on the agreement."))

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["agreement", "body__code"]
        constraints = [models.UniqueConstraint(fields=["agreement", "body"], name="one_signature_per_body")]

    def __str__(self) -> str:
        return f"{self.body} — {self.agreement}"


class OwnOrAllMembersQuerySet(models.QuerySet):
    """For records that concern one member (``body``) or all members (no body): contracts
    and customisations."""

    def for_user(self, user):
        """Secretariat and observers: every record of their consortia; members: their own
        body's and the all-member ones of consortia their body takes part in."""
        access = access_for(user)
        if access.is_admin:
            return self
        if access.is_member_user:
            return self.filter(Q(body_id=access.body_id)
                               | Q(body__isnull=True, consortium_id__in=consortia_of(access.body_id)))
        return self.filter(consortium_id__in=access.readable_consortia)


class ContractQuerySet(OwnOrAllMembersQuerySet):

    def with_reminder_date(self):
        """``remind_from``: the day the renewal reminder starts (notice_days before the end)."""
        # Spelled out for SQLite: it multiplies only plain integers by a duration, and
        # subtracts a duration from a date only when told that it is one.
        notice = ExpressionWrapper(Cast("notice_days", models.IntegerField()) * ONE_DAY,
                                   output_field=models.DurationField())
        return self.annotate(remind_from=Cast(F("ends_on") - notice, models.DateField()))

    def due_for_renewal(self, today: datetime.date):
        """Contracts inside their renewal notice period and not yet ended."""
        return self.with_reminder_date().filter(remind_from__lte=today, ends_on__gte=today).order_by("ends_on")


class Contract(AuditScoped, TimeStampedModel):
    class ServiceType(models.TextChoices):
        SAAS = "saas", _("SaaS")
        SHARED_HOSTING = "shared_hosting", _("Shared hosting")
        PRIVATE_CLOUD = "private_cloud", _("Private cloud")

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="contracts",
                                   verbose_name=_("consortium"))
    body = models.ForeignKey(MemberBody, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts",
                             verbose_name=_("member body"),
                             help_text=_("Leave empty for one bulk contract for all members."))
    vendor = SingleLineCharField(_("vendor"), max_length=200)
    title = SingleLineCharField(_("title"), max_length=200)
    service_type = models.CharField(_("service-use type"), max_length=20, choices=ServiceType.choices,
                                    default=ServiceType.SAAS)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    annual_amount = models.PositiveBigIntegerField(_("annual amount (yen)"), validators=[MaxValueValidator(YEN_LIMIT)])
    total_amount = models.PositiveBigIntegerField(_("total amount (yen)"), help_text=_("Over the whole term."),
                                               validators=[MaxValueValidator(YEN_LIMIT)])
    notice_days = models.PositiveSmallIntegerField(
        _("renewal reminder (days before the end)"), default=180,
    )
    # Set when the secretariat was reminded, so that the daily run reminds once.
    reminder_sent_on = models.DateField(_("renewal reminder sent on"), null=True, blank=True, editable=False)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["consortium", "body__code", "-starts_on"]
        constraints = [
            models.CheckConstraint(name="contract_ends_after_it_starts", condition=Q(ends_on__gt=F("starts_on")),
                                   violation_error_message=_("The contract must end after it starts.")),
        ]

    def __str__(self) -> str:
        # Outside the f-string: makemessages does not read calls inside one.
        whose = self.body or _("all members")
        return f"{self.title} — {whose}"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            # Said under the end date; the amounts and the reminder are measured against a
            # term, and there is none (a reminder «-31 days before the end» was all it said).
            raise ValidationError({"ends_on": _("The contract must end after it starts.")})
        # A term shorter than a year may cost less than a year's rate; a longer one cannot.
        if (self.starts_on and self.ends_on and self.annual_amount is not None and self.total_amount is not None
                and self.ends_on - self.starts_on >= datetime.timedelta(days=365)
                and self.total_amount < self.annual_amount):
            raise ValidationError({"total_amount": _(
                "The total over a term of a year or more cannot be less than the annual amount.")})
        # Reminded before the contract even starts is no reminder (30,000 days was taken).
        if (self.starts_on and self.ends_on and self.notice_days is not None
                and self.notice_days > (self.ends_on - self.starts_on).days):
            raise ValidationError({"notice_days": _(
                "The reminder cannot come before the contract starts: at most %(days)d days before its end.")
                % {"days": (self.ends_on - self.starts_on).days}})

    def audit_consortium_ids(self) -> list[int]:
        return [self.consortium_id]


class SlaItem(AuditScoped, TimeStampedModel):
    class Kind(models.TextChoices):
        AVAILABILITY = "availability", _("Availability")
        SUPPORT_HOURS = "support_hours", _("Support hours")
        RTO = "rto", _("Recovery time objective (RTO)")
        RPO = "rpo", _("Recovery point objective (RPO)")
        BACKUP = "backup", _("Backup")
        DATA_RETURN = "data_return", _("Data return on exit")
        PENALTY = "penalty", _("Penalty")
        OTHER = "other", _("Other")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="sla_items",
                                 verbose_name=_("contract"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # "percent" spelled out: with "%" gettext would take "% o" for a format directive.
    target = SingleLineCharField(_("target"), max_length=200,
                              help_text=_("For example 99.9 percent, or weekdays 8:30–17:15."))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("SLA item")
        verbose_name_plural = _("SLA items")
        ordering = ["contract", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    def audit_consortium_ids(self) -> list[int]:
        return [self.contract.consortium_id]


class Customisation(AuditScoped, TimeStampedModel):
    """A request to customise the shared system (the customisation register).

    The agreement's principle is no customisation: one for a single member is an
    exception that needs an explicit, recorded approval (who, when, why) before it can be
    built; the services refuse anything else.
    """

    class Scope(models.TextChoices):
        ALL = "all", _("For all members")
        ONE = "one", _("For one member")

    class Payer(models.TextChoices):
        ALL_MEMBERS = "all_members", _("All members, by the allocation rule")
        REQUESTING_MEMBER = "requesting_member", _("The requesting member")
        VENDOR = "vendor", _("The vendor")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DONE = "done", _("Built")

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="customisations",
                                   verbose_name=_("consortium"))
    title = SingleLineCharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    body = models.ForeignKey(MemberBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("member body"), help_text=_("Only for a customisation for one member."))
    business_system = models.ForeignKey("costs.BusinessSystem", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("business system"))
    cost = models.PositiveBigIntegerField(_("cost (yen)"), validators=[MaxValueValidator(YEN_LIMIT)])
    payer = models.CharField(_("paid by"), max_length=20, choices=Payer.choices)
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    objects = OwnOrAllMembersQuerySet.as_manager()

    class Meta:
        verbose_name = _("customisation")
        verbose_name_plural = _("customisations")
        ordering = ["-requested_on", "-id"]
        constraints = [
            # A customisation is for all members or for exactly one, never in between.
            models.CheckConstraint(
                name="customisation_scope_matches_body",
                condition=Q(scope="all", body__isnull=True) | Q(scope="one", body__isnull=False),
                violation_error_message=_("A customisation for one member names that member; one for all "
                                          "members names none."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        # The services decide only what awaits a decision, dated from its request on; this
        # holds the order for any other path that changes a request already decided.
        if self.requested_on and self.decided_on and self.requested_on > self.decided_on:
            raise ValidationError({"requested_on": _(
                "The request date cannot be after the decision date (%(on)s).")
                % {"on": date_on_screen(self.decided_on, "era")}})

    def audit_consortium_ids(self) -> list[int]:
        return [self.consortium_id]

    @property
    def is_individual(self) -> bool:
        return self.scope == self.Scope.ONE
