"""Reads for procurement, already scoped to the user and joined, so a page costs the
same few queries for 2 vendors or 20. Scores go through ``Score.objects.for_user``:
while scoring is open nobody reads another evaluator's points, whatever page asks."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from apps.accounts.models import Role, User
from apps.costs.models import WHOLE_SYSTEM_CODE, BusinessSystem
from apps.members.models import Consortium, Participation, ParticipationStatus
from apps.procurement import scoring
from apps.procurement.models import (Evaluation, IndicativeQuote, ProcurementCase, Proposal, ProposalStatus,
                                     RfiResponse, RfiRound, Score, StageChange, Vendor)


def vendors_for(*, user) -> QuerySet[Vendor]:
    return Vendor.objects.for_user(user).order_by("name")


def cases_for(*, user, consortium: Consortium) -> QuerySet[ProcurementCase]:
    """The consortium's cases, newest first, with their RFI count and selected vendor."""
    return (ProcurementCase.objects.for_user(user).filter(consortium=consortium)
            .select_related("evaluation__selected_proposal__vendor")
            .annotate(rfi_count=Count("rfi_rounds")).order_by("-created_at"))


def stage_history(*, user, case: ProcurementCase) -> QuerySet[StageChange]:
    return StageChange.objects.for_user(user).filter(case=case).select_related("recorded_by").order_by("on", "id")


def rfi_rounds_for(*, user, case: ProcurementCase) -> QuerySet[RfiRound]:
    return (RfiRound.objects.for_user(user).filter(case=case)
            .annotate(response_count=Count("responses", distinct=True), invited_count=Count("invited", distinct=True))
            .order_by("number"))


def case_evaluation(*, user, case: ProcurementCase) -> Evaluation | None:
    return Evaluation.objects.for_user(user).filter(case=case).select_related("selected_proposal__vendor").first()


def current_costs_by_system(*, consortium: Consortium, fiscal_year: int) -> dict[BusinessSystem, int]:
    """What the members that have not withdrawn paid in ``fiscal_year`` per business
    system, in yen, in one query. Costs reported without a breakdown stay under the
    catalogue's "whole" entry, so the amounts always add up to the members' total."""
    members = Participation.objects.filter(consortium=consortium).exclude(
        status=ParticipationStatus.WITHDRAWN).values("body_id")
    systems = (BusinessSystem.objects
               .filter(cost_records__fiscal_year=fiscal_year, cost_records__body_id__in=members)
               .annotate(current=Sum("cost_records__amount")))
    return {system: system.current for system in systems}


def current_costs(*, consortium: Consortium, fiscal_year: int) -> int:
    """What the members that have not withdrawn paid in ``fiscal_year``, in yen."""
    return sum(current_costs_by_system(consortium=consortium, fiscal_year=fiscal_year).values())


@dataclass(frozen=True)
class Saving:
    """A quoted amount against the current costs it would replace. ``partial``: the quote
    covers only some business systems, and ``baseline`` only theirs."""

    total: int
    baseline: int
    partial: bool = False
    systems: int = 0

    @property
    def amount(self) -> int:
        return self.baseline - self.total

    @property
    def ratio(self) -> Fraction | None:
        return Fraction(self.amount, self.baseline) if self.baseline else None


@dataclass(frozen=True)
class SystemRow:
    """One business system in the shown year: the members' current cost of it and each
    response's quote (None where the vendor quoted nothing for it)."""

    system: BusinessSystem
    current: int
    quotes: list[Saving | None]


@dataclass(frozen=True)
class QuoteComparison:
    fiscal_years: list[int]
    fiscal_year: int                          # the year whose per-system quotes are shown
    cost_fiscal_year: int
    baseline: int                             # the members' current costs of cost_fiscal_year
    responses: list[RfiResponse]
    rows: list[SystemRow]                     # every system quoted or with current costs
    year_rows: list[tuple[int, list[Saving | None]]]  # per fiscal year, one total per response (None: no quote)

    @property
    def shown_year_totals(self) -> list[Saving]:
        return dict(self.year_rows)[self.fiscal_year]

    @property
    def has_unbroken_costs(self) -> bool:
        """Whether some current costs were reported without a per-system breakdown, so
        the per-system savings leave part of the current costs out."""
        return any(row.system.code == WHOLE_SYSTEM_CODE and row.current for row in self.rows)


