"""What the two import commands share: reading the file, reporting, exit status 2."""

import sys
from pathlib import Path

from django.core.management.base import CommandError

from apps.costs.importers import ImportRefused
from apps.members.models import Consortium


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None


def consortium_or_fail(slug: str) -> Consortium:
    try:
        return Consortium.objects.get(slug=slug)
    except Consortium.DoesNotExist:
        raise CommandError(f"no consortium with slug {slug!r}") from None


def run_import(command, parse, apply) -> None:
    """Parse, then apply; on any bad row print every error and exit 2 having written nothing."""
    try:
        parsed = parse()
        result = apply(parsed)
    except ImportRefused as refused:
        command.stderr.write(refused.report.format())
        command.stderr.write(f"{len(refused.report.errors)} error(s); nothing was imported.")
        sys.exit(2)
    for warning in parsed.report.warnings:
        command.stderr.write(f"warning: {warning}")
    command.stdout.write(command.style.SUCCESS(result.summary()))
