"""The sheets a town really uploads: headed with the product's own labels, below a merged
title, pasted from its own costs page, with a unit in a heading — read, or refused with
what to do."""

import datetime
import io

import pytest
from openpyxl import Workbook

from apps.costs.importers import ImportRefused, parse_body_costs, parse_costs
from tests.factories import ConsortiumFactory, business_system, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ina():
    consortium = ConsortiumFactory(slug="saitama")
    consortium.business_systems.add(business_system("resident_registry"), business_system("family_register"))
    return member_of(consortium, name="伊奈町")


def parsed(body, text: str, *, unit="yen", name="figures.csv", data: bytes | None = None):
    return parse_body_costs(data or text.encode(), name, body=body, fiscal_year=2026, unit=unit)


def refusal(body, text: str = "", *, english=False, **options) -> str:
    """What the preview says against the file, refused whole or row by row."""
    try:
        report = parsed(body, text, **options).report
    except ImportRefused as refused:
        report = refused.report
    assert report.errors
    return " ".join(error.reason.en for error in report.errors) if english else report.format()


def figures(result) -> dict:
    return {(row.system_id, category): (amount, row.vendor, row.contract_end)
            for row in result.rows for category, amount in row.amounts.items()}


def test_the_edit_forms_own_headings_are_read(ina):
    """事業者名 and 契約満了日 were reported as not imported and dropped."""
    result = parsed(ina, "業務システム,ソフトウェア,事業者名,契約満了日\n住民基本台帳,1000,架空システム,2027-03-31\n")
    assert result.ok and not result.report.warnings
    [(amount, vendor, end)] = figures(result).values()
    assert (amount, vendor, end) == (1000, "架空システム", datetime.date(2027, 3, 31))


def test_the_headings_are_found_below_a_merged_title():
    """「1行目: 費目の列がありません」 for a sheet with its title across A1:N1."""
    consortium = ConsortiumFactory(slug="saitama")
    consortium.business_systems.add(business_system("resident_registry"))
    ina = member_of(consortium, name="伊奈町")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["令和8年度 現行経費調査票（伊奈町）"])
    sheet.merge_cells("A1:N1")
    sheet.append([])
    sheet.append(["業務", "ソフトウェア", "保守"])
    sheet.append(["住民基本台帳", 2_957_000, 300_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parsed(ina, "", name="figures.xlsx", data=buffer.getvalue())
    assert result.ok and sorted(amount for amount, _vendor, _end in figures(result).values()) == [300_000, 2_957_000]
    assert result.rows[0].number == 4
    assert "見出しを3行目から読みました（それより上の行は読み込みません）" in result.report.warnings


def test_a_sheet_whose_headings_are_not_found_says_which_row_was_read_as_them(ina):
    said = refusal(ina, "令和8年度 現行経費調査票\n備考,メモ\n")
    assert "2行目: 費目の列がありません" in said and "この行を見出しの行として読みました" in said
    said = refusal(ina, "令和8年度 現行経費調査票\n備考,メモ\n", english=True)
    assert "This row was read as the headings" in said


def test_only_a_lone_title_or_note_is_passed_over_never_a_row_of_figures(ina):
    """A row of several cells is the headings, wrong as they may be: the figures below it,
    a category among them, are not taken for headings."""
    said = refusal(ina, "業務システム,区分,金額\n住民基本台帳,保守,300000\n")
    assert "1行目: 費目の列がありません" in said and "この行を見出しの行として読みました" in said
    result = parsed(ina, "ソフトウェア\n1000\n")  # one column, its heading a lone cell
    assert result.ok and [row.amounts for row in result.rows] == [{"software": 1000}]


def test_a_table_pasted_from_the_towns_costs_page_is_read_a_row_a_figure(ina):
    """業務システム / 費目 / 金額（円） / 事業者 / 契約満了, its total row included."""
    pasted = ("業務システム\t費目\t金額（円）\t事業者\t契約満了\n"
              "住民基本台帳\tソフトウェア\t2,957,000\t架空システム\t令和9年3月31日\n"
              "住民基本台帳\t保守\t300,000\t架空システム\t\n"
              "戸籍\tSoftware\t1,000\t\t\n"
              "合計\t\t3,258,000\t\t\n")
    result = parsed(ina, pasted)
    assert result.ok, result.report.format()
    assert sorted(amount for amount, _vendor, _end in figures(result).values()) == [1000, 300_000, 2_957_000]
    assert [row.contract_end for row in result.rows][0] == datetime.date(2027, 3, 31)
    assert "5行目は合計の行として読み込みません" in result.report.warnings


def test_a_row_a_figure_names_an_unknown_category_and_a_repeated_one(ina):
    said = refusal(ina, "業務システム,費目,金額\n住民基本台帳,ソフト,1000\n住民基本台帳,ソフトウェア,2000\n"
                        "住民基本台帳,謝礼,5\n")
    assert "3行目 「金額」: 2行目と同じ団体・業務・費目です" in said
    assert "4行目 「費目」: 費目として読めません" in said


def test_a_unit_in_a_heading_that_agrees_with_the_unit_chosen_says_nothing(ina):
    result = parsed(ina, "業務,ソフトウェア費（円）\n住民基本台帳,2957000\n", unit="yen")
    assert result.ok and not result.report.warnings
    assert [row.amounts for row in result.rows] == [{"software": 2_957_000}]


@pytest.mark.parametrize(("heading", "unit", "said", "chosen"), [
    ("ソフトウェア費（円）", "thousand", "円", "千円"), ("ソフトウェア（千円）", "yen", "千円", "円")])
def test_a_unit_in_a_heading_other_than_the_one_chosen_is_refused(ina, heading, unit, said, chosen):
    """A 円 heading read as 千円 multiplied every figure by 1,000 with only a mild warning."""
    text = f"業務,{heading}\n住民基本台帳,2957000\n"
    refused = refusal(ina, text, unit=unit)
    assert f"1行目: 列「{heading.replace('（', '(').replace('）', ')')}」の見出しは{said}ですが、金額の単位には{chosen}が選ばれています" \
        in refused
    assert "1,000倍" in refused


def test_a_row_of_another_year_is_named_with_the_years_as_the_page_names_them(ina):
    said = refusal(ina, "業務,年度,ソフトウェア\n住民基本台帳,2025,1000\n")
    assert "令和8年度の取込みに別の年度があります" in said and "2026年度" not in said
    said = refusal(ina, "業務,年度,ソフトウェア\n住民基本台帳,2025,1000\n", english=True)
    assert "row is for another fiscal year than FY2026 (R8)" in said


def test_the_secretariats_import_reads_a_title_above_the_headings_too():
    consortium = ConsortiumFactory(slug="saitama")
    ina = member_of(consortium, name="伊奈町")
    result = parse_costs(f"令和8年度 現行経費調査票\n団体コード,ソフトウェア\n{ina.code},1000\n".encode(), "x.csv",
                         consortium=consortium, fiscal_year=2026)
    assert result.ok and [row.amounts for row in result.rows] == [{"software": 1000}]


def test_a_table_pasted_from_the_english_costs_page_is_read_and_its_unit_checked(ina):
    pasted = "Business system\tCategory\tAmount (yen)\tVendor\nResident registry\tSoftware\t2,957,000\t架空システム\n"
    system = business_system("resident_registry")
    pasted = pasted.replace("Resident registry", system.name_en)
    result = parsed(ina, pasted)
    assert result.ok and [row.amounts for row in result.rows] == [{"software": 2_957_000}]
    assert "見出しは円ですが" in refusal(ina, pasted, unit="thousand")
