"""Demo allocation plans for ``saitama``: one published for FY2026 against FY2025 costs,
with a 10 % guarantee that caps some members, and a draft with three scenarios."""

from __future__ import annotations

import datetime
from decimal import Decimal

from apps.allocation import engine
from apps.allocation.models import AllocationPlan, Scenario
from apps.allocation.services import plan_create, plan_engine_input, plan_publish
from apps.costs.models import BusinessSystem
from apps.members.models import Consortium

PUBLISHED_NAME = "令和8年度 基幹系共同利用 費用按分（確定）"
DRAFT_NAME = "令和9年度 費用按分 検討案"
BASIS_DATE = datetime.date(2025, 1, 1)
GUARANTEE = Decimal("0.10")


def _standard_pool(amount: int) -> dict:
    return {"name": "基幹系20業務", "amount": amount, "equal_ratio": Decimal("0.3"),
            "population_ratio": Decimal("0.7"),
            "business_systems": list(BusinessSystem.objects.filter(standardised=True))}


def _amount_that_caps_some(plan: AllocationPlan) -> int:
    """The vendor's bill is invented too: the smallest round amount (10 million yen
    steps from half today's total) at which the guarantee caps at least two members."""
    base = plan_engine_input(plan)
    total_cost = sum(member.current_cost or 0 for member in base.members)
    amount = total_cost // 2 // 10_000_000 * 10_000_000
    while amount < total_cost:
        pools = (engine.Pool(name="基幹系20業務", amount=amount, equal_ratio=Decimal("0.3"),
                             population_ratio=Decimal("0.7"), members=None),)
        result = engine.allocate(engine.Plan(members=base.members, pools=pools, guarantee=GUARANTEE))
        if sum(member.capped for member in result.members) >= 2:
            return amount
        amount += 10_000_000
    raise RuntimeError("no amount below today's total caps a member; the demo costs have changed")


def seed_plans(by) -> None:
    consortium = Consortium.objects.get(slug="saitama")
    if AllocationPlan.objects.filter(consortium=consortium, name=PUBLISHED_NAME).exists():
        return
    plan = plan_create(consortium=consortium, name=PUBLISHED_NAME, fiscal_year=2026, cost_fiscal_year=2025,
                       population_basis_date=BASIS_DATE, guarantee=GUARANTEE, pools=[_standard_pool(0)])
    amount = _amount_that_caps_some(plan)
    plan.pools.update(amount=amount)
    plan_publish(plan=plan, by=by)

    draft = plan_create(consortium=consortium, name=DRAFT_NAME, fiscal_year=2027, cost_fiscal_year=2025,
                        population_basis_date=BASIS_DATE, guarantee=None, pools=[_standard_pool(amount)])
    for name, equal in (("均等3:人口7", "0.3"), ("均等5:人口5", "0.5"), ("均等2:人口8", "0.2")):
        Scenario.objects.create(plan=draft, name=name, equal_ratio=Decimal(equal),
                                population_ratio=1 - Decimal(equal))
