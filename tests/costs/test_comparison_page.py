"""The named side-by-side comparison: what the secretariat and members see, and its cost."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.costs import selectors
from apps.costs.models import SurveyRound
from apps.members.models import ParticipationStatus
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def shown_rows(response) -> list[list[str]]:
    """The comparison table's rows as the page prints them: each cell's text."""
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.fixture
def consortium():
    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025)
    return consortium


def test_every_member_is_named_with_cost_per_resident_and_rank(client, consortium):
    member_of(consortium, name="伊奈町", population=44000, cost=88_000_000)  # 2,000 per resident
    member_of(consortium, name="東秩父村", population=3000, cost=30_000_000)  # 10,000 per resident
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))

    response = client.get(reverse("cost_comparison", args=["saitama"]))

    assert response.status_code == 200
    assert [(row[0], row[2], row[6]) for row in shown_rows(response)] == [("1", "東秩父村", "10,000"),
                                                                         ("2", "伊奈町", "2,000")]
    assert response.context["totals"].total_cost == 118_000_000
    assert response.context["totals"].population == 47000


def test_amounts_can_be_shown_in_thousand_yen(client, consortium):
    member_of(consortium, population=1000, cost=1_234_567)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse("cost_comparison", args=["saitama"]), {"unit": "thousand"})
    assert '<td class="num">1,235</td>' in response.content.decode()


def test_filter_keeps_rank_among_all_members(client, consortium):
    member_of(consortium, name="伊奈町", population=44000, cost=88_000_000, district="北足立郡")
    member_of(consortium, name="東秩父村", population=3000, cost=30_000_000, district="秩父郡")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse("cost_comparison", args=["saitama"]), {"district": "北足立"})
    assert [(row[0], row[2]) for row in shown_rows(response)] == [("2", "伊奈町")]
    assert response.context["totals"].total_cost == 88_000_000


def test_a_filter_value_that_is_not_a_number_is_named_under_its_field(client, consortium):
    member_of(consortium, population=44000, cost=88_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse("cost_comparison", args=["saitama"]), {"min_population": "四万"})
    assert response.context["filter"].form.has_error("min_population")
    assert "数値を入力してください。" in response.content.decode()


def test_csv_export_has_bom_and_every_filtered_row(client, consortium):
    for index in range(60):
        member_of(consortium, population=1000 + index, cost=1_000_000 + index)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse("cost_comparison_csv", args=["saitama"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 61  # header + every member, not one page


def test_xlsx_export_opens_with_the_same_rows(client, consortium):
    member_of(consortium, name="伊奈町", population=44000, cost=88_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse("cost_comparison_xlsx", args=["saitama"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[1][2] == "伊奈町" and values[1][5] == 88_000_000


def test_members_see_the_comparison_only_once_published(client, consortium):
    consortium.survey_rounds.update(status=SurveyRound.Status.LOCKED)
    body = member_of(consortium, cost=1_000_000)
    client.force_login(user_with_role(Role.STAFF, body=body))
    url = reverse("cost_comparison", args=["saitama"])
    assert client.get(url).status_code == 403
    for refused in (url, reverse("cost_comparison_csv", args=["saitama"])):  # a bare 403 said nothing of why
        assert "協議会は経費比較表をまだ構成団体に公開していません。" in client.get(refused).content.decode()
    consortium.comparison_published = True
    consortium.save()
    assert client.get(url).status_code == 200


def test_members_compare_only_reviewed_years_never_another_towns_draft(client, consortium):
    """FY2026's survey is open: what another town has typed so far is its own draft."""
    consortium.survey_rounds.update(status=SurveyRound.Status.LOCKED)
    consortium.comparison_published = True
    consortium.save()
    SurveyRoundFactory(consortium=consortium, fiscal_year=2026)
    own = member_of(consortium, name="伊奈町", cost=1_000_000)
    member_of(consortium, name="三芳町", cost=2_000_000)
    member_of(consortium, name="毛呂山町", cost=5_000_000, fiscal_year=2026)
    url = reverse("cost_comparison", args=["saitama"])

    client.force_login(user_with_role(Role.MAYOR, body=own))
    response = client.get(url)
    assert response.context["years"] == [2025] and response.context["year"] == 2025
    # Every town is named; only the mayor's own town is a link (another's page is not theirs).
    page = response.content.decode()
    assert f'<a href="{reverse("body_detail", args=[own.code])}">伊奈町</a>' in page
    assert ">三芳町<" in page and "三芳町</a>" not in page
    for name in ("cost_comparison", "cost_comparison_csv", "cost_comparison_xlsx"):
        assert client.get(reverse(name, args=["saitama"]), {"fy": 2026}).status_code == 404

    # The secretariat follows the open year too; the page still opens at the reviewed one.
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(url)
    assert response.context["years"] == [2026, 2025] and response.context["year"] == 2025
    assert client.get(url, {"fy": 2026}).context["totals"].total_cost == 5_000_000


