from django.core.management.base import BaseCommand

from apps.costs import importers
from apps.costs.management.commands._importing import consortium_or_fail, read_file, run_import


class Command(BaseCommand):
    help = "Import current costs for one fiscal year from CSV or XLSX. All rows or none; exit 2 on bad rows."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--consortium", required=True)
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--unit", choices=["yen", "thousand"], default="yen",
                            help="unit of the amounts in the file (thousand = 千円)")

    def handle(self, *args, file, consortium, fiscal_year, unit, **options):
        data = read_file(file)
        target = consortium_or_fail(consortium)
        run_import(
            self,
            parse=lambda: importers.parse_costs(data, file, consortium=target, fiscal_year=fiscal_year, unit=unit),
            apply=lambda parsed: importers.apply_costs(parsed, fiscal_year=fiscal_year, consortium=target),
        )
