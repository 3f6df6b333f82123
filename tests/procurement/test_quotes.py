"""RFI rounds: responses from invited vendors, indicative quotes per system and year,
and the side-by-side comparison against the members' current costs."""

import datetime
import re
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.procurement import selectors, services
from apps.procurement.models import IndicativeQuote, Stage
from tests.factories import add_cost, business_system
from tests.procurement.conftest import FY, corporate_number, respond, rfi_round_in, vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def rfi_round(world, case):
    return rfi_round_in(case, [world["demo"], world["kaku"], world["sample"]])


def test_rfi_rounds_are_numbered_per_case(world, case, rfi_round):
    second = rfi_round_in(case, [world["demo"]])
    assert (rfi_round.number, second.number) == (1, 2)
    assert set(rfi_round.invited.values_list("name", flat=True)) == {
        "デモクラウド株式会社", "架空情報システム株式会社", "サンプルソリューションズ株式会社"}


def test_only_invited_vendors_respond_and_only_once(world, case, rfi_round):
    outsider = vendor("例示テクノロジー株式会社", 99)
    with pytest.raises(ValidationError, match="例示テクノロジー株式会社"):
        services.rfi_response_record(rfi_round=rfi_round, vendor=outsider, received_on=datetime.date(2025, 6, 2))
    respond(rfi_round, world["demo"], {"resident_registry": 1})
    with pytest.raises(ValidationError):
        services.rfi_response_record(rfi_round=rfi_round, vendor=world["demo"], received_on=datetime.date(2025, 6, 2))


def test_quotes_outside_the_rounds_fiscal_years_are_refused_and_nothing_is_written(world, rfi_round):
    response = services.rfi_response_record(rfi_round=rfi_round, vendor=world["demo"],
                                            received_on=datetime.date(2025, 6, 2))
    system = business_system("resident_registry").pk
    with pytest.raises(ValidationError, match="2030"):
        services.quotes_record(response=response, amounts={(system, FY): 1_000, (system, 2030): 2_000})
    assert not IndicativeQuote.objects.exists()


def test_the_comparison_totals_each_vendors_quotes_per_year_and_the_saving_against_current_costs(world, rfi_round):
    # Current costs of FY2025: 伊奈町 100M + 三芳町 80M; 毛呂山町 withdrew, so its 50M does not count.
    respond(rfi_round, world["demo"], {"resident_registry": 60_000_000, "individual_resident_tax": 70_000_000})
    respond(rfi_round, world["kaku"], {"resident_registry": 90_000_000, "individual_resident_tax": 80_000_000})
    respond(rfi_round, world["sample"], {"resident_registry": 95_000_000}, fiscal_year=FY + 1)
    comparison = selectors.quote_comparison(user=world["secretariat"], rfi_round=rfi_round, consortium=world["a"])
    assert comparison.baseline == 180_000_000
    assert [response.vendor.name for response in comparison.responses] == [
        "サンプルソリューションズ株式会社", "デモクラウド株式会社", "架空情報システム株式会社"]
    first_year, second_year = comparison.year_rows
    # A vendor that quoted nothing for a year has no total for it: not a quote of 0 yen, a 100 % saving.
    assert first_year[0] == FY and [saving and saving.total for saving in first_year[1]] == [
        None, 130_000_000, 170_000_000]
    assert [saving.amount for saving in first_year[1][1:]] == [50_000_000, 10_000_000]
    assert first_year[1][1].ratio == Fraction(50, 180)
    assert [saving and saving.total for saving in second_year[1]] == [95_000_000, None, None]
    assert {row.system.code: [quote and quote.total for quote in row.quotes] for row in comparison.rows} == {
        "resident_registry": [None, 60_000_000, 90_000_000], "individual_resident_tax": [None, 70_000_000, 80_000_000]}


