from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from auditlog.signals import post_log

        from apps.core.audit import name_in_trail_language

        post_log.connect(name_in_trail_language, dispatch_uid="core.audit.name_in_trail_language")
