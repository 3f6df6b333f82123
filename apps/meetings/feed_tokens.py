"""Private calendar addresses: a calendar application cannot log in, so each user gets
a signed address for one consortium's meetings.

The token names the user and the consortium and is checked on every fetch: a
deactivated user, or one who lost access to the consortium, gets nothing. It carries no
right of its own; the meetings shown are those the user may see. An address that leaked
is withdrawn by issuing new ones: the token carries the user's address generation, and
only the current generation is read.
"""

from __future__ import annotations

from django.core import signing
from django.db.models import F

from apps.accounts.models import User
from apps.members.models import Consortium

SALT = "meetings.calendar-feed"


def feed_token(*, user: User, consortium: Consortium) -> str:
    return signing.dumps({"u": user.pk, "c": consortium.pk, "g": user.calendar_feed_generation}, salt=SALT,
                         compress=True)


def feed_addresses_reissue(*, user: User) -> None:
    """Every private calendar address the user was given stops working; the pages show
    new ones."""
    User.objects.filter(pk=user.pk).update(calendar_feed_generation=F("calendar_feed_generation") + 1)
    user.refresh_from_db(fields=["calendar_feed_generation"])


def feed_user(*, token: str, consortium: Consortium) -> User | None:
    """The active user the token was made for, if it was made for this consortium."""
    try:
        claims = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if claims.get("c") != consortium.pk:
        return None
    # Addresses from before generations were signed in have none: they are generation 0.
    return User.objects.filter(pk=claims.get("u"), is_active=True,
                               calendar_feed_generation=claims.get("g", 0)).first()
