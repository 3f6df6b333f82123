"""A member's figures for a year, typed in rows: every row offers the national catalogue
and its own councils' systems, never another council's, and a year of forty figures reads
the systems once, not once a row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.costs import services
from apps.costs.importers import parse_body_costs, parse_costs
from apps.costs.models import CostCategory, CostRecord
from tests.factories import ConsortiumFactory, SurveyRoundFactory, add_cost, business_system, member_of, user_with_role
from tests.markup import elements, text_of, undescribed

pytestmark = pytest.mark.django_db


@pytest.fixture
def councils():
    saitama, nara = ConsortiumFactory(slug="saitama"), ConsortiumFactory(slug="nara")
    SurveyRoundFactory(consortium=saitama, fiscal_year=2025)
    ina = member_of(saitama, name="伊奈町")
    own = services.business_system_add(consortium=saitama, name_ja="埼玉共同の窓口受付", name_en="Saitama front desk")
    foreign = services.business_system_add(consortium=nara, name_ja="奈良独自の施設予約", name_en="Nara bookings")
    return {"saitama": saitama, "ina": ina, "own": own, "foreign": foreign}


def row_post(system_id, amount=1_000) -> dict:
    return {"costs-TOTAL_FORMS": "1", "costs-INITIAL_FORMS": "0", "costs-0-business_system": str(system_id),
            "costs-0-category": "software", "costs-0-amount": str(amount)}


def test_the_rows_offer_the_catalogue_and_the_towns_councils_systems_but_no_other_councils(client, councils):
    client.force_login(user_with_role(Role.STAFF, body=councils["ina"]))
    page = client.get(reverse("body_costs_edit", args=[councils["ina"].code, 2025])).content.decode()
    assert "住民基本台帳" in page and "埼玉共同の窓口受付" in page
    assert "奈良独自の施設予約" not in page


def test_another_councils_system_is_refused_and_nothing_written(client, councils):
    client.force_login(user_with_role(Role.STAFF, body=councils["ina"]))
    url = reverse("body_costs_edit", args=[councils["ina"].code, 2025])
    response = client.post(url, row_post(councils["foreign"].pk))
    assert response.status_code == 200 and not CostRecord.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.post(url, row_post(councils["own"].pk)).status_code == 302
    assert CostRecord.objects.get().business_system == councils["own"]


def test_a_rows_error_is_read_with_its_field(client, councils):
    client.force_login(user_with_role(Role.STAFF, body=councils["ina"]))
    url = reverse("body_costs_edit", args=[councils["ina"].code, 2025])
    page = client.post(url, row_post(councils["own"].pk, amount="abc")).content.decode()
    [field] = elements(page, aria_invalid="true")
    assert field["aria-describedby"] == "id_costs-0-amount_error" and not undescribed(page)
    assert text_of(page, "id_costs-0-amount_error")  # the message itself, under that id


def test_a_refused_save_says_at_the_top_which_rows_to_correct(client, councils, settings):
    client.force_login(user_with_role(Role.STAFF, body=councils["ina"]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("body_costs_edit", args=[councils["ina"].code, 2025])
    own = str(councils["own"].pk)
    rows = {**row_post(own), "costs-TOTAL_FORMS": "3",
            "costs-1-business_system": own, "costs-1-category": "hardware", "costs-1-amount": "abc",
            "costs-2-business_system": own, "costs-2-category": "software", "costs-2-amount": "-5"}
    page = client.post(url, rows).content.decode()
    [summary] = elements(page, "div", data_error_summary="")
    assert summary["tabindex"] == "-1"  # static/js/app.js moves the focus to it
    assert "2 rows have errors" in page and page.index("data-error-summary") < page.index("costs-0-amount")
    links = [attrs["href"] for attrs in elements(page, "a", href=...) if attrs["href"].startswith("#id_costs")]
    assert links == ["#id_costs-1-amount", "#id_costs-2-amount"]
    assert not elements(client.get(url).content.decode(), data_error_summary="")


def test_a_year_of_forty_figures_runs_the_queries_of_a_year_of_one(client, councils):
    body = councils["ina"]
    client.force_login(user_with_role(Role.STAFF, body=body))
    url = reverse("body_costs_edit", args=[body.code, 2025])
    add_cost(body, 1_000, fiscal_year=2025, business_system=business_system("resident_registry"))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    CostRecord.objects.all().delete()
    systems = [business_system(code) for code in ("resident_registry", "family_register", "individual_resident_tax",
                                                  "fixed_asset_tax", "national_health_insurance")]
    for system in systems:
        for category in CostCategory:
            add_cost(body, 1_000, fiscal_year=2025, business_system=system, category=category.value)
    with CaptureQueriesContext(connection) as forty:
        page = client.get(url).content.decode()
    assert page.count('name="costs-') > 40 * 5
    assert len(forty) == len(one), [query["sql"] for query in forty]


def test_a_file_naming_another_councils_system_is_refused_by_row_and_column(councils):
    ina = councils["ina"]
    own_file = f"業務,ソフトウェア\n{councils['own'].name_ja},100\n{councils['foreign'].name_ja},100\n".encode()
    report = parse_body_costs(own_file, "figures.csv", body=ina, fiscal_year=2025).report
    assert [(error.row, error.column) for error in report.errors] == [(3, "業務")]
    council_file = (f"団体コード,業務,ソフトウェア\n{ina.code},{councils['foreign'].code},100\n").encode()
    report = parse_costs(council_file, "costs.csv", consortium=councils["saitama"], fiscal_year=2025).report
    assert [(error.row, error.column) for error in report.errors] == [(2, "業務")]
