from django.core.management.base import BaseCommand

from apps.demo.bench import bench_pages
from apps.demo.scale import SCALE_SLUG, seed_scale
from apps.members.models import Consortium

QUERY_LIMIT = 8
CSV_LIMIT_SECONDS = 2.0


class Command(BaseCommand):
    help = "Benchmark the list pages at national scale against Django admin; prints the figures."

    def add_arguments(self, parser):
        parser.add_argument("--bodies", type=int, default=1741)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--repeats", type=int, default=25)

    def handle(self, *args, bodies, years, repeats, **options):
        consortium = Consortium.objects.filter(slug=SCALE_SLUG).first()
        if consortium is None or consortium.participations.count() != bodies:
            self.stdout.write(f"Generating {bodies} bodies × {years} years of costs…")
            seed_scale(bodies=bodies, years=years)
            consortium = Consortium.objects.get(slug=SCALE_SLUG)
        result = bench_pages(consortium=consortium, repeats=repeats)
        self.stdout.write(f"database: {result['database']}; members: {result['members']}; repeats: {repeats}")
        admin = next(p for p in result["pages"] if p.name.startswith("admin"))
        for page in result["pages"]:
            verdict = ""
            if page is not admin:
                ok = page.queries <= QUERY_LIMIT and page.median_ms <= admin.median_ms
                verdict = "OK" if ok else "MISSED"
            self.stdout.write(
                f"{page.name:<32} queries {page.queries:>3}  median {page.median_ms:8.1f} ms  "
                f"rows {page.rows:>4}  {verdict}"
            )
        reports = result["reports_page"]
        self.stdout.write(f"{reports.name:<32} queries {reports.queries:>3}  median {reports.median_ms:8.1f} ms  "
                          f"options {reports.rows}  {result['reports_page_kb']:.0f} KB  (shown, not judged)")
        for page in result["per_member_pages"]:
            self.stdout.write(f"{page.name:<32} queries {page.queries:>3}  median {page.median_ms:8.1f} ms  "
                              f"rows {page.rows:>4}  (a row per member: shown, not judged)")
        csv_ok = "OK" if result["csv_seconds"] < CSV_LIMIT_SECONDS else "MISSED"
        self.stdout.write(f"{'full CSV export':<32} rows {result['csv_rows']:>5}  {result['csv_seconds']:.2f} s  {csv_ok}")
        self.stdout.write(f"targets: ≤ {QUERY_LIMIT} queries and no slower than admin; CSV < {CSV_LIMIT_SECONDS} s")
