import datetime
import statistics
import time
from decimal import Decimal

from django.db import connection
from django.core.management.base import BaseCommand
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.services import role_grant, user_ensure
from apps.allocation.bench import bench_engine
from apps.allocation.models import AllocationPlan, Scenario
from apps.allocation.services import plan_create
from apps.demo.scale import SCALE_SLUG, seed_scale
from apps.members.models import Consortium

ENGINE_LIMIT_MS = 50
PAGE_LIMIT_MS = 1000


class Command(BaseCommand):
    help = "Benchmark the allocation engine (1,741 × 20 pools) and the 3-scenario page; prints the figures."

    def add_arguments(self, parser):
        parser.add_argument("--repeats", type=int, default=15)

    def handle(self, *args, repeats, **options):
        figures = bench_engine(repeats=repeats)
        verdict = "OK" if figures["median_ms"] < ENGINE_LIMIT_MS else "MISSED"
        self.stdout.write(
            f"engine: {figures['members']} members × {figures['pools']} pools, {figures['capped']} capped by a 10 % "
            f"guarantee: median {figures['median_ms']:.1f} ms (min {figures['min_ms']:.1f}) — target < "
            f"{ENGINE_LIMIT_MS} ms {verdict}; a naive Fraction pass over the same plan: "
            f"{figures['naive_fraction_ms']:.0f} ms")
        plan = self._scenario_plan()
        user = user_ensure(username="bench", password="bench-password-not-for-use", is_superuser=True)
        role_grant(user=user, role=Role.SECRETARIAT, consortium=plan.consortium)
        client = Client()
        client.force_login(user)
        url = reverse("plan_scenarios", args=[plan.pk])
        executed = []
        with connection.execute_wrapper(lambda execute, sql, *rest: executed.append(sql) or execute(sql, *rest)):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        timings = []
        for _ in range(max(3, repeats // 3)):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        median = statistics.median(timings)
        verdict = "OK" if median < PAGE_LIMIT_MS else "MISSED"
        self.stdout.write(f"scenario page: 3 scenarios × {plan.members.count()} members: {len(executed)} queries, "
                          f"median {median:.0f} ms — target < {PAGE_LIMIT_MS} ms {verdict}")

    def _scenario_plan(self) -> AllocationPlan:
        consortium = Consortium.objects.filter(slug=SCALE_SLUG).first()
        if consortium is None:
            seed_scale(bodies=1741, years=5)
            consortium = Consortium.objects.get(slug=SCALE_SLUG)
        plan = AllocationPlan.objects.filter(consortium=consortium, name="bench scenarios").first()
        if plan is None:
            plan = plan_create(consortium=consortium, name="bench scenarios", fiscal_year=2026, cost_fiscal_year=2025,
                               population_basis_date=datetime.date(2025, 1, 1),
                               pools=[{"name": "基幹系", "amount": 20_000_000_000, "equal_ratio": Decimal("0.3"),
                                       "population_ratio": Decimal("0.7")}])
            for name, equal in (("3:7", "0.3"), ("5:5", "0.5"), ("2:8", "0.2")):
                Scenario.objects.create(plan=plan, name=name, equal_ratio=Decimal(equal),
                                        population_ratio=1 - Decimal(equal))
        return plan
