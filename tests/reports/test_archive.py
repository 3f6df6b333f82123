"""The reports page: one town's briefing on request, and an archive the secretariat can search."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.reports import services
from apps.reports.models import Delivery, Kind, Report, ReportJob
from tests.factories import member_of, user_with_role

pytestmark = pytest.mark.django_db

_serial = itertools.count()


def archived(council, *, body=None, kind=Kind.BRIEFING, fiscal_year=2025, plan="council's"):
    """An archive entry as the list shows it (the page never opens the file)."""
    number = next(_serial)
    return Report.objects.create(
        kind=kind, consortium=council["consortium"], body=body, fiscal_year=fiscal_year,
        plan=council["plan"] if plan == "council's" else plan, params={"unit": "yen", "calendar": "era"},
        requested_by=council["secretariat"], file_name=f"listed-{number}.pdf", sha256=f"{number:064x}",
        size=51_200, pages=1)


def render_form(council, **fields):
    return {"fiscal_year": 2025, "plan": council["plan"].pk, "unit": "yen", "calendar": "era", **fields}


def test_the_secretariat_renders_one_towns_briefing_from_the_reports_page(client, council,
                                                                           django_capture_on_commit_callbacks):
    town = council["bodies"][2]
    client.force_login(council["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_list", args=["saitama"]),
                               render_form(council, body=town.pk, kind="one_briefing"), follow=True)
    report = Report.objects.get()
    assert (report.kind, report.body, report.plan) == (Kind.BRIEFING, town, council["plan"])
    assert report.job.batch is None
    assert f"{town.name}の首長向け説明資料を作成しています" in response.content.decode()


def test_one_briefing_needs_a_member_of_the_plan_and_says_so_under_the_field(client, council):
    outsider = member_of(council["consortium"], name="ときがわ町")  # joined after the plan was published
    client.force_login(council["secretariat"])
    url = reverse("report_list", args=["saitama"])
    response = client.post(url, render_form(council, kind="one_briefing"))
    assert response.context["form"].errors["body"] == ["説明資料を作成する構成団体を選んでください。"]
    assert "構成団体（1団体分の説明資料）: 説明資料を作成する構成団体を選んでください。" in response.content.decode()
    response = client.post(url, render_form(council, body=outsider.pk, kind="one_briefing"))
    assert response.context["form"].errors["body"] == [
        "「令和8年度 按分」にはときがわ町の負担額がありません。別の構成団体を選ぶか、按分案なしで作成してください。"]
    assert not ReportJob.objects.exists()
    # Without a plan the newcomer gets a briefing of its current costs.
    client.post(url, render_form(council, plan="", body=outsider.pk, kind="one_briefing"))
    assert ReportJob.objects.get().body == outsider


def test_the_archive_is_searched_by_report_member_and_year(client, council):
    ina, miyoshi = council["bodies"][0], council["bodies"][1]
    ina_2025, miyoshi_2025 = archived(council, body=ina), archived(council, body=miyoshi)
    ina_2024 = archived(council, body=ina, fiscal_year=2024, plan=None)
    comparison = archived(council, kind=Kind.SIDE_BY_SIDE)
    client.force_login(council["secretariat"])
    url = reverse("report_list", args=["saitama"])

    def listed(**query):
        return [row.record for row in client.get(url, query).context["table"].paginated_rows]

    assert listed() == [comparison, ina_2024, miyoshi_2025, ina_2025]  # newest first
    assert listed(body=ina.pk) == [ina_2024, ina_2025]
    assert listed(body=ina.pk, fiscal_year=2025) == [ina_2025]
    assert listed(kind=Kind.SIDE_BY_SIDE) == [comparison]
    response = client.get(url, {"fiscal_year": "R7"})
    assert "正しく選択してください。 R7 は候補にありません。" in response.content.decode()
    assert [label for _, label in response.context["archive"].form.fields["fiscal_year"].choices] == [
        "---------", "令和7年度", "令和6年度"]


def test_the_archive_shows_what_each_report_was_made_from_and_its_sending(client, council):
    report = archived(council, body=council["bodies"][0])
    Delivery.objects.create(report=report, to="mayor0@town.example", mode="attachment",
                            sent_by=council["secretariat"], ok=False, error="connection refused")
    client.force_login(council["secretariat"])
    page = client.get(reverse("report_list", args=["saitama"])).content.decode()
    row = page[page.index("首長向け説明資料 — 伊奈町"):]
    row = row[:row.index("</tr>")]
    for shown in ("令和7年度", "令和8年度 按分", "円 · 和暦", "50.0\u00a0KB", "送信失敗", report.sha256[:10]):
        assert shown in row, shown


def test_the_archive_pages_by_fifty_in_a_bounded_number_of_queries(client, council):
    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("report_list", args=["saitama"])).status_code == 200
        return len(queries)

    client.force_login(council["secretariat"])
    for body in council["bodies"]:
        archived(council, body=body)
    few = page_queries()
    for _ in range(12):
        for body in council["bodies"]:
            archived(council, body=body)
    assert page_queries() == few
    response = client.get(reverse("report_list", args=["saitama"]), {"page": 2})
    assert len(response.context["table"].paginated_rows) == 15  # 65 in all, 50 a page


def test_a_towns_own_users_see_their_briefings_without_the_secretariats_columns(client, council):
    ina, miyoshi = council["bodies"][0], council["bodies"][1]
    own, other = archived(council, body=ina), archived(council, body=miyoshi)
    Delivery.objects.create(report=own, to="mayor0@town.example", mode="attachment", sent_by=council["secretariat"])
    client.force_login(user_with_role(Role.MAYOR, body=ina))
    response = client.get(reverse("report_list", args=["saitama"]))
    assert [row.record for row in response.context["table"].paginated_rows] == [own]
    assert "body" not in response.context["archive"].form.fields  # nothing to choose
    page = response.content.decode()
    assert "首長へのメール" not in page and "送信済み" not in page and "首長にメール送信" not in page
    assert response.context["form"] is None
    assert client.get(reverse("report_list", args=["saitama"]), {"body": miyoshi.pk}).status_code == 200


def test_after_sending_from_the_archive_the_secretariat_returns_to_it_and_nowhere_else(client, council):
    report = services.job_run(services.job_create(
        kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
        body=council["bodies"][0], requested_by=council["secretariat"], enqueue=False).pk)
    client.force_login(council["secretariat"])
    back = reverse("report_list", args=["saitama"]) + "?kind=briefing&page=1"
    assert client.post(reverse("report_send", args=[report.pk]), {"next": back})["Location"] == back
    for elsewhere in ("https://evil.example/", "//evil.example/", "abc"):
        response = client.post(reverse("report_send", args=[report.pk]), {"next": elsewhere})
        assert response["Location"] == reverse("report_list", args=["saitama"])


@pytest.mark.parametrize("who", ["secretariat", "town"])
def test_each_archived_report_downloads_from_its_first_cell_and_every_column_is_named(client, council, who):
    """On a phone the PDF link was the last of eleven columns, off-screen."""
    import re

    from tests.markup import empty_headers

    town = council["bodies"][0]
    report = archived(council, body=town)
    client.force_login(council["secretariat"] if who == "secretariat" else user_with_role(Role.STAFF, body=town))
    page = client.get(reverse("report_list", args=["saitama"])).content.decode()
    table = re.search(r"<table.*?</table>", page, re.S).group(0)
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table, re.S).group(1)
    first_cell = re.search(r"<td>(.*?)</td>", first_row, re.S).group(1)
    assert reverse("report_download", args=[report.pk]) in first_cell
    assert len(re.findall(r"<th\b", table)) == len(re.findall(r"<td\b", first_row))
    assert not empty_headers(table)
