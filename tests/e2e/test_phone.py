"""A mayor reads the briefing's e-mail on a phone and follows its link: every page a town
reaches, and the secretariat's too, fits a phone's width. A wide table scrolls within its
own frame; the page itself never scrolls sideways, which on a phone hides half of every
line (the town's share table once stretched its page to 685 pixels on a 390-pixel screen).
"""

import pytest

from tests.e2e.browsing import log_in, walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}  # a common phone, in CSS pixels
INA, OPEN_YEAR = "113018", 2026  # the demo's town and the year its survey is open

# What sticks out past the right edge of the screen, outside any frame that scrolls or clips.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const framed = element => {
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(parent).overflowX)) return true;
    }
    return false;
  };
  const found = [...document.querySelectorAll("body *")]
    .filter(element => element.getBoundingClientRect().right > width + 1 && !framed(element))
    .slice(0, 3)
    .map(element => element.tagName.toLowerCase() + [...element.classList].map(name => "." + name).join("") +
                    ` to ${Math.round(element.getBoundingClientRect().right)} px of ${width}`);
  // Something inside a frame can still widen the page: an absolutely placed element (a
  // visually hidden label) whose frame is not positioned escapes it.
  return found.length ? found : [`the page is ${document.documentElement.scrollWidth} px wide on ${width}`];
}"""


def sideways(page) -> list[str]:
    return [f"{page.url}: {found}" for found in page.evaluate(OVERFLOW)]


def test_every_page_fits_a_phones_width(browser, demo):
    context = browser.new_context(locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    problems = []
    for username, at_least in (("ina-mayor", 5), ("ina-staff", 10), ("jimukyoku", 30)):
        log_in(page, demo, username)
        pages, found = walk(page, demo, sideways)
        assert len(pages) >= at_least, (username, sorted(pages))
        problems += found
        context.clear_cookies()
    # Linked only with a year in the address, which the walk leaves aside: the town's own
    # figures, and the form it fills them in on (its menus shrank to their arrows, and its
    # hidden labels widened the page to 596 px on a 375-px phone).
    log_in(page, demo, "ina-staff")
    for path in (f"/bodies/{INA}/costs/?fy={OPEN_YEAR}", f"/bodies/{INA}/costs/{OPEN_YEAR}/edit/"):
        assert page.goto(demo + path).status == 200, path
        problems += sideways(page)
    context.close()
    assert not problems, "\n".join(problems)


def test_a_towns_cost_form_shows_every_field_of_a_figure_on_a_phone(browser, demo):
    """In a table that scrolled sideways, the amount — the one field a town must fill — was
    off-screen; on a phone each figure is a card with every field labelled and in view."""
    context = browser.new_context(locale="ja-JP", viewport=PHONE)
    page = context.new_page()
    log_in(page, demo, "ina-staff")
    assert page.goto(f"{demo}/bodies/{INA}/costs/{OPEN_YEAR}/edit/").status == 200
    amount = page.locator("input[name='costs-0-amount']")
    box = amount.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert page.get_by_text("1行目 金額").first.is_visible()
    context.close()


def test_a_report_downloads_without_scrolling_sideways_on_a_phone(browser, demo):
    """The PDF button was the last of eleven columns, off-screen on a 375-px phone."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 812})
    page = context.new_page()
    log_in(page, demo, "jimukyoku")
    assert page.goto(f"{demo}/c/saitama/reports/").status == 200
    link = page.locator("[data-report-download]").first
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    context.close()
