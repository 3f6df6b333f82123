"""Reads for the cost pages. The side-by-side comparison is computed in the database so
a page costs the same few queries for 10 or 1,741 members."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf

from apps.costs.models import BodyYearCost, BusinessSystem, CostCategory, CostRecord, SurveyResponse, SurveyRound
from apps.members.models import Consortium, MemberBody, Participation, ParticipationStatus, consortia_of


def comparison_rows(*, consortium: Consortium, fiscal_year: int) -> QuerySet[Participation]:
    """The members of the year's comparison, with population, total cost, cost per resident
    and main vendor.

    They are the members that have joined (研究会 onwards) and not withdrawn, and those
    that have withdrawn but reported the year (before they left): a body only invited (招待)
    is not ranked among them, its figures perhaps another council's, and one that has left
    is not a town yet to report the years after it left. The totals count these same rows,
    the withdrawn ones among them said apart (``ComparisonTotals.withdrawn``).

    One LEFT JOIN onto the yearly summaries: no per-row subquery, so sorting by any
    column stays cheap at national scale.
    """
    return (
        Participation.objects.filter(consortium=consortium).exclude(status=ParticipationStatus.INVITED)
        .select_related("body")
        .annotate(year_cost=FilteredRelation("body__year_costs", condition=Q(body__year_costs__fiscal_year=fiscal_year)))
        # filter(~… | …), not exclude(…, …): exclude() over the relation became a subquery
        # per row, and the comparison page took a third longer at national scale.
        .filter(~Q(status=ParticipationStatus.WITHDRAWN) | Q(year_cost__total__isnull=False))
        .annotate(
            population=F("body__population"),
            # A member with no figure for the year has not answered: its cost, and its cost
            # per resident, are unknown (NULL), shown as "—", left out of the ranks and
            # sorted last (comparison_order), not those of a town that pays nothing.
            total_cost=F("year_cost__total"),
            main_vendor=F("year_cost__main_vendor"),
            reported=ExpressionWrapper(Q(year_cost__total__isnull=False), output_field=BooleanField()),
        )
        .annotate(cost_per_resident=per_resident(F("total_cost"), F("population")))
    )


def comparison_order(rows: QuerySet[Participation], column: str, *, descending: bool) -> QuerySet[Participation]:
    """``rows`` by ``column`` (``total_cost`` or ``cost_per_resident``), the members whose
    figure is unknown last whichever way (PostgreSQL puts NULL first when descending,
    SQLite when ascending), ties by code so that pages do not overlap."""
    by = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return rows.order_by(by, "body__code")


def per_resident(cost, population):
    """Yen per resident, rounded half up to the yen: ⌊(2·cost + population) ÷ (2·population)⌋
    in whole numbers, which PostgreSQL and SQLite compute alike (plain integer division
    cut 4,692.86 to 4,692, and ranked near-ties as equal). None without a population."""
    return ExpressionWrapper((cost * 2 + population) / NullIf(population * 2, 0), output_field=BigIntegerField())


def rounded_per_resident(cost: int, population: int) -> int | None:
    """The same in Python, for totals."""
    return (cost * 2 + population) // (population * 2) if population else None


@dataclass(frozen=True)
class ComparisonTotals:
    members: int              # every row, the withdrawn members that reported the year included
    population: int           # of every member shown
    total_cost: int
    reported_population: int  # of the members that reported the year's cost
    withdrawn: int = 0        # of ``members``, those that have left the council since

    @property
    def current_members(self) -> int:
        return self.members - self.withdrawn

    @property
    def cost_per_resident(self) -> int | None:
        """Over the members that reported: a member yet to report adds residents, not cost."""
        return rounded_per_resident(self.total_cost, self.reported_population)


@dataclass(frozen=True)
class ComparisonStats:
    """Ranks and totals over every member, from one query."""

    ranks: dict[int, int]  # cost per resident → rank
    totals: ComparisonTotals


def comparison_stats(rows: QuerySet[Participation]) -> ComparisonStats:
    """Totals of ``rows`` and a rank for every cost per resident among them, from one
    query of three numbers per member (cheaper than a second aggregate query)."""
    values = list(rows.values_list("population", "total_cost", "cost_per_resident", "reported", "status"))
    descending = sorted((per_resident for _p, _t, per_resident, reported, _s in values
                         if reported and per_resident is not None), reverse=True)
    ranks: dict[int, int] = {}
    for position, per_resident in enumerate(descending, start=1):
        ranks.setdefault(per_resident, position)  # ties share the best position
    totals = ComparisonTotals(
        members=len(values),
        population=sum(population or 0 for population, _t, _c, _r, _s in values),
        total_cost=sum(total or 0 for _p, total, _c, _r, _s in values),
        reported_population=sum(population or 0 for population, _t, _c, reported, _s in values if reported),
        withdrawn=sum(status == ParticipationStatus.WITHDRAWN for _p, _t, _c, _r, status in values),
    )
    return ComparisonStats(ranks=ranks, totals=totals)


def comparison_totals(rows: QuerySet[Participation]) -> ComparisonTotals:
    """Totals of a filtered set, summed in the database."""
    # Spelled out rather than Sum("total_cost"): aggregating over an annotation's alias
    # is not portable (SQLite reads the quoted alias as a string).
    sums = rows.aggregate(
        members=Count("pk"), population=Sum("body__population"), total_cost=Sum("year_cost__total"),
        reported_population=Sum("body__population", filter=Q(year_cost__total__isnull=False)),
        withdrawn=Count("pk", filter=Q(status=ParticipationStatus.WITHDRAWN)),
    )
    return ComparisonTotals(members=sums["members"], population=sums["population"] or 0,
                            total_cost=sums["total_cost"] or 0, reported_population=sums["reported_population"] or 0,
                            withdrawn=sums["withdrawn"])


@dataclass(frozen=True)
class ComparisonYears:
    shown: list[int]      # newest first
    default: int | None   # the newest locked year, else the newest


def comparison_years(*, consortium: Consortium, with_open: bool) -> ComparisonYears:
    """The years the comparison offers. Members get only the years the secretariat has
    locked: while a survey is open another town's figures are its unfinished draft, and
    while it is closed the secretariat is still reviewing them (a town's copied but never
    submitted figures among them). The page opens at the newest locked year for everyone
    (an open year is mostly blank)."""
    rounds = SurveyRound.objects.filter(consortium=consortium).values_list("fiscal_year", "status")
    reviewed = sorted((year for year, status in rounds if status == SurveyRound.Status.LOCKED), reverse=True)
    shown = sorted((year for year, _status in rounds), reverse=True) if with_open else reviewed
    return ComparisonYears(shown=shown, default=(reviewed or shown or [None])[0])


def fiscal_years(*, consortium: Consortium) -> list[int]:
    """Years with a survey round, newest first. Every year with figures has one: the
    secretariat opens it, or importing the year's costs registers it (closed)."""
    years = set(SurveyRound.objects.filter(consortium=consortium).values_list("fiscal_year", flat=True))
    return sorted(years, reverse=True)


