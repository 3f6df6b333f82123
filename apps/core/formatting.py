"""How money and fiscal years are written: one place, used by pages, exports and PDFs.

Money is always an ``int`` of yen. Fiscal years are integers (2025 = 令和7年度, April
2025 to March 2026) and are never written with a thousands separator.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from fractions import Fraction

from apps.core.ratios import RoundedRatio

# Start of each era, and the name written before the year number.
ERAS = (
    (datetime.date(2019, 5, 1), "令和", "R"),
    (datetime.date(1989, 1, 8), "平成", "H"),
    (datetime.date(1926, 12, 25), "昭和", "S"),
)


def group_digits(value: int) -> str:
    return f"{value:,}"


def yen(value: int | None, unit: str = "yen") -> str:
    """``1234567`` → ``1,234,567`` (yen) or ``1,235`` (thousand yen, rounded half up)."""
    if value is None:
        return "—"
    if unit == "thousand":
        return group_digits(thousands(value))
    return group_digits(value)


def yen_signed(value: int | None) -> str:
    """A change in yen: ``+615,946``, ``−4,948,588`` (a true minus sign), ``0``."""
    if value is None:
        return "—"
    return f"+{value:,}" if value > 0 else f"−{-value:,}" if value < 0 else "0"


def thousands(value: int) -> int:
    """Yen to 千円, rounding half away from zero as Japanese public documents do."""
    sign = -1 if value < 0 else 1
    return sign * ((abs(value) + 500) // 1000)


def era_of_year(year: int) -> tuple[str, int]:
    """The era a fiscal year is named in: the era in force at the end of the calendar
    year it starts in, so FY2019 is 令和元年度 (not 平成31年度) and FY1988 昭和63年度."""
    start = datetime.date(year, 12, 31)
    for era_start, name, _short in ERAS:
        if start >= era_start:
            return name, year - era_start.year + 1
    raise ValueError(f"{year} is before the Shōwa era")


def era_year_label(number: int) -> str:
    return "元" if number == 1 else str(number)


def fiscal_year(year: int, style: str = "western") -> str:
    """``2025`` → ``2025年度`` or ``令和7年度``; 2019 → ``令和元年度``."""
    if style == "era":
        name, number = era_of_year(year)
        return f"{name}{era_year_label(number)}年度"
    return f"{year}年度"


def fiscal_year_english(year: int, style: str = "western") -> str:
    """``2025`` → ``FY2025``, or ``FY2025 (R7)`` with the era's initial, as English texts
    on Japanese public finance write it; 2019 → ``FY2019 (R1)``."""
    if style == "era":
        name, number = era_of_year(year)
        initial = next(short for _start, era, short in ERAS if era == name)
        return f"FY{year} ({initial}{number})"
    return f"FY{year}"


def names_joined(names) -> str:
    """Names in a sentence: 伊奈町、三芳町 in Japanese, 伊奈町, 三芳町 in English."""
    return names_separator().join(str(name) for name in names)


def names_separator() -> str:
    """What stands between two names in a sentence (see names_joined)."""
    return "、" if reader_reads_japanese() else ", "


def brackets() -> tuple[str, str]:
    """What encloses an aside after a name: 伊奈町（埼玉県） in Japanese, 伊奈町 (埼玉県) in
    English, where full-width brackets read as a stray symbol."""
    return ("（", "）") if reader_reads_japanese() else (" (", ")")


def reader_reads_japanese() -> bool:
    """Screens follow the reader's language; PDFs and e-mails are rendered in Japanese
    (translation.override("ja")), so they keep 令和7年度 and 2025年4月1日 whatever the
    language of whoever asked for them."""
    from django.utils.translation import get_language

    return (get_language() or "ja").startswith("ja")


def fiscal_year_on_screen(year: int, style: str = "western") -> str:
    """令和7年度 / 2025年度 for a Japanese reader; FY2025 (R7) / FY2025 for anyone else."""
    return fiscal_year(year, style) if reader_reads_japanese() else fiscal_year_english(year, style)


def date_on_screen(value: datetime.date, style: str = "western") -> str:
    """2025年6月1日 / 令和7年6月1日 for a Japanese reader; the language's own date format
    (1 June 2025) for anyone else: what the ``jdate`` filter writes, for texts made in Python."""
    if reader_reads_japanese():
        return japanese_date(value, style)
    from django.utils.formats import date_format

    return date_format(value, "DATE_FORMAT")


def duration_on_screen(value: datetime.timedelta) -> str:
    """``timedelta(minutes=15)`` → 15分 / 15 minutes, in the reader's language with Django's
    own words (those of ``timeuntil``), the two largest units: 1時間, 30分."""
    from django.utils.timesince import timesince

    start = datetime.datetime(2001, 1, 1)
    return timesince(start, start + value)


def era_name(value: datetime.date) -> str:
    """The era a day falls in: 令和 for any day since 2019-05-01."""
    return next(name for era_start, name, _short in ERAS if value >= era_start)


def japanese_date(value: datetime.date, style: str = "western") -> str:
    """``2025-04-01`` → ``2025年4月1日`` or ``令和7年4月1日`` (元年 for a first year)."""
    if style == "era":
        for era_start, name, _short in ERAS:
            if value >= era_start:
                number = value.year - era_start.year + 1
                return f"{name}{era_year_label(number)}年{value.month}月{value.day}日"
    return f"{value.year}年{value.month}月{value.day}日"


def exact_ratio(value) -> Fraction:
    """A ratio as the exact fraction it stands for: a ``RoundedRatio``'s unrounded value,
    a Decimal's or an int's own."""
    return value.exact if isinstance(value, RoundedRatio) else Fraction(value)


def _percent_digits(ratio: Fraction, places: int) -> str:
    """``|ratio|`` in per cent, rounded once half-up (away from zero, as the engine's
    ROUND_HALF_UP) to ``places``, in integers: float's 0.3715 × 100 is 37.1499 …"""
    units = math.floor(abs(ratio) * 100 * 10 ** places + Fraction(1, 2))
    whole, fraction = divmod(units, 10 ** places)
    return f"{whole}.{fraction:0{places}d}%" if places else f"{whole}%"


