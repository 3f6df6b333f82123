from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Who gave whom access, and who took it away: granting and removing a role, and
        # deactivating (or reactivating) an account, are kept in the audit trail.
        from auditlog.registry import auditlog

        from apps.accounts.models import RoleAssignment, User

        auditlog.register(RoleAssignment)
        auditlog.register(User, include_fields=["is_active"])
