"""Section 3 of a mayor's briefing, read back from the PDF: how the town's share of each
pool is made, in parts that each read true, and the plan's ratios as it states them."""

import datetime
import re
from decimal import Decimal

import pytest

from apps.allocation import services as allocation
from apps.allocation.selectors import published_shares
from apps.reports import services
from apps.reports.models import Kind
from apps.reports.selectors import Options
from tests.factories import member_of
from tests.pdf_reading import text_of

pytestmark = pytest.mark.django_db


def digits(text: str) -> str:
    return re.sub(r"\s+", "", text)


def publish(council, *, amount: int, equal: str, population: str, guarantee: str | None = None):
    council["consortium"].survey_rounds.update(status="locked")
    return allocation.plan_publish(plan=allocation.plan_create(
        consortium=council["consortium"], name="按分案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=Decimal(guarantee) if guarantee else None,
        pools=[{"name": "基幹系", "amount": amount, "equal_ratio": Decimal(equal),
                "population_ratio": Decimal(population)}]), by=council["secretariat"])


def briefing(council, plan, body) -> str:
    return digits(text_of(services.render_pdf(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                                              plan=plan, body=body, options=Options())))


def test_towns_of_one_size_read_the_same_population_part_and_the_rounding_is_said_apart(council):
    """Two towns of 11,000: the pool's largest remainder gives one a yen more, which the
    briefing said was a larger 人口割 (7,598,686 beside 7,598,685)."""
    twins = [member_of(council["consortium"], name=name, population=11_000, cost=50_000_000)
             for name in ("ときがわ町", "小川町")]
    plan = publish(council, amount=150_000_009, equal="0.3", population="0.7")
    shares = published_shares(plan)
    assert shares[twins[0].code].pools["基幹系"] != shares[twins[1].code].pools["基幹系"]
    # 150,000,009 × 0.3 ÷ 7 = 6,428,571.81…; 150,000,009 × 0.7 × 11,000 ÷ 152,000 = 7,598,684.66…
    texts = [briefing(council, plan, twin) for twin in twins]
    for twin, text in zip(twins, texts, strict=True):
        share = shares[twin.code].pools["基幹系"]
        rounding = share - 6_428_571 - 7_598_684
        assert rounding in (1, 2)
        assert (f"均等割6,428,571円＋人口割7,598,684円（人口11,000人、対象団体の人口の7.2%）"
                f"＋端数調整{rounding}円※＝{share:,}円です") in text
        assert "※端数調整：均等割・人口割は、それぞれ1円未満を切り捨てて示しています" in text


def test_a_share_whose_parts_come_out_whole_says_no_rounding(council):
    plan = publish(council, amount=260_000_000, equal="0.5", population="0.5")
    smallest = council["bodies"][-1]  # 12,000 of 130,000 residents: 12,000,000 yen exactly
    text = briefing(council, plan, smallest)
    assert "均等割26,000,000円＋人口割12,000,000円（人口12,000人、対象団体の人口の9.2%）＝38,000,000円です" in text
    assert "端数調整" not in text


def test_the_plans_ratios_and_guarantee_are_printed_as_the_plan_states_them(council):
    """0.3333 and 0.6667 printed as 33% and 67%: the parts then seemed to add to a third
    of the amount a reader works out from them."""
    plan = publish(council, amount=150_000_001, equal="0.3333", population="0.6667", guarantee="0.125")
    text = briefing(council, plan, council["bodies"][0])
    assert "33.33%を全5団体で均等に、66.67%を人口（2025年6月1日時点）に応じて分担します" in text
    assert "現行経費から少なくとも12.5%削減されるよう" in text
    # A town the plan leaves out reads the rule in general, in the same figures.
    newcomer = member_of(council["consortium"], name="ときがわ町", population=11_000)
    assert "：33.33%を均等に、66.67%を人口" in briefing(council, plan, newcomer)
