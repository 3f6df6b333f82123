import datetime
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.formatting import fiscal_year, japanese_date
from apps.core.limits import YEN_LIMIT
from apps.core.tabular import (
    CellError,
    Column,
    ImportReport,
    RowError,
    TableError,
    heading_unit,
    map_headers,
    parse_business_date,
    parse_date,
    parse_fiscal_year,
    parse_int,
    parse_text,
    parse_yen,
    read_table,
)

BODIES_CSV = "団体コード,団体名,人口\r\n011002,札幌市,\"1,973,395\"\r\n,,\r\n012025,函館市,\r\n"

COLUMNS = (
    Column("code", "団体コード", ("code", "local government code"), True),
    Column("name", "団体名", ("name",), True),
    Column("population", "人口", ("population",), False),
    Column("software", "ソフトウェア", ("software",), False),
)


def xlsx_bytes(rows, *, more_sheets=()):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    for title in more_sheets:
        workbook.create_sheet(title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Files to rows


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_in_utf8_with_or_without_bom_or_cp932_reads_the_same(encoding):
    table = read_table(BODIES_CSV.encode(encoding), "bodies.csv")

    assert table.headers == ["団体コード", "団体名", "人口"]
    assert [(row.number, row.cells) for row in table.rows] == [
        (2, {"団体コード": "011002", "団体名": "札幌市", "人口": "1,973,395"}),
        (4, {"団体コード": "012025", "団体名": "函館市", "人口": ""}),
    ]


def test_excel_unicode_text_export_is_read_as_tab_separated_utf16():
    table = read_table("団体コード\t人口\n011002\t1,973,395\n".encode("utf-16"), "bodies.txt")

    assert table.rows[0].cells == {"団体コード": "011002", "人口": "1,973,395"}


def test_full_width_headings_are_normalised_and_short_rows_padded():
    table = read_table("\n\n　ｃｏｄｅ ,人口（人）\n011002\n".encode(), "x.csv")

    assert table.headers == ["code", "人口(人)"]
    assert table.rows[0].number == 4
    assert table.rows[0].cells == {"code": "011002", "人口(人)": ""}


def test_undecodable_or_empty_files_are_refused_with_a_reason():
    with pytest.raises(TableError, match="文字コード"):
        read_table(b"\x82\xa0\xff\xfe\x80\x81", "x.csv")
    with pytest.raises(TableError, match="空"):
        read_table(b"  \r\n", "x.csv")


def test_xlsx_cells_read_as_the_user_typed_them_with_spreadsheet_row_numbers():
    data = xlsx_bytes([
        [None, None, None],
        ["団体コード", "人口", "人口基準日"],
        ["011002", 44442.0, datetime.datetime(2025, 3, 31)],
        [None, None, None],
        [12025, 1234.5, datetime.date(2025, 1, 1)],
    ], more_sheets=["メモ"])

    table = read_table(data, "upload")  # recognised by content, not by name

    assert [(row.number, row.cells) for row in table.rows] == [
        (3, {"団体コード": "011002", "人口": "44442", "人口基準日": "2025-03-31"}),
        (5, {"団体コード": "12025", "人口": "1234.5", "人口基準日": "2025-01-01"}),
    ]
    assert any("メモ" in warning for warning in table.warnings)


def test_data_under_no_heading_is_reported_not_silently_read():
    table = read_table(xlsx_bytes([["団体コード", None, None], ["011002", None, "memo"]]), "x.xlsx")

    assert table.headers == ["団体コード"]
    assert table.warnings == ["C列は見出しがないため読み込みません"]


def test_old_xls_and_damaged_xlsx_are_refused():
    with pytest.raises(TableError, match=r"\.xls"):
        read_table(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls")
    with pytest.raises(TableError, match="XLSX"):
        read_table(b"PK\x03\x04 not really a zip", "x.xlsx")


# Headings to fields


def test_headings_match_japanese_labels_and_english_aliases_in_any_width_case_or_unit():
    table = read_table("ＣＯＤＥ,団体 名,人口（人）,ソフトウェア [千円],備考\r\n".encode(), "x.csv")

    assert map_headers(table, COLUMNS) == {
        "code": "CODE", "name": "団体 名", "population": "人口(人)", "software": "ソフトウェア [千円]",
    }
    assert "列「備考」は取込みの対象ではないため読み込みません" in table.warnings


def test_missing_required_columns_are_named_by_their_japanese_label():
    table = read_table("人口\r\n1\r\n".encode(), "x.csv")

    with pytest.raises(TableError) as refused:
        map_headers(table, COLUMNS)

    assert str(refused.value) == "必須の列がありません: 団体コード、団体名"
    assert "required columns are missing" in refused.value.reason_en


def test_two_columns_for_one_field_are_refused_even_with_the_same_heading():
    for heading in ("団体コード,団体名,人口,population", "団体コード,団体名,人口,人口"):
        with pytest.raises(TableError, match="「人口」に当たる列が複数あります"):
            map_headers(read_table(heading.encode(), "x.csv"), COLUMNS)


def test_heading_unit_reads_the_trailing_note():
    assert heading_unit("ソフトウェア（千円）") == "thousand"
    assert heading_unit("金額[円]") == "yen"
    assert heading_unit("Amount (yen)") == "yen" and heading_unit("Software (thousand yen)") == "thousand"
    assert heading_unit("人口(人)") is None
    assert heading_unit("人口") is None


# Cells to values


@pytest.mark.parametrize("text, unit, expected", [
    ("1234", "yen", 1234),
    ("¥1,234円", "yen", 1234),
    ("￥１，２３４", "yen", 1234),
    ("\\1,234", "yen", 1234),
    (" 1 234 ", "yen", 1234),
    ("1,234", "thousand", 1234000),
    ("1,234.5", "thousand", 1234500),
    ("0.001", "thousand", 1),
    ("1,234千円", "yen", 1234000),
    ("１２３４．５千円", "thousand", 1234500),
    ("12万円", "yen", 120000),
    ("1.5百万円", "yen", 1500000),
    ("1234.0", "yen", 1234),
    ("0", "yen", 0),
    ("", "yen", None),
    ("　", "thousand", None),
    (None, "yen", None),
    ("－", "yen", None),
])
def test_parse_yen_reads_what_secretariats_type(text, unit, expected):
    assert parse_yen(text, unit=unit) == expected


@pytest.mark.parametrize("text, unit, reason", [
    ("abc", "yen", "数値として読めません"),
    ("1,23", "yen", "数値として読めません"),
    ("1.234,5", "yen", "数値として読めません"),
    ("#N/A", "yen", "数値として読めません"),
    ("-1,000", "yen", "負の値は取り込めません"),
    ("△1,000", "yen", "負の値は取り込めません"),
    ("▲500千円", "yen", "負の値は取り込めません"),
    ("¥-500", "yen", "負の値は取り込めません"),
    ("(1,000)", "yen", "負の値は取り込めません"),
    ("1234.5", "yen", "1円未満の端数があります"),
    ("1.2345", "thousand", "1円未満の端数があります"),
    # Past any council's amount (a pasted code); once past the database's integer it failed
    # the whole import at the database with «bigint out of range».
    ("99999999999999999999", "yen", "金額が大きすぎます（上限 1,000,000,000,000 円）"),
    ("1,000,000,001", "thousand", "金額が大きすぎます（上限 1,000,000,000,000 円）"),
])
def test_parse_yen_refuses_with_a_japanese_reason(text, unit, reason):
    with pytest.raises(CellError) as refused:
        parse_yen(text, unit=unit)

    assert str(refused.value) == reason
    assert refused.value.reason_en and refused.value.reason_en != reason


def test_parse_yen_rejects_an_unknown_unit_as_a_programming_error():
    with pytest.raises(ValueError, match="unit"):
        parse_yen("1", unit="man")


def test_parse_int_refuses_a_count_past_what_the_database_holds():
    assert parse_int("2,147,483,647") == 2**31 - 1
    with pytest.raises(CellError, match="数が大きすぎます"):
        parse_int("2,147,483,648人")


def test_parse_int_reads_full_width_and_counted_values():
    assert parse_int("４４，４４２") == 44442
    assert parse_int("44,442人") == 44442
    assert parse_int("18,000世帯") == 18000
    assert parse_int("44442.0") == 44442
    assert parse_int("") is None
    for text, reason in (("abc", "数値として読めません"), ("12.5", "整数ではありません"),
                         ("-3", "負の値は取り込めません"), ("¥12", "数値として読めません")):
        with pytest.raises(CellError, match=reason):
            parse_int(text)


@pytest.mark.parametrize("text, expected", [
    ("2025-03-31", datetime.date(2025, 3, 31)),
    ("2025/3/31", datetime.date(2025, 3, 31)),
    ("２０２５年３月３１日", datetime.date(2025, 3, 31)),
    ("2025/03/31 0:00", datetime.date(2025, 3, 31)),
    ("令和7年3月31日", datetime.date(2025, 3, 31)),
    ("令和 7年 3月 31日", datetime.date(2025, 3, 31)),
    ("令和元年5月1日", datetime.date(2019, 5, 1)),
    ("R7.3.31", datetime.date(2025, 3, 31)),
    ("r07.03.31", datetime.date(2025, 3, 31)),
    ("H31.4.1", datetime.date(2019, 4, 1)),
    ("平成元年1月8日", datetime.date(1989, 1, 8)),
    ("S64.1.7", datetime.date(1989, 1, 7)),
    ("㋿7年3月31日", datetime.date(2025, 3, 31)),
    ("", None),
])
def test_parse_date_reads_western_and_japanese_era_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("2025-02-30", "存在しない日付です"),
    ("令和1年4月1日", "令和は2019年5月1日からです"),
    ("R0.5.1", "日付として読めません"),
    ("25/3/31", "日付として読めません"),
    ("三月末", "日付として読めません"),
])
def test_parse_date_refuses_impossible_or_unreadable_dates(text, reason):
    with pytest.raises(CellError, match=reason):
        parse_date(text)


