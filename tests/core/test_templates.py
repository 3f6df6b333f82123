"""Templates say nothing they did not mean to: a Django ``{# … #}`` comment ends on its
own line, and one that runs on is printed on the page as text (the batch page showed its
own comment to the secretariat)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_one_line_comment_runs_onto_the_next_line():
    open_comments = [f"{path.relative_to(TEMPLATES)}:{number}"
                     for path in sorted(TEMPLATES.rglob("*")) if path.is_file()
                     for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                     if re.search(r"\{#(?!.*#\})", line)]
    assert open_comments == [], "use {% comment %} for a comment of several lines"
