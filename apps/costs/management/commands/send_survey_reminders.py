"""For cron instead of Celery beat: `python manage.py send_survey_reminders`."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.costs.services import survey_deadline_reminders_send


class Command(BaseCommand):
    help = "E-mail the members still to answer a survey whose deadline is near (settings.SURVEY_REMINDER_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="the day to remind as of (default: today)")

    def handle(self, *args, today, **options):
        for survey_round, reminder in survey_deadline_reminders_send(today=today or timezone.localdate()):
            outcome = reminder.error or f"{reminder.bodies} members, {reminder.addresses} addresses"
            self.stdout.write(f"{survey_round.consortium.slug} {survey_round.fiscal_year}: {outcome}")
