"""Reads for allocation: published plans and their frozen per-member results.

Reports and the member portal read shares only from here, so the yen they print are
the yen that were published.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from apps.allocation.models import AllocationPlan
from apps.members.models import Consortium


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
    saving_ratio: Decimal | None


def plans_for(*, user, consortium: Consortium) -> QuerySet[AllocationPlan]:
    return AllocationPlan.objects.for_user(user).filter(consortium=consortium).select_related("published_by")


def latest_published_plan(*, consortium: Consortium, fiscal_year: int | None = None) -> AllocationPlan | None:
    plans = AllocationPlan.objects.filter(consortium=consortium, status=AllocationPlan.Status.PUBLISHED)
    if fiscal_year is not None:
        plans = plans.filter(fiscal_year=fiscal_year)
    return plans.order_by("-fiscal_year", "-published_at").first()


def published_shares(plan: AllocationPlan) -> dict[str, MemberShare]:
    """Per local government code, the frozen result of a published plan."""
    if not plan.is_published or not plan.frozen_results:
        raise ValueError("only a published plan has frozen shares")
    shares = {}
    for row in plan.frozen_results["members"]:
        ratio = row.get("saving_ratio")
        shares[row["code"]] = MemberShare(
            code=row["code"], name=row.get("name", ""), pools=row["pools"], base=row["base"],
            adjustment=row["adjustment"], share=row["share"], current_cost=row.get("current_cost"),
            saving=row.get("saving"), saving_ratio=Decimal(ratio) if ratio is not None else None,
        )
    return shares


def published_total(plan: AllocationPlan) -> int:
    return plan.frozen_results["total"]


def member_names(plan: AllocationPlan) -> dict[str, str]:
    return dict(plan.members.values_list("body__code", "body__name"))
