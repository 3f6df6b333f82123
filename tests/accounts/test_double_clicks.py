"""A second click at the same moment as the first: done once, as one after the other
would be, never a server error."""

import pytest

from apps.accounts.models import Role, User
from apps.accounts.services import user_invite
from tests.concurrency import needs_row_locks, second_while_first_is_uncommitted
from tests.factories import ConsortiumFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_invited_by_two_clicks_at_once_gets_one_account_with_one_role():
    needs_row_locks()
    consortium = ConsortiumFactory(slug="a")

    def invite():
        return user_invite(email="new@council.example", display_name="新任", role=Role.OBSERVER,
                           consortium=consortium, set_password_url=lambda uid, token: f"http://x/{uid}/{token}/")

    second_while_first_is_uncommitted(invite, invite)
    assert User.objects.get(username="new@council.example").roles.count() == 1
