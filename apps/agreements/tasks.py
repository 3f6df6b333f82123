"""Daily background work for contracts (scheduled by Celery beat, see settings)."""

from celery import shared_task
from django.utils import timezone

from apps.agreements.services import renewal_reminders_send


@shared_task
def send_renewal_reminders() -> int:
    """Remind each secretariat of contracts entering their notice period; the count sent."""
    return sum(not reminder.error for reminder in renewal_reminders_send(today=timezone.localdate()))
