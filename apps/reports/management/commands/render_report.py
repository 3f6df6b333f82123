"""Render a report through the same job code the workers run, and copy it to --out."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.allocation.models import AllocationPlan
from apps.allocation.selectors import latest_published_plan
from apps.members.models import Consortium, MemberBody
from apps.reports import services
from apps.reports.models import Kind
from apps.reports.selectors import Options


class Command(BaseCommand):
    help = "Render side_by_side or briefing as a PDF (archived like any other report) and write it to --out."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[Kind.SIDE_BY_SIDE, Kind.BRIEFING])
        parser.add_argument("--consortium", required=True)
        parser.add_argument("--fiscal-year", type=int, help="fiscal year of the current costs (default: the plan's)")
        parser.add_argument("--body", help="local government code (briefing)")
        plans = parser.add_mutually_exclusive_group()
        plans.add_argument("--plan", type=int, help="published plan id (default: the latest published)")
        plans.add_argument("--no-plan", action="store_true",
                           help="without a plan: current costs only (a year without a plan, a member outside it)")
        parser.add_argument("--unit", choices=["yen", "thousand"], default="yen")
        parser.add_argument("--calendar", choices=["western", "era"], default="era")
        parser.add_argument("--out", required=True)
        parser.add_argument("--as-user", default=None, help="recorded as the requester (default: first superuser)")

    def handle(self, *args, kind, consortium, fiscal_year, body, plan, no_plan, unit, calendar, out, as_user,
               **options):
        if kind == Kind.BRIEFING and not body:
            raise CommandError("a briefing is for one member: give its local government code with --body")
        target = Consortium.objects.filter(slug=consortium).first() or self._fail(f"no consortium {consortium!r}")
        chosen_plan = None
        if plan is not None:
            chosen_plan = AllocationPlan.objects.filter(pk=plan, consortium=target, status="published").first() \
                or self._fail(f"no published plan {plan} in {consortium}")
        elif not no_plan:
            chosen_plan = latest_published_plan(consortium=target)
        year = fiscal_year or (chosen_plan.cost_fiscal_year if chosen_plan else None) or self._fail(
            "--fiscal-year is needed without a plan (--no-plan, or no published plan)")
        member = None
        if kind == Kind.BRIEFING:
            member = MemberBody.objects.filter(code=body, participations__consortium=target).first() \
                or self._fail(f"{body!r} is not a member of {consortium}")
        user = (User.objects.filter(username=as_user).first() if as_user
                else User.objects.filter(is_superuser=True).order_by("pk").first()) or self._fail(
            "no user to record as the requester (create a superuser or pass --as-user)")
        try:
            job = services.job_create(kind=kind, consortium=target, fiscal_year=year, plan=chosen_plan, body=member,
                                      requested_by=user, options=Options(unit=unit, calendar=calendar), enqueue=False)
        except ValidationError as error:
            # The services' advice, «…or no plan», is --no-plan here.
            hint = " (without a plan: --no-plan)" if chosen_plan else ""
            raise CommandError(" ".join(error.messages) + hint) from error
        report = services.job_run(job.pk)
        Path(out).write_bytes(services.report_content(report))
        self.stdout.write(self.style.SUCCESS(
            f"{out}: {report.pages} pages, {report.size:,} bytes, sha256 {report.sha256} (report {report.pk})"))

    def _fail(self, message):
        raise CommandError(message)
