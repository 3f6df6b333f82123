"""Forgot your password? A link by e-mail to choose a new one, once per quarter hour per
address, without saying whether the address has an account."""

import re
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.services import user_invite
from tests.factories import ConsortiumFactory, user_with_role

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "kyoudou-cloud-2026!"


@pytest.fixture(autouse=True)
def _no_link_sent_yet():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer():
    user = user_with_role(Role.SECRETARIAT, consortium=ConsortiumFactory())
    user.email, user.display_name = "it@town.example", "情報 太郎 & 係"
    user.save()
    return user


def ask(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def choose_password(client, link):
    form_page = client.get(link, follow=True)
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_the_login_page_leads_to_a_link_by_e_mail_and_a_new_password_logs_in(client, officer):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
    response = ask(client, "IT@town.example")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["it@town.example"]
    assert "情報 太郎 & 係 様" in mail.outbox[0].body  # a plain-text letter: nothing escaped
    choose_password(client, re.search(r"https?://\S+", mail.outbox[0].body).group(0))
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    client.logout()
    logged_in = client.post(reverse("login"), {"username": officer.username, "password": NEW_PASSWORD})
    assert logged_in.status_code == 302


def test_an_unknown_or_deactivated_address_is_told_the_same_and_sent_nothing(client, officer):
    known = ask(client, "nobody@town.example")
    officer.is_active = False
    officer.save()
    deactivated = ask(client, "it@town.example")
    assert known["Location"] == deactivated["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_asking_again_within_the_quarter_hour_sends_no_second_e_mail(client, officer, settings):
    for _ in range(3):
        assert ask(client, "it@town.example").status_code == 302
    assert len(mail.outbox) == 1
    cache.clear()  # the quarter hour has passed
    ask(client, "it@town.example")
    assert len(mail.outbox) == 2


def test_an_invited_user_whose_invitation_expired_unused_can_ask_for_a_link(client):
    consortium = ConsortiumFactory()
    invited = user_invite(email="new@town.example", display_name="新任", role=Role.SECRETARIAT,
                          consortium=consortium, set_password_url=lambda uid, token: f"http://x/{uid}/{token}/").user
    assert not invited.has_usable_password()
    mail.outbox.clear()
    ask(client, "new@town.example")
    assert len(mail.outbox) == 1
    choose_password(client, re.search(r"https?://\S+", mail.outbox[0].body).group(0))
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_a_used_link_offers_a_new_one(client, officer):
    ask(client, "it@town.example")
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    choose_password(client, link)
    page = client.get(link, follow=True).content.decode()
    assert reverse("password_reset") in page


def test_a_link_that_could_not_be_sent_does_not_hold_back_the_next_request(client, officer, caplog):
    """The mail server refused: the page says the same as ever (it never tells whether the
    address has an account), the failure is logged, and asking again sends the link at once
    rather than a quarter hour later."""
    refused = ConnectionRefusedError("no mail server")
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused):
        response = ask(client, "it@town.example")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    assert "password reset" in caplog.text.lower()
    assert ask(client, "it@town.example").status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["it@town.example"]
    ask(client, "it@town.example")
    assert len(mail.outbox) == 1  # once sent, the quarter hour counts
