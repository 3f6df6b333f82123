"""Writes and computations for allocation plans; every yen comes from ``engine``.

The web pages, the ``allocate`` command and the reports all reach the engine through
``plan_engine_input``, so they cannot disagree about a plan's inputs.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.allocation import engine
from apps.allocation.models import AllocationPlan, PlanMember, Pool, Scenario
from apps.allocation.refusals import refusal_text
from apps.allocation.selectors import (ALLOCATED_STATUSES, council_member_ids, plan_members_difference, plan_scope,
                                      population_records_on)
from apps.core.audit import log_entry_create
from apps.core.formatting import names_joined
from apps.costs.models import CostRecord, SurveyRound
from apps.members.models import Consortium, ParticipationStatus


def populations_on(body_ids, basis_date: datetime.date) -> dict[int, int]:
    """Each body's latest population on or before the basis date."""
    counted = population_records_on(body_ids, basis_date)
    return {body_id: population for body_id, (population, _as_of) in counted.items()}


def current_costs(body_ids, fiscal_year: int, business_system_ids: set[int] | None) -> dict[int, int]:
    """Each body's current cost in the plan's scope (its business systems, or all: None)."""
    records = CostRecord.objects.filter(body_id__in=body_ids, fiscal_year=fiscal_year)
    if business_system_ids:
        records = records.filter(business_system_id__in=business_system_ids)
    return dict(records.values("body_id").annotate(total=Sum("amount")).values_list("body_id", "total"))


def plan_engine_input(plan: AllocationPlan) -> engine.Plan:
    members = list(plan.members.select_related("body").order_by("body__code"))
    pools = list(plan.pools.prefetch_related("bodies", "business_systems"))
    body_ids = [member.body_id for member in members]
    scope = plan_scope(pools)
    populations = populations_on(body_ids, plan.population_basis_date)
    costs = current_costs(body_ids, plan.cost_fiscal_year, scope)
    return engine.Plan(
        members=tuple(
            engine.Member(code=m.body.code, name=m.body.name, population=populations.get(m.body_id),
                          current_cost=costs.get(m.body_id), guaranteed=m.guaranteed)
            for m in members
        ),
        pools=tuple(
            engine.Pool(name=pool.name, amount=pool.amount, equal_ratio=pool.equal_ratio,
                        population_ratio=pool.population_ratio,
                        members=tuple(sorted(body.code for body in pool.bodies.all())) or None)
            for pool in pools
        ),
        guarantee=plan.guarantee,
    )


def scaled_amounts(amounts: list[int], total: int) -> list[int]:
    """Pool amounts scaled to a new total, whole yen, adding up exactly (largest remainder,
    ties to the earlier pool)."""
    current = sum(amounts)
    if current == 0:
        return [total] + [0] * (len(amounts) - 1) if amounts else []
    exact = [(amount * total, index) for index, amount in enumerate(amounts)]
    floors = [numerator // current for numerator, _ in exact]
    remaining = total - sum(floors)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(exact[i][0] % current), i))
    for index in by_remainder[:remaining]:
        floors[index] += 1
    return floors


def scenario_input(base: engine.Plan, scenario: Scenario) -> engine.Plan:
    pools = [replace(pool, equal_ratio=scenario.equal_ratio, population_ratio=scenario.population_ratio)
             for pool in base.pools]
    if scenario.total_amount is not None:
        amounts = scaled_amounts([pool.amount for pool in pools], scenario.total_amount)
        pools = [replace(pool, amount=amount) for pool, amount in zip(pools, amounts, strict=True)]
    return replace(base, pools=tuple(pools))


def plan_result(plan: AllocationPlan) -> dict:
    """The plan's result in the engine's JSON form: frozen if published, else computed."""
    if plan.is_published:
        return plan.frozen_results
    return engine.result_to_json(engine.allocate(plan_engine_input(plan)))


def plan_member_costs(plan: AllocationPlan) -> dict[int, int]:
    """Each member's current cost in the plan's scope, by body id; a member with none
    reported is absent. What the guarantee page shows and checks."""
    body_ids = list(plan.members.values_list("body_id", flat=True))
    return current_costs(body_ids, plan.cost_fiscal_year, plan_scope(plan.pools.prefetch_related("business_systems")))


