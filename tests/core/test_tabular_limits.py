"""A spreadsheet is read within bounds set before reading: so many rows, so many columns,
so many bytes once unpacked. A 51 KB sheet of 10,000 rows, each with one cell in the last
column, held a server process for 42 s and 1.47 GB, every row read 16,384 cells wide."""

import zipfile

import openpyxl
import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from apps.core.limits import IMPORT_MAX_CELLS, IMPORT_MAX_COLUMNS, IMPORT_MAX_ROWS, IMPORT_MAX_UNPACKED_BYTES
from apps.core.tabular import TableError, read_table
from tests import raw_xlsx


@pytest.fixture
def rows_read(monkeypatch):
    """Every row openpyxl hands the reader, as it hands it (a tuple of cell values)."""
    seen = []
    iter_rows = ReadOnlyWorksheet.iter_rows

    def watched(self, *args, **kwargs):
        for values in iter_rows(self, *args, **kwargs):
            seen.append(values)
            yield values

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", watched)
    return seen


def test_the_limits_hold_the_largest_real_import_with_room_to_spare():
    # A national council's costs: 1,741 bodies × the 25 entries of the catalogue, a row each.
    assert IMPORT_MAX_ROWS >= 2 * 1741 * 25
    assert IMPORT_MAX_COLUMNS >= 2 * 15  # the costs sheet's 15 columns, and notes beside them


def test_a_sheet_whose_rows_reach_the_last_column_is_read_no_wider_than_the_column_limit(rows_read):
    table = read_table(raw_xlsx.last_column_rows(200, heading=("団体コード", "団体名")), "bomb.xlsx")

    assert table.headers == ["団体コード", "団体名"]
    assert table.rows == []  # the only cells lie in column XFD, past what is read
    assert len(rows_read) == 201
    assert max(len(values) for values in rows_read) <= IMPORT_MAX_COLUMNS + 1


def test_rows_are_kept_as_wide_as_the_heading(rows_read):
    rows = ['<row r="1">' + raw_xlsx.text_cell("A1", "団体コード") + raw_xlsx.text_cell("B1", "人口") + "</row>",
            '<row r="2">' + raw_xlsx.text_cell("A2", "011002") + raw_xlsx.number_cell("XFD2", 1) + "</row>"]
    table = read_table(raw_xlsx.workbook(rows, dimension="A1:XFD2"), "x.xlsx")

    assert [row.cells for row in table.rows] == [{"団体コード": "011002", "人口": ""}]


def test_more_rows_than_the_limit_are_refused_as_soon_as_the_limit_is_passed(rows_read):
    rows = ['<row r="1">' + raw_xlsx.text_cell("A1", "団体コード") + "</row>"] + [
        f'<row r="{number}">{raw_xlsx.number_cell(f"A{number}", number)}</row>' for number in range(2, 502)]
    with pytest.raises(TableError) as refused:
        read_table(raw_xlsx.workbook(rows), "long.xlsx", max_rows=100)

    assert str(refused.value) == "ファイルが大きすぎます（100 行まで）"
    assert refused.value.reason_en == "the file is too large (at most 100 rows)"
    assert len(rows_read) == 102  # the heading, the 100 rows allowed, and the one too many


def test_blank_rows_count_too_so_a_sheet_of_padding_is_refused_as_early(rows_read):
    """Rows whose cells all lie past the columns read are blank to the reader, but each is
    still a row to unpack and parse: 200,000 of them, 1 MB, took ten seconds."""
    with pytest.raises(TableError, match="100 行まで"):
        read_table(raw_xlsx.last_column_rows(500), "bomb.xlsx", max_rows=100)
    assert len(rows_read) == 102


