from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """PDF reports rendered by Celery workers, archived, downloaded and e-mailed."""

    name = "apps.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from apps.reports import checks  # noqa: F401  (registers the font subsetter check)
