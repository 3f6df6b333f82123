"""The comprehensive evaluation (総合評価) as arithmetic, with no Django import.

Technical score: each evaluator's points for a proposal are summed over the criteria,
and the sums are averaged over the evaluators. Price score: ``price_points_max ×
lowest price ÷ price``, so the cheapest proposal gets the full price points. Total:
technical + price. Ranking: highest total first; on an equal total the lower price
ranks first; proposals equal in both share a rank.

Fractions keep the arithmetic exact, so a tie is a tie and not a rounding accident;
``shown`` rounds for display only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def technical_score(evaluator_sums: list[int]) -> Fraction:
    return Fraction(sum(evaluator_sums), len(evaluator_sums)) if evaluator_sums else Fraction(0)


def price_score(*, price: int, lowest_price: int, price_points_max: int) -> Fraction:
    return Fraction(price_points_max * lowest_price, price)


@dataclass(frozen=True)
class Proposed:
    key: int
    price: int
    evaluator_sums: list[int]


@dataclass(frozen=True)
class Ranked:
    key: int
    price: int
    technical: Fraction
    price_points: Fraction
    rank: int

    @property
    def total(self) -> Fraction:
        return self.technical + self.price_points


def ranking(proposals: list[Proposed], *, price_points_max: int) -> list[Ranked]:
    """Every proposal with its scores and rank, best first."""
    if not proposals:
        return []
    lowest = min(proposal.price for proposal in proposals)
    scored = [(proposal, technical_score(proposal.evaluator_sums),
               price_score(price=proposal.price, lowest_price=lowest, price_points_max=price_points_max))
              for proposal in proposals]
    order = {proposal.key: (-(technical + points), proposal.price) for proposal, technical, points in scored}
    ranked = [Ranked(key=proposal.key, price=proposal.price, technical=technical, price_points=points,
                     rank=1 + sum(1 for other in order.values() if other < order[proposal.key]))
              for proposal, technical, points in scored]
    return sorted(ranked, key=lambda result: (order[result.key], result.key))


def shown(value: Fraction, places: int = 2) -> Decimal:
    """A score rounded half up for display."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
