"""A town's own page shows its published share the way it was worked out."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.allocation import services as allocation
from apps.allocation.selectors import published_shares
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_the_towns_page_shows_its_share_by_the_formula_then_what_the_guarantee_changed(client):
    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")
    big = member_of(consortium, name="伊奈町", population=40_000, cost=90_000_000)
    small = member_of(consortium, name="東秩父村", population=3_000, cost=20_000_000)
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    plan = allocation.plan_publish(plan=allocation.plan_create(
        consortium=consortium, name="令和8年度 按分", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=Decimal("0.10"),
        pools=[{"name": "基幹系", "amount": 80_000_000, "equal_ratio": Decimal("0.5"),
                "population_ratio": Decimal("0.5")}]), by=secretariat)
    shares = published_shares(plan)
    lowered, raised = shares[small.code], shares[big.code]
    assert lowered.adjustment < 0 < raised.adjustment  # the village is capped at a 10 % saving
    for body, share, change in ((small, lowered, f"−{-lowered.adjustment:,}円"),
                                (big, raised, f"+{raised.adjustment:,}円")):
        client.force_login(user_with_role(Role.MAYOR, body=body))
        page = client.get(reverse("body_detail", args=[body.code])).content.decode()
        row = page[page.index("令和8年度 按分"):]
        row = row[:row.index("</tr>")]
        expected = [f"{share.current_cost:,}円", f"{share.base:,}円", change, f"{share.share:,}円"]
        positions = [row.index(text) for text in expected]
        assert positions == sorted(positions)  # current cost, by the formula, re-allocation, share
