from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "apps.allocation"
    verbose_name = _("Cost allocation")

    def ready(self) -> None:
        # Every create, change and delete of these is kept in the audit trail.
        from auditlog.registry import auditlog

        from apps.allocation.models import AllocationPlan, Pool, PlanMember, Scenario

        for model in (AllocationPlan, PlanMember, Scenario):
            auditlog.register(model)
        # Which members and business systems a pool covers changes who pays what.
        auditlog.register(Pool, m2m_fields={"bodies", "business_systems"})
