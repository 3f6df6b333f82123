"""Workbooks written by hand, XML part by XML part, as a hostile or careless writer could:
a used range that claims the last column, rows padded out to it, a shared-strings part that
unpacks to far more than the file's size. openpyxl would never write them itself."""

import io
import zipfile

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>")
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
             f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
             "</Relationships>")
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}">'
                 f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
                 "</Relationships>")


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def number_cell(reference: str, value: int) -> str:
    return f'<c r="{reference}"><v>{value}</v></c>'


def workbook(rows: list[str], *, dimension: str | None = None, shared_strings: bytes | None = None) -> bytes:
    """An .xlsx of one sheet whose ``<row>`` elements are ``rows``, as written."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
             + (f'<dimension ref="{dimension}"/>' if dimension else "")
             + "<sheetData>" + "".join(rows) + "</sheetData></worksheet>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared_strings if shared_strings is not None else
                         f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="0" uniqueCount="0"/>')
    return buffer.getvalue()


def last_column_rows(rows: int, *, heading: tuple[str, ...] = ("団体コード",)) -> bytes:
    """The reported bomb: a heading, then ``rows`` rows each with one number in the sheet's last
    column (XFD, the 16,384th), which a reader that pads rows to their last cell reads as
    16,384 cells a row. 10,000 such rows are a 51 KB file."""
    head = "".join(text_cell(f"{get_column_letter(index)}1", text) for index, text in enumerate(heading, start=1))
    body = [f'<row r="{number}">{number_cell(f"XFD{number}", 1)}</row>' for number in range(2, rows + 2)]
    return workbook([f'<row r="1">{head}</row>', *body], dimension=f"A1:XFD{rows + 1}")


def shared_strings_bomb(unpacked_bytes: int) -> bytes:
    """A workbook whose shared strings unpack to ``unpacked_bytes`` (a few hundred times its
    own size): one string of that many letters."""
    letters = b"a" * unpacked_bytes
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'
               .encode() + letters + b"</t></si></sst>")
    return workbook(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], shared_strings=strings)


def shared_strings(count: int) -> bytes:
    """A workbook of one cell and ``count`` shared strings (a one-letter string each, 18
    bytes that pack into less than one)."""
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
               + b"<si><t>a</t></si>" * count + b"</sst>")
    return workbook(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], shared_strings=strings)
