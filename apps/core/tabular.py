"""Reading the spreadsheets a secretariat sends: CSV or XLSX in, rows of text and parsed values out.

Plain Python and openpyxl, no Django, so the import commands, the upload pages and the tests
share one reader. What people type into cells in a Japanese office (full-width digits, ¥ and
円 marks, 千円 amounts, 和暦 dates, a dash for "none") is accepted here and nowhere else.
Every refusal is a ``CellError`` or ``TableError`` whose ``str()`` is Japanese, so the caller
can show it next to the row and column it came from; every message also carries its English
(``Bilingual``), for a reader who chose English.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter

from apps.core.formatting import ERAS
from apps.core.limits import (
    COUNT_LIMIT,
    EARLIEST_DATE,
    IMPORT_MAX_CELLS,
    IMPORT_MAX_COLUMNS,
    IMPORT_MAX_ROWS,
    IMPORT_MAX_UNPACKED_BYTES,
    LATEST_DATE,
    YEN_LIMIT,
)


class Bilingual(str):
    """A message as Japanese text (the UI is Japanese first, and so are the import commands'
    reports) that carries its English in ``en``, for the pages of a reader who chose English."""

    en: str

    def __new__(cls, ja: str, en: str = ""):
        text = super().__new__(cls, ja)
        text.en = en or ja
        return text


class _Refusal(ValueError):
    """``str()`` is the Japanese reason (the UI is Japanese first); ``reason_en`` for logs and English pages."""

    def __init__(self, reason_ja: str, reason_en: str = ""):
        super().__init__(reason_ja)
        self.reason_ja = reason_ja
        self.reason_en = reason_en or reason_ja

    @property
    def reason(self) -> Bilingual:
        return Bilingual(self.reason_ja, self.reason_en)


class TableError(_Refusal):
    """The file as a whole cannot be used: format, encoding or columns."""


class CellError(_Refusal):
    """One cell's value cannot be used."""


# ---------------------------------------------------------------------------------------
# Files to rows


@dataclass
class Row:
    number: int  # as the spreadsheet shows it, so "3行目" points at the line the user sees
    cells: dict[str, str]  # keyed by the table's headers


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    heading_number: int = 1  # the row the headings were read from

    def warn(self, message_ja: str, message_en: str) -> None:
        # Readers may run twice over one table (preview, then import); say each thing once.
        if message_ja not in self.warnings:
            self.warnings.append(Bilingual(message_ja, message_en))


# How far down a sheet its headings are looked for, below a title and notes.
HEADING_SEARCH_ROWS = 10

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls), which openpyxl cannot read


def read_table(data: bytes, filename: str, *, max_rows: int = IMPORT_MAX_ROWS,
               is_heading: Callable[[str], bool] | None = None) -> Table:
    """The first sheet (or the CSV) as a table, refused as soon as it passes the limits of
    apps.core.limits: rows are read one at a time, never wider than the column limit.
    The headings are the first row with text; given ``is_heading`` (headings_finder), the
    first that is not a title or a note — a lone cell that is no heading — among the first
    HEADING_SEARCH_ROWS rows with text."""
    name = filename.lower()
    if not data.strip():
        raise TableError("ファイルが空です", "the file is empty")
    if data.startswith(ZIP_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        return _xlsx_table(data, max_rows=max_rows, is_heading=is_heading)
    if data.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise TableError("Excel 97-2003 形式（.xls）は読めません。.xlsx か CSV で保存し直してください",
                         "Excel 97-2003 (.xls) files cannot be read; save as .xlsx or CSV")
    return _table(_csv_records(data), [], max_rows=max_rows, is_heading=is_heading)


def _too_large(limit_ja: str, limit_en: str) -> TableError:
    return TableError(f"ファイルが大きすぎます（{limit_ja}）", f"the file is too large ({limit_en})")


def _decode(data: bytes) -> str:
    # Excel's "Unicode テキスト" export is UTF-16 with a BOM; otherwise UTF-8 (utf-8-sig drops
    # a BOM if there is one) or, from older Japanese Excel, CP932 (Shift_JIS with MS extensions).
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp932")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("文字コードを判別できません。UTF-8 か Shift_JIS（CP932）の CSV で保存してください",
                     "unknown text encoding; save the CSV as UTF-8 or Shift_JIS (CP932)")


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    heading = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if heading.count("\t") > heading.count(",") else ","
    try:
        # Numbered by record, not by physical line: a quoted cell with a line break is still
        # one row when Excel opens the file.
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    except csv.Error as error:
        raise TableError(f"CSV として読めません（{error}）", f"not a readable CSV ({error})") from None


