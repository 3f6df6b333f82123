"""Reads for the cost pages. The side-by-side comparison is computed in the database so
a page costs the same few queries for 10 or 1,741 members."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from apps.costs.models import CostRecord, SurveyRound
from apps.members.models import Consortium, Participation
from apps.members.selectors import latest_population_subquery


def _costs_of_body(fiscal_year: int):
    return CostRecord.objects.filter(body=OuterRef("body_id"), fiscal_year=fiscal_year)


def comparison_rows(*, consortium: Consortium, fiscal_year: int) -> QuerySet[Participation]:
    """Every member with population, total cost, cost per resident and main vendor."""
    costs = _costs_of_body(fiscal_year)
    total = costs.values("body_id").annotate(total=Sum("amount")).values("total")[:1]
    main_vendor = (
        costs.exclude(vendor="").values("vendor").annotate(spent=Sum("amount"))
        .order_by("-spent", "vendor").values("vendor")[:1]
    )
    return (
        Participation.objects.filter(consortium=consortium)
        .select_related("body")
        .annotate(
            population=latest_population_subquery(body_ref="body_id"),
            total_cost=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)),
            main_vendor=Subquery(main_vendor),
        )
        .annotate(cost_per_resident=F("total_cost") / NullIf(F("population"), 0))
    )


def cost_per_resident_ranks(*, consortium: Consortium, fiscal_year: int) -> dict[int, int]:
    """Rank 1 is the highest cost per resident among all members, whatever is filtered."""
    rows = comparison_rows(consortium=consortium, fiscal_year=fiscal_year).values_list(
        "body_id", "cost_per_resident"
    )
    ordered = sorted((value, body_id) for body_id, value in rows if value is not None)
    ordered.reverse()
    ranks: dict[int, int] = {}
    previous, rank = None, 0
    for position, (value, body_id) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[body_id] = rank
    return ranks


@dataclass(frozen=True)
class ComparisonTotals:
    members: int
    population: int
    total_cost: int

    @property
    def cost_per_resident(self) -> int | None:
        return self.total_cost // self.population if self.population else None


def comparison_totals(rows: QuerySet[Participation]) -> ComparisonTotals:
    members = population = total_cost = 0
    for row_population, row_total in rows.values_list("population", "total_cost"):
        members += 1
        population += row_population or 0
        total_cost += row_total or 0
    return ComparisonTotals(members=members, population=population, total_cost=total_cost)


def fiscal_years(*, consortium: Consortium) -> list[int]:
    """Years with a survey round or any cost of a member, newest first."""
    years = set(SurveyRound.objects.filter(consortium=consortium).values_list("fiscal_year", flat=True))
    return sorted(years, reverse=True)


def body_costs(*, body, fiscal_year: int) -> QuerySet[CostRecord]:
    return (
        CostRecord.objects.filter(body=body, fiscal_year=fiscal_year)
        .select_related("business_system")
        .order_by("business_system__sort_order", "category")
    )


def body_cost_years(*, body) -> list[tuple[int, int]]:
    """(fiscal year, total yen) for each year the body has costs, newest first."""
    return list(
        CostRecord.objects.filter(body=body).values("fiscal_year").annotate(total=Sum("amount"))
        .order_by("-fiscal_year").values_list("fiscal_year", "total")
    )
