"""What every template owes a screen reader and a keyboard, checked over all of them so that
a new page gets it too."""

import re
from pathlib import Path

from django.template import engines
from django.utils import translation

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


def test_every_box_that_scrolls_sideways_is_written_by_the_tag_that_a_keyboard_can_scroll():
    # axe's scrollable-region-focusable: a wide table on a phone scrolled only under a finger or mouse.
    by_hand = {name for name, text in templates().items()
               if re.search(r'class="[^"]*(table-responsive|chart-frame)', text)}
    assert not by_hand, sorted(by_hand)


def test_a_scroll_region_is_focusable_and_named():
    with translation.override("en"):
        page = engines["django"].from_string(
            '{% load consortium_a11y %}{% scroll_region _("Population") %}<table></table>{% end_scroll_region %}'
            '{% scroll_region name look="chart-frame" %}<svg></svg>{% end_scroll_region %}').render({"name": "A & B"})
    assert page == ('<div class="table-responsive" tabindex="0" role="region" aria-label="Population">'
                    '<table></table></div>'
                    '<div class="chart-frame" tabindex="0" role="region" aria-label="A &amp; B"><svg></svg></div>')


def test_no_header_cell_is_left_empty():
    # A screen reader announced the corner and the column of buttons as nothing: each says what it heads
    # (visually hidden where the page shows no text).
    empty = {name for name, text in templates().items() if re.search(r"<th[^>]*>\s*</th>", text)}
    assert not empty, sorted(empty)
