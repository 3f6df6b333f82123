"""The report benchmark's measurements run (the figures themselves come from
``manage.py bench_reports``, never from a timed test)."""

import pytest

from apps.reports import bench

pytestmark = pytest.mark.django_db


def test_the_briefing_and_its_baselines_are_all_timed_in_one_run(council):
    figures = bench.briefing_vs_minimal(plan=council["plan"], repeats=2)
    assert figures.pages == 1
    timings = (figures.briefing, figures.html, figures.frame, figures.minimal)
    assert all(timing.runs == 2 and timing.median_ms > 0 for timing in timings)


def test_the_frame_baseline_is_the_briefing_page_setup_around_one_line(council):
    body = council["plan"].members.select_related("body").first().body
    html = bench.FRAME_ONLY.render({"body": body, "consortium": council["plan"].consortium, "made_on": "令和7年4月1日"})
    assert "@top-left" in html and "counter(pages)" in html and "BIZUDGothic-Bold.ttf" in html
    assert f"{body.name}長 様" in html and "構成団体の削減率" not in html


def test_the_side_by_side_is_timed_against_a_plain_table_of_the_same_rows(council):
    report, plain, rows, pages = bench.side_by_side_vs_plain_table(plan=council["plan"], repeats=1)
    assert rows == len(council["bodies"]) and pages >= 2
    assert report.runs == plain.runs == 1
