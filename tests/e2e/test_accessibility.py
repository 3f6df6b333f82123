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


def violations(page, axe: Axe, options: dict = AXE_OPTIONS) -> list[str]:
    found = axe.run(page, options=options).response["violations"]
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


PHONE = {"width": 375, "height": 812}
INA, OPEN_YEAR = "113018", 2026  # the demo's town and the year its survey is open

# Each box of the page that scrolls sideways: what a keyboard needs of it to scroll it.
SCROLLERS = """() => [...document.querySelectorAll(".table-responsive, .chart-frame")]
  .filter(box => box.scrollWidth > box.clientWidth)
  .map(box => ({tabindex: box.getAttribute("tabindex"), role: box.getAttribute("role"),
                label: box.getAttribute("aria-label"), scrolls: box.scrollWidth - box.clientWidth}))"""


def test_wide_tables_and_the_plans_chart_scroll_by_keyboard_on_a_phone(browser, demo):
    context = browser.new_context(locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    axe, problems, scrolling = Axe(), [], 0
    only = {"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}, "resultTypes": ["violations"]}
    log_in(page, demo, "ina-staff")
    plan = page.eval_on_selector("a[href^='/plans/']", "link => link.getAttribute('href')")
    for path in (f"/bodies/{INA}/", f"/bodies/{INA}/costs/?fy={OPEN_YEAR}", plan):
        assert page.goto(demo + path).status == 200, path
        problems += violations(page, axe, only)
        for box in page.evaluate(SCROLLERS):
            scrolling += 1
            assert box["tabindex"] == "0" and box["role"] == "region" and box["label"], (path, box)
    assert scrolling, "no table scrolled sideways at 375 px: the test no longer tests anything"
    # The chart's frame takes the focus from the keyboard and scrolls under the arrow key.
    frame = page.locator(".chart-frame")
    frame.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.chart-frame').scrollLeft > 0")
    context.close()
    assert not problems, "\n".join(problems)


def test_a_keyboard_skips_the_menus_and_the_language_changes_only_by_its_button(page, demo):
    log_in(page, demo, "ina-staff")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"  # 本文へ移動
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    where = page.url
    language = page.locator("select[name=language]")
    language.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("ArrowDown")  # moving the menu changes nothing yet (WCAG 3.2.2)
    page.wait_for_timeout(500)
    assert page.url == where and page.evaluate("document.documentElement.lang") == "ja"
    assert language.input_value() == "en"
    page.locator("form:has(select[name=language]) button[type=submit]").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")


def test_a_refused_save_of_the_cost_form_takes_the_focus_to_a_summary_of_its_errors(page, demo):
    """The error was in row 41 and the page reloaded at its top saying nothing."""
    log_in(page, demo, "ina-staff")
    page.goto(f"{demo}/bodies/{INA}/costs/{OPEN_YEAR}/edit/")
    last = int(page.input_value("input[name=costs-TOTAL_FORMS]")) - 1
    page.select_option(f"select[name=costs-{last}-business_system]", label="住民基本台帳")
    page.select_option(f"select[name=costs-{last}-category]", value="software")
    page.fill(f"input[name=costs-{last}-amount]", "-5")
    page.click("main form:has(input[name=costs-TOTAL_FORMS]) button[type=submit]")
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    link = page.locator("[data-error-summary] a")
    assert link.count() == 1 and f"{last + 1}" in link.inner_text()
    link.click()
    assert page.evaluate("document.activeElement.name") == f"costs-{last}-amount"
