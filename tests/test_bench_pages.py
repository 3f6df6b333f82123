"""The page benchmark runs and prints each of its figures (on a small council here: the
figures themselves are measured by running it, not by tests)."""

import io
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_page_benchmark_prints_every_page_with_its_queries_and_time():
    out = io.StringIO()
    call_command("bench_pages", bodies=30, years=1, repeats=1, stdout=out)
    printed = out.getvalue()
    for page in ("side-by-side", "member list", "admin change list", "reports page", "meeting page",
                 "meeting attendance form"):
        assert re.search(rf"^{re.escape(page)}.*queries +\d+ +median +[\d.]+ ms", printed, re.M), page
    assert re.search(r"^meeting attendance form .* rows +31 ", printed, re.M)  # a row per member, and the heading
    assert "full CSV export" in printed and "rows    30" in printed
