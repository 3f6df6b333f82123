"""A plan's page reports each member as allocation.md's step 5 asks — its rounded share of
every pool, its base total, adjustment and final share — beside the population it was
counted with (and that population's date), and gives the same figures as a CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import Role
from apps.allocation import services
from apps.members.services import population_record
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")
    ina = member_of(consortium, name="伊奈町", population=44_442, cost=98_000_000)
    miyoshi = member_of(consortium, name="三芳町", population=37_800, cost=90_000_000)
    higashi = member_of(consortium, name="東秩父村", population=2_600, cost=30_000_000)
    # A later count of 伊奈町, still before the plan's basis date: the one the plan takes.
    population_record(body=ina, population=44_500, as_of=datetime.date(2025, 4, 1))
    plan = services.plan_create(
        consortium=consortium, name="按分案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=None,
        pools=[{"name": "基幹系", "amount": 150_000_000, "equal_ratio": Decimal("0.3"),
                "population_ratio": Decimal("0.7")},
               {"name": "戸籍", "amount": 20_000_000, "equal_ratio": Decimal("0.5"),
                "population_ratio": Decimal("0.5")}])
    plan.pools.get(name="戸籍").bodies.set([ina, miyoshi])  # the village keeps its own family register
    return {"consortium": consortium, "plan": plan, "ina": ina, "miyoshi": miyoshi, "higashi": higashi,
            "secretariat": user_with_role(Role.SECRETARIAT, consortium=consortium)}


def member_row(page: str, code: str) -> str:
    start = page.index(f'data-member="{code}"')
    return page[start:page.index("</tr>", start)]


def cells(row: str) -> list[str]:
    import re
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]


def result_of(plan) -> dict:
    return {row["code"]: row for row in services.plan_result(plan)["members"]}


def test_the_plan_page_gives_each_members_population_with_its_date_and_its_share_of_every_pool(client, world):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("plan_detail", args=[world["plan"].pk])).content.decode()
    head = page[page.index("<thead>", page.index('id="result"')):]
    head = head[:head.index("</thead>")]
    for heading in ("Population", "As of", "基幹系", "戸籍", "Base", "Adjustment", "Share"):
        assert heading in head
    assert head.index("基幹系") < head.index("戸籍") < head.index("Base")  # the pools, then their total
    results = result_of(world["plan"])
    ina = results[world["ina"].code]
    row = cells(member_row(page, world["ina"].code))
    assert "44,500" in row and "1 April 2025" in row
    assert row.index(f"{ina['pools']['基幹系']:,}") < row.index(f"{ina['pools']['戸籍']:,}") < row.index(
        f"{ina['base']:,}")
    village = cells(member_row(page, world["higashi"].code))
    assert "2,600" in village and "1 Jan. 2025" in village
    assert f"{results[world['higashi'].code]['pools']['基幹系']:,}" in village
    assert "—" in village  # no share of a pool it is not in


def test_the_preview_gives_the_pools_and_populations_too_with_no_csv_of_a_figure_not_saved(client, world):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    preview = client.get(reverse("plan_preview", args=[world["plan"].pk]), {"equal_ratio": "0.5"}).content.decode()
    assert "戸籍" in preview and "44,500" in preview
    assert reverse("plan_result_csv", args=[world["plan"].pk]) not in preview
    page = client.get(reverse("plan_detail", args=[world["plan"].pk])).content.decode()
    assert reverse("plan_result_csv", args=[world["plan"].pk]) in page


def read_csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")  # with a BOM, as Japanese Excel opens it
    return list(csv.DictReader(io.StringIO(text)))


def test_the_secretariat_downloads_every_members_figures_as_csv(client, world):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = read_csv(client.get(reverse("plan_result_csv", args=[world["plan"].pk])))
    results = result_of(world["plan"])
    assert [row["Code"] for row in rows] == sorted(results)
    ina = next(row for row in rows if row["Code"] == world["ina"].code)
    expected = results[world["ina"].code]
    assert ina["Name"] == "伊奈町"
    assert (ina["Population"], ina["As of"]) == ("44500", "2025-04-01")
    assert (ina["基幹系 (yen)"], ina["戸籍 (yen)"]) == (str(expected["pools"]["基幹系"]), str(expected["pools"]["戸籍"]))
    assert (ina["Base (yen)"], ina["Adjustment (yen)"], ina["Share (yen)"]) == (
        str(expected["base"]), str(expected["adjustment"]), str(expected["share"]))
    assert (ina["Current cost (yen)"], ina["Saving (yen)"], ina["Saving ratio"]) == (
        "98000000", str(expected["saving"]), expected["saving_ratio"])
    village = next(row for row in rows if row["Code"] == world["higashi"].code)
    assert village["戸籍 (yen)"] == ""  # not in the pool: no share, not a share of 0
    assert sum(int(row["Share (yen)"]) for row in rows) == 170_000_000


def test_a_town_downloads_only_what_the_plan_page_shows_it(client, world):
    """Until the named comparison is published, a town reads the others' shares but not
    their current costs, savings or adjustments — in the CSV as on the page."""
    plan = services.plan_publish(plan=world["plan"], by=world["secretariat"])
    # A population counted after publication does not move the plan's, nor its date.
    population_record(body=world["ina"], population=45_000, as_of=datetime.date(2025, 5, 1))
    client.force_login(user_with_role(Role.STAFF, body=world["miyoshi"]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = {row["Code"]: row for row in read_csv(client.get(reverse("plan_result_csv", args=[plan.pk])))}
    own, other = rows[world["miyoshi"].code], rows[world["ina"].code]
    assert own["Current cost (yen)"] == "90000000" and own["Saving (yen)"] and own["Saving ratio"]
    assert other["Share (yen)"] and other["基幹系 (yen)"]
    assert (other["Current cost (yen)"], other["Saving (yen)"], other["Saving ratio"], other["Adjustment (yen)"]) == (
        "", "", "", "")
    assert (other["Population"], other["As of"]) == ("44500", "2025-04-01")

    world["consortium"].comparison_published = True
    world["consortium"].save(update_fields=["comparison_published"])
    rows = {row["Code"]: row for row in read_csv(client.get(reverse("plan_result_csv", args=[plan.pk])))}
    assert rows[world["ina"].code]["Current cost (yen)"] == "98000000"


def test_a_plan_the_engine_refuses_has_no_csv_and_says_why(client, world):
    plan = world["plan"]
    plan.guarantee = Decimal("0.9")  # more than the members' costs can give
    plan.save()
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert reverse("plan_result_csv", args=[plan.pk]) not in page
    response = client.get(reverse("plan_result_csv", args=[plan.pk]))
    assert response.status_code == 404
    assert "guarantee" in response.content.decode()


@pytest.fixture
def one_row_a_page(monkeypatch):
    from apps.allocation import views

    monkeypatch.setattr(views, "RESULT_ROWS_PER_PAGE", 1)


def test_a_national_plan_shows_its_shares_a_page_at_a_time_with_the_total_of_every_member(
        client, world, one_row_a_page):
    client.force_login(world["secretariat"])
    url = reverse("plan_detail", args=[world["plan"].pk])
    pages = [client.get(url + f"?page={number}") for number in (1, 2, 3)]
    assert [[row["name"] for row in page.context["rows"]] for page in pages] == [["伊奈町"], ["三芳町"], ["東秩父村"]]
    assert {page.context["result"]["total"] for page in pages} == {170_000_000}  # of all, not of the page
    assert all(len(page.context["chart"]["bars"]) == 1 for page in pages)
    assert "170,000,000" in pages[1].content.decode() and "data-pager" in pages[1].content.decode()
    sheet = client.get(reverse("plan_result_csv", args=[world["plan"].pk]))
    assert len(list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))) == 1 + 3  # every row


def test_a_town_opens_the_plan_on_the_page_with_its_own_row(client, world, one_row_a_page):
    services.plan_publish(plan=world["plan"], by=world["secretariat"])
    client.force_login(user_with_role(Role.STAFF, body=world["miyoshi"]))
    page = client.get(reverse("plan_detail", args=[world["plan"].pk]))
    assert [row["name"] for row in page.context["rows"]] == ["三芳町"] and page.context["page"].number == 2


def test_the_previews_pages_are_of_the_preview(client, world, one_row_a_page):
    client.force_login(world["secretariat"])
    preview = client.get(reverse("plan_preview", args=[world["plan"].pk]), {"equal_ratio": "0.5"})
    link = f'hx-get="{reverse("plan_preview", args=[world["plan"].pk])}?equal_ratio=0.5&amp;page=2"'
    assert link in preview.content.decode() and len(preview.context["rows"]) == 1
