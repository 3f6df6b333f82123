"""The one place that decides who may see and do what.

Views, tables, exports, downloads and tasks ask this module; they never test roles
themselves. Reading the user's roles costs one query per request (cached on the user).

Conventions: an object outside the user's scope is reported as missing (404), so its
existence does not leak; an object in scope but beyond the user's permission is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from apps.accounts.models import Role


@dataclass(frozen=True)
class Access:
    is_admin: bool = False
    secretariat_of: frozenset[int] = field(default_factory=frozenset)
    observer_of: frozenset[int] = field(default_factory=frozenset)
    body_id: int | None = None
    body_role: str | None = None

    @property
    def is_member_user(self) -> bool:
        return self.body_id is not None

    @property
    def readable_consortia(self) -> frozenset[int]:
        return self.secretariat_of | self.observer_of

    def manages(self, consortium_id: int) -> bool:
        """May change the consortium's data (the secretariat's pages)."""
        return self.is_admin or consortium_id in self.secretariat_of

    def oversees(self, consortium_id: int) -> bool:
        """May read everything in the consortium (secretariat and observers)."""
        return self.is_admin or consortium_id in self.readable_consortia

    def is_own_body(self, body_id: int) -> bool:
        return self.body_id == body_id

    @property
    def may_edit_own_survey(self) -> bool:
        return self.body_role == Role.STAFF


ANONYMOUS = Access()


def access_for(user) -> Access:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_consortium_access", None)
    if cached is not None:
        return cached
    secretariat, observer = set(), set()
    body_id = body_role = None
    for role, consortium_id, body in user.roles.values_list("role", "consortium_id", "body_id"):
        if role == Role.SECRETARIAT:
            secretariat.add(consortium_id)
        elif role == Role.OBSERVER:
            observer.add(consortium_id)
        else:
            body_id, body_role = body, role
    access = Access(
        is_admin=user.is_superuser,
        secretariat_of=frozenset(secretariat),
        observer_of=frozenset(observer),
        body_id=body_id,
        body_role=body_role,
    )
    user._consortium_access = access
    return access


def require_manager(user, consortium_id: int) -> None:
    if not access_for(user).manages(consortium_id):
        raise PermissionDenied

