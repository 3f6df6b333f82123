"""Report rendering figures, each against a baseline measured in the same run.

- a mayor briefing against a minimal one-page WeasyPrint document, and beside them the
  briefing built up part by part — its empty page frame (page rules, running heads, page
  numbers, both font faces around one line), its words, its table of figures, its chart,
  and finally its data read and its template filled — so that the figures say what each
  part costs; and its text floor: the briefing's own lines of text with nothing else,
  laid out in the cheapest way we measured — about what any layout of the same words costs;
- the side-by-side report of a national-scale consortium against WeasyPrint rendering a
  plain HTML table of the same rows and columns;
- a batch of briefings through real Celery workers, 2 processes against 1;
- a render loop's resident memory over many briefings.

Both baselines use the same Japanese font as the reports: without it WeasyPrint would
draw the names in no font at all, which is not the same work.
"""

from __future__ import annotations

import contextlib
import html as html_escaping
import itertools
import statistics
import tempfile
import time
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.template import engines
from django.test import override_settings
from django.utils.translation import override
from weasyprint.formatting_structure import boxes

from apps.allocation.models import AllocationPlan
from apps.reports import pdf, services, tasks, workers
from apps.reports.models import Kind, Report, ReportJob
from apps.reports.selectors import Options, briefing_context, side_by_side_context

FONT_CSS = """
@font-face { font-family: "BIZ UDGothic"; src: url("fonts/BIZUDGothic-Regular.ttf"); }
@page { size: A4; margin: 18mm 14mm; }
body { font-family: "BIZ UDGothic"; font-size: 9.5pt; }
table { border-collapse: collapse; } td { border: 0.5pt solid #999; padding: 1mm; }
"""

MINIMAL_HTML = f"<!doctype html><html lang='ja'><style>{FONT_CSS}</style><body><p>伊奈町 首長向け説明資料</p></body></html>"

# The comparison is printed on A4 landscape; its baseline is laid out on the same paper.
PLAIN_TABLE_CSS = FONT_CSS + "@page { size: A4 landscape; }"
PLAIN_TABLE = engines["django"].from_string(
    "<!doctype html><html lang='ja'><style>{{ css|safe }}</style><body><table>"
    "{% for r in rows %}<tr><td>{{ r.rank }}</td><td>{{ r.code }}</td><td>{{ r.name }}</td><td>{{ r.population }}</td>"
    "<td>{{ r.current_cost }}</td><td>{{ r.per_resident }}</td><td>{{ r.main_vendor }}</td>"
    "<td>{{ r.share.share }}</td><td>{{ r.share.saving }}</td><td>{{ r.share.saving_ratio }}</td></tr>{% endfor %}"
    "</table></body></html>")


@dataclass(frozen=True)
class Timing:
    median_ms: float
    runs: int


def timed_against(*functions, repeats: int) -> tuple[Timing, ...]:
    """Median times of a render and its baselines, run in turn, so that a slower stretch
    of a shared machine weighs on all of them alike."""
    for function in functions:
        function()  # warm: fonts loaded and cached, templates compiled
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(repeats):
        for function, times in zip(functions, samples, strict=True):
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
    return tuple(Timing(median_ms=statistics.median(times), runs=repeats) for times in samples)


# The briefing's own template with its content replaced by one line.
FRAME_ONLY = engines["django"].from_string(
    '{% extends "reports/pdf/briefing.html" %}{% block body %}<p>{{ body.name }}長 様　ご説明資料</p>{% endblock %}')
# The briefing's words alone: every heading, sentence and list item, without its
# table of figures and its chart.
WORDS_ONLY = engines["django"].from_string(
    '{% extends "reports/pdf/briefing.html" %}{% block figures %}{% endblock %}{% block chart %}{% endblock %}')
# Everything but the chart.
NO_CHART = engines["django"].from_string('{% extends "reports/pdf/briefing.html" %}{% block chart %}{% endblock %}')


def laid_out_lines(html: str) -> list[str]:
    """A report's text as WeasyPrint lays it out, a line at a time: the running heads
    and page numbers, every heading, sentence, table cell and chart label."""
    lines = []
    for page in pdf.report_document(html).pages:
        # WeasyPrint's Page has no public accessor for its laid-out box tree, only _page_box
        # (tests/reports/test_bench.py fails if that changes). The chart's columns are
        # absolutely positioned, and WeasyPrint wraps such boxes in AbsolutePlaceholder
        # objects, which descendants() walks into only when asked to.
        for line in page._page_box.descendants(placeholders=True):
            if isinstance(line, boxes.LineBox):
                text = "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox)).strip()
                if text:
                    lines.append(text)
    return lines


def text_floor_html(lines: list[str]) -> str:
    """The lines alone, in the minimal document's font and page: one block of
    preformatted lines, the cheapest way to lay them out that we measured (a paragraph a
    line costs a third more). No table, chart, bold face or running head."""
    return (f"<!doctype html><html lang='ja'><style>{FONT_CSS} pre {{ font: 8pt/1.2 'BIZ UDGothic'; margin: 0; }}"
            f"</style><body><pre>{html_escaping.escape(chr(10).join(lines))}</pre></body></html>")


@dataclass(frozen=True)
class BriefingFigures:
    """One briefing, and the same briefing built up part by part (each a PDF from HTML
    already filled in, but the last)."""
    minimal: Timing
    frame: Timing
    words: Timing      # + the words
    no_chart: Timing   # + the table of figures
    pdf: Timing        # + the chart: the whole briefing from its filled template
    briefing: Timing   # + its data read and its template filled: what a job does
    html: Timing       # its data read and its template filled, alone (no PDF)
    text_floor: Timing  # its lines of text alone, in one font and one block
    lines: int
    pages: int


