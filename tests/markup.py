"""A page's markup read without a browser, for tests of what a screen reader is given."""

import re
from html.parser import HTMLParser


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def elements(page: str, tag: str | None = None, **having: str) -> list[dict[str, str]]:
    """The attributes of each element of the page (of that tag; with those attributes,
    ``data_x=""`` for ``data-x``, any value for ``...``)."""
    parser = _Elements()
    parser.feed(page)
    wanted = {name.replace("_", "-"): value for name, value in having.items()}
    return [attrs for name, attrs in parser.found if (tag is None or name == tag) and all(
        key in attrs and (value is ... or attrs[key] == value) for key, value in wanted.items())]


def text_of(page: str, element_id: str) -> str:
    """The text of the element with that id, up to the end of its first closing tag's
    innermost element (enough for the one-line messages these tests read)."""
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</', page, re.S)
    return match.group(1).strip() if match else ""


def undescribed(page: str) -> list[str]:
    """The ids that an element's aria-describedby names but no element of the page has."""
    ids = {attrs["id"] for attrs in elements(page) if "id" in attrs}
    return [name for attrs in elements(page) for name in attrs.get("aria-describedby", "").split()
            if name not in ids]


def headerless_tables(page: str) -> list[str]:
    """The start of each table of the page with no header cell, which a screen reader reads
    as figures without saying what they are."""
    return [table[:120] for table in re.findall(r"<table.*?</table>", page, re.S) if "<th" not in table]


def empty_headers(page: str) -> list[str]:
    """Header cells with nothing in them for a screen reader to say."""
    return re.findall(r"<th[^>]*>\s*</th>", page)
