"""Every page a user reaches passes axe-core's checks for WCAG 2.1 A and AA.

Japanese public bodies are asked to meet JIS X 8341-3:2016, which is WCAG 2.0 AA: text
contrast, form labels, names for links and buttons, the page's language and structure.
The secretariat's pages and a town's IT officer's are walked in a real browser, one page of
each route.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.browsing import log_in, walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page, axe: Axe) -> list[str]:
    found = axe.run(page, options=AXE_OPTIONS).response["violations"]
    return [f"{page.url}: {rule['id']} ({rule['impact']}) {rule['help']} — at {node['target']}"
            for rule in found for node in rule["nodes"][:3]]


def test_every_page_of_the_secretariat_and_a_town_passes_axe(page, demo):
    axe = Axe()
    page.goto(f"{demo}/accounts/login/")
    problems = violations(page, axe)
    for username, at_least in (("jimukyoku", 30), ("ina-staff", 10)):
        log_in(page, demo, username)
        pages, found = walk(page, demo, lambda page: violations(page, axe))
        assert len(pages) >= at_least, (username, sorted(pages))
        problems += found
        page.context.clear_cookies()
    assert not problems, "\n".join(problems)
