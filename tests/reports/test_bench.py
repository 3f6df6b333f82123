"""The report benchmark's measurements run (the figures themselves come from
``manage.py bench_reports``, never from a timed test)."""

import pytest

from apps.reports import bench

pytestmark = pytest.mark.django_db


def test_the_briefing_and_its_baseline_are_both_timed_in_one_run(council):
    briefing, minimal, pages = bench.briefing_vs_minimal(plan=council["plan"], repeats=2)
    assert pages == 1 and briefing.runs == minimal.runs == 2
    assert briefing.median_ms > 0 and minimal.median_ms > 0


def test_the_side_by_side_is_timed_against_a_plain_table_of_the_same_rows(council):
    report, plain, rows, pages = bench.side_by_side_vs_plain_table(plan=council["plan"], repeats=1)
    assert rows == len(council["bodies"]) and pages >= 2
    assert report.runs == plain.runs == 1
