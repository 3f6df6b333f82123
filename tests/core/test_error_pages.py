"""Refusals and missing pages in the user's language, with the menu and the reason we
gave; a server error on a page of its own. Django's defaults were a bare English
«403 Forbidden», and «No MemberBody matches the given query.»"""

import pytest
from django.test import Client
from django.urls import path, reverse

from apps.accounts.models import Role
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    consortium = ConsortiumFactory(slug="saitama")
    ina, miyoshi = member_of(consortium, name="伊奈町"), member_of(consortium, name="三芳町")
    return {"consortium": consortium, "ina": ina, "miyoshi": miyoshi,
            "staff": user_with_role(Role.STAFF, body=ina), "mayor": user_with_role(Role.MAYOR, body=ina)}


def test_a_refusal_says_why_in_japanese_with_the_menu(client, town):
    client.force_login(town["mayor"])
    response = client.get(reverse("body_costs_edit", args=[town["ina"].code, 2025]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "この操作は許可されていません" in page
    assert "事務局と当該団体の職員" in page  # the reason: only the secretariat and the body's staff
    assert reverse("consortium_list") in page  # the menu is there, a way on


def test_a_secretariat_page_refused_to_a_member_is_a_page_of_ours(client, town):
    client.force_login(town["staff"])
    response = client.get(reverse("consortium_dashboard", args=["saitama"]))
    page = response.content.decode()
    assert response.status_code == 403 and '<html lang="ja">' in page and "Forbidden" not in page
    assert reverse("home") in page


def test_another_towns_page_is_not_found_without_naming_a_table(client, town):
    client.force_login(town["staff"])
    response = client.get(reverse("body_detail", args=[town["miyoshi"].code]))
    page = response.content.decode()
    assert response.status_code == 404 and "ページが見つかりません" in page
    assert "matches the given query" not in page and "MemberBody" not in page


def test_a_not_found_of_ours_gives_its_reason(client, town):
    town["consortium"].comparison_published = True
    town["consortium"].save()
    client.force_login(town["staff"])
    response = client.get(reverse("cost_comparison", args=["saitama"]))
    assert response.status_code == 404 and "ロック" in response.content.decode()


def test_members_reach_a_councils_meetings_from_the_list_of_councils(client, town):
    client.force_login(town["staff"])
    page = client.get(reverse("consortium_list")).content.decode()
    assert reverse("meeting_list", args=["saitama"]) in page
    dashboard = f'href="{reverse("consortium_dashboard", args=["saitama"])}"'
    assert dashboard not in page
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=town["consortium"]))
    assert dashboard in client.get(reverse("consortium_list")).content.decode()


def test_a_form_sent_with_an_outdated_token_says_to_reload_on_a_page_of_ours(settings):
    """The login form open in two tabs: the second sent a token the first login replaced.
    Django's own page read 「CSRF検証に失敗しました… DEBUG=True を設定すると…」."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "ina-staff", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403 and '<html lang="ja">' in page
    assert "CSRF" not in page and "DEBUG" not in page
    assert reverse("home") in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(reverse("login"), {"username": "ina-staff", "password": "x"}).content.decode()
    assert "Reload the page" in page and "CSRF" not in page


def test_a_request_for_a_host_the_site_does_not_serve_is_a_page_of_ours(client):
    """A bad Host header gave Django's bare «Bad Request (400)»."""
    response = client.get(reverse("login"), HTTP_HOST="192.0.2.1")
    page = response.content.decode()
    assert response.status_code == 400 and '<html lang="ja">' in page
    assert "Bad Request (400)" not in page and "192.0.2.1" not in page


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom", boom)]


@pytest.mark.urls("tests.core.test_error_pages")
def test_a_server_error_is_a_page_of_its_own_in_both_languages(client):
    client.raise_request_exception = False
    response = client.get("/boom")
    page = response.content.decode()
    assert response.status_code == 500
    assert "エラーが発生しました" in page and "something went wrong" in page and "a bug" not in page
