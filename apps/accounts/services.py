from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from apps.accounts.models import Role, RoleAssignment, User, role_refusal
from apps.core.formatting import names_joined
from apps.core.mail import japanese_message


def user_ensure(*, username: str, password: str, display_name: str = "", email: str = "",
                is_superuser: bool = False) -> User:
    """Create the user if missing (idempotent: seeding twice keeps one user)."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "email": email, "is_superuser": is_superuser,
                  "is_staff": is_superuser},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def role_grant(*, user: User, role: Role, consortium=None, body=None) -> RoleAssignment:
    """Idempotent; refused when the account is of the other kind (models.role_refusal)."""
    existing = RoleAssignment.objects.filter(user=user, role=role, consortium=consortium, body=body).first()
    if existing is not None:
        return existing
    if refusal := role_refusal(user=user, role=role, body_id=body.pk if body else None):
        raise ValidationError(refusal)
    # get_or_create, not create: a double click's second request finds the role the first just granted.
    return RoleAssignment.objects.get_or_create(user=user, role=role, consortium=consortium, body=body)[0]


@dataclass(frozen=True)
class Invitation:
    user: User
    replaces_earlier: bool  # an earlier invitation's link, unused, no longer works
    error: str = ""  # the mail server's, when the letter did not go: the account and role are kept


def user_invite(*, email: str, display_name: str, role: Role, consortium=None, body=None,
                set_password_url, councils_elsewhere: Callable[[User], list[str]] = lambda user: []) -> Invitation:
    """Create (or reuse) the account for ``email``, grant the role, and e-mail a link
    to choose a password. ``set_password_url(uid, token)`` builds the absolute link.

    The account is found by its address whatever its username («ina-staff» has one too):
    a second account for the same address got round the one-body rule. An account is a
    member body's or a council's, never both (models.role_refusal). Inviting a
    deactivated account again is the secretariat letting it back in: it is reactivated,
    else its new password would not let it log in — unless it serves other councils
    too (``councils_elsewhere(user)`` names them), whose people only their own
    secretariat or the administrator let back in. Nothing is written if refused.

    The letter goes once the account and role are committed: a mail server that is down
    loses the letter, not the account (``Invitation.error`` says why; inviting again
    sends a new link), and no letter goes for an account rolled back."""
    email = email.strip().lower()
    with transaction.atomic():
        user, replaces_earlier = _invitation_account(email=email, display_name=display_name, role=role,
                                                     consortium=consortium, body=body,
                                                     councils_elsewhere=councils_elsewhere)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {"user": user, "link": set_password_url(uid, token), "role": Role(role).label,
               "scope": consortium or body, "replaces_earlier": replaces_earlier}
    try:
        japanese_message("invitation", context, html=True, to=[email]).send()
    except OSError as error:
        return Invitation(user=user, replaces_earlier=replaces_earlier, error=str(error))
    return Invitation(user=user, replaces_earlier=replaces_earlier)


def _invitation_account(*, email: str, display_name: str, role: Role, consortium, body,
                        councils_elsewhere: Callable[[User], list[str]]) -> tuple[User, bool]:
    """The account and role of an invitation, and whether an earlier link was voided."""
    user = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).order_by("pk").first()
    replaces_earlier, created = False, False
    if user is None:
        # get_or_create, not create: a double click's second request finds the account the
        # first just made, and invites it again.
        user, created = User.objects.get_or_create(username=email, defaults={
            "email": email, "display_name": display_name, "password": make_password(None)})
    if not created and not user.is_active:
        if elsewhere := councils_elsewhere(user):
            raise ValidationError(_(
                "%(person)s (%(email)s) was deactivated, and the account also serves %(councils)s: letting it back "
                "in is for their secretariat or the administrator.") % {
                "person": user, "email": email, "councils": names_joined(elsewhere)})
        user.is_active = True
        user.save(update_fields=["is_active"])
    if not created and not user.has_usable_password():
        # Invited before, no password chosen yet: the link's token hashes the password, so a
        # fresh unusable one leaves only this invitation's link working. (An account with a
        # password keeps it: it logs in as before, and this link lets it choose another.)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        replaces_earlier = True
    role_grant(user=user, role=role, consortium=consortium, body=body)
    return user, replaces_earlier


def user_deactivate(*, user: User) -> None:
    """The account can no longer log in; its history stays in the audit trail."""
    user.is_active = False
    user.save(update_fields=["is_active"])


def login_lock_lift(*, user: User) -> bool:
    """Forget the user's failed logins: a lockout (five wrong passwords, per username) ends
    now rather than after its cool-off. Whether there was one to lift."""
    locked = user.username in login_locked_usernames([user.username])
    reset(username=user.username)
    return locked


def login_locked_usernames(usernames) -> set[str]:
    """Which of these accounts are locked out now: five failed logins within the cool-off."""
    return set(AccessAttempt.objects.filter(
        username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME).values_list("username", flat=True))