def quote_comparison(*, user, rfi_round: RfiRound, consortium: Consortium,
                     fiscal_year: int | None = None) -> QuoteComparison:
    """The round's quotes side by side per vendor, with yearly totals and the expected
    saving against the members' current costs, in total and system by system: three
    queries whatever the count of vendors or systems."""
    responses = list(RfiResponse.objects.for_user(user).filter(rfi_round=rfi_round).select_related("vendor")
                     .prefetch_related(Prefetch("quotes", queryset=IndicativeQuote.objects.select_related(
                         "business_system"))).order_by("vendor__name"))
    years = rfi_round.fiscal_years
    shown = fiscal_year if fiscal_year in years else years[0]
    current = current_costs_by_system(consortium=consortium, fiscal_year=rfi_round.cost_fiscal_year)
    baseline = sum(current.values())
    current_by_pk = {system.pk: amount for system, amount in current.items()}
    systems: dict[int, BusinessSystem] = {system.pk: system for system in current}
    whole = next((pk for pk, system in systems.items() if system.code == WHOLE_SYSTEM_CODE), None)
    quoted: list[dict[int, dict[int, int]]] = []  # per response: year → business system → yen
    amounts: list[dict[int, int]] = []
    for response in responses:
        by_year: dict[int, dict[int, int]] = {}
        for quote in response.quotes.all():
            by_year.setdefault(quote.fiscal_year, {})[quote.business_system_id] = quote.amount
            systems.setdefault(quote.business_system_id, quote.business_system)
            if quote.business_system.code == WHOLE_SYSTEM_CODE:
                whole = quote.business_system_id
        quoted.append(by_year)
        amounts.append(by_year.get(shown, {}))

    def year_total(cells: dict[int, int]) -> Saving | None:
        """A vendor's year against what the members pay for the same systems: all of them
        when it quoted for the whole, else the systems it quoted (a quote for two systems
        of twenty read as a 97 % saving against all twenty). None: nothing quoted."""
        if not cells:
            return None
        missing = [pk for pk in current_by_pk if pk != whole and pk not in cells]
        if whole in cells or not missing:
            return Saving(total=sum(cells.values()), baseline=baseline)
        covered = sum(current_by_pk.get(pk, 0) for pk in cells)
        return Saving(total=sum(cells.values()), baseline=covered, partial=True, systems=len(cells))

    ordered = sorted(systems.values(), key=lambda system: (system.code == WHOLE_SYSTEM_CODE, system.sort_order,
                                                            system.code))
    rows = []
    for system in ordered:
        cost = current_by_pk.get(system.pk, 0)
        rows.append(SystemRow(system=system, current=cost, quotes=[
            None if system.pk not in cells else Saving(total=cells[system.pk], baseline=cost) for cells in amounts]))
    return QuoteComparison(
        fiscal_years=years, fiscal_year=shown, cost_fiscal_year=rfi_round.cost_fiscal_year, baseline=baseline,
        responses=responses, rows=rows,
        year_rows=[(year, [year_total(by_year.get(year, {})) for by_year in quoted]) for year in years],
    )


def response_quotes(*, response: RfiResponse) -> dict[tuple[int, int], int]:
    """(business system id, fiscal year) → yen, for the quote entry grid."""
    return {(system_id, year): amount for system_id, year, amount in
            response.quotes.values_list("business_system_id", "fiscal_year", "amount")}


def quotable_systems(*, consortium: Consortium) -> list[BusinessSystem]:
    """The systems in the consortium's scope; the standardised ones if it has set none."""
    in_scope = list(consortium.business_systems.order_by("sort_order", "code"))
    return in_scope or list(BusinessSystem.objects.filter(standardised=True).order_by("sort_order", "code"))


# --- Evaluation ---------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreSheet:
    """The scores the user may read, as one table per proposal: a row per criterion, a
    column per evaluator shown (all once closed; before, only the user if evaluating)."""

    evaluators: list
    tables: list[tuple[Proposal, list[tuple[object, list[int | None]]]]]


@dataclass(frozen=True)
class ProposalResult:
    proposal: Proposal
    ranked: scoring.Ranked

    @property
    def technical(self):
        return scoring.shown(self.ranked.technical)

    @property
    def price_points(self):
        return scoring.shown(self.ranked.price_points)

    @property
    def total(self):
        return scoring.shown(self.ranked.total)


@dataclass(frozen=True)
class EvaluationView:
    evaluation: Evaluation
    criteria: list
    proposals: list[Proposal]                 # those still in the evaluation
    excluded: list[Proposal]                  # withdrawn or disqualified: shown apart, never ranked
    evaluators: list
    sheet: ScoreSheet
    progress: dict[int, int]                  # evaluator id → scores entered (counts, never points)
    results: list[ProposalResult]             # empty until scoring closes
    scoring_begun: bool                       # a score entered, on any proposal: the points' balance is fixed

    @property
    def technical_max(self) -> int:
        return sum(criterion.max_points for criterion in self.criteria)

    @property
    def scores_expected(self) -> int:
        return len(self.criteria) * len(self.proposals)


def visible_scores(*, user, evaluation: Evaluation) -> QuerySet[Score]:
    """The evaluation's scores the user may read: their own until scoring closes, all after."""
    return Score.objects.for_user(user).filter(proposal__evaluation=evaluation)


def evaluators_of(*, evaluation: Evaluation) -> list:
    return [row.user for row in evaluation.evaluator_rows.select_related("user").order_by("user__username")]


