"""Private calendar addresses: a calendar application cannot log in, so each user gets
a signed address for one consortium's meetings.

The token names the user and the consortium and is checked on every fetch: a
deactivated user, or one who lost access to the consortium, gets nothing. It carries no
right of its own; the meetings shown are those the user may see.
"""

from __future__ import annotations

from django.core import signing

from apps.accounts.models import User
from apps.members.models import Consortium

SALT = "meetings.calendar-feed"


def feed_token(*, user: User, consortium: Consortium) -> str:
    return signing.dumps({"u": user.pk, "c": consortium.pk}, salt=SALT, compress=True)


def feed_user(*, token: str, consortium: Consortium) -> User | None:
    """The active user the token was made for, if it was made for this consortium."""
    try:
        claims = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if claims.get("c") != consortium.pk:
        return None
    return User.objects.filter(pk=claims.get("u"), is_active=True).first()
