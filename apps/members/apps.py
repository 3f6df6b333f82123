from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "apps.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # Every create, change and delete of these is kept in the audit trail.
        from auditlog.registry import auditlog

        from apps.members.models import Consortium, MemberBody, OwnershipProfile, PopulationRecord, Participation

        for model in (Consortium, MemberBody, PopulationRecord, Participation, OwnershipProfile):
            auditlog.register(model)
