from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "apps.procurement"
    label = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        from apps.procurement import checks  # noqa: F401  (registers the deployment check)

        # Every create, change and delete of these is kept in the audit trail.
        from auditlog.registry import auditlog

        from apps.procurement import models

        auditlog.register(models.RfiRound, m2m_fields={"invited"})
        for model in (models.Vendor, models.ProcurementCase, models.StageChange, models.RfiResponse,
                      models.IndicativeQuote, models.Evaluation, models.Evaluator, models.Criterion, models.Proposal,
                      models.Score):
            auditlog.register(model)
