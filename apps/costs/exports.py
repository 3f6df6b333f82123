"""Spreadsheets out: the side-by-side comparison, and one body's figures as the sheet its
staff fill in and upload back; CSV (UTF-8 with BOM, so Japanese Excel opens it) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from apps.core.tabular import FORMULA_STARTS
from apps.costs.importers import BODY_COLUMNS, COST_COLUMNS, KIND_LABELS, POPULATION_SOURCE_LABELS
from apps.costs.models import BusinessSystem, CostCategory, CostRecord
from apps.members.models import Consortium, Participation, ParticipationStatus, PopulationRecord

# The member's participation after the import's own columns, to read: the import takes
# 参加状況 only for a body joining the council (importers.STATUS_COLUMNS) and leaves the
# go-live dates alone, saying so (participation changes on the member's page, dated).
MEMBERS_SHEET_EXTRA = ("参加状況", "稼働予定日", "稼働開始日")


def comparison_headers() -> list[str]:
    return [
        _("Rank"), _("Code"), _("Name"), _("Status"), _("Population"),
        _("Current cost (yen)"), _("Cost per resident (yen)"), _("Main vendor"),
    ]


def comparison_records(rows, ranks: dict[int, int], status_labels: dict[str, str]) -> Iterator[list]:
    fields = ("body_id", "body__code", "body__name", "status", "population", "total_cost",
              "cost_per_resident", "main_vendor", "reported")
    for _body_id, code, name, status, population, total, per_resident, vendor, reported in rows.values_list(*fields):
        # A member that has not reported the year gets empty cells, not a cost of 0.
        yield [ranks.get(per_resident, "") if reported else "", code, name, str(status_labels.get(status, status)),
               population, total if reported else "", per_resident if reported else "", vendor or ""]


def to_csv(headers: list[str], records: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_csv_text(value) for value in headers])
    writer.writerows([_csv_text(value) for value in record] for record in records)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value):
    """A text that a spreadsheet would run as a formula, behind the apostrophe that marks
    it as text (the importers take it off): what a town typed is shown, not run, on every
    screen that opens the file. Numbers are numbers, negative ones too."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def to_xlsx(headers: list[str], records: Iterable[list], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_xlsx_text(title)[:31])
    sheet.append([_xlsx_cell(sheet, value) for value in headers])
    for record in records:
        sheet.append([_xlsx_cell(sheet, value) for value in record])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value):
    """Every text as a text cell: openpyxl writes a text that begins with = as a formula
    (and «#N/A» as an error), whoever typed it."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=_xlsx_text(value))
    cell.data_type = "s"
    return cell


# What XML cannot hold (control characters but tab, line feed and carriage return).
XLSX_ILLEGAL_STAND_IN = "\ufffd"


def _xlsx_text(text: str) -> str:
    """The text with each character XML cannot hold as U+FFFD, the replacement character: a
    name saved before one-line fields refused control characters made the whole download
    a server error (openpyxl's IllegalCharacterError). The mark shows where a character
    was, keeps the rest as typed, and cannot be read as something the town typed, as an
    escape such as «\\x01» could; the CSV keeps the character itself."""
    return ILLEGAL_CHARACTERS_RE.sub(XLSX_ILLEGAL_STAND_IN, text)


def body_cost_sheet(*, body, fiscal_year: int) -> tuple[list[str], list[list]]:
    """The body's figures for a year in the upload's own columns, so that its staff can
    fill them in or correct them in Excel and upload the file back as it is: one row per
    business system (more where its categories have different vendors or contract ends),
    and an empty row for every system in scope of the body's councils with no figures yet."""
    categories = [category.value for category in CostCategory]
    grouped: dict[tuple[BusinessSystem, str, object], dict[str, int]] = {}
    records = CostRecord.objects.filter(body=body, fiscal_year=fiscal_year).select_related("business_system")
    for record in records.order_by("business_system__sort_order", "business_system__code", "vendor", "pk"):
        grouped.setdefault((record.business_system, record.vendor, record.contract_end), {})[record.category] = \
            record.amount
    filled = {system.pk for system, _vendor, _end in grouped}
    in_scope = BusinessSystem.objects.filter(in_scope_of__participations__body=body).distinct()
    for system in in_scope.exclude(pk__in=filled):
        grouped[(system, "", None)] = {}
    rows = sorted(grouped.items(), key=lambda item: (item[0][0].sort_order, item[0][0].code))
    records = [
        [body.code, body.name, system.name_ja, fiscal_year, *(amounts.get(category, "") for category in categories),
         vendor, contract_end.isoformat() if contract_end else ""]
        for (system, vendor, contract_end), amounts in rows
    ]
    return [column.label for column in COST_COLUMNS], records


def members_sheet(*, consortium: Consortium) -> tuple[list[str], list[list]]:
    """The council's members in the bodies import's own columns, so that the secretariat
    can correct them in Excel and import the file back as it is (re-importing it unchanged
    changes nothing), then each member's participation and go-live dates, to read."""
    participations = (Participation.objects.filter(consortium=consortium).select_related("body")
                      .order_by("body__code"))
    # Population, date, source and households from one record: the latest, which is the
    # population the body shows (members.services.body_population_refresh).
    latest: dict[int, tuple] = {}
    for body_id, *values in (PopulationRecord.objects.filter(body__participations__consortium=consortium)
                             .order_by("body_id", "-as_of", "-id")
                             .values_list("body_id", "population", "as_of", "source", "households")):
        latest.setdefault(body_id, values)
    with override("ja"):
        statuses = {status: str(label) for status, label in ParticipationStatus.choices}
    records = []
    for participation in participations:
        body = participation.body
        population, as_of, source, households = latest.get(body.pk, (None, None, None, None))
        cells = {
            "code": body.code, "name": body.name, "kana": body.kana, "kind": KIND_LABELS.get(body.kind, body.kind),
            "prefecture": body.prefecture, "district": body.district,
            "population": population, "population_as_of": as_of,
            "population_source": POPULATION_SOURCE_LABELS.get(source), "households": households,
            "mayor_name": body.mayor_name, "mayor_email": body.mayor_email,
        }
        records.append([_blank_if_none(cells[column.key]) for column in BODY_COLUMNS] + [
            statuses.get(participation.status, participation.status),
            _blank_if_none(participation.planned_go_live), _blank_if_none(participation.actual_go_live)])
    return [column.label for column in BODY_COLUMNS] + list(MEMBERS_SHEET_EXTRA), records


def _blank_if_none(value):
    return "" if value is None else value
