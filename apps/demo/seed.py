"""The demo data set: the two councils of the source documents with invented costs.

Bodies, districts and the path of each council follow the seeds; every yen is invented
(costs are not public), and the consortia carry ``is_demo`` so pages and PDFs say so.
Running it twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.services import role_grant, user_ensure
from apps.costs.catalogue import catalogue_load
from apps.costs.models import BusinessSystem, CostCategory, CostRecord, SurveyResponse, SurveyRound
from apps.demo.agreements import seed_agreements
from apps.demo.briefings import seed_briefings
from apps.demo.meetings import seed_meetings
from apps.demo.plans import seed_plans
from apps.demo.procurement import seed_procurement
from apps.costs.services import cost_summaries_refresh, survey_round_ensure
from apps.members.models import (
    Asset,
    Consortium,
    Holding,
    MemberBody,
    OwnershipProfile,
    ParticipationStatus,
)
from apps.members.services import participation_ensure, participation_set_status, population_record

DEMO_BODIES_CSV = Path(__file__).parent / "data" / "demo-bodies.csv"
DEMO_PASSWORD = "demo-pass-2026"
DEMO_YEARS = (2024, 2025)
POPULATION_AS_OF = datetime.date(2025, 1, 1)
# Invented vendors, named so nobody mistakes them for real companies.
DEMO_VENDORS = ("架空システム株式会社", "デモ電算センター", "サンプル情報サービス", "例示ソリューションズ")

CONSORTIA = {
    "saitama": {
        "name": "埼玉県町村情報システム共同化推進協議会",
        "kind": Consortium.Kind.VOLUNTARY,
        "contract_style": Consortium.ContractStyle.INDIVIDUAL,
        "purpose": Consortium.Purpose.COST,
        "description": "埼玉県町村会の23町村による自治体クラウド（デモデータ）。",
        "comparison_published": True,
    },
    "nara": {
        "name": "奈良県基幹システム共同化検討会",
        "kind": Consortium.Kind.VOLUNTARY,
        "contract_style": Consortium.ContractStyle.INDIVIDUAL,
        "purpose": Consortium.Purpose.COST,
        "description": "奈良県の7団体による基幹系システム共同化（デモデータ）。",
        "comparison_published": False,
    },
}

# Saitama: 23 in the council, 18 declared and went live, these 5 withdrew.
SAITAMA_WITHDRAWN = {"113263", "113433", "113859", "114421", "114651"}
SAITAMA_PATH = [
    (ParticipationStatus.STUDY_GROUP, datetime.date(2011, 7, 1)),
    (ParticipationStatus.COUNCIL, datetime.date(2012, 4, 1)),
    (ParticipationStatus.DECLARED, datetime.date(2013, 3, 1)),
]
# Nara: staggered go-live as in the slides (H23.5, H23.12, H24.3 ×4, H25).
NARA_GO_LIVE = [datetime.date(2011, 5, 1), datetime.date(2011, 12, 1)] + [datetime.date(2012, 3, 1)] * 4 + [
    datetime.date(2013, 4, 1)
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str
    description: str   # printed by seed_demo, for the developer
    display_name: str  # shown in the app's header, which speaks Japanese first


DEMO_ACCOUNTS = [
    DemoAccount("admin", "admin", "", "administrator (Django admin)", "システム管理者"),
    DemoAccount("jimukyoku", Role.SECRETARIAT, "saitama,nara", "secretariat of both councils", "事務局（埼玉・奈良）"),
    DemoAccount("chotatsu", Role.SECRETARIAT, "saitama", "secretariat of saitama, second procurement evaluator",
                "事務局 調達担当（埼玉）"),
    DemoAccount("observer", Role.OBSERVER, "saitama", "prefecture CIO adviser, read-only on saitama",
                "県CIO補佐官（閲覧のみ）"),
    DemoAccount("ina-staff", Role.STAFF, "113018", "IT officer of 伊奈町", "伊奈町 情報担当"),
    DemoAccount("ina-mayor", Role.MAYOR, "113018", "mayor of 伊奈町", "伊奈町長"),
    DemoAccount("miyoshi-staff", Role.STAFF, "113247", "IT officer of 三芳町", "三芳町 情報担当"),
    DemoAccount("miyoshi-mayor", Role.MAYOR, "113247", "mayor of 三芳町", "三芳町長"),
]


def demo_rows() -> list[dict]:
    with DEMO_BODIES_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    catalogue_load(BusinessSystem)  # normally there from its migration; a flushed database lacks it
    consortia = {slug: _consortium(slug, values) for slug, values in CONSORTIA.items()}
    bodies: dict[str, MemberBody] = {}
    nara_index = 0
    for row in demo_rows():
        body = _body(row)
        bodies[row["code"]] = body
        consortium = consortia[row["consortium"]]
        if row["consortium"] == "saitama":
            _saitama_path(body, consortium)
        else:
            _nara_path(body, consortium, NARA_GO_LIVE[nara_index])
            nara_index += 1
    for consortium in consortia.values():
        for year in DEMO_YEARS:
            _answered_in_full(survey_round_ensure(consortium=consortium, fiscal_year=year,
                                                  status=SurveyRound.Status.LOCKED))
        # The open survey's deadline a few weeks ahead of the day of seeding, as the meetings' dates are.
        survey_round_ensure(consortium=consortium, fiscal_year=2026,
                            deadline=timezone.localdate() + datetime.timedelta(days=18))
        consortium.business_systems.set(BusinessSystem.objects.filter(standardised=True))
    _invent_costs(list(bodies.values()))
    _accounts(consortia, bodies)
    seed_plans(by=User.objects.get(username="jimukyoku"))
    seed_agreements()
    seed_meetings(consortium=consortia["saitama"])
    seed_procurement(consortium=consortia["saitama"])
    seed_briefings(consortium=consortia["saitama"])
    return DEMO_ACCOUNTS


def _answered_in_full(survey_round: SurveyRound) -> None:
    """A past, locked year: every member that had not withdrawn answered and was accepted."""
    bodies = survey_round.consortium.participations.exclude(status=ParticipationStatus.WITHDRAWN)
    SurveyResponse.objects.bulk_create(
        [SurveyResponse(survey_round=survey_round, body_id=body_id, status=SurveyResponse.Status.ACCEPTED)
         for body_id in bodies.values_list("body_id", flat=True)],
        ignore_conflicts=True)  # seeding again changes nothing


def _consortium(slug: str, values: dict) -> Consortium:
    consortium, _ = Consortium.objects.update_or_create(slug=slug, defaults={**values, "is_demo": True})
    return consortium


def _body(row: dict) -> MemberBody:
    body, _ = MemberBody.objects.update_or_create(
        code=row["code"],
        defaults={
            "name": row["name"], "kana": row["kana"], "kind": row["kind"], "prefecture": row["prefecture"],
            "district": row["district"], "mayor_name": f"{row['name']}長（デモ）",
            "mayor_email": f"mayor-{row['code']}@example.invalid",
        },
    )
    population_record(body=body, population=int(row["population_approx"]), as_of=POPULATION_AS_OF,
                      source="estimate")
    return body


def _saitama_path(body: MemberBody, consortium: Consortium) -> None:
    participation = participation_ensure(
        body=body, consortium=consortium, status=ParticipationStatus.INVITED, on=datetime.date(2011, 4, 1)
    )
    if participation.history.count() > 1:
        return
    withdrawn = body.code in SAITAMA_WITHDRAWN
    for status, on in SAITAMA_PATH[: 2 if withdrawn else 3]:
        participation_set_status(participation=participation, status=status, on=on)
    if withdrawn:
        participation_set_status(participation=participation, status=ParticipationStatus.WITHDRAWN,
                                 on=datetime.date(2013, 3, 1), note="参加見送り")
        return
    go_live = datetime.date(2014 + int(body.code[-2]) % 3, 1, 1)
    participation_set_status(participation=participation, status=ParticipationStatus.LIVE, on=go_live)
    participation.planned_go_live = participation.actual_go_live = go_live
    participation.save(update_fields=["planned_go_live", "actual_go_live"])
    _ownership(participation, before_owned={Asset.DATA_CENTRE, Asset.SERVER, Asset.PRINTER, Asset.APPLICATION})


def _nara_path(body: MemberBody, consortium: Consortium, go_live: datetime.date) -> None:
    participation = participation_ensure(
        body=body, consortium=consortium, status=ParticipationStatus.STUDY_GROUP, on=datetime.date(2009, 10, 1)
    )
    if participation.history.count() > 1:
        return
    participation_set_status(participation=participation, status=ParticipationStatus.DECLARED,
                             on=datetime.date(2010, 6, 1))
    participation_set_status(participation=participation, status=ParticipationStatus.LIVE, on=go_live)
    participation.planned_go_live = participation.actual_go_live = go_live
    participation.save(update_fields=["planned_go_live", "actual_go_live"])
    _ownership(participation, before_owned={Asset.SERVER, Asset.APPLICATION})


def _ownership(participation, *, before_owned: set) -> None:
    for asset in Asset:
        OwnershipProfile.objects.update_or_create(
            participation=participation, asset=asset,
            defaults={"before": Holding.OWNED if asset in before_owned else Holding.SERVICE,
                      "after": Holding.SERVICE},
        )


def invented_cost_records(body: MemberBody, population: int, systems, years) -> list[CostRecord]:
    """Plausible but invented costs: a fixed part per system plus a part per resident.

    Small towns pay more per resident, which is what the comparison is meant to show.
    """
    rng = random.Random(int(body.code))
    vendor = DEMO_VENDORS[rng.randrange(len(DEMO_VENDORS))]
    weight = rng.uniform(0.8, 1.4)
    records = []
    for year_index, year in enumerate(years):
        growth = 1 + 0.02 * year_index
        for system in systems:
            software = int((1_200_000 + population * 40) * weight * growth)
            maintenance = int((400_000 + population * 12) * weight * growth)
            for category, amount in ((CostCategory.SOFTWARE, software), (CostCategory.MAINTENANCE, maintenance)):
                records.append(CostRecord(
                    body=body, fiscal_year=year, business_system=system, category=category,
                    amount=amount - amount % 1000, vendor=vendor,
                    contract_end=datetime.date(year + 2, 3, 31),
                ))
    return records


def _invent_costs(bodies) -> None:
    systems = list(BusinessSystem.objects.filter(standardised=True))
    records = []
    for body in bodies:
        records += invented_cost_records(body, body.population, systems, DEMO_YEARS)
    CostRecord.objects.bulk_create(
        records, update_conflicts=True,
        unique_fields=["body", "fiscal_year", "business_system", "category"],
        update_fields=["amount", "vendor", "contract_end"],
    )
    cost_summaries_refresh(body_ids=[body.pk for body in bodies], fiscal_years=DEMO_YEARS)


def _accounts(consortia: dict[str, Consortium], bodies: dict[str, MemberBody]) -> None:
    for account in DEMO_ACCOUNTS:
        user = user_ensure(
            username=account.username, password=DEMO_PASSWORD, display_name=account.display_name,
            email=f"{account.username}@example.invalid", is_superuser=account.role == "admin",
        )
        if account.role in (Role.SECRETARIAT, Role.OBSERVER):
            for slug in account.scope.split(","):
                role_grant(user=user, role=account.role, consortium=consortia[slug])
        elif account.role in (Role.STAFF, Role.MAYOR):
            role_grant(user=user, role=account.role, body=bodies[account.scope])
