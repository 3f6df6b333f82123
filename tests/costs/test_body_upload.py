"""A member town's staff upload their own survey figures from a spreadsheet: the sheet they
download is the sheet they upload, every bad row is named, nothing is half-written, and
the survey's state decides as it does for editing by hand."""

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.core.limits import IMPORT_MAX_CELLS
from apps.costs.models import CostRecord, SurveyResponse, SurveyRound
from tests import raw_xlsx
from tests.factories import (
    ConsortiumFactory,
    SurveyRoundFactory,
    add_cost,
    business_system,
    member_of,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(client):
    consortium = ConsortiumFactory(slug="saitama")
    consortium.business_systems.add(business_system("resident_registry"), business_system("family_register"))
    survey_round = SurveyRoundFactory(consortium=consortium, fiscal_year=2025)
    body = member_of(consortium, name="伊奈町")
    neighbour = member_of(consortium, name="三芳町")
    staff = user_with_role(Role.STAFF, body=body)
    client.force_login(staff)
    return {"consortium": consortium, "round": survey_round, "body": body, "neighbour": neighbour, "staff": staff}


def upload(client, body, content: bytes, *, name="figures.csv", unit="yen"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("body_costs_upload", args=[body.code, 2025]), {"file": file, "unit": unit})


def confirm(client, body, preview):
    return client.post(reverse("body_costs_upload", args=[body.code, 2025]), {"token": preview.context["token"]})


def test_staff_upload_their_figures_and_they_are_written_on_confirmation(client, town):
    body = town["body"]
    preview = upload(client, body, "業務,ソフトウェア,保守,事業者\n住民基本台帳,\"1,200\",300,架空システム\n"
                                   "戸籍,800,,架空システム\n".encode("cp932"), unit="thousand")
    assert preview.status_code == 200 and not preview.context["report"].errors
    assert not CostRecord.objects.exists()  # the preview writes nothing
    response = confirm(client, body, preview)
    assert response.status_code == 302 and response.url.endswith("?fy=2025")
    assert "2 行を取り込みました（金額 3 件のうち、追加 3 件、変更 0 件、変更なし 0 件）" in client.get(response.url).content.decode()
    written = {(r.business_system.code, r.category): r.amount for r in CostRecord.objects.filter(body=body)}
    assert written == {("resident_registry", "software"): 1_200_000, ("resident_registry", "maintenance"): 300_000,
                       ("family_register", "software"): 800_000}
    assert body.year_costs.get(fiscal_year=2025).total == 2_300_000
    trail = LogEntry.objects.get_for_objects(CostRecord.objects.all())
    assert trail.count() == 3 and {entry.actor for entry in trail} == {town["staff"]}


def test_the_preview_gives_the_years_total_and_questions_one_ten_times_the_year_befores(client, town):
    """A sheet in 円 uploaded as 千円 made 69,580,000 円 into 69,580,000,000 円 unremarked."""
    body = town["body"]
    add_cost(body, 69_580_000, fiscal_year=2024)
    add_cost(body, 1_000_000, fiscal_year=2025, business_system=business_system("family_register"))
    sheet = "業務,ソフトウェア,事業者\n住民基本台帳,69580000,架空システム\n".encode("cp932")
    wrong = upload(client, body, sheet, unit="thousand").content.decode()
    assert "69,581,000,000 円になります" in wrong and "現在の合計は 1,000,000 円" in wrong
    assert "前年度は 69,580,000 円" in wrong and "単位（円・千円）" in wrong
    right = upload(client, body, sheet, unit="yen").content.decode()
    assert "70,580,000 円になります" in right and "単位（円・千円）" not in right


def test_a_row_for_another_body_is_named_and_nothing_is_written(client, town):
    body, neighbour = town["body"], town["neighbour"]
    response = upload(client, body, (f"団体コード,業務,ソフトウェア\n{body.code},戸籍,100\n"
                                     f"{neighbour.code},戸籍,200\n").encode())
    [error] = response.context["report"].errors
    assert (error.row, error.column, error.value) == (3, "団体コード", neighbour.code)
    assert "伊奈町" in error.reason
    assert "token" not in response.context and not CostRecord.objects.exists()


def test_every_bad_cell_is_reported_with_its_row_and_column(client, town):
    response = upload(client, town["body"], "業務,ソフトウェア,契約終了日\n戸籍,abc,2027-03-31\n"
                                            "窓口業務,100,\n住民基本台帳,100,3月末\n".encode())
    found = [(e.row, e.column) for e in response.context["report"].errors]
    assert found == [(2, "ソフトウェア"), (3, "業務"), (4, "契約終了日")]


def test_one_system_may_take_two_rows_for_two_vendors_but_a_category_only_once(client, town):
    body = town["body"]
    split = upload(client, body, "業務,ソフトウェア,ハードウェア,事業者\n戸籍,100,,A社\n戸籍,,50,B社\n".encode())
    confirm(client, body, split)
    assert dict(CostRecord.objects.values_list("category", "vendor")) == {"software": "A社", "hardware": "B社"}
    doubled = upload(client, body, "業務,ソフトウェア\n戸籍,100\n戸籍,120\n".encode())
    [error] = doubled.context["report"].errors
    assert (error.row, error.column) == (3, "ソフトウェア") and "2行目" in error.reason


def test_the_downloaded_sheet_uploads_back_unchanged(client, town):
    body = town["body"]
    add_cost(body, 2_649_000, business_system=business_system("family_register"), vendor="架空システム株式会社")
    response = client.get(reverse("body_costs_sheet_csv", args=[body.code, 2025]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["団体コード", "団体名", "業務", "年度"]
    by_system = {row[2]: row for row in rows[1:]}
    assert by_system["戸籍"][4] == "2649000" and by_system["戸籍"][-2] == "架空システム株式会社"
    assert by_system["住民基本台帳"][4:12] == [""] * 8  # in scope, no figures yet: a row to fill in
    before = list(CostRecord.objects.values_list("pk", "amount", "vendor", "updated_at"))
    preview = upload(client, body, response.content)
    confirm(client, body, preview)
    assert list(CostRecord.objects.values_list("pk", "amount", "vendor", "updated_at")) == before


def test_the_excel_sheet_uploads_too(client, town):
    body = town["body"]
    response = client.get(reverse("body_costs_sheet_xlsx", args=[body.code, 2025]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    sheet["E2"] = 4_000
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    confirm(client, body, upload(client, body, buffer.getvalue(), name="figures.xlsx"))
    assert CostRecord.objects.get(body=body).amount == 4_000


def test_a_workbook_too_large_to_read_is_refused_at_once_naming_the_limit(client, town):
    """146 KB of shared strings held the process for 97 s and 400 MB; every town's staff may upload."""
    response = upload(client, town["body"], raw_xlsx.shared_strings(IMPORT_MAX_CELLS + 1), name="figures.xlsx")
    [error] = response.context["report"].errors
    assert error.reason == f"ファイルが大きすぎます（セルは約 {IMPORT_MAX_CELLS:,} 個まで）"
    assert f"ファイルが大きすぎます（セルは約 {IMPORT_MAX_CELLS:,} 個まで）" in response.content.decode()
    assert "token" not in response.context and not CostRecord.objects.exists()


def test_uploading_follows_the_survey_like_editing(client, town):
    body, survey_round = town["body"], town["round"]
    url = reverse("body_costs_upload", args=[body.code, 2025])
    SurveyResponse.objects.create(survey_round=survey_round, body=body, status=SurveyResponse.Status.SUBMITTED)
    assert client.get(url).status_code == 403
    SurveyResponse.objects.filter(body=body).delete()
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.CLOSED)
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.MAYOR, body=body))
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.OPEN)
    assert client.get(url).status_code == 403


def test_a_preview_cannot_be_confirmed_once_the_round_is_locked(client, town):
    body, survey_round = town["body"], town["round"]
    preview = upload(client, body, "業務,ソフトウェア\n戸籍,100\n".encode())
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.LOCKED)
    assert confirm(client, body, preview).status_code == 403
    assert not CostRecord.objects.exists()


