"""A mayor reads the briefing's e-mail on a phone and follows its link: every page a town
reaches, and the secretariat's too, fits a phone's width. A wide table scrolls within its
own frame; the page itself never scrolls sideways, which on a phone hides half of every
line (the town's share table once stretched its page to 685 pixels on a 390-pixel screen).
"""

import pytest

from tests.e2e.browsing import log_in, walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}  # a common phone, in CSS pixels

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
  return [...document.querySelectorAll("body *")]
    .filter(element => element.getBoundingClientRect().right > width + 1 && !framed(element))
    .slice(0, 3)
    .map(element => element.tagName.toLowerCase() + [...element.classList].map(name => "." + name).join("") +
                    ` to ${Math.round(element.getBoundingClientRect().right)} px of ${width}`);
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
    context.close()
    assert not problems, "\n".join(problems)