def ratio_percent(value, places: int = 1) -> str:
    """``0.5645`` → ``56.5%``; a ``RoundedRatio`` from its exact value (56.445 … % → ``56.4%``)."""
    if value is None:
        return "—"
    ratio = exact_ratio(value)
    shown = _percent_digits(ratio, places)
    return f"-{shown}" if ratio < 0 and shown != _percent_digits(Fraction(0), places) else shown


def share_percent(value) -> str:
    """A part of a whole (a town's share of the members' population), one place when it is
    1 % or more, else to two significant figures: 0.04%, 0.0051%. One place printed 0.0%
    for every town of a national council."""
    if value is None:
        return "—"
    ratio = exact_ratio(value)
    if ratio == 0 or abs(ratio) >= Fraction(1, 100):
        return ratio_percent(value)
    places = 1
    while abs(ratio) * 100 * 10 ** places < 10 and places < 6:
        places += 1
    return _percent_digits(ratio, places)


def ratio_as_stated(value) -> str:
    """A ratio a plan states (a pool's equal or population ratio, its guarantee), in percent
    to the last figure it was given and no further: 0.3333 → 33.33%, 0.3 → 30%. Rounded to
    a whole percent it read 33% and 67%, to one place 33.3%: neither is the plan's rule."""
    if value is None:
        return "—"
    shown = format((Decimal(str(value)) * 100).normalize(), "f")
    return f"{shown}%"


def ratio_percent_signed(value, places: int = 1) -> str:
    """A change as a ratio: ``+12.3%``, ``−8.0%`` (a true minus sign), ``0.0%``."""
    if value is None:
        return "—"
    ratio = exact_ratio(value)
    shown = _percent_digits(ratio, places)
    rounds_to_nothing = shown == _percent_digits(Fraction(0), places)
    return shown if rounds_to_nothing else (f"+{shown}" if ratio > 0 else f"−{shown}")


def thousands_adding_up(values: list[int]) -> list[int]:
    """Yen amounts in 千円 that still add up to their rounded total: each row is rounded
    down, then the rows with the largest remainders get the missing thousands (ties to
    the earlier row), so a printed column always sums to its printed total."""
    total = thousands(sum(values))
    floors = [value // 1000 for value in values]
    missing = total - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(values[i] % 1000), i))
    for index in order[:max(missing, 0)]:
        floors[index] += 1
    return floors
