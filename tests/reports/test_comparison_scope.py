"""The comparison beside a plan whose pools pay for some business systems only: the plan's
columns compare its shares with the current cost of those systems, as the plan page and
the briefing do, and the whole year's cost stays in its own column."""

import datetime
import re
from decimal import Decimal

import pytest

from apps.allocation import services as allocation
from apps.allocation.selectors import published_shares, published_total
from apps.reports import services
from apps.reports.models import Kind
from apps.reports.selectors import Options, briefing_figures, side_by_side_context
from tests.factories import add_cost, business_system
from tests.pdf_reading import text_of

pytestmark = pytest.mark.django_db

# What the plan's pool pays for; the members' other cost, 固定資産税, it does not replace.
SCOPE = ["resident_registry", "family_register", "family_register_supplement"]


def digits(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def scoped_plan(council):
    for index, body in enumerate(council["bodies"]):
        add_cost(body, 30_000_000 + 1_000_000 * index, business_system=business_system("fixed_asset_tax"))
    council["consortium"].survey_rounds.update(status="locked")
    plan = allocation.plan_create(
        consortium=council["consortium"], name="住記・戸籍の按分案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=None,
        pools=[{"name": "住記・戸籍", "amount": 60_000_000, "equal_ratio": Decimal("0.3"),
                "population_ratio": Decimal("0.7"), "business_systems": [business_system(code) for code in SCOPE]}])
    return allocation.plan_publish(plan=plan, by=council["secretariat"])


def comparison(council, plan, unit="yen") -> tuple[dict, str]:
    options = Options(unit=unit)
    context = side_by_side_context(consortium=council["consortium"], fiscal_year=2025, plan=plan, options=options)
    text = text_of(services.render_pdf(kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"], fiscal_year=2025,
                                       plan=plan, body=None, options=options))
    return context, text


def test_the_plans_columns_compare_its_shares_with_the_cost_in_its_scope_and_the_whole_cost_stays(
        council, scoped_plan):
    shares = published_shares(scoped_plan)
    context, text = comparison(council, scoped_plan)
    compact = digits(text)
    assert "按分対象の現行経費（円）" in compact and "現行経費（円）" in compact
    for body in council["bodies"]:
        share = shares[body.code]
        whole = body.year_costs.get(fiscal_year=2025).total
        assert share.current_cost < whole  # the plan's scope is narrower than the whole cost
        [line] = [line for line in text.splitlines() if f" {body.code} {body.name} " in line]
        # The whole cost in its column; then the cost in the plan's scope, the share, the saving
        # (the one less the other) and the plan's own ratio: the row reads true, as the plan page's.
        assert f" {whole:,} " in line and " 架空システム株式会社 " in line  # the vendor on one line too
        assert digits(line).endswith(f"{share.current_cost:,}{share.share:,}{share.saving:,}"
                                     f"{share.saving_ratio * 100:.1f}%")
        assert share.current_cost - share.share == share.saving
    scope_total = sum(share.current_cost for share in shares.values())
    saving_total = scope_total - published_total(scoped_plan)
    ratio = Decimal(saving_total) / scope_total
    assert (f"うち按分対象（5団体）{scope_total:,}{published_total(scoped_plan):,}{saving_total:,}"
            f"{ratio * 100:.1f}%") in compact
    assert context["totals"]["shown_plan_current_cost"] == scope_total
    # The note says what the plan's current cost covers, by the systems' names.
    assert "按分対象の現行経費は、按分案が対象とする業務（住民基本台帳、戸籍、戸籍の附票）の" in compact


def test_the_briefings_figures_are_the_comparisons_plan_columns(council, scoped_plan):
    """The mayor's briefing and the comparison print one current cost, share and saving."""
    body = council["bodies"][0]
    share = published_shares(scoped_plan)[body.code]
    context, _text = comparison(council, scoped_plan)
    [row] = [row for row in context["rows"] if row.code == body.code]
    shown = briefing_figures(current_cost=share.current_cost, share=share, options=Options())
    assert (row.shown["plan_current_cost"], row.shown["share"], row.shown["saving"]) == (
        shown["current_cost"], shown["share"], shown["saving"])


def test_in_thousand_yen_the_plans_columns_add_up_and_each_row_reads_true(council, scoped_plan):
    context, text = comparison(council, scoped_plan, unit="thousand")
    rows, totals = context["rows"], context["totals"]
    for column in ("current_cost", "plan_current_cost", "share", "saving"):
        assert all(row.shown[column] is not None for row in rows)
    assert sum(row.shown["current_cost"] for row in rows) == totals["shown_current_cost"]
    assert sum(row.shown["plan_current_cost"] for row in rows) == totals["shown_plan_current_cost"]
    assert sum(row.shown["share"] for row in rows) == totals["shown_share"] == 60_000
    for row in rows:
        assert row.shown["plan_current_cost"] - row.shown["share"] == row.shown["saving"]
    assert totals["shown_plan_current_cost"] - totals["shown_share"] == totals["shown_saving"]
    assert f"うち按分対象（5団体）{totals['shown_plan_current_cost']:,}{totals['shown_share']:,}" in digits(text)


def test_a_plan_over_the_whole_cost_adds_no_column(council):
    """The fixture's plan names no business system: it pays for everything, so the cost it
    is compared with is the whole cost, printed once."""
    context, text = comparison(council, council["plan"])
    assert "按分対象の現行経費" not in digits(text)
    assert not context["plan_scope"]["shown"]


def test_a_member_with_no_cost_in_the_plans_scope_has_no_saving_though_it_has_a_whole_cost(council):
    from tests.factories import member_of

    other = member_of(council["consortium"], name="ときがわ町", population=11_000)
    add_cost(other, 25_000_000, business_system=business_system("fixed_asset_tax"))
    council["consortium"].survey_rounds.update(status="locked")
    plan = allocation.plan_publish(plan=allocation.plan_create(
        consortium=council["consortium"], name="住記の按分案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=None,
        pools=[{"name": "住記", "amount": 60_000_000, "equal_ratio": Decimal("0.3"), "population_ratio": Decimal("0.7"),
                "business_systems": [business_system("resident_registry")]}]), by=council["secretariat"])
    share = published_shares(plan)[other.code]
    assert share.current_cost is None and share.saving is None
    context, text = comparison(council, plan)
    [line] = [line for line in text.splitlines() if f" {other.code} {other.name} " in line]
    assert " 25,000,000 " in line and digits(line).endswith(f"—{share.share:,}——")
    totals = context["totals"]
    assert totals["saving_members"] == 5 and totals["shown_plan_current_cost"] is None
    assert totals["shown_saving_current_cost"] == sum(
        s.current_cost for s in published_shares(plan).values() if s.current_cost is not None)
    assert (f"うち現行経費の報告がある団体（5団体）{totals['shown_saving_current_cost']:,}"
            f"{totals['shown_saving_share']:,}{totals['shown_saving']:,}") in digits(text)


def test_the_briefing_says_its_current_cost_is_the_plans_scope_and_gives_the_whole_years(council, scoped_plan):
    """A mayor reading «現行経費 17,395,000» beside the comparison's 69,580,000 is told why."""
    body = council["bodies"][0]
    share = published_shares(scoped_plan)[body.code]
    text = digits(text_of(services.render_pdf(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                                              plan=scoped_plan, body=body, options=Options())))
    whole = share.current_cost + 30_000_000
    assert f"現行経費（2025年度・按分対象の業務）{share.current_cost:,}円" in text
    assert "按分案が対象とする業務（住民基本台帳、戸籍、戸籍の附票）の現行経費で比べています。" in text
    assert f"2025年度の現行経費の全体は{whole:,}円です。" in text


def test_a_briefing_for_a_plan_over_the_whole_cost_says_nothing_of_a_scope(council):
    body = council["bodies"][0]
    text = digits(text_of(services.render_pdf(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                                              plan=council["plan"], body=body, options=Options())))
    assert "現行経費（2025年度）" in text and "按分対象の業務" not in text
