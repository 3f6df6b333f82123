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
