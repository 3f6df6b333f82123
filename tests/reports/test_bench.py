"""The report benchmark's measurements run (the figures themselves come from
``manage.py bench_reports``, never from a timed test)."""

import io

import pytest
from pypdf import PdfReader

from django.utils.translation import override

from apps.reports import bench, pdf, services
from apps.reports.models import Kind
from apps.reports.selectors import Options, briefing_context

pytestmark = pytest.mark.django_db


def test_the_briefing_and_its_baselines_are_all_timed_in_one_run(council):
    figures = bench.briefing_vs_minimal(plan=council["plan"], repeats=2)
    assert figures.pages == 1
    timings = (figures.minimal, figures.frame, figures.words, figures.no_chart, figures.pdf, figures.briefing,
               figures.html, figures.text_floor)
    assert all(timing.runs == 2 and timing.median_ms > 0 for timing in timings)


def test_the_frame_baseline_is_the_briefing_page_setup_around_one_line(council):
    body = council["plan"].members.select_related("body").first().body
    html = bench.FRAME_ONLY.render({"body": body, "consortium": council["plan"].consortium, "made_on": "令和7年4月1日"})
    assert "@top-left" in html and "counter(pages)" in html
    assert f"{body.name}長 様" in html and "構成団体の削減率" not in html


def test_the_words_are_the_briefing_without_its_table_and_chart_then_the_table_is_added(council):
    plan = council["plan"]
    body = plan.members.select_related("body").first().body
    briefing = services.render_html(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=plan.cost_fiscal_year,
                                    plan=plan, body=body, options=Options())
    with override("ja"):
        words = bench.WORDS_ONLY.render(briefing_context(consortium=plan.consortium, body=body, plan=plan,
                                                         fiscal_year=plan.cost_fiscal_year, options=Options()))
        no_chart = bench.NO_CHART.render(briefing_context(consortium=plan.consortium, body=body, plan=plan,
                                                          fiscal_year=plan.cost_fiscal_year, options=Options()))
    for html in (briefing, words, no_chart):
        assert f"{body.name}長 様" in html and "按分の考え方" in html and "今後の予定と未了事項" in html
    assert '<table class="figures">' in briefing and 'class="chart"' in briefing
    assert "<table" not in words and 'class="chart"' not in words
    assert '<table class="figures">' in no_chart and 'class="chart"' not in no_chart


def test_the_text_floor_is_every_line_of_the_briefing_and_nothing_else(council, comparison_published):
    plan = council["plan"]
    body = plan.members.select_related("body").first().body
    briefing = services.render_html(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=plan.cost_fiscal_year,
                                    plan=plan, body=body, options=Options())
    lines = bench.laid_out_lines(briefing)
    # Running heads, headings, table cells, chart labels and ratios, each a line as laid out.
    assert f"{body.name} 首長向け説明資料（{plan.consortium.name}）" in lines
    assert f"{body.name}長 様　ご説明資料" in lines and "1. 貴団体の経費" in lines and "削減率" in lines
    assert lines.count("1 / 1") == 1
    assert all(member.body.name in lines for member in plan.members.select_related("body"))
    floor = bench.text_floor_html(lines)
    assert "<table" not in floor and "<svg" not in floor and "<img" not in floor and "@page {" in floor
    # Rendered as the benchmark renders it: one page, as the briefing, with every line's text.
    rendered = PdfReader(io.BytesIO(pdf.html_to_pdf(floor)))
    assert len(rendered.pages) == 1
    assert f"{body.name}長 様　ご説明資料" in rendered.pages[0].extract_text()


def test_the_side_by_side_is_timed_against_a_plain_table_of_the_same_rows(council):
    report, plain, rows, pages = bench.side_by_side_vs_plain_table(plan=council["plan"], repeats=1)
    assert rows == len(council["bodies"]) and pages >= 2
    assert report.runs == plain.runs == 1