def test_a_closed_year_is_still_under_review_and_not_shown_to_members(client, consortium):
    """Closed: the members can no longer change their figures, but the secretariat has not
    reviewed them yet — a town's copied, never submitted figures among them."""
    consortium.survey_rounds.update(status=SurveyRound.Status.LOCKED)
    consortium.comparison_published = True
    consortium.save()
    SurveyRoundFactory(consortium=consortium, fiscal_year=2026, status=SurveyRound.Status.CLOSED)
    own = member_of(consortium, name="伊奈町", cost=1_000_000)
    member_of(consortium, name="三芳町", cost=2_000_000, fiscal_year=2026)
    client.force_login(user_with_role(Role.STAFF, body=own))
    response = client.get(reverse("cost_comparison", args=["saitama"]))
    assert response.context["years"] == [2025]
    assert client.get(reverse("cost_comparison", args=["saitama"]), {"fy": 2026}).status_code == 404
    SurveyRound.objects.filter(fiscal_year=2026).update(status=SurveyRound.Status.LOCKED)
    assert client.get(reverse("cost_comparison", args=["saitama"])).context["years"] == [2026, 2025]


def test_cost_per_resident_is_rounded_and_the_total_counts_only_the_members_that_reported(client, consortium):
    consortium.survey_rounds.update(status=SurveyRound.Status.LOCKED)
    member_of(consortium, name="鳩山町", cost=65_700_000, population=14_000)  # 4,692.86 yen
    member_of(consortium, name="嵐山町", cost=66_760_200, population=18_000)  # 3,708.9 yen
    member_of(consortium, name="未回答町", population=50_000, cost=None)
    rows = selectors.comparison_rows(consortium=consortium, fiscal_year=2025)
    assert dict(rows.values_list("body__name", "cost_per_resident")) == {"鳩山町": 4_693, "嵐山町": 3_709,
                                                                          "未回答町": None}  # unknown, not 0
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse("cost_comparison", args=["saitama"]))
    assert ">4,693<" in response.content.decode()
    totals = response.context["totals"]
    assert totals.population == 82_000
    assert totals.cost_per_resident == round((65_700_000 + 66_760_200) / 32_000)  # 4,139, not 1,615
    assert "経費を報告した団体の人口（32,000 人）" in response.content.decode()  # said where the row is read


def test_a_member_is_told_when_no_year_has_been_reviewed_yet(client, consortium):
    consortium.comparison_published = True
    consortium.save()
    client.force_login(user_with_role(Role.STAFF, body=member_of(consortium, cost=1_000_000)))
    assert client.get(reverse("cost_comparison", args=["saitama"])).status_code == 404


def test_another_consortium_is_not_found(client, consortium):
    other = ConsortiumFactory(slug="nara")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=other))
    assert client.get(reverse("cost_comparison", args=["saitama"])).status_code == 404


def _queries_for(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["cost_comparison", "member_list"])
def test_list_pages_run_the_same_queries_for_10_and_500_bodies(client, consortium, url_name):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    url = reverse(url_name, args=["saitama"])
    for _ in range(10):
        member_of(consortium, cost=1_000_000)
    small = _queries_for(client, url)
    for _ in range(490):
        member_of(consortium, cost=1_000_000)
    large = _queries_for(client, url)
    filtered = _queries_for(client, url, district="x", page=1)
    assert small == large <= 8
    assert filtered <= 8


def test_a_member_without_figures_for_the_year_is_not_reported_not_free(client, consortium):
    """No figure is no answer: not a town that pays 0 円 and ranks last (or, in an open
    year, a whole council ranked 1)."""
    member_of(consortium, name="伊奈町", population=44000, cost=88_000_000)
    member_of(consortium, name="東秩父村", population=3000, cost=30_000_000)
    member_of(consortium, name="三芳町", population=38000)  # no figure
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse("cost_comparison", args=["saitama"]))
    page = response.content.decode()
    row = page[page.index(">三芳町<"):]
    row = row[:row.index("</tr>")]
    assert "未回答" in row and ">0<" not in row
    assert shown_rows(response)[-1][2] == "三芳町"
    assert response.context["table"].ranks == {10_000: 1, 2_000: 2}
    rows = list(csv.reader(io.StringIO(client.get(reverse("cost_comparison_csv", args=["saitama"]))
                                       .content.decode("utf-8-sig"))))
    [miyoshi] = [row for row in rows if row[2] == "三芳町"]
    assert (miyoshi[0], miyoshi[5], miyoshi[6]) == ("", "", "")


