"""``allocate --input plan.json [--output result.json]``: the engine on a JSON plan.

Formats are those of the allocation spec. Refused input prints the engine's message to
standard error and exits with status 2, writing nothing.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.allocation import engine


class Command(BaseCommand):
    help = "Allocate a plan given as JSON (see the allocation spec); prints or writes the result JSON."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="plan JSON file ('-' for standard input)")
        parser.add_argument("--output", help="result JSON file (default: standard output)")

    def handle(self, *args, input, output=None, **options):
        try:
            text = sys.stdin.read() if input == "-" else Path(input).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {input}: {error.strerror}") from None
        try:
            data = json.loads(text)
            result = engine.allocate(engine.plan_from_json(data))
        except json.JSONDecodeError as error:
            self.stderr.write(f"{input}: not valid JSON: {error}")
            sys.exit(2)
        except engine.AllocationError as error:
            self.stderr.write(str(error))
            sys.exit(2)
        rendered = json.dumps(engine.result_to_json(result), ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(rendered, encoding="utf-8")
        else:
            self.stdout.write(rendered, ending="")
