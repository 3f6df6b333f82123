"""Login throttling, and production settings that pass Django's deployment check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def login(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def locked_out(client, **user):
    """ina-staff, whose right password is the-right-password-2026, after five wrong ones."""
    UserFactory(username="ina-staff", password="the-right-password-2026", **user)
    for _ in range(5):
        login(client, "ina-staff", "wrong", "203.0.113.5")


def test_a_username_is_locked_after_five_failures_and_the_right_password_then_fails_too(client, settings):
    locked_out(client)
    response = login(client, "ina-staff", "the-right-password-2026", "203.0.113.5")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_colleagues_behind_the_same_address_are_not_locked_out(client):
    UserFactory(username="ina-staff", password="the-right-password-2026")
    UserFactory(username="ina-mayor", password="the-mayors-password-2026")
    for _ in range(6):
        login(client, "ina-staff", "wrong", "203.0.113.5")
    response = login(client, "ina-mayor", "the-mayors-password-2026", "203.0.113.5")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_lock_lifts_after_the_cool_off(client, settings):
    import datetime

    from axes.models import AccessAttempt

    locked_out(client)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - datetime.timedelta(hours=1))
    assert login(client, "ina-staff", "the-right-password-2026", "203.0.113.5").status_code == 302


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password123")
    with pytest.raises(ValidationError):
        validate_password("short1!")


PRODUCTION = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50 + "-not-a-real-key-0123456789",
              "DJANGO_ALLOWED_HOSTS": "kyogikai.example.jp", "CONSORTIUM_SITE_URL": "https://kyogikai.example.jp"}


def test_production_settings_pass_the_deployment_check():
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**environ, **PRODUCTION, "OCDS_PREFIX": "ocds-k7q2m9"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_warns_while_the_ocds_prefix_is_the_placeholder():
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "OCDS_PREFIX")}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=REPO, env={**env, **PRODUCTION}, capture_output=True, text=True)
    assert result.returncode != 0 and "procurement.W001" in result.stdout + result.stderr


def test_a_bad_setting_fails_loudly():
    env = {**os.environ, "DJANGO_DEBUG": "maybe"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "DJANGO_DEBUG" in result.stderr


def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_choosing_a_new_password_by_the_e_mailed_link_lifts_the_lock(client, mailoutbox):
    """The locked-out page sends the user to «Forgot your password?»; the lock must not
    outlast the new password."""
    import re

    locked_out(client, email="staff@town.ina.saitama.jp")
    locked = login(client, "ina-staff", "the-right-password-2026", "203.0.113.5")
    assert locked.status_code == 429 and reverse("password_reset") in locked.content.decode()
    client.post(reverse("password_reset"), {"email": "staff@town.ina.saitama.jp"})
    link = re.search(r"https?://[^/]+(/accounts/reset/[^\s]+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "a-brand-new-password-2026",
                                             "new_password2": "a-brand-new-password-2026"})
    response = login(client, "ina-staff", "a-brand-new-password-2026", "203.0.113.5")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_locked_out_page_says_how_long_in_words_in_the_readers_language(client, settings):
    """django-axes hands the template an ISO 8601 duration: the page read 「PT15M 後に…」."""
    locked_out(client)
    japanese = login(client, "ina-staff", "wrong", "203.0.113.5").content.decode()
    assert "15分" in japanese and "PT15M" not in japanese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = login(client, "ina-staff", "wrong", "203.0.113.5").content.decode()
    assert "Try again in 15\xa0minutes," in english and "PT15M" not in english
