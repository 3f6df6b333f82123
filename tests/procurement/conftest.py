import datetime

import pytest

from apps.accounts.models import Role
from apps.members.models import ParticipationStatus
from apps.members.services import participation_set_status
from apps.procurement import services
from apps.procurement.corporate_number import check_digit
from tests.factories import ConsortiumFactory, business_system, member_of, user_with_role

FY = 2026


def corporate_number(n: int) -> str:
    base = f"{n:012d}"
    return f"{check_digit(base)}{base}"


def vendor(name: str, n: int):
    return services.vendor_create(name=name, corporate_number=corporate_number(n))


def case_in(consortium, title="基幹系システム共同利用 調達"):
    return services.case_create(consortium=consortium, title=title, on=datetime.date(2025, 4, 1))


def rfi_round_in(case, vendors):
    return services.rfi_round_create(case=case, title="第1回 情報提供依頼", issued_on=datetime.date(2025, 6, 1),
                                     due_on=datetime.date(2025, 7, 1), first_fiscal_year=FY, last_fiscal_year=FY + 1,
                                     cost_fiscal_year=2025, invited=vendors)


def respond(rfi_round, vendor, amounts: dict[str, int], fiscal_year=FY):
    """A response quoting ``amounts`` (business system code → yen) for one fiscal year."""
    response = services.rfi_response_record(rfi_round=rfi_round, vendor=vendor, received_on=datetime.date(2025, 6, 20))
    services.quotes_record(response=response, amounts={
        (business_system(code).pk, fiscal_year): amount for code, amount in amounts.items()})
    return response


def evaluation_in(case, *, evaluators, vendors_and_prices, criteria=(("機能要件", 40), ("運用・保守", 30)),
                  price_points_max=30):
    evaluation = services.evaluation_setup(case=case, price_points_max=price_points_max, evaluators=evaluators)
    for name, max_points in criteria:
        services.criterion_add(evaluation=evaluation, name=name, max_points=max_points)
    for company, price in vendors_and_prices:
        services.proposal_add(evaluation=evaluation, vendor=company, price=price)
    return evaluation


def score_all(evaluation, evaluator, points_by_vendor: dict[str, list[int]]):
    """``points_by_vendor``: vendor name → points per criterion, in criterion order."""
    criteria = list(evaluation.criteria.order_by("number"))
    points = {}
    for proposal in evaluation.proposals.select_related("vendor"):
        for criterion, value in zip(criteria, points_by_vendor[proposal.vendor.name], strict=True):
            points[proposal.pk, criterion.pk] = value
    services.scores_record(evaluation=evaluation, evaluator=evaluator, points=points)


@pytest.fixture
def world(db):
    a, b = ConsortiumFactory(slug="a", name="埼玉"), ConsortiumFactory(slug="b", name="奈良")
    x = member_of(a, name="伊奈町", cost=100_000_000)
    y = member_of(a, name="三芳町", cost=80_000_000)
    gone = member_of(a, name="毛呂山町", cost=50_000_000)
    participation_set_status(participation=gone.participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=datetime.date(2024, 4, 1))
    return {
        "a": a, "b": b, "x": x, "y": y,
        "evaluator_1": user_with_role(Role.SECRETARIAT, consortium=a),
        "evaluator_2": user_with_role(Role.SECRETARIAT, consortium=a),
        "secretariat": user_with_role(Role.SECRETARIAT, consortium=a),  # not an evaluator
        "secretariat_b": user_with_role(Role.SECRETARIAT, consortium=b),
        "observer": user_with_role(Role.OBSERVER, consortium=a),
        "staff_x": user_with_role(Role.STAFF, body=x),
        "mayor_x": user_with_role(Role.MAYOR, body=x),
        "demo": vendor("デモクラウド株式会社", 1),
        "kaku": vendor("架空情報システム株式会社", 2),
        "sample": vendor("サンプルソリューションズ株式会社", 3),
    }


@pytest.fixture
def case(world):
    return case_in(world["a"])


@pytest.fixture
def evaluation(world, case):
    return evaluation_in(case, evaluators=[world["evaluator_1"], world["evaluator_2"]],
                         vendors_and_prices=[(world["demo"], 100_000_000), (world["kaku"], 125_000_000)])


# 2 criteria (機能要件 /40, 運用・保守 /30); デモクラウド 100M yen, 架空情報システム 125M yen:
# 架空情報システム ranks first, 84.00 against 82.00.
FIRST = {"デモクラウド株式会社": [30, 20], "架空情報システム株式会社": [35, 25]}
SECOND = {"デモクラウド株式会社": [34, 20], "架空情報システム株式会社": [36, 24]}


@pytest.fixture
def scored(world, evaluation):
    score_all(evaluation, world["evaluator_1"], FIRST)
    score_all(evaluation, world["evaluator_2"], SECOND)
    return evaluation


@pytest.fixture
def closed(world, scored):
    return services.scoring_close(evaluation=scored, by=world["secretariat"])
