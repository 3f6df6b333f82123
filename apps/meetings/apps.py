from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        # Every create, change and delete of these is kept in the audit trail.
        from auditlog.registry import auditlog

        from apps.meetings.models import ActionItem, AgendaItem, Attendance, Decision, Meeting, Position

        for model in (Meeting, AgendaItem, Attendance, Decision, Position, ActionItem):
            auditlog.register(model)
