"""The national catalogue of business systems, loaded from the CSV shipped with the app."""

import csv
from pathlib import Path

CATALOGUE_CSV = Path(__file__).parent / "data" / "business-systems.csv"
WHOLE_ENTRY = {"code": "whole", "name_ja": "業務全体（一括）", "name_en": "All systems (not broken down)",
               "standardised": False}


def catalogue_entries() -> list[dict]:
    with CATALOGUE_CSV.open(encoding="utf-8") as handle:
        rows = [
            {"code": row["code"], "name_ja": row["name_ja"], "name_en": row["name_en"],
             "standardised": row["standardised"] == "yes"}
            for row in csv.DictReader(handle)
        ]
    return rows + [WHOLE_ENTRY]


def catalogue_load(business_system_model) -> None:
    """Create or refresh the national entries (idempotent; used by a data migration)."""
    for order, entry in enumerate(catalogue_entries(), start=1):
        business_system_model.objects.update_or_create(
            code=entry["code"], defaults={**entry, "sort_order": order * 10, "consortium": None}
        )
