"""A synthetic national-scale data set for benchmarks: ~1,741 bodies, many years of costs.

Codes are valid local government codes (prefecture 01–47, then a serial and the check
digit); names and figures are generated. Everything goes into the consortium ``scale``.
"""

from __future__ import annotations

import datetime
import random

from django.db import connection, transaction

from apps.costs.models import BusinessSystem, CostCategory, CostRecord, SurveyRound
from apps.costs.services import cost_summaries_refresh
from apps.members.codes import check_digit
from apps.members.models import (
    Consortium,
    MemberBody,
    Participation,
    ParticipationStatus,
    PopulationRecord,
    StatusChange,
)

SCALE_SLUG = "scale"
VENDORS = ["架空システム株式会社", "デモ電算センター", "サンプル情報サービス", "例示ソリューションズ", "試験計算機"]


def scale_codes(count: int) -> list[str]:
    codes = []
    serial = 0
    while len(codes) < count:
        prefecture = serial % 47 + 1
        number = 200 + serial // 47
        first_five = f"{prefecture:02d}{number:03d}"
        codes.append(first_five + str(check_digit(first_five)))
        serial += 1
    return codes


@transaction.atomic
def seed_scale(*, bodies: int, years: int, systems: int = 20, first_year: int = 2021) -> dict:
    rng = random.Random(42)
    consortium, _ = Consortium.objects.update_or_create(
        slug=SCALE_SLUG, defaults={"name": "全国規模ベンチマーク（合成データ）", "is_demo": True,
                                   "comparison_published": True},
    )
    CostRecord.objects.filter(body__participations__consortium=consortium).delete()
    Participation.objects.filter(consortium=consortium).delete()
    MemberBody.objects.filter(code__in=scale_codes(bodies)).delete()
    as_of = datetime.date(first_year + years - 1, 1, 1)
    new_bodies = MemberBody.objects.bulk_create([
        MemberBody(code=code, name=f"合成{index:04d}町", kana=f"ごうせい{index}", kind=MemberBody.Kind.TOWN,
                   prefecture=f"{int(code[:2]):02d}県", district=f"第{index % 30}郡",
                   population=int(rng.lognormvariate(9.8, 1.0)) + 500, population_as_of=as_of)
        for index, code in enumerate(scale_codes(bodies))
    ])
    populations = {body.pk: body.population for body in new_bodies}
    PopulationRecord.objects.bulk_create([
        PopulationRecord(body=body, as_of=as_of, population=body.population) for body in new_bodies
    ])
    participations = Participation.objects.bulk_create([
        Participation(body=body, consortium=consortium, status=ParticipationStatus.COUNCIL) for body in new_bodies
    ])
    StatusChange.objects.bulk_create([
        StatusChange(participation=p, status=ParticipationStatus.COUNCIL, start_date=datetime.date(2020, 4, 1))
        for p in participations
    ])
    chosen_systems = list(BusinessSystem.objects.order_by("sort_order")[:systems])
    year_range = range(first_year, first_year + years)
    for year in year_range:
        SurveyRound.objects.update_or_create(consortium=consortium, fiscal_year=year,
                                             defaults={"status": SurveyRound.Status.LOCKED})
    batch: list[CostRecord] = []
    created = 0
    for body in new_bodies:
        vendor = VENDORS[body.pk % len(VENDORS)]
        for year in year_range:
            for system in chosen_systems:
                batch.append(CostRecord(
                    body=body, fiscal_year=year, business_system=system, category=CostCategory.SOFTWARE,
                    amount=(800_000 + populations[body.pk] * rng.randint(20, 60)) // 1000 * 1000, vendor=vendor,
                ))
        if len(batch) >= 20_000:
            CostRecord.objects.bulk_create(batch)
            created += len(batch)
            batch = []
    CostRecord.objects.bulk_create(batch)
    created += len(batch)
    cost_summaries_refresh(body_ids=list(populations), fiscal_years=list(year_range))
    _refresh_planner_statistics()
    return {"bodies": len(new_bodies), "cost_records": created, "years": years, "systems": len(chosen_systems)}


def _refresh_planner_statistics() -> None:
    """After a bulk load PostgreSQL's statistics still describe the empty tables and it
    plans nested loops; autovacuum would fix that later, a benchmark needs it now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
