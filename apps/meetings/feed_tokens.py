"""Private calendar addresses: a calendar application cannot log in, so each user gets
a signed address for one consortium's meetings.

The token names the user and the consortium and is checked on every fetch: a
deactivated user, or one who lost access to the consortium, gets nothing. It carries no
right of its own; the meetings shown are those the user may see. An address that leaked
is withdrawn by issuing new ones: the token carries the user's address generation, and
only the current generation is read. A new password withdraws them too, as it ends the
user's other sessions: the token carries a digest of the password's hash.
"""

from __future__ import annotations

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.db.models import F

from apps.accounts.models import User
from apps.members.models import Consortium

SALT = "meetings.calendar-feed"


def _password_digest(user: User) -> str:
    return salted_hmac(SALT, user.password).hexdigest()[:16]


def feed_token(*, user: User, consortium: Consortium) -> str:
    return signing.dumps({"u": user.pk, "c": consortium.pk, "g": user.calendar_feed_generation,
                          "p": _password_digest(user)}, salt=SALT, compress=True)


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
    user = User.objects.filter(pk=claims.get("u"), is_active=True,
                               calendar_feed_generation=claims.get("g", 0)).first()
    if user is None or not constant_time_compare(claims.get("p", ""), _password_digest(user)):
        return None
    return user
