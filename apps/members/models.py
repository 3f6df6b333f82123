import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.access import access_for
from apps.core.models import AuditScoped, SingleLineCharField, TimeStampedModel
from apps.members.codes import CodeProblem, code_problem


CODE_PROBLEMS = {
    CodeProblem.NOT_DIGITS: _("%(value)s is not a local government code: it is 6 digits (0–9) only."),
    CodeProblem.LENGTH: _("%(value)s is not a local government code: it has %(length)d digits, not 6."),
    CodeProblem.CHECK_DIGIT: _("%(value)s is not a valid local government code: its last digit, the check digit, "
                               "does not match the first five."),
}


def validate_local_government_code(value: str) -> None:
    problem = code_problem(value)
    if problem is not None:
        raise ValidationError(CODE_PROBLEMS[problem], params={"value": value, "length": len(value)},
                              code="invalid_code")


class ConsortiumQuerySet(models.QuerySet):
    def for_user(self, user):
        access = access_for(user)
        if access.is_admin:
            return self
        if access.is_member_user:
            return self.filter(pk__in=consortia_of(access.body_id))
        return self.filter(pk__in=access.readable_consortia)


class Consortium(AuditScoped, TimeStampedModel):
    class Kind(models.TextChoices):
        VOLUNTARY = "voluntary", _("Voluntary council (任意協議会)")
        PARTIAL_AFFAIRS = "partial_affairs", _("Partial-affairs association (一部事務組合)")
        WIDE_AREA = "wide_area", _("Wide-area union (広域連合)")

    class ContractStyle(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual contracts per member")
        BULK = "bulk", _("One bulk contract")

    class Purpose(models.TextChoices):
        COST = "cost", _("Cost reduction")
        EFFICIENCY = "efficiency", _("Efficiency and service")

    slug = models.SlugField(_("slug"), unique=True)
    name = SingleLineCharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VOLUNTARY)
    contract_style = models.CharField(
        _("contract style"), max_length=20, choices=ContractStyle.choices, default=ContractStyle.INDIVIDUAL
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.COST)
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    comparison_published = models.BooleanField(
        _("side-by-side comparison published to members"), default=False
    )

    objects = ConsortiumQuerySet.as_manager()

    class Meta:
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def audit_consortium_ids(self) -> list[int]:
        return [self.pk]


class MemberBodyQuerySet(models.QuerySet):
    def for_user(self, user):
        access = access_for(user)
        if access.is_admin:
            return self
        if access.is_member_user:
            return self.filter(pk=access.body_id)
        return self.filter(participations__consortium_id__in=access.readable_consortia).distinct()


