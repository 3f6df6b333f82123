"""A ratio published rounded that still knows the exact fraction it was rounded from."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


class RoundedRatio(Decimal):
    """The allocation engine publishes a saving ratio to 4 places (the spec), and that is
    the figure compared and ranked; a page showing it to 1 place must round the exact
    saving ÷ current cost once, not the 4 places again: 34,126,772 ÷ 60,460,000 is
    56.445 … %, published 0.5645, and shown 56.4 %, not 56.5 %. So the published figure
    carries its ``exact`` value, which ``formatting.ratio_percent`` rounds instead.

    Arithmetic on it gives a plain Decimal: a result is no longer the ratio published."""

    exact: Fraction

    def __new__(cls, rounded: Decimal | str, *, exact: Fraction) -> RoundedRatio:
        ratio = super().__new__(cls, rounded)
        ratio.exact = Fraction(exact)
        return ratio

    # Decimal's own copy and pickle rebuild from the digits alone, losing ``exact``.
    def __reduce__(self):
        return _rebuilt, (str(self), self.exact)

    def __copy__(self) -> RoundedRatio:
        return self

    def __deepcopy__(self, memo) -> RoundedRatio:
        return self


def _rebuilt(rounded: str, exact: Fraction) -> RoundedRatio:
    return RoundedRatio(rounded, exact=exact)
