"""The council's tabs offer each user only pages that user may open."""

import re

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.costs.models import SurveyRound
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

TAB_LINK = re.compile(r'<a class="nav-link[^"]*" href="(/c/[^"]+)"')


def tabs(client, user, consortium) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("meeting_list", args=[consortium.slug])).content.decode()
    return TAB_LINK.findall(page)


@pytest.mark.parametrize("published", [False, True])
def test_every_tab_opens_for_the_user_it_is_shown_to(client, published):
    consortium = ConsortiumFactory(slug="saitama", comparison_published=published)
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status=SurveyRound.Status.LOCKED)
    body = member_of(consortium, cost=1_000_000)
    users = {
        "secretariat": user_with_role(Role.SECRETARIAT, consortium=consortium),
        "observer": user_with_role(Role.OBSERVER, consortium=consortium),
        "staff": user_with_role(Role.STAFF, body=body),
        "mayor": user_with_role(Role.MAYOR, body=body),
    }
    shown = {name: tabs(client, user, consortium) for name, user in users.items()}
    for name, user in users.items():
        client.force_login(user)
        for url in shown[name]:
            assert client.get(url).status_code == 200, f"{name} is offered {url}"

    assert len(shown["secretariat"]) == 12
    assert reverse("people", args=["saitama"]) not in shown["observer"]
    member_tabs = {reverse(name, args=["saitama"]) for name in ("meeting_list", "plan_list", "agreement_list",
                                                                "report_list")}
    if published:
        member_tabs.add(reverse("cost_comparison", args=["saitama"]))
    assert set(shown["staff"]) == set(shown["mayor"]) == member_tabs


def test_opening_the_logout_address_offers_the_logout_button(client):
    """Logging out is the menu's button (a POST); the address opened from a bookmark or typed
    in gave a blank page (405). It logs nobody out by itself: a link could do it to anyone."""
    consortium = ConsortiumFactory()
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse("logout"))
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="ja">' in page
    assert re.search(r'<form method="post" action="%s"' % re.escape(reverse("logout")), page)
    assert "_auth_user_id" in client.session
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("page", ["password_change_done", "password_reset_complete", "expired_reset_link"])
def test_the_password_pages_have_a_heading_a_title_and_a_way_on(client, page):
    client.force_login(user_with_role(Role.STAFF, body=member_of(ConsortiumFactory())))
    url = (reverse("password_reset_confirm", args=["MQ", "bad-token"]) if page == "expired_reset_link"
           else reverse(page))
    html = client.get(url).content.decode()
    heading = re.search(r"<h1[^>]*>(.+?)</h1>", html)
    assert heading and heading.group(1).strip()
    assert re.search(rf"<title>{re.escape(heading.group(1).strip())} —", html)
    main = html[html.index("<main"):]
    assert re.search(r'<a href="/', main), "no link onward"


def test_every_page_starts_with_a_link_past_the_menus_to_its_content(client):
    html = client.get(reverse("login")).content.decode()
    skip = re.search(r'<a class="visually-hidden-focusable[^"]*" href="#(\w+)">', html)
    assert skip and html.index(skip.group(0)) < html.index("<nav")
    assert f'<main id="{skip.group(1)}"' in html


def test_the_language_changes_by_its_button_not_when_the_menu_moves(client):
    html = client.get(reverse("login")).content.decode()
    form = re.search(r'<form action="/i18n/setlang/".*?</form>', html, re.S).group(0)
    assert "data-autosubmit" not in form and "<noscript>" not in form
    assert re.search(r'<button class="[^"]*" type="submit">', form)
    assert '<option value="ja" lang="ja"' in form  # 日本語 read as Japanese on an English page
