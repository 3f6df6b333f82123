"""Daily background work for the cost surveys (scheduled by Celery beat, see settings)."""

from celery import shared_task
from django.utils import timezone

from apps.costs.services import survey_deadline_reminders_send


@shared_task
def send_survey_reminders() -> int:
    """Remind the members still to answer of surveys whose deadline is near; the number
    of towns written to."""
    return sum(reminder.bodies for _round, reminder in survey_deadline_reminders_send(today=timezone.localdate()))
