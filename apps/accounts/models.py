"""Users and the roles that bind them to a consortium or to one member body.

Roles refer to members' models by name only ("members.Consortium"): accounts sits
below members in the import order, so it never imports them.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # Signed into the user's private calendar addresses (apps.meetings.feed_tokens): one
    # more, and every address given out before stops working.
    calendar_feed_generation = models.PositiveIntegerField(_("calendar address generation"), default=0,
                                                           editable=False)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    STAFF = "staff", _("Member staff")
    MAYOR = "mayor", _("Mayor")
    OBSERVER = "observer", _("Observer")


CONSORTIUM_ROLES = (Role.SECRETARIAT, Role.OBSERVER)
BODY_ROLES = (Role.STAFF, Role.MAYOR)


class RoleAssignment(TimeStampedModel):
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