def test_a_preview_is_written_only_on_the_page_it_was_made_on(client, town):
    body, consortium = town["body"], town["consortium"]
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    preview = upload(client, body, "業務,ソフトウェア\n戸籍,100\n".encode())
    response = client.post(reverse("body_costs_upload", args=[town["neighbour"].code, 2025]),
                           {"token": preview.context["token"]})
    assert response.status_code == 302 and not CostRecord.objects.exists()


def test_the_body_page_offers_the_upload_and_the_sheet_only_to_those_who_may_use_them(client, town):
    body = town["body"]
    page = client.get(reverse("body_costs", args=[body.code]) + "?fy=2025").content.decode()
    assert reverse("body_costs_upload", args=[body.code, 2025]) in page
    assert reverse("body_costs_sheet_xlsx", args=[body.code, 2025]) in page
    client.force_login(user_with_role(Role.MAYOR, body=body))
    page = client.get(reverse("body_costs", args=[body.code]) + "?fy=2025").content.decode()
    assert reverse("body_costs_upload", args=[body.code, 2025]) not in page


def test_the_upload_page_lists_the_row_a_figure_layout_it_also_reads(client, town):
    body = town["body"]
    page = client.get(reverse("body_costs_upload", args=[body.code, 2025])).content.decode()
    assert "data-figure-layout" in page and "金額（円）" in page and "費目名" in page
    town["staff"].is_superuser = True  # the secretariat's import of every member's costs reads it too
    town["staff"].save()
    assert "data-figure-layout" in client.get(reverse("import_costs", args=["saitama"])).content.decode()
    assert "data-figure-layout" not in client.get(reverse("import_bodies", args=["saitama"])).content.decode()
