"""Bad input never breaks a page: every page of the demo a user can reach, every form on
them posted twice as it stands and with bad values, every query parameter given bad values
— a refusal, a 404 or a 403, never a server error.

Found this way before it was written down: a figure past the database's integer in an
import or the quote grid («bigint out of range»), a second click on «revise» (the plan's
one-revision constraint), ``?fy=-1`` on a town's costs page, and an e-mail's return
address that was not a path.
"""

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import User
from tests.routes import route_of

pytestmark = pytest.mark.django_db

JUNK = ["abc", "-1", "99999999999999999999", "x" * 3000, "\x00"]  # \x00: PostgreSQL refuses it in text
LEFT_ALONE = re.compile(r"/(logout|i18n|admin|static)/|\.zip$|/download/|\.ics$|\.csv$|\.xlsx$|\.json$|\.pdf$|/document/")
# A formset's own counts: Django refuses them past each formset's maximum (test_formsets.py).
MANAGEMENT = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
FORM = re.compile(r'(<form[^>]*method="(?:post|get)"[^>]*>)(.*?)</form>', re.I | re.S)


def crawl(client: Client, *, per_route: int = 3):
    """The pages reachable from the home page by links (a few of each route: the 23 towns'
    pages are one page as far as bad input goes), with one POST form and the GET
    parameters of each route: ``(pages, {route: (action, fields)}, {route: (path, params)})``."""
    seen, queue, posts, gets, visits = set(), ["/"], {}, {}, {}
    while queue:
        url = queue.pop(0)
        if url in seen or visits.get(route_of(url), 0) >= per_route:
            continue
        seen.add(url)
        visits[route_of(url)] = visits.get(route_of(url), 0) + 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = response.content.decode()
        route = route_of(url)
        params = {name for name, _ in parse_qsl(urlsplit(url).query)}
        for opening, inner in FORM.findall(page):
            action = re.search(r'action="([^"]*)"', opening)
            action = html.unescape(action.group(1)) if action and action.group(1) else url
            if 'method="get"' in opening.lower():
                params |= set(re.findall(r'name="([^"]+)"', inner))
            elif route_of(action) not in posts and route_of(action) not in (None, "logout", "set_language"):
                posts[route_of(action)] = (action, form_fields(inner))
        if route:
            gets.setdefault(route, (urlsplit(url).path, set()))[1].update(params)
        queue.extend(html.unescape(href) for href in re.findall(r'href="(/[^"#]*)"', page)
                     if not LEFT_ALONE.search(href))
    return seen, posts, gets


def form_fields(inner: str) -> dict[str, str]:
    """A form's fields as the browser would send them untouched."""
    fields = {}
    for tag, attributes in re.findall(r"<(input|select|textarea|button)\b([^>]*)>", inner, re.I):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
        if "name" not in attrs or (attrs.get("type") in ("checkbox", "radio") and "checked" not in attributes):
            continue
        fields.setdefault(html.unescape(attrs["name"]), html.unescape(attrs.get("value", "")))
    return fields


def test_no_page_form_or_parameter_of_the_demo_breaks_on_bad_input():
    call_command("seed_demo", verbosity=0)
    broken = []
    # The secretariat, a town's IT officer, an observer: each reaches other pages and forms.
    for username, at_least in (("jimukyoku", 100), ("ina-staff", 20), ("observer", 30)):
        client = Client(HTTP_ACCEPT_LANGUAGE="ja", raise_request_exception=False)  # list them all
        client.force_login(User.objects.get(username=username))
        pages, posts, gets = crawl(client)
        assert len(pages) > at_least, username
        for route, (action, fields) in sorted(posts.items()):
            for _click in range(2):  # sent as it stands, twice: a double click
                if client.post(action, fields).status_code >= 500:
                    broken.append(f"{username}: POST {route} as it stands")
            # One field of each kind: a grid's cell_3_2026 stands for all its cells.
            kinds = {re.sub(r"\d+", "#", field): field for field in fields
                     if field != "csrfmiddlewaretoken" and not MANAGEMENT.search(field)}
            for field in kinds.values():
                for junk in JUNK:
                    if client.post(action, {**fields, field: junk}).status_code >= 500:
                        broken.append(f"{username}: POST {route} {field}={junk[:20]!r}")
        for route, (path, params) in sorted(gets.items()):
            for param in sorted(params | {"page", "sort"}):
                for junk in JUNK:
                    if client.get(f"{path}?{urlencode({param: junk})}").status_code >= 500:
                        broken.append(f"{username}: GET {route} {param}={junk[:20]!r}")
    assert not broken, "\n".join(broken)