@transaction.atomic
def plan_guarantees_set(*, plan: AllocationPlan, guaranteed_body_ids: set[int]) -> int:
    """Which members of a draft plan the minimum saving is guaranteed to (allocation.md:
    a member without a current cost cannot be, and a council may leave others out).
    Each change is saved on its own, so that the audit trail names the member."""
    if AllocationPlan.objects.select_for_update().get(pk=plan.pk).is_published:
        raise ValidationError(_("A published plan cannot be changed."))
    costs = plan_member_costs(plan)
    members = list(plan.members.select_related("body").order_by("body__code"))
    ticked_without = [member.body.name for member in members
                      if member.body_id in guaranteed_body_ids and member.body_id not in costs]
    if ticked_without:
        raise ValidationError(_("These members have no current cost for the plan's cost year, so their saving "
                                "cannot be guaranteed: %(members)s.") % {"members": names_joined(ticked_without)})
    changed = [member for member in members if member.guaranteed != (member.body_id in guaranteed_body_ids)]
    for member in changed:
        member.guaranteed = not member.guaranteed
        member.save(update_fields=["guaranteed"])
    return len(changed)


def scenario_results(plan: AllocationPlan) -> list[tuple[Scenario, dict | None, str | None]]:
    """Each scenario's result, or the engine's refusal of it in the user's words. A published
    plan's scenarios are worked out from the inputs frozen with it, as the plan itself is:
    from today's figures they showed a year reopened for correction beside the frozen plan."""
    base = engine.plan_from_json(plan.frozen_inputs) if plan.is_published else plan_engine_input(plan)
    names = {member.code: member.name for member in base.members}
    results = []
    for scenario in plan.scenarios.all():
        try:
            results.append((scenario, engine.result_to_json(engine.allocate(scenario_input(base, scenario))), None))
        except engine.AllocationError as error:
            results.append((scenario, None, refusal_text(error, names)))
    return results


def _no_member_to_share(consortium: Consortium) -> str:
    return _("%(consortium)s has no member to share a plan: a plan counts the members whose participation is "
             "%(statuses)s, and it is the council's members when it is made.") % {
        "consortium": consortium.name,
        "statuses": names_joined(ParticipationStatus(status).label for status in ALLOCATED_STATUSES)}


@transaction.atomic
def plan_members_sync(*, plan: AllocationPlan) -> tuple[list[str], list[str]]:
    """Bring a draft plan's members up to the council's current ones (its members are
    taken when it is created): those who joined since are added, those who left are
    removed, one by one for the audit trail. ``(added, removed)`` by name."""
    plan = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published:
        raise ValidationError(_("A published plan cannot be changed."))
    difference = plan_members_difference(plan)
    if not difference.current:
        raise ValidationError(_no_member_to_share(plan.consortium))
    left_ids = {body.pk for body in difference.left}
    for pool in plan.pools.prefetch_related("bodies"):
        sharing = {body.pk for body in pool.bodies.all()}
        if sharing and sharing <= left_ids:
            # Emptied, the pool would be shared by every member instead.
            raise ValidationError(_("The pool “%(pool)s” is shared only by members that have left the council "
                                    "(%(members)s): choose who shares it first.")
                                  % {"pool": pool.name, "members": names_joined(
                                      body.name for body in difference.left if body.pk in sharing)})
        if sharing & left_ids:
            pool.bodies.remove(*(sharing & left_ids))
    for member in plan.members.filter(body_id__in=left_ids):
        member.delete()
    for body in difference.joined:
        PlanMember.objects.create(plan=plan, body=body)
    return [body.name for body in difference.joined], [body.name for body in difference.left]


@transaction.atomic
def plan_create(*, consortium: Consortium, name: str, fiscal_year: int, cost_fiscal_year: int,
                population_basis_date: datetime.date, guarantee: Decimal | None = None,
                pools: list[dict] | None = None) -> AllocationPlan:
    """A draft plan with every member that shares the bill (ALLOCATED_STATUSES: joined the
    council, live or not, and not withdrawn), and its pools.
    Refused when the council has none: a plan nobody shares has nothing to allocate."""
    body_ids = list(council_member_ids(consortium_id=consortium.pk))
    if not body_ids:
        raise ValidationError(_no_member_to_share(consortium))
    plan = AllocationPlan.objects.create(
        consortium=consortium, name=name, fiscal_year=fiscal_year, cost_fiscal_year=cost_fiscal_year,
        population_basis_date=population_basis_date, guarantee=guarantee,
    )
    PlanMember.objects.bulk_create([PlanMember(plan=plan, body_id=body_id) for body_id in body_ids])
    for pool in pools or []:
        systems = pool.pop("business_systems", [])
        created = Pool.objects.create(plan=plan, **pool)
        created.business_systems.set(systems)
    return plan