def category_totals(records) -> list[tuple[str, int]]:
    """A year's figures summed by category (費目), in the survey's order of categories,
    leaving out the categories with nothing recorded."""
    sums = {}
    for record in records:
        sums[record.category] = sums.get(record.category, 0) + record.amount
    return [(label, sums[value]) for value, label in CostCategory.choices if value in sums]


def body_costs(*, body, fiscal_year: int) -> QuerySet[CostRecord]:
    return (
        CostRecord.objects.filter(body=body, fiscal_year=fiscal_year)
        .select_related("business_system")
        .only("amount", "category", "vendor", "contract_end", "business_system__name_ja", "business_system__name_en")
        .order_by("business_system__sort_order", "category")
    )


def body_cost_years(*, body, years: set[int] | None = None) -> list[tuple[int, int]]:
    """(fiscal year, total yen) for each year the body has costs, newest first; of ``years``
    only when given (permissions.figure_years: what the reader may see)."""
    records = CostRecord.objects.filter(body=body)
    if years is not None:
        records = records.filter(fiscal_year__in=years)
    return list(records.values("fiscal_year").annotate(total=Sum("amount"))
                .order_by("-fiscal_year").values_list("fiscal_year", "total"))


def survey_round_of(*, consortium: Consortium, fiscal_year: int) -> SurveyRound | None:
    """The consortium's survey of one fiscal year, if it ran one."""
    return SurveyRound.objects.filter(consortium=consortium, fiscal_year=fiscal_year).first()


