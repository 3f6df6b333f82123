"""The secretariat invites people by e-mail and deactivates them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import Role, RoleAssignment, User
from tests.factories import ConsortiumFactory, ParticipationFactory, member_of, user_with_role

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


def test_the_invitation_is_japanese_when_the_secretariat_reads_the_site_in_english(client):
    """An English-reading secretariat sent 伊奈町's officer an English invitation; every other letter is Japanese."""
    from django.conf import settings

    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium, name="伊奈町")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get(reverse("people", args=["a"])).content.decode()
    invite(client, email="it@town.example", display_name="情報太郎", body=body.pk)
    [message] = mail.outbox
    assert message.subject == "伊奈町のアカウントのご案内"
    assert "情報太郎 様" in message.body and "団体職員" in message.body and "Dear" not in message.body
    [(html, _kind)] = message.alternatives
    assert "情報太郎 様" in html and "Dear" not in html


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


def test_an_account_both_secretariat_and_observer_of_the_council_is_deactivated(client):
    """Two roles in one council made two rows of the page for one account, and its
    deactivation a server error."""
    consortium = ConsortiumFactory(slug="a")
    both = user_with_role(Role.SECRETARIAT, consortium=consortium)
    RoleAssignment.objects.create(user=both, role=Role.OBSERVER, consortium=consortium)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    assert client.post(reverse("person_deactivate", args=["a", both.pk])).status_code == 302
    both.refresh_from_db()
    assert not both.is_active


def test_another_consortium_cannot_deactivate(client):
    consortium = ConsortiumFactory(slug="a")
    staff = user_with_role(Role.STAFF, body=member_of(consortium))
    other = ConsortiumFactory(slug="b")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=other))
    assert client.post(reverse("person_deactivate", args=["a", staff.pk])).status_code == 404
    staff.refresh_from_db()
    assert staff.is_active


def test_the_secretariat_sees_a_locked_out_account_and_unlocks_it(client):
    """The locked-out page says to ask the secretariat: its people page shows the lock and lifts it."""
    from django.test import Client

    consortium = ConsortiumFactory(slug="a")
    staff = user_with_role(Role.STAFF, body=member_of(consortium))
    staff.set_password("the-right-password-2026")
    staff.save()
    town = Client()
    for _ in range(5):
        town.post(reverse("login"), {"username": staff.username, "password": "wrong"})
    assert town.post(reverse("login"), {"username": staff.username,
                                        "password": "the-right-password-2026"}).status_code == 429
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    page = client.get(reverse("people", args=["a"])).content.decode()
    assert "data-locked" in page and reverse("person_unlock", args=["a", staff.pk]) in page
    client.post(reverse("person_unlock", args=["a", staff.pk]))
    assert "data-locked" not in client.get(reverse("people", args=["a"])).content.decode()
    assert town.post(reverse("login"), {"username": staff.username,
                                        "password": "the-right-password-2026"}).status_code == 302


def test_another_council_cannot_unlock_an_account(client):
    consortium = ConsortiumFactory(slug="a")
    staff = user_with_role(Role.STAFF, body=member_of(consortium))
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=ConsortiumFactory(slug="b")))
    assert client.post(reverse("person_unlock", args=["a", staff.pk])).status_code == 404


def invite(client, **fields):
    return client.post(reverse("people", args=["a"]), {"display_name": "担当", "role": "staff", **fields})


def set_password_from_the_last_invitation(client, password="kyoudou-cloud-2026!"):
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    client.logout()
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_inviting_a_deactivated_person_again_lets_them_back_in(client):
    """The link arrived and set a password, but the account stayed inactive: no login."""
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium, name="毛呂山町")
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    client.force_login(secretariat)
    invite(client, email="moro@town.example", body=body.pk)
    user = User.objects.get(email="moro@town.example")
    client.post(reverse("person_deactivate", args=["a", user.pk]))
    invite(client, email="moro@town.example", body=body.pk)
    set_password_from_the_last_invitation(client)
    response = client.post(reverse("login"), {"username": "moro@town.example", "password": "kyoudou-cloud-2026!"})
    assert response.status_code == 302 and User.objects.get(email="moro@town.example").is_active


