from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "apps.agreements"
    verbose_name = _("Agreements and contracts")

    def ready(self) -> None:
        # Every create, change and delete of these is kept in the audit trail.
        from auditlog.registry import auditlog

        from apps.agreements.models import Agreement, Article, Contract, Customisation, Signature, SlaItem

        for model in (Agreement, Article, Signature, Contract, SlaItem, Customisation):
            auditlog.register(model)