def test_a_quote_for_some_systems_is_set_against_the_current_cost_of_those_systems_only(world, rfi_round):
    """Two systems quoted of the members' several read as a saving of nearly everything."""
    add_cost(world["x"], 40_000_000, business_system=business_system("family_register"))  # now 140M + 80M
    respond(rfi_round, world["demo"], {"family_register": 30_000_000})
    comparison = selectors.quote_comparison(user=world["secretariat"], rfi_round=rfi_round, consortium=world["a"])
    [saving] = dict(comparison.year_rows)[FY]
    assert (saving.total, saving.baseline, saving.partial, saving.systems) == (30_000_000, 40_000_000, True, 1)
    assert saving.ratio == Fraction(1, 4)


def test_each_systems_quote_is_set_against_the_members_current_cost_of_that_system(world, rfi_round):
    # The world's current costs are all 住民基本台帳 (resident_registry): 伊奈町 100M + 三芳町 80M.
    add_cost(world["x"], 30_000_000, business_system=business_system("whole"))
    respond(rfi_round, world["demo"], {"resident_registry": 60_000_000, "individual_resident_tax": 70_000_000})
    comparison = selectors.quote_comparison(user=world["secretariat"], rfi_round=rfi_round, consortium=world["a"])
    rows = {row.system.code: row for row in comparison.rows}
    assert list(rows) == ["resident_registry", "individual_resident_tax", "whole"]  # catalogue order, "whole" last
    registry, tax, whole = rows.values()
    assert (registry.current, registry.quotes[0].amount, registry.quotes[0].ratio) == (
        180_000_000, 120_000_000, Fraction(2, 3))
    assert (tax.current, tax.quotes[0].total, tax.quotes[0].ratio) == (0, 70_000_000, None)
    assert (whole.current, whole.quotes) == (30_000_000, [None])  # costs nobody quoted for still show
    assert sum(row.current for row in comparison.rows) == comparison.baseline == 210_000_000
    assert comparison.has_unbroken_costs


def test_the_per_system_table_shows_current_costs_savings_and_totals_that_add_up(client, world, rfi_round):
    respond(rfi_round, world["demo"], {"resident_registry": 60_000_000, "individual_resident_tax": 70_000_000})
    client.force_login(world["observer"])
    page = client.get(reverse("rfi_detail", args=[rfi_round.pk])).content.decode()
    table = page[page.index("data-quote-systems"):]
    table = table[:table.index("</table>")]
    rows = [re.sub(r"<[^>]+>", " ", row).split() for row in re.findall(r"<tr.*?</tr>", table, re.S)[1:]]
    assert rows[0][:4] == ["住民基本台帳", "180,000,000", "60,000,000", "削減見込額"]
    assert "66.7%" in rows[0][-1]
    assert rows[1][:3] == ["個人住民税", "—", "70,000,000"]
    assert rows[-1] == ["合計", "180,000,000", "130,000,000"]


def test_the_comparison_page_shows_totals_and_the_saving_in_yen_and_percent(client, world, rfi_round):
    respond(rfi_round, world["demo"], {"resident_registry": 60_000_000, "individual_resident_tax": 70_000_000})
    client.force_login(world["observer"])
    page = client.get(reverse("rfi_detail", args=[rfi_round.pk])).content.decode()
    assert "130,000,000" in page and "50,000,000" in page and "27.8%" in page
    assert "180,000,000" in page
    assert "見積なし" in page and "100.0%" not in page  # FY+1, not quoted, is no 100 % saving


def _comparison_queries(client, user, rfi_round) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("rfi_detail", args=[rfi_round.pk])).status_code == 200
    return len(queries)


def test_the_comparison_page_runs_the_same_queries_for_2_and_10_vendors(client, world, case):
    systems = ["resident_registry", "family_register", "individual_resident_tax", "national_pension"]
    small = rfi_round_in(case, [])
    large = rfi_round_in(case, [])
    for rfi_round, count in ((small, 2), (large, 10)):
        for n in range(count):
            company = vendor(f"デモ事業者{rfi_round.number}-{n}", 1000 * rfi_round.number + n)
            rfi_round.invited.add(company)
            respond(rfi_round, company, {code: 1_000_000 * (n + 1) for code in systems})
    assert _comparison_queries(client, world["secretariat"], small) == _comparison_queries(
        client, world["secretariat"], large)