_NOT_XLSX = "XLSX ファイルとして読めません"


def _xlsx_table(data: bytes, *, max_rows: int, is_heading=None) -> Table:
    _package_check(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 — openpyxl raises many kinds for a damaged or non-XLSX file
        raise TableError(_NOT_XLSX, f"not a readable XLSX file ({type(error).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        others = [other.title for other in workbook.worksheets[1:]]
        warnings = [Bilingual(f"最初のシート「{sheet.title}」だけを読み込みました（ほかのシート: {'、'.join(others)}）",
                              f"only the first sheet, 「{sheet.title}」, was read (the others: {', '.join(others)})")
                    ] if others else []
        # Some writers record a wrong used range; forget it and read every row there is. Not
        # past the column limit: openpyxl pads each row to the widest it is asked for, or
        # else to the row's last cell (XFD, 16,384 cells, for a row that reaches it). One
        # column more than the limit, to tell a heading that goes past it.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=IMPORT_MAX_COLUMNS + 1, values_only=True)
        return _table(_sheet_records(rows), warnings, max_rows=max_rows, is_heading=is_heading)
    except TableError:
        raise
    except Exception as error:  # noqa: BLE001 — as above, for a sheet damaged past its first rows
        raise TableError(_NOT_XLSX, f"not a readable XLSX file ({type(error).__name__})") from None
    finally:
        workbook.close()


# The elements a cell takes, <c r="A2"><v>1</v></c>: the markup allowed for the cells allowed.
_TAGS_PER_CELL = 4


def _package_check(data: bytes) -> None:
    """Refuses a workbook too large to read, before openpyxl reads any of it: its parts
    unpacked (a shared-strings part of gigabytes packs into kilobytes), then the elements in
    them, counted as tags (a count of "<", at the speed of memory). The sizes the archive
    declares are a bound: zipfile unpacks no part past its declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            if sum(part.file_size for part in parts) > IMPORT_MAX_UNPACKED_BYTES:
                megabytes = IMPORT_MAX_UNPACKED_BYTES // 2**20
                raise _too_large(f"展開後 {megabytes} MB まで", f"at most {megabytes} MB once unpacked")
            tags = sum(_tags(archive, part) for part in parts)
    except TableError:
        raise
    except Exception as error:  # noqa: BLE001 — a damaged archive fails in many ways (CRC, deflate, encryption)
        raise TableError(_NOT_XLSX, f"not a readable XLSX file ({type(error).__name__})") from None
    if tags > IMPORT_MAX_CELLS * _TAGS_PER_CELL:
        raise _too_large(f"セルは約 {IMPORT_MAX_CELLS:,} 個まで", f"at most about {IMPORT_MAX_CELLS:,} cells")


def _tags(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    tags = 0
    with archive.open(part) as stream:
        while chunk := stream.read(2**20):
            tags += chunk.count(b"<")
    return tags


def _sheet_records(rows: Iterable[tuple]) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(rows, start=1):
        # A row the sheet skips comes as a row of Nones: passed on as blank, unread, so that
        # a sheet whose one row is its millionth costs no million lists.
        yield number, [_cell_text(value) for value in values] if values.count(None) < len(values) else []


def _cell_text(value) -> str:
    """A cell as the user sees it typed, so that XLSX and CSV go through the same parsers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores every number as a float: 44442.0 was typed 44442
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _title_or_note(cells: list[str], is_heading: Callable[[str], bool] | None) -> bool:
    texts = [cell for cell in cells if cell.strip()]
    return is_heading is not None and len(texts) == 1 and not is_heading(texts[0])


def _table(records: Iterable[tuple[int, list[str]]], warnings: list[str], *, max_rows: int,
           is_heading: Callable[[str], bool] | None = None) -> Table:
    """Rows read as they come, so that a file too long is refused at the row past the limit.
    Blank rows count: a blank row was as much work to read (a row whose one cell lies past
    the columns read is blank here), and a real import has no long runs of them."""
    records = iter(records)
    leading: list[tuple[int, list[str]]] = []  # the rows with text the headings are looked for in
    for number, cells in records:
        if number > max_rows:
            raise _too_large(f"{max_rows:,} 行まで", f"at most {max_rows:,} rows")
        if any(cell.strip() for cell in cells):
            leading.append((number, cells[:IMPORT_MAX_COLUMNS + 1]))
            if not _title_or_note(leading[-1][1], is_heading) or len(leading) == HEADING_SEARCH_ROWS:
                break
    if not leading:
        raise TableError("見出し行がありません", "there is no heading row")
    # A title merged across the sheet (「令和8年度 現行経費調査票（伊奈町）」) stands above the
    # headings. Only lone cells are passed over: a row of several is the headings, right or
    # wrong, never a row of figures below them.
    found = next((index for index, (_number, cells) in enumerate(leading) if not _title_or_note(cells, is_heading)),
                 0)
    heading_number, heading = leading[found]
    records = itertools.chain(leading[found + 1:], records)
    width = max(index for index, text in enumerate(heading) if text.strip()) + 1
    if width > IMPORT_MAX_COLUMNS:
        raise _too_large(f"列は {IMPORT_MAX_COLUMNS} 列まで", f"at most {IMPORT_MAX_COLUMNS} columns")
    positions: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for index, text in enumerate(heading[:width]):
        header = " ".join(unicodedata.normalize("NFKC", text).split())
        if not header:
            continue
        seen[header] = seen.get(header, 0) + 1
        if seen[header] > 1:
            # Keep a repeated heading rather than let it overwrite the first: heading_key()
            # ignores the " (2)", so map_headers() refuses two columns for one field.
            header = f"{header} ({seen[header]})"
        positions.append((index, header))
    table = Table(headers=[header for _index, header in positions], rows=[], warnings=list(warnings),
                  heading_number=heading_number)
    if found:
        table.warn(f"見出しを{heading_number}行目から読みました（それより上の行は読み込みません）",
                   f"the headings were read from row {heading_number} (the rows above it are not read)")
    headed = {index for index, _header in positions}
    for number, cells in records:
        if number - heading_number > max_rows:
            raise _too_large(f"{max_rows:,} 行まで", f"at most {max_rows:,} rows")
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells[:IMPORT_MAX_COLUMNS + 1]  # as an XLSX is read
        table.rows.append(Row(number, {header: cells[index] if index < len(cells) else ""
                                       for index, header in positions}))
        for index, cell in enumerate(cells):
            if cell.strip() and index not in headed:
                letter = get_column_letter(index + 1)
                table.warn(f"{letter}列は見出しがないため読み込みません", f"column {letter} has no heading and is not read")
    return table


# ---------------------------------------------------------------------------------------
# Headings to fields


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Japanese, as a secretariat writes it; used in messages
    aliases: tuple[str, ...] = ()
    required: bool = False
    label_en: str = ""  # for the messages on English pages, beside the Japanese heading

    @property
    def named(self) -> Bilingual:
        """「人口」, or in English "population (人口)": the heading a file should have stays in view."""
        return Bilingual(self.label, f"{self.label_en} ({self.label})" if self.label_en else self.label)


# A trailing bracketed note such as （千円）, [円] or (人), which secretariats add freely.
_HEADING_NOTE = re.compile(r"(?:[(\[【〔<][^()\[\]【】〔〕<>]*[)\]】〕>])+$")
UNIT_NAMES = {"thousand": ("千円", "thousands of yen (千円)"), "yen": ("円", "yen (円)")}


def heading_key(text: str) -> str:
    """How headings compare: width, case, spacing and a trailing unit note do not matter."""
    key = "".join(unicodedata.normalize("NFKC", text).lower().split())
    return _HEADING_NOTE.sub("", key) or key


def heading_unit(header: str) -> str | None:
    """``"thousand"`` for 「ソフトウェア（千円）」 or "Software (thousand yen)", ``"yen"`` for
    「金額[円]」 or "Amount (yen)" (the English costs page), else ``None``."""
    note = _HEADING_NOTE.search("".join(unicodedata.normalize("NFKC", header).split()))
    if note is None:
        return None
    text = note.group().lower()
    if "千円" in text or "thousand" in text:
        return "thousand"
    return "yen" if "円" in text or "yen" in text else None


def _by_heading(columns: Iterable[Column]) -> dict[str, Column]:
    by_heading: dict[str, Column] = {}
    for column in columns:
        for name in (column.label, *column.aliases):
            by_heading.setdefault(heading_key(name), column)
    return by_heading


def headings_finder(columns: Iterable[Column]) -> Callable[[str], bool]:
    """For read_table: whether a cell is the heading of one of ``columns``."""
    by_heading = _by_heading(columns)
    return lambda cell: heading_key(cell) in by_heading


def map_headers(table: Table, columns: Iterable[Column]) -> dict[str, str]:
    """``{column.key: header}`` for the columns found; refuses missing or doubled columns.
    A unit in a heading (heading_unit) is the importer's to compare with the unit chosen."""
    columns = list(columns)
    by_heading = _by_heading(columns)
    found: dict[str, list[str]] = {}
    for header in table.headers:
        column = by_heading.get(heading_key(header))
        if column is None:
            table.warn(f"列「{header}」は取込みの対象ではないため読み込みません",
                       f"column 「{header}」 is not one this import reads; it is left out")
            continue
        found.setdefault(column.key, []).append(header)
    problems_ja, problems_en = [], []
    if missing := [column.named for column in columns if column.required and column.key not in found]:
        problems_ja.append(f"必須の列がありません: {'、'.join(missing)}")
        problems_en.append(f"required columns are missing: {', '.join(name.en for name in missing)}")
    names = {column.key: column.named for column in columns}
    for key, headers in found.items():
        if len(headers) > 1:
            problems_ja.append(f"「{names[key]}」に当たる列が複数あります: {'、'.join(headers)}")
            problems_en.append(f"more than one column for {names[key].en}: {', '.join(headers)}")
    if problems_ja:
        raise TableError("\n".join(problems_ja), "\n".join(problems_en))
    return {key: headers[0] for key, headers in found.items()}


# ---------------------------------------------------------------------------------------
# Cells to values

_NOT_A_NUMBER = ("数値として読めません", "not a number")
_NEGATIVE = ("負の値は取り込めません", "negative values are not accepted")

_NOT_A_DATE = ("日付として読めません（例: 2025-03-31、2025/3/31、令和7年3月31日、R7.3.31）",
               "not a date (e.g. 2025-03-31, 2025/3/31, 令和7年3月31日, R7.3.31)")
_NOT_A_FISCAL_YEAR = ("年度として読めません（例: 2025、令和7年度、R7）", "not a fiscal year (e.g. 2025, 令和7年度, R7)")

# Thousands separators only in threes, so "1,23" (a typo, or a decimal comma) is refused.
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_NEGATIVE_MARKS = "-−‐–△▲"  # △ and ▲ are how Japanese accounts write a minus
_NOTHING_MARKS = {"-", "−", "‐", "–", "—", "―", "ー"}  # a lone dash in a Japanese table means "none"
_YEN_SUFFIXES = (("百万円", 1_000_000), ("千円", 1000), ("万円", 10_000), ("円", None))
_UNIT_FACTORS = {"yen": 1, "thousand": 1000}
_COUNTERS = ("世帯", "人")


def _compact(text: str | None) -> str:
    """NFKC turns full-width digits, commas, ￥ and － into ASCII; spaces of any width go."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _decimal(text: str) -> Decimal | None:
    if text == "" or text in _NOTHING_MARKS:
        return None
    if text[0] in _NEGATIVE_MARKS or (text.startswith("(") and text.endswith(")")):
        raise CellError(*_NEGATIVE)
    if not _NUMBER.fullmatch(text):
        raise CellError(*_NOT_A_NUMBER)
    return Decimal(text.replace(",", ""))


def parse_yen(text: str | None, *, unit: str = "yen") -> int | None:
    """An amount in whole yen. ``unit="thousand"`` reads the file's plain numbers as 千円;
    a cell that says 千円 (or 万円, 百万円) itself is read in that unit either way."""
    if unit not in _UNIT_FACTORS:
        raise ValueError(f"unit must be 'yen' or 'thousand', not {unit!r}")
    value, factor = _compact(text), _UNIT_FACTORS[unit]
    for suffix, suffix_factor in _YEN_SUFFIXES:
        if value.endswith(suffix):
            value = value.removesuffix(suffix)
            factor = suffix_factor or factor  # a bare 円 is decoration; the file's unit stands
            break
    number = _decimal(value.lstrip("¥\\"))  # \ is how a yen sign shows in some Japanese fonts
    if number is None:
        return None
    yen = number * factor
    if yen != yen.to_integral_value():
        raise CellError("1円未満の端数があります", "has a fraction of a yen")
    if yen > YEN_LIMIT:
        raise CellError(f"金額が大きすぎます（上限 {YEN_LIMIT:,} 円）", f"too large an amount (at most {YEN_LIMIT:,} yen)")
    return int(yen)


def parse_int(text: str | None) -> int | None:
    """A count such as a population: ``"４４，４４２人"`` → 44442."""
    value = _compact(text)
    for counter in _COUNTERS:
        value = value.removesuffix(counter)
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError("整数ではありません", "not a whole number")
    if number > COUNT_LIMIT:
        raise CellError(f"数が大きすぎます（上限 {COUNT_LIMIT:,}）", f"too large a number (at most {COUNT_LIMIT:,})")
    return int(number)


# Era names and their one-letter forms (令和/R, 平成/H, 昭和/S) from the formatting module, so
# the dates we read are the dates we write.
_ERAS = {key: (start, name) for start, name, short in ERAS for key in (name, short)}
_ERA = "|".join(map(re.escape, _ERAS))
_ERA_YEAR = r"元|0?[1-9]\d?"  # 元年 is the first year; R07 is how many systems print R7
_DATE = re.compile(
    rf"(?:(?P<era>{_ERA})(?P<era_year>{_ERA_YEAR})|(?P<year>\d{{4}}))"
    r"[年./-](?P<month>\d{1,2})[月./-](?P<day>\d{1,2})日?"
)
_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")  # Excel's CSV adds " 0:00"
_FISCAL_YEAR = re.compile(rf"(?:FY)?(?:(?P<era>{_ERA})(?P<era_year>{_ERA_YEAR})|(?P<year>(?:19|20|21)\d\d))(?:年度?)?")


def _western_year(era: str, era_year: str) -> int:
    start, _name = _ERAS[era]
    return start.year + (1 if era_year == "元" else int(era_year)) - 1


def parse_date(text: str | None) -> datetime.date | None:
    value = _TIME_OF_DAY.sub("", unicodedata.normalize("NFKC", text or "").strip())
    value = "".join(value.split()).upper()
    if not value:
        return None
    match = _DATE.fullmatch(value)
    if match is None:
        raise CellError(*_NOT_A_DATE)
    era = match["era"]
    year = _western_year(era, match["era_year"]) if era else int(match["year"])
    try:
        result = datetime.date(year, int(match["month"]), int(match["day"]))
    except ValueError:
        raise CellError("存在しない日付です", "no such date") from None
    if era and result < _ERAS[era][0]:
        start, name = _ERAS[era]
        raise CellError(f"{name}は{start.year}年{start.month}月{start.day}日からです",
                        f"the {name} era begins on {start.isoformat()}")
    return result


def parse_business_date(text: str | None) -> datetime.date | None:
    """A date of a council's business, from 1990 to 2100, as the forms take
    (apps.core.forms.within_calendar): «0202-01-01» became a member's history from the
    year 202, printed so in its mayor's briefing."""
    result = parse_date(text)
    if result is not None and not EARLIEST_DATE <= result <= LATEST_DATE:
        raise CellError(f"{EARLIEST_DATE.year}年1月1日から{LATEST_DATE.year}年12月31日までの日付にしてください",
                        f"a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}")
    return result


def parse_fiscal_year(text: str | None) -> int | None:
    """``"2025"``, ``"2025年度"``, ``"令和7年度"``, ``"R7"`` → 2025; ``"令和元年度"`` → 2019."""
    value = _compact(text).upper()
    if not value:
        return None
    match = _FISCAL_YEAR.fullmatch(value)
    if match is None:
        raise CellError(*_NOT_A_FISCAL_YEAR)
    return _western_year(match["era"], match["era_year"]) if match["era"] else int(match["year"])


# Full-width letters and digits (Ａ, ０), and the marks of an e-mail address (＠．＿－＋),
# mapped to plain ASCII. Not Japanese punctuation: 「伊奈町長（デモ）」 came back from an
# exported sheet as 「伊奈町長(デモ)」, a change to every mayor on a round trip.
_FULL_WIDTH_ASCII = {code: code - 0xFEE0 for code in (
    *range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF20, 0xFF0E, 0xFF3F, 0xFF0D, 0xFF0B)}


# What makes a spreadsheet read a text as a formula (tab and CR: Excel skips them before
# one). The exports write such a text behind an apostrophe, which parse_text takes off.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def parse_text(text: str | None) -> str:
    """Japanese kept as typed; only full-width letters, digits and an address's marks
    become ASCII, so that codes and e-mail addresses typed in full width still compare
    equal. An apostrophe before a formula's first character is an export's (a CSV's
    marker for text), not the value's: a sheet downloaded comes back as it went."""
    value = (text or "").translate(_FULL_WIDTH_ASCII).strip()
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


# ---------------------------------------------------------------------------------------
# Reporting


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column's Japanese label (a Bilingual); "" for a problem with the whole row or file
    reason: str  # Japanese; a Bilingual carries the English too
    value: str = ""

    def format(self) -> str:
        where = f"{self.row}行目 「{self.column}」" if self.column else f"{self.row}行目"
        shown = f" (value: {self.value!r})" if self.value else ""
        return f"{where}: {self.reason}{shown}"

    def as_data(self) -> dict:
        """For a database's JSON (an import job's refusal), both languages kept."""
        return {"row": self.row, "column": _both_languages(self.column), "reason": _both_languages(self.reason),
                "value": self.value}

    @classmethod
    def from_data(cls, data: dict) -> RowError:
        return cls(data["row"], Bilingual(*data["column"]), Bilingual(*data["reason"]), data["value"])


def _both_languages(text: str) -> list[str]:
    return [str(text), getattr(text, "en", str(text))]


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def format(self) -> str:
        return "\n".join([error.format() for error in self.errors] + [f"注意: {w}" for w in self.warnings])
