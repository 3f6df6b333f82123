"""Users and the roles that bind them to a consortium or to one member body.

Roles refer to members' models by name only ("members.Consortium"): accounts sits
below members in the import order, so it never imports them.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.models import AuditScoped, SingleLineCharField, TimeStampedModel


class User(AuditScoped, AbstractUser):
    display_name = SingleLineCharField(_("display name"), max_length=100, blank=True)
    # Signed into the user's private calendar addresses (apps.meetings.feed_tokens): one
    # more, and every address given out before stops working.
    calendar_feed_generation = models.PositiveIntegerField(_("calendar address generation"), default=0,
                                                           editable=False)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def audit_consortium_ids(self) -> list[int]:
        """The councils the account gives access to: its deactivation is theirs to read."""
        ids = []
        for role in self.roles.select_related("body"):
            ids += role.audit_consortium_ids()
        return ids


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    STAFF = "staff", _("Member staff")
    MAYOR = "mayor", _("Mayor")
    OBSERVER = "observer", _("Observer")


CONSORTIUM_ROLES = (Role.SECRETARIAT, Role.OBSERVER)
BODY_ROLES = (Role.STAFF, Role.MAYOR)


class RoleAssignment(AuditScoped, TimeStampedModel):
    """One role of one user: secretariat/observer of a consortium, staff/mayor of a body."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    consortium = models.ForeignKey(
        "members.Consortium", on_delete=models.CASCADE, null=True, blank=True,
        related_name="role_assignments", verbose_name=_("consortium"),
    )
    body = models.ForeignKey(
        "members.MemberBody", on_delete=models.CASCADE, null=True, blank=True,
        related_name="role_assignments", verbose_name=_("member body"),
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="role_has_its_scope",
                condition=(
                    Q(role__in=[r.value for r in CONSORTIUM_ROLES], consortium__isnull=False, body__isnull=True)
                    | Q(role__in=[r.value for r in BODY_ROLES], body__isnull=False, consortium__isnull=True)
                ),
            ),
            # A member-staff or mayor account is bound to exactly one body.
            models.UniqueConstraint(
                fields=["user"], condition=Q(role__in=["staff", "mayor"]), name="one_body_per_user"
            ),
            models.UniqueConstraint(fields=["user", "role", "consortium"], name="unique_consortium_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.consortium or self.body}"

    def audit_consortium_ids(self) -> list[int]:
        # A town's staff or mayor is the business of every council the town is in.
        return [self.consortium_id] if self.consortium_id else self.body.audit_consortium_ids()

    def clean(self) -> None:
        if self.user_id and self.role:
            refusal = role_refusal(user=self.user, role=self.role, body_id=self.body_id, exclude_pk=self.pk)
            if refusal:
                raise ValidationError(refusal)


def role_refusal(*, user: User, role: str, body_id: int | None, exclude_pk: int | None = None) -> str | None:
    """Why ``user`` may not take ``role`` (of the body ``body_id`` for staff and mayors), or None.

    An account is either a member body's (staff or mayor of one body, with one of the two
    roles) or a council's (secretariat or observer of one or more councils), never both:
    a member account reads its own body's pages and its councils' business as a member,
    a council account its councils' everything, and one account cannot be both
    (apps.accounts.access reads a body role as a member account: a secretariat given one
    lost its councils). Another body's role or a second role of the same body would
    also change what the body's other councils rely on."""
    held = [r for r in user.roles.select_related("body") if r.pk != exclude_pk]
    person = {"person": str(user), "email": user.email or user.username}
    body_roles = [r for r in held if r.role in BODY_ROLES]
    if role in BODY_ROLES:
        if any(r.role in CONSORTIUM_ROLES for r in held):
            return gettext("%(person)s (%(email)s) is a council's account (secretariat or observer): it cannot "
                           "also be a member body's staff or mayor. Give the body's officer an account of their own, "
                           "with another e-mail address.") % person
        if any(r.body_id != body_id for r in body_roles):
            return gettext("%(email)s is already bound to another member body.") % person
        if any(r.role != role for r in body_roles):
            held_role = body_roles[0]
            return gettext("%(person)s (%(email)s) is already %(role)s of %(body)s: an account has one role in "
                           "its body.") % {**person, "role": held_role.get_role_display(), "body": held_role.body}
    elif body_roles:
        return gettext("%(person)s (%(email)s) is the account of %(body)s's %(role)s: a member body's account "
                       "cannot also be a council's secretariat or observer. Invite them with another e-mail "
                       "address.") % {
            **person, "role": body_roles[0].get_role_display(), "body": body_roles[0].body}
    return None
