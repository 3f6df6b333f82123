import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import Role
from apps.allocation import services as allocation
from apps.costs.models import SurveyRound
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

NAMES = ["伊奈町", "三芳町", "毛呂山町", "越生町", "東秩父村"]


@pytest.fixture
def council(db):
    """A consortium of five with FY2025 costs and a published FY2026 plan."""
    consortium = ConsortiumFactory(slug="saitama", name="埼玉県町村情報システム共同化推進協議会", is_demo=True)
    # Locked when the plan is published (its figures reviewed), then reopened for a late
    # correction: the briefings still list the survey as pending and the comparison is
    # provisional, as the tests of those expect.
    survey = SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status=SurveyRound.Status.LOCKED)
    bodies = [member_of(consortium, name=name, population=40000 - 7000 * index, cost=90_000_000 - 12_345_678 * index,
                        mayor_email=f"mayor{index}@town.example")
              for index, name in enumerate(NAMES)]
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    plan = allocation.plan_create(
        consortium=consortium, name="令和8年度 按分", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=Decimal("0.10"),
        pools=[{"name": "基幹系", "amount": 150_000_001, "equal_ratio": Decimal("0.3"),
                "population_ratio": Decimal("0.7")}])
    plan = allocation.plan_publish(plan=plan, by=secretariat)
    SurveyRound.objects.filter(pk=survey.pk).update(status=SurveyRound.Status.OPEN)
    return {"consortium": consortium, "bodies": bodies, "plan": plan, "secretariat": secretariat}


@pytest.fixture
def comparison_published(council):
    """The council's named comparison published to its members: briefings name the other
    members in their charts from then on."""
    council["consortium"].comparison_published = True
    council["consortium"].save(update_fields=["comparison_published"])