def body_survey_rounds(*, body, user=None) -> list[SurveyRound]:
    """The body's survey rounds with its own response attached as ``response`` (not those of
    a council it has withdrawn from, which no longer asks it). With ``user``, only those of
    the councils the user reads: one council's secretariat does not see how the body
    answers another's."""
    rounds = SurveyRound.objects.filter(consortium__in=consortia_of(body.pk))
    if user is not None:
        rounds = rounds.filter(consortium__in=Consortium.objects.for_user(user).values("pk"))
    rounds = (rounds
              .select_related("consortium").order_by("-fiscal_year", "consortium__name")
              .prefetch_related(Prefetch("responses", queryset=SurveyResponse.objects.filter(body=body),
                                         to_attr="own_responses")))
    rounds = list(rounds)
    for survey_round in rounds:
        survey_round.response = survey_round.own_responses[0] if survey_round.own_responses else None
    return rounds


@dataclass(frozen=True)
class SurveyProgress:
    """How far the members have answered one survey round."""

    accepted: int
    submitted: int
    editing: int
    not_started: int

    @property
    def members(self) -> int:
        return self.accepted + self.submitted + self.editing + self.not_started

    @property
    def unanswered(self) -> int:
        """Members the secretariat is still waiting for (neither submitted nor accepted)."""
        return self.editing + self.not_started


def _answering(consortium_id: int):
    """The members asked to answer an open round: all but those that have withdrawn."""
    return Participation.objects.filter(consortium_id=consortium_id).exclude(status=ParticipationStatus.WITHDRAWN)


def _answered(survey_round) -> Exists:
    """The participation's body has answered ``survey_round`` (a round or an OuterRef to one)."""
    return Exists(SurveyResponse.objects.filter(survey_round=survey_round, body=OuterRef("body_id")))


def survey_round_asked(*, survey_round: SurveyRound) -> QuerySet[Participation]:
    """The members ``survey_round`` asks to answer.

    An open round asks every member that has not withdrawn; a closed or locked one those
    of them that were in the council when it was last closed or locked, and any that
    answered it: a town that joins today was never asked for a year already closed."""
    asked = _answering(survey_round.consortium_id)
    if survey_round.status == SurveyRound.Status.OPEN:
        return asked
    return asked.filter(Q(created_at__lte=survey_round.status_changed_at) | Q(_answered(survey_round)))


def _number(participations: QuerySet[Participation]) -> Coalesce:
    """How many ``participations`` there are, as a subquery."""
    counted = participations.order_by().values("consortium_id").annotate(number=Count("pk")).values("number")
    return Coalesce(Subquery(counted), Value(0))


def survey_rounds_progress(*, consortium: Consortium) -> list[tuple[SurveyRound, SurveyProgress]]:
    """Every round of the consortium, newest first, with its progress (two queries): the
    members each asks (``survey_round_asked``) that have not answered it, counted in the
    database."""
    unanswered = _answering(consortium.pk).exclude(_answered(OuterRef(OuterRef("pk"))))
    rounds = list(SurveyRound.objects.filter(consortium=consortium).order_by("-fiscal_year").annotate(
        not_started=Case(When(status=SurveyRound.Status.OPEN, then=_number(unanswered)),
                         default=_number(unanswered.filter(created_at__lte=OuterRef("status_changed_at"))))))
    counts: dict[int, dict[str, int]] = {}
    for round_id, status, number in (
            SurveyResponse.objects.filter(survey_round__in=rounds, body__in=_answering(consortium.pk).values("body_id"))
            .values_list("survey_round_id", "status").annotate(number=Count("pk")).order_by()):
        counts.setdefault(round_id, {})[status] = number
    return [(survey_round, _progress(counts.get(survey_round.pk, {}),
                                     sum(counts.get(survey_round.pk, {}).values()) + survey_round.not_started))
            for survey_round in rounds]


def _progress(counts: dict[str, int], members: int) -> SurveyProgress:
    Status = SurveyResponse.Status
    answered = {status: counts.get(status, 0) for status in (Status.ACCEPTED, Status.SUBMITTED, Status.EDITING)}
    return SurveyProgress(accepted=answered[Status.ACCEPTED], submitted=answered[Status.SUBMITTED],
                          editing=answered[Status.EDITING], not_started=members - sum(answered.values()))