def evaluation_view(*, user, evaluation: Evaluation) -> EvaluationView:
    criteria = list(evaluation.criteria.order_by("number"))
    every = list(evaluation.proposals.select_related("vendor", "status_recorded_by").order_by("vendor__name"))
    proposals = [proposal for proposal in every if not proposal.is_excluded]
    excluded = [proposal for proposal in every if proposal.is_excluded]
    evaluators = evaluators_of(evaluation=evaluation)
    scores = list(visible_scores(user=user, evaluation=evaluation).values_list(
        "proposal_id", "criterion_id", "evaluator_id", "points"))
    shown_ids = {evaluator_id for _p, _c, evaluator_id, _points in scores}
    if not evaluation.is_closed:
        shown_ids |= {evaluator.pk for evaluator in evaluators if evaluator.pk == user.pk}
    shown = [evaluator for evaluator in evaluators if evaluator.pk in shown_ids]
    points = {(proposal_id, criterion_id, evaluator_id): value
              for proposal_id, criterion_id, evaluator_id, value in scores}
    sheet = ScoreSheet(evaluators=shown, tables=[
        (proposal, [(criterion, [points.get((proposal.pk, criterion.pk, evaluator.pk)) for evaluator in shown])
                    for criterion in criteria])
        for proposal in proposals + excluded])
    progress = dict(Score.objects.filter(proposal__evaluation=evaluation, proposal__status=ProposalStatus.ACTIVE)
                    .values("evaluator_id").annotate(n=Count("id")).values_list("evaluator_id", "n"))
    results = _results(evaluation, proposals, evaluators, points) if evaluation.is_closed else []
    return EvaluationView(evaluation=evaluation, criteria=criteria, proposals=proposals, excluded=excluded,
                          evaluators=evaluators, sheet=sheet, progress=progress, results=results,
                          scoring_begun=scoring_begun(evaluation=evaluation))


def _results(evaluation, proposals, evaluators, points) -> list[ProposalResult]:
    sums: dict[tuple[int, int], int] = {}
    for (proposal_id, _criterion_id, evaluator_id), value in points.items():
        sums[proposal_id, evaluator_id] = sums.get((proposal_id, evaluator_id), 0) + value
    proposed = [scoring.Proposed(key=proposal.pk, price=proposal.price,
                                 evaluator_sums=[sums.get((proposal.pk, evaluator.pk), 0) for evaluator in evaluators])
                for proposal in proposals]
    by_pk = {proposal.pk: proposal for proposal in proposals}
    return [ProposalResult(proposal=by_pk[ranked.key], ranked=ranked)
            for ranked in scoring.ranking(proposed, price_points_max=evaluation.price_points_max)]


def evaluation_results(*, user, evaluation: Evaluation) -> list[ProposalResult]:
    """The ranking, once scoring has closed (empty before)."""
    return evaluation_view(user=user, evaluation=evaluation).results


def scoring_begun(*, evaluation: Evaluation) -> bool:
    """Whether anyone has entered a score: from then on the points' balance is fixed."""
    return Score.objects.filter(proposal__evaluation=evaluation).exists()


def own_scores(*, user, evaluation: Evaluation) -> dict[tuple[int, int], int]:
    """(proposal id, criterion id) → points, of the user's own scores."""
    return {(proposal_id, criterion_id): points for proposal_id, criterion_id, points in
            Score.objects.filter(proposal__evaluation=evaluation, evaluator=user)
            .values_list("proposal_id", "criterion_id", "points")}


def eligible_evaluators(*, consortium: Consortium) -> QuerySet[User]:
    """The consortium's secretariat: the only people who may evaluate its proposals."""
    return User.objects.filter(roles__role=Role.SECRETARIAT, roles__consortium=consortium, is_active=True
                               ).order_by("username").distinct()


def evaluator_choices(*, consortium: Consortium, evaluation: Evaluation | None) -> QuerySet[User]:
    """Who the evaluation form offers: the secretariat, and the evaluators already chosen
    even if they have left it since, so that saving the form again does not drop them."""
    chosen = evaluation.evaluator_rows.values("user_id") if evaluation else []
    return (User.objects.filter(Q(roles__role=Role.SECRETARIAT, roles__consortium=consortium, is_active=True)
                                | Q(pk__in=chosen))
            .order_by("username").distinct())


def case_ocds(*, user, case: ProcurementCase
              ) -> tuple[list[Proposal], Evaluation | None, list[BusinessSystem], set[str]]:
    """What the OCDS export prints: the proposals, the evaluation, the quoted systems and
    the stages the case's history has been at (how far a case closed unawarded went)."""
    evaluation = case_evaluation(user=user, case=case)
    proposals = list(evaluation.proposals.select_related("vendor").order_by("vendor__name")) if evaluation else []
    system_ids = (IndicativeQuote.objects.filter(response__rfi_round__case=case)
                  .values("business_system_id").distinct())
    systems = list(BusinessSystem.objects.filter(pk__in=system_ids).order_by("sort_order", "code"))
    stages_reached = set(case.stage_history.values_list("stage", flat=True).distinct())
    return proposals, evaluation, systems, stages_reached