def test_an_address_already_bound_to_one_town_is_not_invited_for_another_under_a_second_account(client):
    consortium = ConsortiumFactory(slug="a")
    ina, miyoshi = member_of(consortium, name="伊奈町"), member_of(consortium, name="三芳町")
    existing = user_with_role(Role.STAFF, body=ina)
    existing.email = "it@town.ina.example"
    existing.save()
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = invite(client, email="IT@town.ina.example", role="mayor", body=miyoshi.pk)
    assert response.status_code == 200 and "既に" in response.content.decode()
    assert User.objects.filter(email__iexact="it@town.ina.example").count() == 1 and not mail.outbox


def test_a_withdrawn_member_is_not_offered_for_accounts(client):
    from apps.members.models import ParticipationStatus
    from apps.members.services import participation_set_status
    import datetime

    consortium = ConsortiumFactory(slug="a")
    gone = member_of(consortium, name="毛呂山町")
    participation_set_status(participation=gone.participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=datetime.date(2025, 4, 1))
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    assert invite(client, email="x@town.example", body=gone.pk).status_code == 200
    assert not User.objects.filter(email="x@town.example").exists()


def test_a_secretariat_cannot_lock_another_councils_people_out(client):
    """A Saitama secretariat deactivated the account of the secretariat of Saitama and
    Nara: Nara lost its secretariat."""
    saitama, nara = ConsortiumFactory(slug="a"), ConsortiumFactory(slug="b")
    both = user_with_role(Role.SECRETARIAT, consortium=saitama)
    RoleAssignment.objects.create(user=both, role=Role.SECRETARIAT, consortium=nara)
    shared_town = member_of(saitama, name="香芝市")
    ParticipationFactory(body=shared_town, consortium=nara)
    town_staff = user_with_role(Role.STAFF, body=shared_town)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=saitama))
    client.post(reverse("person_deactivate", args=["a", both.pk]))
    both.refresh_from_db()
    assert both.is_active and list(both.roles.values_list("consortium__slug", flat=True)) == ["b"]
    page = client.post(reverse("person_deactivate", args=["a", town_staff.pk]), follow=True).content.decode()
    town_staff.refresh_from_db()
    assert town_staff.is_active and town_staff.roles.exists() and "管理者" in page
    # The page says so beside the account, instead of offering a button that refuses.
    people = client.get(reverse("people", args=["a"])).content.decode()
    assert reverse("person_deactivate", args=["a", town_staff.pk]) not in people
    assert f"{nara.name}でも使われています" in people


@pytest.fixture
def two_councils():
    """Saitama and Nara, a secretariat of both (jimukyoku), one of Saitama (chotatsu), and
    伊奈町 with its staff account."""
    saitama, nara = ConsortiumFactory(slug="a"), ConsortiumFactory(slug="b", name="奈良県基幹システム共同化検討会")
    jimukyoku = user_with_role(Role.SECRETARIAT, consortium=saitama)
    jimukyoku.email, jimukyoku.display_name = "jimukyoku@council.example", "事務局（埼玉・奈良）"
    jimukyoku.save()
    RoleAssignment.objects.create(user=jimukyoku, role=Role.SECRETARIAT, consortium=nara)
    ina = member_of(saitama, name="伊奈町")
    ina_staff = user_with_role(Role.STAFF, body=ina)
    ina_staff.email, ina_staff.display_name = "it@town.ina.example", "伊奈町 情報担当"
    ina_staff.save()
    return {"saitama": saitama, "nara": nara, "jimukyoku": jimukyoku, "ina": ina, "ina_staff": ina_staff,
            "chotatsu": user_with_role(Role.SECRETARIAT, consortium=saitama)}


def test_a_councils_account_is_not_made_a_towns_and_locked_out_of_its_other_council(client, two_councils):
    """chotatsu invited jimukyoku's address as 伊奈町's mayor: the account was reused with a
    body role, and jimukyoku got 404 on Nara's pages and landed on 伊奈町's."""
    world = two_councils
    client.force_login(world["chotatsu"])
    page = invite(client, email="JIMUKYOKU@council.example", role="mayor", body=world["ina"].pk).content.decode()
    assert "事務局（埼玉・奈良）" in page and "jimukyoku@council.example" in page  # says whose account it is
    assert list(world["jimukyoku"].roles.values_list("role", flat=True)) == ["secretariat", "secretariat"]
    assert not mail.outbox
    client.force_login(world["jimukyoku"])
    assert client.get(reverse("consortium_dashboard", args=["b"])).status_code == 200


