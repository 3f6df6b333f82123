import copy
import datetime
import pickle
from decimal import Decimal
from fractions import Fraction

import pytest

from apps.core import formatting
from apps.core.ratios import RoundedRatio


@pytest.mark.parametrize(("year", "text"), [(2025, "令和7年度"), (2019, "令和元年度"), (2018, "平成30年度"),
                                            (1989, "平成元年度"), (2020, "令和2年度")])
def test_fiscal_years_in_the_japanese_era(year, text):
    assert formatting.fiscal_year(year, "era") == text


def test_fiscal_years_are_never_written_with_a_separator():
    assert formatting.fiscal_year(2025) == "2025年度"


def test_dates_in_the_era_use_gannen_for_a_first_year():
    assert formatting.japanese_date(datetime.date(2019, 5, 1), "era") == "令和元年5月1日"
    assert formatting.japanese_date(datetime.date(2019, 4, 30), "era") == "平成31年4月30日"


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1234567, "yen", "1,234,567"), (1234567, "thousand", "1,235"), (1234499, "thousand", "1,234"),
    (0, "thousand", "0"), (None, "yen", "—"),
])
def test_yen_and_thousand_yen(value, unit, text):
    assert formatting.yen(value, unit) == text


@pytest.mark.parametrize(("year", "style", "text"), [(2025, "western", "FY2025"), (2025, "era", "FY2025 (R7)"),
                                                     (2019, "era", "FY2019 (R1)"), (2018, "era", "FY2018 (H30)")])
def test_fiscal_years_in_english(year, style, text):
    assert formatting.fiscal_year_english(year, style) == text


def test_screens_follow_the_readers_language_and_documents_stay_japanese():
    from django.template import engines
    from django.utils.translation import override

    page = engines["django"].from_string(
        '{% load consortium_format %}{{ year|fiscal_year:"era" }} {{ day|jdate:"era" }}')
    context = {"year": 2025, "day": datetime.date(2026, 12, 25)}
    with override("ja"):
        assert page.render(context) == "令和7年度 令和8年12月25日"
    with override("en"):
        assert page.render(context) == "FY2025 (R7) 25 Dec. 2026"  # never 12/25, nor 12/07 read as July


def test_a_date_in_a_message_is_written_as_the_reader_reads_dates():
    from django.utils.translation import override

    with override("ja"):
        assert formatting.date_on_screen(datetime.date(2026, 12, 7), "era") == "令和8年12月7日"
    with override("en"):
        assert formatting.date_on_screen(datetime.date(2026, 12, 7), "era") == "7 Dec. 2026"


def test_a_length_of_time_is_written_in_words_in_the_readers_language():
    from django.utils.translation import override

    with override("ja"):
        assert formatting.duration_on_screen(datetime.timedelta(minutes=15)) == "15分"
        assert formatting.duration_on_screen(datetime.timedelta(hours=24)) == "1日"
    with override("en"):
        assert formatting.duration_on_screen(datetime.timedelta(minutes=90)) == "1\xa0hour, 30\xa0minutes"


@pytest.mark.parametrize(("value", "text"), [(615946, "+615,946"), (-4948588, "−4,948,588"), (0, "0"), (None, "—")])
def test_a_change_in_yen_carries_its_sign_with_a_true_minus(value, text):
    assert formatting.yen_signed(value) == text


@pytest.mark.parametrize("ratio, shown", [(Decimal("0.1"), "+10.0%"), (Decimal("-0.999"), "−99.9%"), (0, "0.0%"),
                                          (Decimal("0.0001"), "0.0%"), (Decimal("-0.0004"), "0.0%"), (None, "—")])
def test_a_change_is_signed_with_a_true_minus_and_no_sign_when_it_rounds_to_nothing(ratio, shown):
    assert formatting.ratio_percent_signed(ratio) == shown


def test_english_short_dates_put_the_day_first():
    """«12/07/2026» reads as 12 July outside the United States."""
    from django.utils import formats
    from django.utils.translation import override

    with override("en"):
        assert formats.date_format(datetime.datetime(2026, 12, 7, 21, 27), "SHORT_DATETIME_FORMAT") == "7 Dec. 2026, 21:27"
    with override("ja"):
        assert formats.date_format(datetime.date(2026, 12, 7), "DATE_FORMAT") == "2026年12月7日"


@pytest.mark.parametrize("ratio, shown", [(Decimal("0.3333"), "33.33%"), (Decimal("0.6667"), "66.67%"),
                                          (Decimal("0.3000"), "30%"), (Decimal("0.125"), "12.5%"),
                                          (Decimal("1"), "100%"), (Decimal("0"), "0%"), ("0.05", "5%"), (None, "—")])
def test_a_ratio_a_plan_states_is_written_in_percent_exactly_as_stated(ratio, shown):
    """A pool's 0.3333 is 33.33%, not 33% (nor 33.3%); 0.3 is 30%, with no trailing zeros."""
    assert formatting.ratio_as_stated(ratio) == shown


@pytest.mark.parametrize(("ratio", "places", "shown"), [
    (Fraction(34_126_772, 60_460_000), 1, "56.4%"),  # 56.445…%: once, not 0.5645 then 56.5 %
    (Decimal("0.3715"), 1, "37.2%"),  # 37.15 % exactly: half-up, where float's 37.1499… read 37.1 %
    (Decimal("0.12345"), 2, "12.35%"),
    (Decimal("0.0005"), 1, "0.1%"),
    (Decimal("-1.5510"), 1, "-155.1%"),
    (Decimal("-0.00049"), 1, "0.0%"),  # no «−0.0 %»
    (Decimal("0.5079"), 2, "50.79%"),
    (Fraction(1, 3), 0, "33%"),
    (0, 1, "0.0%"),
    (None, 1, "—"),
])
def test_a_ratio_is_shown_rounded_half_up_once_from_its_exact_value_never_through_float(ratio, places, shown):
    assert formatting.ratio_percent(ratio, places) == shown


def test_a_rounded_ratio_is_shown_from_the_exact_fraction_it_was_rounded_from():
    """The engine publishes 34,126,772 ÷ 60,460,000 as 0.5645 (4 places, the spec); shown to
    1 place it is the exact 56.445 … % rounded once, 56.4 %, not 56.45 % rounded again."""
    published = RoundedRatio("0.5645", exact=Fraction(34_126_772, 60_460_000))
    assert published == Decimal("0.5645") and str(published) == "0.5645"
    assert formatting.ratio_percent(published) == "56.4%"
    assert formatting.ratio_percent(published, 2) == "56.45%"
    assert formatting.ratio_percent_signed(published) == "+56.4%"
    assert formatting.ratio_percent(copy.deepcopy(published)) == "56.4%"
    assert formatting.ratio_percent(pickle.loads(pickle.dumps(published))) == "56.4%"


def test_a_small_share_of_a_whole_keeps_two_significant_figures():
    """A town of 39,383 in a national council of 100 million read 「人口の 0.0%」."""
    from fractions import Fraction

    from apps.core.formatting import share_percent

    assert share_percent(Fraction(39_383, 100_000_000)) == "0.039%"
    assert share_percent(Fraction(9, 1000)) == "0.90%"
    assert share_percent(Fraction(1, 3)) == "33.3%" and share_percent(Fraction(0)) == "0.0%"
