"""The secretariat invites people by e-mail and deactivates them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import Role, User
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_an_invited_officer_sets_a_password_from_the_email_and_logs_in(client):
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium, name="伊奈町")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.post(reverse("people", args=["a"]), {
        "email": "it@town.example", "display_name": "情報 & 太郎", "role": "staff", "body": body.pk})
    assert response.status_code == 302
    user = User.objects.get(username="it@town.example")
    assert user.roles.get().body == body and not user.has_usable_password()
    assert "情報 & 太郎" in mail.outbox[0].body  # a plain-text letter: nothing escaped
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.logout()
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "kyoudou-cloud-2026!", "new_password2": "kyoudou-cloud-2026!"})
    user.refresh_from_db()
    assert user.check_password("kyoudou-cloud-2026!")


def test_staff_must_be_bound_to_a_body(client):
    consortium = ConsortiumFactory(slug="a")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.post(reverse("people", args=["a"]), {"email": "x@y.example", "display_name": "x", "role": "staff"})
    assert response.status_code == 200 and not User.objects.filter(username="x@y.example").exists()


def test_a_deactivated_user_can_no_longer_log_in(client):
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium)
    staff = user_with_role(Role.STAFF, body=body)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.post(reverse("person_deactivate", args=["a", staff.pk]))
    staff.refresh_from_db()
    assert not staff.is_active


def test_another_consortium_cannot_deactivate(client):
    consortium = ConsortiumFactory(slug="a")
    staff = user_with_role(Role.STAFF, body=member_of(consortium))
    other = ConsortiumFactory(slug="b")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=other))
    assert client.post(reverse("person_deactivate", args=["a", staff.pk])).status_code == 404
    staff.refresh_from_db()
    assert staff.is_active