@transaction.atomic
def plan_publish(*, plan: AllocationPlan, by) -> AllocationPlan:
    """Freeze the plan: its inputs, the engine's answer and version, who and when.

    Refused (AllocationError) if the engine refuses the plan, and (ValidationError) while
    the survey of its cost year is not locked; nothing is then written.
    """
    locked = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.is_published:
        return locked
    _require_reviewed_costs(locked)
    inputs = plan_engine_input(locked)
    result = engine.allocate(inputs)
    # A queryset update: the model's own save() refuses to touch published plans, and
    # this is the one transition into that state.
    AllocationPlan.objects.filter(pk=locked.pk, status=AllocationPlan.Status.DRAFT).update(
        status=AllocationPlan.Status.PUBLISHED, published_at=timezone.now(), published_by=by,
        engine_version=engine.ENGINE_VERSION, frozen_inputs=engine.plan_to_json(inputs),
        frozen_results=engine.result_to_json(result), updated_at=timezone.now(),
    )
    published = AllocationPlan.objects.get(pk=locked.pk)
    # The update bypasses the signals the audit trail listens to: the entry is written here.
    log_entry_create(published, action=LogEntry.Action.UPDATE, changes={
        "status": [AllocationPlan.Status.DRAFT.value, AllocationPlan.Status.PUBLISHED.value],
        "published_by": ["None", str(by.pk) if by else "None"], "engine_version": ["", engine.ENGINE_VERSION]})
    return published


def _require_reviewed_costs(plan: AllocationPlan) -> None:
    """A published plan freezes the members' current costs, and the members read them once
    the comparison is published: they must be the figures the secretariat reviewed and
    locked, not a town's unfinished answer."""
    survey = SurveyRound.objects.filter(consortium_id=plan.consortium_id, fiscal_year=plan.cost_fiscal_year).first()
    if survey is None:
        raise ValidationError(_("The plan's cost year (%(year)d) has no survey to lock: the members' figures have "
                                "not been reviewed. Open the year's survey, review the answers and lock it, then "
                                "publish the plan.") % {"year": plan.cost_fiscal_year})
    if survey.status != SurveyRound.Status.LOCKED:
        raise ValidationError(_("The survey of the plan's cost year (%(year)d) is %(status)s, not locked: the members' "
                                "figures are not final. Lock it on its survey page first, then publish the plan.")
                              % {"year": plan.cost_fiscal_year, "status": survey.get_status_display()})


@transaction.atomic
def plan_revise(*, plan: AllocationPlan) -> tuple[AllocationPlan, bool]:
    """A new draft copying a published plan, which it will supersede; ``(draft, made)``.

    A published plan has one revision: asked again (a second click, two people at once),
    the draft already made is returned, not made twice; once that revision is published
    this plan is superseded, and the revision is the one to revise."""
    if plan.is_published:
        AllocationPlan.objects.select_for_update().filter(pk=plan.pk).exists()  # one revision at a time
        revision = AllocationPlan.objects.filter(supersedes=plan).first()
        if revision is not None and revision.is_published:
            raise ValidationError(_("“%(plan)s” is superseded by “%(revision)s”, published on %(on)s: revise that one.")
                                  % {"plan": plan.name, "revision": revision.name,
                                     "on": timezone.localtime(revision.published_at).date().isoformat()})
        if revision is not None:
            return revision, False
    copy = AllocationPlan.objects.create(
        consortium=plan.consortium, name=plan.name, fiscal_year=plan.fiscal_year,
        cost_fiscal_year=plan.cost_fiscal_year, population_basis_date=plan.population_basis_date,
        guarantee=plan.guarantee, supersedes=plan if plan.is_published else None,
    )
    PlanMember.objects.bulk_create([
        PlanMember(plan=copy, body_id=member.body_id, guaranteed=member.guaranteed) for member in plan.members.all()
    ])
    for pool in plan.pools.prefetch_related("bodies", "business_systems"):
        new_pool = Pool.objects.create(plan=copy, name=pool.name, amount=pool.amount,
                                       equal_ratio=pool.equal_ratio, population_ratio=pool.population_ratio)
        new_pool.bodies.set(pool.bodies.all())
        new_pool.business_systems.set(pool.business_systems.all())
    for scenario in plan.scenarios.all():
        Scenario.objects.create(plan=copy, name=scenario.name, equal_ratio=scenario.equal_ratio,
                                population_ratio=scenario.population_ratio, total_amount=scenario.total_amount)
    return copy, True
