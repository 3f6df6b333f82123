"""The side-by-side comparison as CSV (UTF-8 with BOM, so Japanese Excel opens it) or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook


def comparison_headers() -> list[str]:
    return [
        _("Rank"), _("Code"), _("Name"), _("Status"), _("Population"),
        _("Current cost (yen)"), _("Cost per resident (yen)"), _("Main vendor"),
    ]


def comparison_records(rows, ranks: dict[int, int], status_labels: dict[str, str]) -> Iterator[list]:
    fields = ("body_id", "body__code", "body__name", "status", "population", "total_cost",
              "cost_per_resident", "main_vendor")
    for _body_id, code, name, status, population, total, per_resident, vendor in rows.values_list(*fields):
        yield [ranks.get(per_resident, ""), code, name, str(status_labels.get(status, status)), population,
               total, per_resident, vendor or ""]


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
