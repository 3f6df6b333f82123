"""Spreadsheets out: the side-by-side comparison, and one body's figures as the sheet its
staff fill in and upload back; CSV (UTF-8 with BOM, so Japanese Excel opens it) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook

from apps.costs.importers import COST_COLUMNS
from apps.costs.models import BusinessSystem, CostCategory, CostRecord


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
    writer.writerow(headers)
    writer.writerows(records)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(headers: list[str], records: Iterable[list], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for record in records:
        sheet.append(record)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
