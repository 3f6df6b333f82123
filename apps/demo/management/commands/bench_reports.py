"""Report rendering benchmark: prints each figure beside its baseline and target."""

import datetime
import os
import socket
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection

from apps.accounts.services import user_ensure
from apps.allocation.models import AllocationPlan
from apps.allocation.services import plan_create, plan_publish
from apps.demo.plans import PUBLISHED_NAME
from apps.demo.scale import SCALE_SLUG, seed_scale
from apps.demo.seed import seed_demo
from apps.members.models import Consortium
from apps.reports import bench, pdf

BRIEFING_LIMIT = 4.0      # × a minimal one-page document
SIDE_BY_SIDE_LIMIT = 1.5  # × a plain table of the same rows and columns
SPEEDUP_TARGET = 1.7      # 2 worker processes against 1
MEMORY_LIMIT_MB = 50      # growth over the render loop
SCALE_PLAN_NAME = "bench: national side-by-side"


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


class Command(BaseCommand):
    help = "Benchmark the PDF reports and the worker batch against same-run baselines; prints the figures."

    def add_arguments(self, parser):
        parser.add_argument("--repeats", type=int, default=9)
        parser.add_argument("--batch", type=int, default=200, help="briefings in the worker batch")
        parser.add_argument("--renders", type=int, default=500, help="briefings in the memory loop")
        parser.add_argument("--broker", default=os.environ.get("CELERY_BROKER_URL") or default_broker())
        parser.add_argument("--skip", action="append", default=[], choices=["briefing", "side_by_side", "batch",
                                                                            "memory"])

    def handle(self, *args, repeats, batch, renders, broker, skip, **options):
        user = user_ensure(username="bench", password="bench-password-not-for-use", is_superuser=True)
        council_plan = self._council_plan()
        self.stdout.write(f"database: {connection.vendor}; council: {council_plan.consortium.name} "
                          f"({council_plan.members.count()} members)")
        subsetter = pdf.font_subsetter()
        self.stdout.write(f"font subsetting: {subsetter}" + (
            "" if subsetter == "harfbuzz" else
            " — the slow fallback: install libharfbuzz-subset0 (system check reports.W001) before trusting these"))
        with bench.scratch_archive():
            if "briefing" not in skip:
                figures = bench.briefing_vs_minimal(plan=council_plan, repeats=repeats)
                minimal = figures.minimal.median_ms
                ratio = figures.briefing.median_ms / minimal
                self.stdout.write(
                    f"briefing ({figures.pages} page{'s' if figures.pages != 1 else ''}): median "
                    f"{figures.briefing.median_ms:.0f} ms; minimal one-page document {minimal:.0f} ms; ratio "
                    f"{ratio:.2f} — target ≤ {BRIEFING_LIMIT} {verdict(ratio <= BRIEFING_LIMIT)}")
                self.stdout.write("  the briefing built up part by part (× minimal):")
                for label, timing in (
                        ("its page frame around one line (page rules, running heads, page numbers)", figures.frame),
                        ("+ its words (headings, sentences, lists)", figures.words),
                        ("+ its table of figures", figures.no_chart),
                        ("+ its chart: the whole PDF from its filled template", figures.pdf),
                        ("+ reading its data and filling its template: the briefing", figures.briefing)):
                    self.stdout.write(f"    {label}: {timing.median_ms:.0f} ms = {timing.median_ms / minimal:.2f} ×")
                self.stdout.write(f"  reading its data and filling its template alone: {figures.html.median_ms:.0f} ms")
                floor = figures.text_floor.median_ms
                self.stdout.write(
                    f"  its text floor — its {figures.lines} lines of text alone, one font, one block, nothing else: "
                    f"{floor:.0f} ms = {floor / minimal:.2f} × minimal; the briefing is {figures.briefing.median_ms / floor:.2f} "
                    f"× its text floor")
            # Before the national side-by-side: memory freed after that large render would
            # hide growth in the loop.
            if "memory" not in skip:
                before, after = bench.memory_over_renders(plan=council_plan, renders=renders)
                growth = after - before
                self.stdout.write(
                    f"memory over {renders} briefings in one process: {before:.0f} MB → {after:.0f} MB, "
                    f"growth {growth:.1f} MB — target < {MEMORY_LIMIT_MB} MB {verdict(growth < MEMORY_LIMIT_MB)}")
            if "side_by_side" not in skip:
                report, plain, rows, pages = bench.side_by_side_vs_plain_table(plan=self._scale_plan(user),
                                                                                 repeats=max(3, repeats // 3))
                ratio = report.median_ms / plain.median_ms
                self.stdout.write(
                    f"side-by-side, {rows} bodies ({pages} pages): median {report.median_ms:.0f} ms; plain table "
                    f"{plain.median_ms:.0f} ms; ratio {ratio:.2f} — target ≤ {SIDE_BY_SIDE_LIMIT} "
                    f"{verdict(ratio <= SIDE_BY_SIDE_LIMIT)}")
            if "batch" not in skip:
                self._batch(council_plan, broker, batch, user)

    def _batch(self, plan, broker, briefings, user):
        if connection.vendor != "postgresql" or not broker:
            self.stdout.write("batch: skipped — real workers need PostgreSQL and a Redis broker "
                              "(DATABASE_URL, CELERY_BROKER_URL)")
            return
        with bench.workers.broker_in_use(broker):
            one = bench.batch_seconds(plan=plan, broker=broker, briefings=briefings, concurrency=1, user=user)
            two = bench.batch_seconds(plan=plan, broker=broker, briefings=briefings, concurrency=2, user=user)
        speedup = one / two
        self.stdout.write(
            f"batch of {briefings} briefings on real workers ({broker}): 1 process {one:.1f} s "
            f"({briefings / one:.1f}/s), 2 processes {two:.1f} s ({briefings / two:.1f}/s); speedup {speedup:.2f} "
            f"— target ≥ {SPEEDUP_TARGET} {verdict(speedup >= SPEEDUP_TARGET)} (on {os.cpu_count()} cores)")

    def _council_plan(self) -> AllocationPlan:
        plan = AllocationPlan.objects.filter(consortium__slug="saitama", name=PUBLISHED_NAME).first()
        if plan is None:
            self.stdout.write("Loading the demo council (seed_demo)…")
            seed_demo()
            plan = AllocationPlan.objects.get(consortium__slug="saitama", name=PUBLISHED_NAME)
        return plan

    def _scale_plan(self, user) -> AllocationPlan:
        consortium = Consortium.objects.filter(slug=SCALE_SLUG).first()
        if consortium is None:
            self.stdout.write("Generating 1,741 bodies × 5 years (seed_scale)…")
            seed_scale(bodies=1741, years=5)
            consortium = Consortium.objects.get(slug=SCALE_SLUG)
        plan = AllocationPlan.objects.filter(consortium=consortium, name=SCALE_PLAN_NAME).first()
        if plan is None:
            plan = plan_create(consortium=consortium, name=SCALE_PLAN_NAME, fiscal_year=2026, cost_fiscal_year=2025,
                               population_basis_date=datetime.date(2025, 1, 1), guarantee=Decimal("0.10"),
                               pools=[{"name": "基幹系", "amount": 20_000_000_000, "equal_ratio": Decimal("0.3"),
                                       "population_ratio": Decimal("0.7")}])
            plan = plan_publish(plan=plan, by=user)
        return plan


def default_broker() -> str:
    """Redis on 127.0.0.1:6379 if one answers (database 14, apart from the tests' 15)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/14"
    except OSError:
        return ""
