from django.core.management.base import BaseCommand

from apps.demo.scale import seed_scale


class Command(BaseCommand):
    help = "Generate a synthetic national-scale data set (consortium 'scale') for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--bodies", type=int, default=1741)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--systems", type=int, default=20)

    def handle(self, *args, bodies, years, systems, **options):
        figures = seed_scale(bodies=bodies, years=years, systems=systems)
        self.stdout.write(self.style.SUCCESS(
            "Scale data: {bodies} bodies, {systems} systems, {years} years, {cost_records} cost records.".format(**figures)
        ))
