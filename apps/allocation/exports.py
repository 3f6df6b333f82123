"""A plan's result as a spreadsheet's rows: the figures its page shows, one member a row."""

from __future__ import annotations

from django.utils.translation import gettext as _


def result_sheet(rows: list[dict], pool_names: list[str]) -> tuple[list[str], list[list]]:
    """Headers and records from the page's rows (``presentation.result_rows``, withheld as the
    reader reads them). An empty cell is a figure the reader does not get or that does not
    exist (no current cost, a pool the member is not in), never a 0. The saving ratio is the
    engine's, to 4 places."""
    headers = [_("Code"), _("Name"), _("Population"), _("As of"),
               *(_("%(pool)s (yen)") % {"pool": name} for name in pool_names),
               _("Base (yen)"), _("Adjustment (yen)"), _("Share (yen)"), _("Current cost (yen)"), _("Saving (yen)"),
               _("Saving ratio")]
    records = [[_blank_if_none(value) for value in (
        row["code"], row["name"], row["population"], row["population_as_of"], *row["pool_shares"], row["base"],
        row["adjustment"], row["share"], row["current_cost"], row["saving"], row["saving_ratio"])] for row in rows]
    return headers, records


def _blank_if_none(value):
    return "" if value is None else value