def test_a_sheet_may_end_at_the_row_limit_and_the_limit_is_named_with_its_thousands_separator():
    def sheet(last_row):
        return raw_xlsx.workbook(['<row r="1">' + raw_xlsx.text_cell("A1", "団体コード") + "</row>",
                                  f'<row r="{last_row}">{raw_xlsx.number_cell(f"A{last_row}", 1)}</row>'])

    assert [row.number for row in read_table(sheet(IMPORT_MAX_ROWS + 1), "x.xlsx").rows] == [IMPORT_MAX_ROWS + 1]
    with pytest.raises(TableError, match=f"（{IMPORT_MAX_ROWS:,} 行まで）"):
        read_table(sheet(IMPORT_MAX_ROWS + 2), "x.xlsx")
    with pytest.raises(TableError, match=f"（{IMPORT_MAX_ROWS:,} 行まで）"):
        read_table(("団体コード\n" + "1\n" * (IMPORT_MAX_ROWS + 1)).encode(), "long.csv")


def test_a_heading_wider_than_the_column_limit_is_refused_naming_the_limit():
    heading = "".join(raw_xlsx.text_cell(f"{letter}1", f"列{index}")
                      for index, letter in enumerate(["A", "B", "AX", "AY"], start=1))  # AY is the 51st column
    with pytest.raises(TableError) as refused:
        read_table(raw_xlsx.workbook([f'<row r="1">{heading}</row>']), "wide.xlsx")
    assert str(refused.value) == f"ファイルが大きすぎます（列は {IMPORT_MAX_COLUMNS} 列まで）"
    assert refused.value.reason_en == f"the file is too large (at most {IMPORT_MAX_COLUMNS} columns)"

    with pytest.raises(TableError, match=f"列は {IMPORT_MAX_COLUMNS} 列まで"):
        read_table(",".join(f"列{index}" for index in range(IMPORT_MAX_COLUMNS + 1)).encode(), "wide.csv")


def test_a_heading_at_the_column_limit_is_read():
    heading = ",".join(f"列{index}" for index in range(IMPORT_MAX_COLUMNS))
    assert len(read_table(f"{heading}\n{'1,' * IMPORT_MAX_COLUMNS}\n".encode(), "x.csv").headers) == IMPORT_MAX_COLUMNS


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    data = raw_xlsx.shared_strings_bomb(IMPORT_MAX_UNPACKED_BYTES)
    assert len(data) < IMPORT_MAX_UNPACKED_BYTES // 500
    # Not one byte of a part is unpacked: the sizes the archive declares decide.
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kwargs: pytest.fail("a part was unpacked"))

    with pytest.raises(TableError) as refused:
        read_table(data, "bomb.xlsx")

    megabytes = IMPORT_MAX_UNPACKED_BYTES // 2**20
    assert str(refused.value) == f"ファイルが大きすぎます（展開後 {megabytes} MB まで）"
    assert refused.value.reason_en == f"the file is too large (at most {megabytes} MB once unpacked)"


@pytest.mark.parametrize("bomb", ["cells", "shared strings"])
def test_a_workbook_of_more_cells_than_the_limit_is_refused_before_openpyxl_reads_it(bomb, monkeypatch):
    """Within the unpacked limit still: 146 KB of shared strings no cell uses took 97 s and
    400 MB to load; 1 MB of rows of cells past the columns read, 64 s."""
    elements = IMPORT_MAX_CELLS + 1
    if bomb == "cells":
        rows = (['<row r="1">' + raw_xlsx.text_cell("A1", "団体コード") + "</row>"]
                + [f'<row r="{number}">' + '<c r="XFD1"><v>1</v></c>' * 100 + "</row>"
                   for number in range(2, elements // 100 + 3)])
        data = raw_xlsx.workbook(rows)
    else:
        data = raw_xlsx.shared_strings(elements)
    assert len(data) < 1_000_000
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *args, **kwargs: pytest.fail("openpyxl read it"))

    with pytest.raises(TableError) as refused:
        read_table(data, "bomb.xlsx")

    assert str(refused.value) == f"ファイルが大きすぎます（セルは約 {IMPORT_MAX_CELLS:,} 個まで）"
    assert refused.value.reason_en == f"the file is too large (at most about {IMPORT_MAX_CELLS:,} cells)"


def test_a_workbook_within_the_unpacked_limit_is_read():
    table = read_table(raw_xlsx.shared_strings_bomb(1000), "x.xlsx")
    assert table.headers == ["a" * 1000]