def test_a_towns_account_is_not_made_a_councils_observer(client, two_councils):
    """伊奈町's staff invited as an observer read the council's survey rounds as a member would not."""
    world = two_councils
    client.force_login(world["chotatsu"])
    page = invite(client, email="it@town.ina.example", role="observer").content.decode()
    assert "伊奈町 情報担当" in page and "伊奈町" in page
    assert list(world["ina_staff"].roles.values_list("role", flat=True)) == ["staff"] and not mail.outbox


def test_a_towns_staff_is_not_made_its_mayor_too(client, two_councils):
    """A second role of the same body broke the one-body rule's constraint: a server error."""
    world = two_councils
    client.force_login(world["chotatsu"])
    response = invite(client, email="it@town.ina.example", role="mayor", body=world["ina"].pk)
    assert response.status_code == 200 and "伊奈町 情報担当" in response.content.decode()
    assert list(world["ina_staff"].roles.values_list("role", flat=True)) == ["staff"]


def test_inviting_the_same_role_again_resends_the_invitation(client, two_councils):
    world = two_councils
    client.force_login(world["chotatsu"])
    assert invite(client, email="it@town.ina.example", role="staff", body=world["ina"].pk).status_code == 302
    assert world["ina_staff"].roles.count() == 1 and len(mail.outbox) == 1


def test_one_council_does_not_let_back_in_an_account_another_council_relies_on(client, two_councils):
    """jimukyoku's account deactivated (by the administrator): chotatsu inviting it as
    Saitama's observer would have let it back into Nara too."""
    world = two_councils
    world["jimukyoku"].is_active = False
    world["jimukyoku"].save()
    client.force_login(world["chotatsu"])
    page = invite(client, email="jimukyoku@council.example", role="observer").content.decode()
    world["jimukyoku"].refresh_from_db()
    assert not world["jimukyoku"].is_active and "奈良県基幹システム共同化検討会" in page
    assert not world["jimukyoku"].roles.filter(role="observer").exists() and not mail.outbox


def test_the_administrator_cannot_mix_the_two_kinds_of_account_either(two_councils):
    from django.core.exceptions import ValidationError

    world = two_councils
    mixed = RoleAssignment(user=world["ina_staff"], role=Role.OBSERVER, consortium=world["saitama"])
    with pytest.raises(ValidationError):
        mixed.full_clean()


def test_only_the_newest_invitations_link_works(client):
    """Invited twice, the first mail's link still set the password, and the newer one then
    said it was already used."""
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium, name="伊奈町")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    data = {"email": "it@town.example", "display_name": "情報 太郎", "role": "staff", "body": body.pk}
    client.post(reverse("people", args=["a"]), data)
    page = client.post(reverse("people", args=["a"]), data, follow=True).content.decode()
    assert "以前の招待のリンクは使えなくなりました" in page
    assert "以前の招待" in mail.outbox[1].body and "以前の招待" not in mail.outbox[0].body
    first, newest = (re.search(r"https?://\S+", message.body).group(0) for message in mail.outbox)
    client.logout()
    assert "password1" not in client.get(first, follow=True).content.decode()  # void: no form to fill
    form_page = client.get(newest, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "kyoudou-cloud-2026!",
                                                  "new_password2": "kyoudou-cloud-2026!"})
    assert User.objects.get(username="it@town.example").check_password("kyoudou-cloud-2026!")


def test_a_mail_server_that_is_down_keeps_the_account_and_says_the_invitation_was_not_sent(client, monkeypatch):
    """SMTP down was a server error, and the account and its role were rolled back with it."""
    from django.conf import settings

    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium, name="伊奈町")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", lambda self, *args: (_ for _ in ()).throw(
        OSError("mail server unreachable")))
    page = client.post(reverse("people", args=["a"]), {
        "email": "it@town.example", "display_name": "情報太郎", "role": "staff", "body": body.pk}, follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "mail server unreachable" in text and "not sent" in text and "Invitation sent to" not in text
    assert User.objects.get(username="it@town.example").roles.get().body == body
    monkeypatch.undo()  # the server is back: inviting again sends the link
    assert invite(client, email="it@town.example", body=body.pk).status_code == 302 and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_invitation_is_sent_once_the_account_is_saved(client, monkeypatch):
    """Sent from inside the transaction, a letter went out for an account that a failure
    after it rolled back, and a failing letter rolled the account back."""
    from django.db import transaction

    consortium = ConsortiumFactory(slug="a")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    during_a_transaction = []
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", lambda self, *args: during_a_transaction.append(
        transaction.get_connection().in_atomic_block))
    invite(client, email="observer@council.example", role="observer")
    assert during_a_transaction == [False]