def briefing_vs_minimal(*, plan: AllocationPlan, repeats: int) -> BriefingFigures:
    body = plan.members.select_related("body").first().body
    options = Options(calendar="era")

    def briefing():
        return services.render_report(kind=Kind.BRIEFING, consortium=plan.consortium,
                                      fiscal_year=plan.cost_fiscal_year, plan=plan, body=body, options=options)

    def html():
        return services.render_html(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=plan.cost_fiscal_year,
                                    plan=plan, body=body, options=options)

    with override("ja"):
        context = briefing_context(consortium=plan.consortium, body=body, plan=plan, fiscal_year=plan.cost_fiscal_year,
                                   options=options)
        frame_html, words_html, no_chart_html = (template.render(context)
                                                 for template in (FRAME_ONLY, WORDS_ONLY, NO_CHART))
    whole_html = html()
    lines = laid_out_lines(whole_html)
    floor_html = text_floor_html(lines)
    minimal, frame, words, no_chart, whole, full, data, floor = timed_against(
        lambda: pdf.html_to_pdf(MINIMAL_HTML), lambda: pdf.report_to_pdf(frame_html),
        lambda: pdf.report_to_pdf(words_html), lambda: pdf.report_to_pdf(no_chart_html),
        lambda: pdf.report_to_pdf(whole_html), briefing, html, lambda: pdf.html_to_pdf(floor_html),
        repeats=repeats)
    return BriefingFigures(minimal=minimal, frame=frame, words=words, no_chart=no_chart, pdf=whole, briefing=full,
                           html=data, text_floor=floor, lines=len(lines), pages=briefing().pages)


def side_by_side_vs_plain_table(*, plan: AllocationPlan, repeats: int) -> tuple[Timing, Timing, int, int]:
    consortium, year = plan.consortium, plan.cost_fiscal_year

    def report():
        return services.render_report(kind=Kind.SIDE_BY_SIDE, consortium=consortium, fiscal_year=year, plan=plan,
                                      body=None, options=Options())

    def plain_table():
        # The same rows read the same way, so only the report's own layout is compared.
        rows = side_by_side_context(consortium=consortium, fiscal_year=year, plan=plan, options=Options())["rows"]
        return pdf.html_to_pdf(PLAIN_TABLE.render({"rows": rows, "css": PLAIN_TABLE_CSS}))

    rows = len(side_by_side_context(consortium=consortium, fiscal_year=year, plan=plan, options=Options())["rows"])
    return *timed_against(report, plain_table, repeats=repeats), rows, report().pages


def resident_mb() -> float:
    """This process's resident set now (Linux), in MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    import resource

    return pages * resource.getpagesize() / 1024 / 1024


def memory_over_renders(*, plan: AllocationPlan, renders: int, warmup: int = 20) -> tuple[float, float]:
    """Resident memory after a warm-up and after ``renders`` more briefings, as one
    worker child does between recyclings."""
    bodies = itertools.cycle([m.body for m in plan.members.select_related("body")])
    options = Options(calendar="era")

    def render():
        services.render_pdf(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=plan.cost_fiscal_year,
                            plan=plan, body=next(bodies), options=options)

    for _ in range(warmup):
        render()
    before = resident_mb()
    for _ in range(renders):
        render()
    return before, resident_mb()


def batch_seconds(*, plan: AllocationPlan, broker: str, briefings: int, concurrency: int, user) -> float:
    """Wall time for real workers to render ``briefings`` jobs, from enqueueing to the last
    one done. Workers start and render one job per process first, so start-up and font
    loading are not counted."""
    bodies = itertools.cycle([m.body for m in plan.members.select_related("body")])

    @transaction.atomic
    def jobs(count):
        return [services.job_create(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=plan.cost_fiscal_year,
                                    plan=plan, body=next(bodies), requested_by=user, enqueue=False).pk
                for _ in range(count)]

    def enqueue(ids):
        for job_id in ids:
            tasks.render_job.delay(job_id)

    def all_done(ids):
        return not ReportJob.objects.filter(pk__in=ids).exclude(status=ReportJob.Status.DONE).exists()

    with workers.worker_running(broker=broker, concurrency=concurrency, max_tasks_per_child=1000) as process:
        warm = jobs(concurrency * 2)
        enqueue(warm)
        workers.wait_until(lambda: all_done(warm), process=process, timeout=120)
        measured = jobs(briefings)  # created first, as a batch creates them, then all enqueued at once
        start = time.perf_counter()
        enqueue(measured)
        finished = workers.wait_until(lambda: all_done(measured), process=process, timeout=60 + briefings * 5,
                                      every=0.1)
        elapsed = time.perf_counter() - start
    failed = ReportJob.objects.filter(pk__in=measured).exclude(status=ReportJob.Status.DONE).count()
    if not finished or failed:
        raise RuntimeError(f"{failed} of {briefings} briefings did not render")
    return elapsed


@contextlib.contextmanager
def scratch_archive() -> Iterator[None]:
    """Benchmark renders go to a temporary folder and are removed afterwards: they are
    measurements, not reports anybody asked for, so they do not belong in the archive."""
    last_report = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_job = ReportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder, \
            override_settings(REPORTS_ROOT=Path(folder)):
        try:
            yield
        finally:
            # QuerySet.delete bypasses Report.delete, which refuses for real reports.
            Report.objects.filter(pk__gt=last_report).delete()
            ReportJob.objects.filter(pk__gt=last_job).delete()
