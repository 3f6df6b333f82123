"""Reads for allocation: published plans and their frozen per-member results.

Reports and the member portal read shares only from here, so the yen they print are
the yen that were published.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import QuerySet

from apps.allocation import engine
from apps.allocation.models import AllocationPlan
from apps.allocation.presentation import saving_ratio
from apps.members.models import COUNCIL_STATUSES, Consortium, MemberBody, Participation, PopulationRecord

# Bodies that take part in an allocation by default: the council's members.
ALLOCATED_STATUSES = COUNCIL_STATUSES


@dataclass(frozen=True)
class MemberShare:
    code: str
    name: str
    pools: dict[str, int]
    base: int
    adjustment: int
    share: int
    current_cost: int | None
    saving: int | None
    saving_ratio: Decimal | None  # 4 places, as published; a RoundedRatio shows its exact value


@dataclass(frozen=True)
class PoolBasis:
    """How one member's share of one pool was made, for a reader to follow: its equal
    part and its population part add up to its share of the pool, to the yen."""
    name: str
    amount: int
    equal_ratio: Decimal
    population_ratio: Decimal
    members: int            # how many members share the pool
    every_member: bool      # all the plan's members, or some
    population: int         # the member's, at the plan's basis date
    population_share: Fraction  # of the pool's members' total (0 if they have none)
    equal: int
    by_population: int
    share: int
    # What the pool's rounding gave the member beyond its two parts, each rounded down on
    # its own: 0, 1 or 2 yen (equal + by_population + rounding = share).
    rounding: int = 0


def published_inputs(plan: AllocationPlan) -> engine.Plan:
    """The plan's members and pools as they were published (frozen with the plan)."""
    return engine.plan_from_json(plan.frozen_inputs)


def share_basis(plan: AllocationPlan, code: str, *, inputs: engine.Plan | None = None) -> list[PoolBasis]:
    """The member's pools in a published plan, from the inputs and results frozen with it
    (``inputs``: those already read, so a briefing reads a national plan's once).

    The pool's rounding (largest remainder, engine.py) is of the member's whole pool share;
    here its equal part is the exact ``amount × equal ratio ÷ members`` and its population
    part the exact ``amount × population ratio × population ÷ their total``, each rounded
    down to the yen, so that towns of one size read the same parts; the yen the pool's
    rounding gave beyond them is said apart (``rounding``), not hidden in either part.
    A pool shared in one way only is told as its share alone.
    """
    inputs = inputs or published_inputs(plan)
    own = next((row for row in plan.frozen_results["members"] if row["code"] == code), None)
    if own is None:
        return []
    populations = {member.code: member.population or 0 for member in inputs.members}
    every = [member.code for member in inputs.members]
    basis = []
    for pool in inputs.pools:
        codes = list(pool.members) if pool.members is not None else every
        if code not in codes:
            continue
        share = own["pools"][pool.name]
        total_population = sum(populations[c] for c in codes)
        population_share = Fraction(populations[code], total_population) if total_population else Fraction(0)
        if pool.population_ratio == 0:
            equal, by_population = share, 0
        elif pool.equal_ratio == 0:
            equal, by_population = 0, share
        else:
            equal = math.floor(Fraction(pool.amount) * Fraction(pool.equal_ratio) / len(codes))
            by_population = math.floor(Fraction(pool.amount) * Fraction(pool.population_ratio) * population_share)
        basis.append(PoolBasis(
            name=pool.name, amount=pool.amount, equal_ratio=pool.equal_ratio, population_ratio=pool.population_ratio,
            members=len(codes), every_member=len(codes) == len(every), population=populations[code],
            population_share=population_share, equal=equal, by_population=by_population, share=share,
            rounding=share - equal - by_population))
    return basis


def plan_scope(pools) -> set[int] | None:
    """The business systems whose current cost the plan's shares are compared with: the
    pools' systems together, or all of them (None) as soon as one pool names none — that
    pool pays for everything, so a member's whole cost is what it replaces."""
    systems = [{system.pk for system in pool.business_systems.all()} for pool in pools]
    if not systems or any(not pool_systems for pool_systems in systems):
        return None
    return set().union(*systems)


def plan_scope_names(plan: AllocationPlan) -> list[str] | None:
    """The names of the systems in the plan's scope (``plan_scope``), in catalogue order;
    None when it is the members' whole cost. A published plan's pools are frozen with it."""
    pools = list(plan.pools.prefetch_related("business_systems"))
    scope = plan_scope(pools)
    if scope is None:
        return None
    systems = {system.pk: system for pool in pools for system in pool.business_systems.all()}
    return [system.name for system in sorted(systems.values(), key=lambda system: (system.sort_order, system.code))]


