from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostsConfig(AppConfig):
    name = "apps.costs"
    verbose_name = _("Costs")

    def ready(self) -> None:
        from apps.costs import checks  # noqa: F401  (registers the deployment check)

        # Every create, change and delete of these is kept in the audit trail.
        from auditlog.registry import auditlog

        from apps.costs.models import CostRecord, SurveyResponse, SurveyRound

        for model in (CostRecord, SurveyRound, SurveyResponse):
            auditlog.register(model)