def test_the_secretariat_enters_quotes_on_a_grid_and_an_empty_cell_removes_a_quote(client, world, rfi_round):
    client.force_login(world["secretariat"])
    client.post(reverse("rfi_response_create", args=[rfi_round.pk]),
                {"vendor": world["demo"].pk, "received_on": "2025-06-20", "summary": "標準準拠パッケージで対応可"})
    response = rfi_round.responses.get()
    registry = business_system("resident_registry").pk
    client.post(reverse("quote_entry", args=[response.pk]), {f"cell_{registry}_{FY}": "12000000",
                                                             f"cell_{registry}_{FY + 1}": "12500000"})
    assert dict(response.quotes.values_list("fiscal_year", "amount")) == {FY: 12_000_000, FY + 1: 12_500_000}
    client.post(reverse("quote_entry", args=[response.pk]), {f"cell_{registry}_{FY}": "11000000"})
    assert dict(response.quotes.values_list("fiscal_year", "amount")) == {FY: 11_000_000}


def test_a_quote_past_any_councils_amount_is_refused_under_its_cell(client, world, rfi_round):
    """It failed at the database («bigint out of range») with a server error."""
    client.force_login(world["secretariat"])
    client.post(reverse("rfi_response_create", args=[rfi_round.pk]),
                {"vendor": world["demo"].pk, "received_on": "2025-06-20"})
    response = rfi_round.responses.get()
    cell = f"cell_{business_system('resident_registry').pk}_{FY}"
    page = client.post(reverse("quote_entry", args=[response.pk]), {cell: "99999999999999999999"})
    assert page.status_code == 200 and page.context["form"].errors[cell] == ["金額が大きすぎます（上限 1,000,000,000,000 円）"]
    assert not response.quotes.exists()


def test_a_vendor_is_created_once_per_corporate_number(client, world):
    client.force_login(world["secretariat"])
    url = reverse("vendor_create", args=["a"])
    refused = client.post(url, {"name": "例示株式会社", "corporate_number": "2835678256246"})
    assert refused.status_code == 200 and "corporate_number" in refused.context["form"].errors
    assert client.post(url, {"name": "例示株式会社", "corporate_number": "5-8356-7825-6246"}).status_code == 302
    duplicate = client.post(url, {"name": "別名", "corporate_number": "5835678256246"})
    assert "corporate_number" in duplicate.context["form"].errors
    assert corporate_number(1) in client.get(reverse("vendor_list", args=["a"])).content.decode()


def test_a_case_walks_its_stages_with_dates_but_is_not_awarded_without_a_selection(world, case):
    services.case_set_stage(case=case, stage=Stage.RFI, by=world["secretariat"], on=datetime.date(2025, 6, 1))
    with pytest.raises(ValidationError) as refusal:
        services.case_set_stage(case=case, stage=Stage.AWARDED, by=world["secretariat"])
    assert "stage" in refusal.value.message_dict
    with pytest.raises(ValidationError):
        services.case_set_stage(case=case, stage=Stage.RFP, by=world["secretariat"], on=datetime.date(2025, 5, 1))
    assert list(case.stage_history.values_list("stage", flat=True)) == [Stage.MARKET_SURVEY, Stage.RFI]


def test_the_quote_grid_names_its_years_in_the_readers_language(client, world, rfi_round):
    from django.conf import settings

    client.force_login(world["secretariat"])
    client.post(reverse("rfi_response_create", args=[rfi_round.pk]),
                {"vendor": world["demo"].pk, "received_on": "2025-06-20"})
    url = reverse("quote_entry", args=[rfi_round.responses.get().pk])
    assert f"{FY}年度" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert f"FY{FY}" in english and f"{FY}年度" not in english