def population_records_on(body_ids, basis_date: datetime.date, *,
                          made_by: datetime.datetime | None = None) -> dict[int, tuple[int, datetime.date]]:
    """Each body's latest population on or before the basis date, with its date, by body
    id; ``made_by``: among the records made by then (what a plan published then was given)."""
    records = PopulationRecord.objects.filter(body_id__in=body_ids, as_of__lte=basis_date)
    if made_by is not None:
        records = records.filter(created_at__lte=made_by)
    counted: dict[int, tuple[int, datetime.date]] = {}
    for body_id, population, as_of in records.order_by("body_id", "as_of", "id").values_list(
            "body_id", "population", "as_of"):
        counted[body_id] = (population, as_of)  # ordered by date, so the last one wins
    return counted


def population_dates(plan: AllocationPlan, inputs: engine.Plan) -> dict[str, datetime.date | None]:
    """The date of each member's population in ``inputs`` (the plan's own, or a preview's), by
    code. A published plan froze the populations but not their dates: the date is that of
    the record it was given, None if that record has changed since."""
    codes = dict(plan.members.values_list("body__code", "body_id"))
    made_by = plan.published_at if plan.is_published else None
    counted = population_records_on(codes.values(), plan.population_basis_date, made_by=made_by)
    dates = {}
    for member in inputs.members:
        population, as_of = counted.get(codes.get(member.code), (None, None))
        dates[member.code] = as_of if population is not None and population == member.population else None
    return dates


def plans_for(*, user, consortium: Consortium) -> QuerySet[AllocationPlan]:
    return AllocationPlan.objects.for_user(user).filter(consortium=consortium).select_related("published_by")


# A published plan's frozen inputs and results: a national plan's are a megabyte of JSON,
# read only to work with the plan, not to name it in a menu or a table.
FROZEN_FIELDS = ("frozen_inputs", "frozen_results")


def latest_published_plan(*, consortium: Consortium, fiscal_year: int | None = None,
                          named_only: bool = False) -> AllocationPlan | None:
    """``named_only``: without its frozen inputs and results (a menu's initial choice)."""
    plans = AllocationPlan.objects.filter(consortium=consortium, status=AllocationPlan.Status.PUBLISHED)
    if named_only:
        plans = plans.defer(*FROZEN_FIELDS)
    if fiscal_year is not None:
        plans = plans.filter(fiscal_year=fiscal_year)
    return plans.order_by("-fiscal_year", "-published_at").first()


def published_shares(plan: AllocationPlan) -> dict[str, MemberShare]:
    """Per local government code, the frozen result of a published plan."""
    if not plan.is_published or not plan.frozen_results:
        raise ValueError("only a published plan has frozen shares")
    shares = {}
    for row in plan.frozen_results["members"]:
        shares[row["code"]] = MemberShare(
            code=row["code"], name=row.get("name", ""), pools=row["pools"], base=row["base"],
            adjustment=row["adjustment"], share=row["share"], current_cost=row.get("current_cost"),
            saving=row.get("saving"), saving_ratio=saving_ratio(row),
        )
    return shares


def published_total(plan: AllocationPlan) -> int:
    return plan.frozen_results["total"]


def member_names(plan: AllocationPlan) -> dict[str, str]:
    return dict(plan.members.values_list("body__code", "body__name"))


def council_member_ids(*, consortium_id: int) -> QuerySet:
    """The bodies a plan of the council counts now."""
    return (Participation.objects.filter(consortium_id=consortium_id, status__in=ALLOCATED_STATUSES)
            .values_list("body_id", flat=True))


@dataclass(frozen=True)
class MembersDifference:
    """A plan's members beside the council's: a plan takes them when it is made."""

    current: list[MemberBody]  # the council's members a plan counts now, by code
    joined: list[MemberBody]  # of those, the ones the plan lacks
    left: list[MemberBody]  # the plan's members no longer among them

    @property
    def differs(self) -> bool:
        return bool(self.joined or self.left)


def plan_members_difference(plan: AllocationPlan) -> MembersDifference:
    current = list(MemberBody.objects.filter(pk__in=council_member_ids(consortium_id=plan.consortium_id))
                   .order_by("code").only("code", "name"))
    in_plan = list(MemberBody.objects.filter(pk__in=plan.members.values("body_id")).order_by("code")
                   .only("code", "name"))
    current_ids, plan_ids = {body.pk for body in current}, {body.pk for body in in_plan}
    return MembersDifference(current=current, joined=[body for body in current if body.pk not in plan_ids],
                             left=[body for body in in_plan if body.pk not in current_ids])