class MemberBody(AuditScoped, TimeStampedModel):
    class Kind(models.TextChoices):
        CITY = "city", _("City (市)")
        TOWN = "town", _("Town (町)")
        VILLAGE = "village", _("Village (村)")
        WARD = "ward", _("Special ward (区)")

    code = SingleLineCharField(
        _("local government code"), max_length=6, unique=True, validators=[validate_local_government_code]
    )
    name = SingleLineCharField(_("name"), max_length=100)
    kana = SingleLineCharField(_("reading (kana)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    prefecture = SingleLineCharField(_("prefecture"), max_length=10)
    district = SingleLineCharField(_("district (郡)"), max_length=50, blank=True)
    mayor_name = SingleLineCharField(_("mayor's name"), max_length=100, blank=True)
    mayor_email = models.EmailField(_("mayor's e-mail"), blank=True)
    it_staff_count = models.PositiveIntegerField(_("IT staff"), null=True, blank=True)
    contact = models.TextField(_("contacts"), blank=True)
    # The latest PopulationRecord, kept here by services.population_record so list pages
    # need no subquery per row.
    population = models.PositiveIntegerField(_("population"), null=True, blank=True, editable=False)
    population_as_of = models.DateField(_("population as of"), null=True, blank=True, editable=False)

    objects = MemberBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("member body")
        verbose_name_plural = _("member bodies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def audit_consortium_ids(self) -> list[int]:
        return list(self.participations.values_list("consortium_id", flat=True))


class PopulationRecord(AuditScoped, TimeStampedModel):
    class Source(models.TextChoices):
        REGISTRY = "registry", _("Basic resident register (住民基本台帳)")
        CENSUS = "census", _("Census (国勢調査)")
        ESTIMATE = "estimate", _("Estimate")

    body = models.ForeignKey(MemberBody, on_delete=models.CASCADE, related_name="populations")
    as_of = models.DateField(_("as of"))
    population = models.PositiveIntegerField(_("population"))
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.REGISTRY)

    class Meta:
        verbose_name = _("population record")
        verbose_name_plural = _("population records")
        ordering = ["body", "-as_of"]
        constraints = [models.UniqueConstraint(fields=["body", "as_of", "source"], name="one_population_per_date")]
        indexes = [models.Index(fields=["body", "-as_of"])]

    def __str__(self) -> str:
        return f"{self.body} {self.population:,} ({self.as_of})"

    def audit_consortium_ids(self) -> list[int]:
        return self.body.audit_consortium_ids()


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    STUDY_GROUP = "study_group", _("Study group")
    COUNCIL = "council", _("Council")
    DECLARED = "declared", _("Declared participation")
    LIVE = "live", _("Live")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The members of the council proper: those that have joined it and not withdrawn. They
# share the bill (apps.allocation) and sign the agreement (apps.agreements); a body only
# invited, or still in the study group, does neither.
COUNCIL_STATUSES = (ParticipationStatus.COUNCIL, ParticipationStatus.DECLARED, ParticipationStatus.LIVE)

# The path a body normally walks; withdrawal can happen from any step.
STATUS_ORDER = [
    ParticipationStatus.INVITED,
    ParticipationStatus.STUDY_GROUP,
    ParticipationStatus.COUNCIL,
    ParticipationStatus.DECLARED,
    ParticipationStatus.LIVE,
]


def status_may_follow(current: str, new: str) -> bool:
    """A step forward along STATUS_ORDER; withdrawal from any step; any step after a
    withdrawal (a withdrawn member rejoins where it stands, an invitation or a declaration).
    A member does not walk back: live then invited left a go-live date on an invited town."""
    if ParticipationStatus.WITHDRAWN in (current, new):
        return True
    return STATUS_ORDER.index(new) > STATUS_ORDER.index(current)


class ParticipationQuerySet(models.QuerySet):
    def for_user(self, user):
        access = access_for(user)
        if access.is_admin:
            return self
        if access.is_member_user:
            return self.filter(body_id=access.body_id)
        return self.filter(consortium_id__in=access.readable_consortia)


class Participation(AuditScoped, TimeStampedModel):
    """A body's membership of one consortium; ``status`` mirrors the open history entry."""

    body = models.ForeignKey(MemberBody, on_delete=models.CASCADE, related_name="participations")
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="participations")
    status = models.CharField(_("status"), max_length=20, choices=ParticipationStatus.choices)
    planned_go_live = models.DateField(_("planned go-live"), null=True, blank=True)
    actual_go_live = models.DateField(_("actual go-live"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["body", "consortium"], name="one_participation")]
        indexes = [models.Index(fields=["consortium", "status"])]

    def __str__(self) -> str:
        return f"{self.body} @ {self.consortium}: {self.get_status_display()}"

    def audit_consortium_ids(self) -> list[int]:
        return [self.consortium_id]

    def status_on(self, day: datetime.date) -> str | None:
        for change in self.history.all():
            if change.active_on(day):
                return change.status
        return None


def consortia_of(body_id: int):
    """The consortia a body takes part in, as a subquery: no join through participations,
    so no duplicate rows and no DISTINCT.

    Not those it has withdrawn from (脱退): its staff and mayor lose the council's business
    — its pages, meetings and their documents and calendar, comparisons, plans, agreements
    and surveys. They keep what is their own body's: its page and participation history,
    its figures of every year, its own contracts and its mayor's archived briefings."""
    return Participation.objects.filter(body_id=body_id).exclude(
        status=ParticipationStatus.WITHDRAWN).values("consortium_id")


class ConsortiumRecordQuerySet(models.QuerySet):
    """Records of one consortium (``consortium_id``). Secretariat and observers read their
    consortia's; member staff and mayors those of the consortia their body takes part in,
    narrowed by ``for_members()`` (e.g. published plans only)."""

    def for_members(self):
        return self

    def for_user(self, user):
        access = access_for(user)
        if access.is_admin:
            return self
        if access.is_member_user:
            return self.filter(consortium_id__in=consortia_of(access.body_id)).for_members()
        return self.filter(consortium_id__in=access.readable_consortia)


class StatusChange(models.Model):
    """One dated step of a participation: valid from ``start_date`` until ``end_date``."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=20, choices=ParticipationStatus.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    note = SingleLineCharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation"], condition=Q(end_date__isnull=True), name="one_open_status"
            ),
            # A step may last no day: invited and joined on the same day (services.participation_set_status).
            models.CheckConstraint(
                name="status_dates_in_order", condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date"))
            ),
        ]

    def active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)


class Asset(models.TextChoices):
    DATA_CENTRE = "data_centre", _("Data centre")
    SERVER = "server", _("Servers")
    PRINTER = "printer", _("Large printers")
    APPLICATION = "application", _("Application systems")


class Holding(models.TextChoices):
    OWNED = "owned", _("Owned (所有)")
    SERVICE = "service", _("Used as a service (利用)")


class OwnershipProfile(AuditScoped, TimeStampedModel):
    """For one asset of one body in one consortium: owned or used, before and after."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="ownership")
    asset = models.CharField(_("asset"), max_length=20, choices=Asset.choices)
    before = models.CharField(_("before joining"), max_length=10, choices=Holding.choices)
    after = models.CharField(_("after joining"), max_length=10, choices=Holding.choices)

    class Meta:
        verbose_name = _("ownership profile")
        verbose_name_plural = _("ownership profiles")
        constraints = [models.UniqueConstraint(fields=["participation", "asset"], name="one_holding_per_asset")]

    def __str__(self) -> str:  # the audit trail's name for it («伊奈町 データセンター»)
        return f"{self.participation.body.name} {self.get_asset_display()}"

    def audit_consortium_ids(self) -> list[int]:
        return [self.participation.consortium_id]