@pytest.mark.parametrize("sort", ["cost_per_resident", "-cost_per_resident", "total_cost", "-total_cost"])
def test_a_member_that_has_not_answered_is_sorted_last_both_ways(client, consortium, sort):
    """Sorted by cost per resident, cheapest first, 三芳町 with no answer came first: its cost
    was counted as 0."""
    member_of(consortium, name="伊奈町", population=44000, cost=88_000_000)
    member_of(consortium, name="三芳町", population=38000)  # no figure
    member_of(consortium, name="東秩父村", population=3000, cost=30_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    names = [row[2] for row in shown_rows(client.get(reverse("cost_comparison", args=["saitama"]), {"sort": sort}))]
    answered = ["東秩父村", "伊奈町"] if sort.lstrip("-") == "total_cost" else ["伊奈町", "東秩父村"]  # ascending
    assert names == (answered[::-1] if sort.startswith("-") else answered) + ["三芳町"]


def test_the_export_lists_a_member_that_has_not_answered_last(client, consortium):
    member_of(consortium, name="三芳町", population=38000)  # no figure
    member_of(consortium, name="伊奈町", population=44000, cost=88_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    rows = list(csv.reader(io.StringIO(client.get(reverse("cost_comparison_csv", args=["saitama"]))
                                       .content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["伊奈町", "三芳町"]


def test_in_thousand_yen_the_cost_per_resident_still_says_yen(client, consortium):
    member_of(consortium, name="東秩父村", population=3000, cost=32_320_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    page = client.get(reverse("cost_comparison", args=["saitama"]), {"unit": "thousand"}).content.decode()
    assert "住民一人当たり経費（円）" in page and "（住民一人当たり経費は円）" in page
    assert ">32,320<" in page and ">10,773<" in page  # 千円 beside yen per resident


def test_the_pages_rows_are_sorted_carrying_only_the_columns_the_table_reads(client, consortium):
    """PostgreSQL sorts every member to find the page's 50: each column carried (the mayor's
    address, contact…) made the sort slower, for nothing shown."""
    member_of(consortium, name="伊奈町", cost=1_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cost_comparison", args=["saitama"])).content.decode()
    [rows] = [query["sql"] for query in queries if "LIMIT" in query["sql"] and "main_vendor" in query["sql"]]
    assert "mayor_email" not in rows and "contact" not in rows
    assert "伊奈町" in page and "1,000,000" in page


def test_a_new_council_with_no_surveyed_year_shows_the_comparison_page_saying_so(client):
    """The menu's 経費比較表 was a 404 on a new council."""
    council = ConsortiumFactory(slug="shinki")
    url = reverse("cost_comparison", args=["shinki"])
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=council))
    response = client.get(url)
    said = _no_year_notice(response.content.decode())
    assert response.status_code == 200 and "まだ経費調査をした年度がありません" in said
    assert reverse("survey_rounds", args=["shinki"]) in said  # where a year is opened
    assert client.get(reverse("cost_comparison_csv", args=["shinki"])).status_code == 404
    client.force_login(user_with_role(Role.OBSERVER, consortium=council))
    said = _no_year_notice(client.get(url).content.decode())
    assert "まだ経費調査をした年度がありません" in said and reverse("survey_rounds", args=["shinki"]) not in said


def _no_year_notice(page: str) -> str:
    start = page.index("data-no-year")
    return page[start:page.index("</p>", start)]


def test_a_withdrawn_member_appears_only_in_the_years_it_reported_and_the_totals_say_so(client, consortium):
    SurveyRoundFactory(consortium=consortium, fiscal_year=2024)
    member_of(consortium, name="伊奈町", population=44000, cost=88_000_000)
    left = member_of(consortium, name="離脱町", population=5000, cost=10_000_000, fiscal_year=2024)
    left.participations.update(status=ParticipationStatus.WITHDRAWN)  # reported 2024, then left
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    with translation.override("ja"):
        after = client.get(reverse("cost_comparison", args=["saitama"]), {"fy": 2025})
        before = client.get(reverse("cost_comparison", args=["saitama"]), {"fy": 2024})
    assert [row.record.body.name for row in after.context["table"].rows] == ["伊奈町"]  # not 未回答 after leaving
    assert after.context["totals"].members == 1 and "合計（1 団体）" in after.content.decode()
    assert {row.record.body.name for row in before.context["table"].rows} == {"伊奈町", "離脱町"}
    assert (before.context["totals"].members, before.context["totals"].withdrawn) == (2, 1)
    assert "合計（2 団体、うち離脱 1 団体）" in before.content.decode()


def test_the_secretariat_is_told_how_many_bodies_only_invited_are_left_out(client, consortium):
    """A council imported without 参加状況 had every member only invited, and an empty comparison."""
    from apps.members.models import ParticipationStatus

    member_of(consortium, name="伊奈町", population=44000, cost=88_000_000)
    member_of(consortium, name="招待町", population=5000, cost=9_000_000).participations.update(
        status=ParticipationStatus.INVITED)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("cost_comparison", args=["saitama"])).content.decode()
    assert "1 body only invited is not compared" in page
    assert [row[2] for row in shown_rows(client.get(reverse("cost_comparison", args=["saitama"])))] == ["伊奈町"]
