"""Allocation benchmarks: the engine at national scale, and the scenario page."""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal
from fractions import Fraction

from apps.allocation import engine


def synthetic_plan(*, members: int = 1741, pools: int = 20, seed: int = 1) -> engine.Plan:
    """Random populations and pools; current costs set so a 10 % guarantee caps about a
    third of the members (those whose cost sits just above their base share)."""
    rng = random.Random(seed)
    people = [engine.Member(code=f"{100000 + i}", population=int(rng.lognormvariate(9.8, 1.0)) + 500)
              for i in range(members)]
    codes = [m.code for m in people]
    pool_list = tuple(
        engine.Pool(name=f"業務{index:02d}", amount=rng.randint(10**8, 10**9), equal_ratio=Decimal("0.3"),
                    population_ratio=Decimal("0.7"),
                    members=None if index % 3 == 0 else tuple(rng.sample(codes, rng.randint(members // 2, members))))
        for index in range(pools)
    )
    base = engine.allocate(engine.Plan(members=tuple(people), pools=pool_list))
    with_costs = tuple(
        engine.Member(code=m.code, population=m.population,
                      current_cost=int(result.base * (1.02 if index % 3 == 0 else 1.8)) + 1)
        for index, (m, result) in enumerate(zip(sorted(people, key=lambda m: m.code), base.members))
    )
    return engine.Plan(members=with_costs, pools=pool_list, guarantee=Decimal("0.10"))


def naive_fraction_allocation(plan: engine.Plan) -> None:
    """The obvious Fraction transcription of the base shares, for scale (one run)."""
    members = {m.code: m for m in plan.members}
    for pool in plan.pools:
        codes = sorted(members if pool.members is None else pool.members)
        population = sum(members[c].population for c in codes)
        shares = {c: Fraction(pool.amount) * Fraction(pool.equal_ratio) / len(codes)
                  + Fraction(pool.amount) * Fraction(pool.population_ratio) * members[c].population / population
                  for c in codes}
        sorted(codes, key=lambda c: (-(shares[c] - int(shares[c])), c))
    exact = dict.fromkeys(members, Fraction(0))
    for _ in range(3):  # a few water-filling rounds over exact totals
        total = sum(exact.values(), Fraction(0))
        for code in exact:
            exact[code] = exact[code] + total / len(exact)


def bench_engine(*, members: int = 1741, pools: int = 20, repeats: int = 15) -> dict:
    plan = synthetic_plan(members=members, pools=pools)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = engine.allocate(plan)
        timings.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    naive_fraction_allocation(plan)
    naive_ms = (time.perf_counter() - start) * 1000
    return {"median_ms": statistics.median(timings), "min_ms": min(timings), "members": members, "pools": pools,
            "capped": sum(m.capped for m in result.members), "naive_fraction_ms": naive_ms}
