"""Steps the browser tests share."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from apps.demo.seed import DEMO_PASSWORD
from tests.routes import route_of

# Files, not pages; and the admin, which is Django's own.
NOT_PAGES = re.compile(r"/(logout|i18n|admin|static)/|/download/|/document/|export|\.(zip|ics|csv|xlsx|json|pdf)$")


def log_in(page, base: str, username: str) -> None:
    """Log in as a demo account through the login form."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")  # not the language menu's button, in the navbar
    page.wait_for_load_state()


def walk(page, base: str, check: Callable[..., list[str]]) -> tuple[set[str], list[str]]:
    """Every page reachable by links from where the user is, one of each route (the 23
    towns' pages are one page as far as their markup goes), each checked by ``check``;
    the pages visited and the problems found."""
    seen, routes, queue, problems = set(), set(), [urlsplit(page.url).path], []
    while queue:
        url = queue.pop(0)
        if url in seen or "?" in url or NOT_PAGES.search(url) or route_of(url) in routes:
            continue
        seen.add(url)
        routes.add(route_of(url))
        response = page.goto(base + url)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        problems += check(page)
        queue += page.eval_on_selector_all("a[href^='/']", "links => links.map(link => link.getAttribute('href'))")
    return seen, problems
