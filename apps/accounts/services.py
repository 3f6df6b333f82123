from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from apps.accounts.models import Role, RoleAssignment, User


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
    assignment, _ = RoleAssignment.objects.get_or_create(user=user, role=role, consortium=consortium, body=body)
    return assignment


def user_invite(*, email: str, display_name: str, role: Role, consortium=None, body=None,
                set_password_url) -> User:
    """Create (or reuse) the account for ``email``, grant the role, and e-mail a link
    to choose a password. ``set_password_url(uid, token)`` builds the absolute link."""
    email = email.strip().lower()
    user, created = User.objects.get_or_create(
        username=email, defaults={"email": email, "display_name": display_name},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if role in (Role.STAFF, Role.MAYOR) and user.roles.filter(role__in=[Role.STAFF, Role.MAYOR]).exclude(body=body).exists():
        raise ValidationError(_("%(email)s is already bound to another member body.") % {"email": email})
    role_grant(user=user, role=role, consortium=consortium, body=body)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {"user": user, "link": set_password_url(uid, token), "role": Role(role).label,
               "scope": consortium or body}
    send_mail(
        subject=render_to_string("emails/invitation_subject.txt", context).strip(),
        message=render_to_string("emails/invitation.txt", context),
        from_email=None, recipient_list=[email],
        html_message=render_to_string("emails/invitation.html", context),
    )
    return user


def user_deactivate(*, user: User) -> None:
    """The account can no longer log in; its history stays in the audit trail."""
    user.is_active = False
    user.save(update_fields=["is_active"])