# A total ten times the year before's, or a tenth of it, is more likely 円 typed as 千円 (or
# the reverse) than a real change: joining the cloud halves a town's cost, not more.
IMPLAUSIBLE_CHANGE = 10


def implausible_change(total: int | None, previous_total: int | None) -> bool:
    # Multiplied, never divided: yen are whole numbers, and a float quotient past 2⁵³ rounds
    # a total just over a tenth of the year before's down to a tenth.
    return bool(total and previous_total) and not (
        previous_total < total * IMPLAUSIBLE_CHANGE and total < previous_total * IMPLAUSIBLE_CHANGE)


@dataclass(frozen=True)
class QuestionedTotal:
    """A body's year total ten times more or less than the year before's, both in yen."""
    total: int
    year_before: int


def questioned_year_total(*, body: MemberBody, fiscal_year: int) -> QuestionedTotal | None:
    """The body's total of the year when it is ten times more or less than the year
    before's, as the upload's preview questions it: a town typing its figures in 千円 on a
    form in 円 (2,957 for 2,957,000) saved and submitted 77,740 円 unremarked."""
    totals = dict(BodyYearCost.objects.filter(body=body, fiscal_year__in=[fiscal_year - 1, fiscal_year])
                  .values_list("fiscal_year", "total"))
    total, year_before = totals.get(fiscal_year), totals.get(fiscal_year - 1)
    return QuestionedTotal(total, year_before) if implausible_change(total, year_before) else None


@dataclass(frozen=True)
class SurveyMember:
    participation: Participation
    response: SurveyResponse | None
    total: int | None  # the body's reported total for the round's year, in yen
    previous_total: int | None = None  # the year before's, for the reviewer to compare

    @property
    def status(self) -> str:
        return self.response.status if self.response else ""

    @property
    def change(self) -> Decimal | None:
        """The total against the year before's, as a ratio (+0.12 is 12 % more)."""
        if not self.total or not self.previous_total:
            return None
        return Decimal(self.total - self.previous_total) / self.previous_total

    @property
    def implausible(self) -> bool:
        return implausible_change(self.total, self.previous_total)


def survey_round_members(*, survey_round: SurveyRound) -> tuple[list[SurveyMember], SurveyProgress]:
    """Each member asked to answer, in code order, with its response, its reported total
    and the year before's (five queries, whatever the number of members)."""
    participations = list(survey_round_asked(survey_round=survey_round).select_related("body").order_by("body__code"))
    body_ids = [p.body_id for p in participations]
    responses = {response.body_id: response
                 for response in survey_round.responses.filter(body_id__in=body_ids).select_related("submitted_by")}

    def year_totals(year: int) -> dict[int, int]:
        return dict(BodyYearCost.objects.filter(body_id__in=body_ids, fiscal_year=year)
                    .values_list("body_id", "total"))

    totals, previous = year_totals(survey_round.fiscal_year), year_totals(survey_round.fiscal_year - 1)
    # A body only invited that is in another council shows its figures once it answers
    # this survey (permissions.council_years): until then they are the other council's.
    elsewhere = set(Participation.objects.filter(body_id__in=body_ids)
                    .exclude(consortium_id=survey_round.consortium_id).values_list("body_id", flat=True))
    withheld = {p.body_id for p in participations if p.status == ParticipationStatus.INVITED
                and p.body_id in elsewhere and p.body_id not in responses}
    members = [SurveyMember(p, responses.get(p.body_id), totals.get(p.body_id), previous.get(p.body_id))
               if p.body_id not in withheld else SurveyMember(p, None, None)
               for p in participations]
    counts: dict[str, int] = {}
    for response in responses.values():
        counts[response.status] = counts.get(response.status, 0) + 1
    return members, _progress(counts, len(members))


def catalogue_for(*, consortium: Consortium) -> QuerySet[BusinessSystem]:
    """The national catalogue and the council's own systems (never another council's)."""
    return BusinessSystem.objects.filter(Q(consortium__isnull=True) | Q(consortium=consortium))


def catalogue_for_body(*, body: MemberBody) -> QuerySet[BusinessSystem]:
    """What a member records its costs against: the national catalogue and the own systems
    of the councils it belongs to (never those of a council it is not in)."""
    return BusinessSystem.objects.filter(
        Q(consortium__isnull=True) | Q(consortium__in=Consortium.objects.filter(participations__body=body)))
