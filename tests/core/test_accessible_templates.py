"""What every template owes a screen reader and a keyboard, checked over all of them so that
a new page gets it too."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SHARED = {"includes/field_errors.html", "includes/error_summary.html"}


def templates() -> dict[str, str]:
    return {str(path.relative_to(TEMPLATES)): path.read_text() for path in TEMPLATES.rglob("*.html")}


def test_field_errors_are_written_by_the_one_partial_that_ties_them_to_their_field():
    # Django names «id_…_error» in a field's aria-describedby; a message written by hand had no such id.
    by_hand = {name for name, text in templates().items() if name not in SHARED
               and re.search(r"{% for \w+ in [\w.]+\.errors %}", text.replace("non_field_errors", "").replace(
                   "non_form_errors", ""))}
    assert not by_hand, sorted(by_hand)
