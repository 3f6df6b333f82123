from django.core.management.base import BaseCommand

from apps.costs import importers
from apps.costs.management.commands._importing import consortium_or_fail, read_file, run_import


class Command(BaseCommand):
    help = "Import member bodies from CSV (UTF-8 or CP932) or XLSX. All rows or none; exit 2 on bad rows."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--consortium", help="slug of the consortium the bodies are invited to")

    def handle(self, *args, file, consortium=None, **options):
        data = read_file(file)
        target = consortium_or_fail(consortium) if consortium else None
        run_import(
            self,
            parse=lambda: importers.parse_bodies(data, file, consortium=target),
            apply=lambda parsed: importers.apply_bodies(parsed, consortium=target),
        )
