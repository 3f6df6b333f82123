from django.core.management.base import BaseCommand

from apps.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the demo councils (saitama, nara) with invented costs and demo accounts. Idempotent."

    def handle(self, *args, **options):
        accounts = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded (costs are invented). Accounts:"))
        for account in accounts:
            self.stdout.write(f"  {account.username:<15} / {DEMO_PASSWORD}   {account.description}")