@pytest.mark.parametrize("text, expected", [
    ("2025", 2025), ("2025年度", 2025), ("ＦＹ２０２５", 2025), ("令和7年度", 2025), ("R7", 2025),
    ("r07年度", 2025), ("令和元年度", 2019), ("平成31年度", 2019), ("H30", 2018), ("", None),
])
def test_parse_fiscal_year_reads_western_and_era_years(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize("text", ["25", "令和0年度", "二〇二五年度", "2025-26"])
def test_parse_fiscal_year_refuses_other_text(text):
    with pytest.raises(CellError, match="年度として読めません"):
        parse_fiscal_year(text)


def test_parse_text_keeps_japanese_and_folds_full_width_ascii():
    assert parse_text("　札幌市 ") == "札幌市"
    assert parse_text("０１１００２") == "011002"
    assert parse_text("ｍａｙｏｒ＠ｃｉｔｙ．ｓａｐｐｏｒｏ．ｊｐ") == "mayor@city.sapporo.jp"
    assert parse_text(None) == ""


def test_parse_text_takes_off_the_apostrophe_an_export_puts_before_a_formula():
    assert parse_text("'=HYPERLINK(\"x\")") == "=HYPERLINK(\"x\")"
    assert parse_text("'-") == "-"
    assert parse_text("'伊奈町") == "'伊奈町"  # not before a formula: the apostrophe is the value's


# Reporting


def test_report_lines_name_the_row_the_column_and_the_value():
    report = ImportReport(
        errors=[RowError(3, "人口", "整数ではありません", "abc"), RowError(1, "", "必須の列がありません: 団体名")],
        warnings=["列「備考」は取込みの対象ではないため読み込みません"],
    )

    assert report.format().splitlines() == [
        "3行目 「人口」: 整数ではありません (value: 'abc')",
        "1行目: 必須の列がありません: 団体名",
        "注意: 列「備考」は取込みの対象ではないため読み込みません",
    ]


# Properties

FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@given(n=st.integers(min_value=0, max_value=YEN_LIMIT), commas=st.booleans(), full_width=st.booleans(),
       prefix=st.sampled_from(["", "¥", "￥", "\\"]), suffix=st.sampled_from(["", "円", " 円"]))
def test_any_decorated_amount_parses_back_to_itself(n, commas, full_width, prefix, suffix):
    text = prefix + (f"{n:,}" if commas else str(n)) + suffix
    if full_width:
        text = text.translate(FULL_WIDTH)

    assert parse_yen(text) == n


@given(n=st.integers(min_value=0, max_value=YEN_LIMIT // 1000))
def test_thousand_yen_amounts_become_yen(n):
    assert parse_yen(str(n), unit="thousand") == n * 1000
    assert parse_yen(f"{n // 1000:,}.{n % 1000:03d}", unit="thousand") == n


@given(st.dates(min_value=datetime.date(1927, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_dates_we_write_in_either_style_read_back(day):
    assert parse_date(japanese_date(day, "era")) == day
    assert parse_date(japanese_date(day)) == day


@given(st.integers(min_value=1927, max_value=2100))
def test_fiscal_years_we_write_in_either_style_read_back(year):
    assert parse_fiscal_year(fiscal_year(year, "era")) == year
    assert parse_fiscal_year(fiscal_year(year)) == year


def test_the_reader_does_not_import_django():
    # Commands, pages and scripts share this module; it must not need settings to load.
    code = "import sys, apps.core.tabular; assert 'django' not in sys.modules, 'django was imported'"
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], check=True)


@pytest.mark.parametrize("text", ["0202-01-01", "1980/1/1", "2101-01-01", "平成元年1月8日"])
def test_a_business_date_is_from_1990_to_2100_as_the_forms_take(text):
    with pytest.raises(CellError, match="1990年1月1日から2100年12月31日までの日付にしてください"):
        parse_business_date(text)
    assert parse_business_date("令和7年3月31日") == datetime.date(2025, 3, 31) and parse_business_date("") is None

