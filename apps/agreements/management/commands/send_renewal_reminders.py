"""For cron instead of Celery beat: `python manage.py send_renewal_reminders`."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.agreements.services import renewal_reminders_send


class Command(BaseCommand):
    help = "E-mail each secretariat the contracts that entered their renewal notice period (once per contract)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="the day to remind as of (default: today)")

    def handle(self, *args, today, **options):
        for reminder in renewal_reminders_send(today=today or timezone.localdate()):
            if reminder.error:
                self.stderr.write(f"{reminder.consortium.slug}: not sent, left for the next run: {reminder.error}")
                continue
            self.stdout.write(f"{reminder.consortium.slug}: {len(reminder.contracts)} contracts → "
                              f"{', '.join(reminder.recipients)}")
