"""A town's own page shows its published share the way it was worked out."""

import datetime
import re
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


def _publish(plan, by):
    return allocation.plan_publish(plan=plan, by=by)


def test_the_towns_page_gives_its_share_only_under_plans_in_force_each_with_its_fiscal_year(client):
    """Plan 1, revised and its revision published, is superseded: the town read the same
    plan's name twice, two shares, and no year to tell them apart."""
    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")
    town = member_of(consortium, name="伊奈町", population=40_000, cost=90_000_000)
    member_of(consortium, name="東秩父村", population=3_000, cost=20_000_000)
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    first = _publish(allocation.plan_create(
        consortium=consortium, name="共同化費用の分担", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=None,
        pools=[{"name": "基幹系", "amount": 80_000_000, "equal_ratio": Decimal("0.5"),
                "population_ratio": Decimal("0.5")}]), secretariat)
    client.force_login(user_with_role(Role.MAYOR, body=town))

    def shares_card():
        page = client.get(reverse("body_detail", args=[town.code])).content.decode()
        return page[page.index("data-published-shares"):page.index("data-town-documents")]

    draft, _made = allocation.plan_revise(plan=first)
    assert reverse("plan_detail", args=[first.pk]) in shares_card()  # a draft revision changes nothing yet
    revision = _publish(draft, secretariat)
    card = shares_card()
    assert card.count("共同化費用の分担") == 1
    assert reverse("plan_detail", args=[revision.pk]) in card
    assert reverse("plan_detail", args=[first.pk]) not in card
    assert "令和8年度" in card  # the year the plan allocates


def test_the_towns_documents_list_the_latest_of_each_kind_of_briefing_with_the_earlier_ones_folded(client):
    """Nine briefings rendered over time, several alike, were nine lines: the latest of each
    (plan, unit, calendar) is listed, the ones it replaced folded beneath it."""
    from apps.reports.models import Kind, Report

    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")
    town = member_of(consortium, name="伊奈町", population=40_000, cost=90_000_000)
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    plan = _publish(allocation.plan_create(
        consortium=consortium, name="按分案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=None,
        pools=[{"name": "基幹系", "amount": 80_000_000, "equal_ratio": Decimal(1),
                "population_ratio": Decimal(0)}]), secretariat)
    made = []
    for index, (with_plan, params) in enumerate([
            (True, {"unit": "yen", "calendar": "western"}), (True, {"unit": "yen", "calendar": "western"}),
            (True, {"unit": "thousand", "calendar": "western"}), (False, {"unit": "yen", "calendar": "western"}),
            (True, {"unit": "yen", "calendar": "western"})]):
        made.append(Report.objects.create(
            kind=Kind.BRIEFING, consortium=consortium, body=town, plan=plan if with_plan else None, fiscal_year=2025,
            params=params, requested_by=secretariat, file_name=f"briefing-{index}.pdf", sha256="0" * 64, size=1,
            pages=1))
    client.force_login(user_with_role(Role.MAYOR, body=town))
    page = client.get(reverse("body_detail", args=[town.code])).content.decode()
    listed = re.findall(r'<li data-report-latest>.*?href="([^"]+)"', page, flags=re.S)
    download = [reverse("report_download", args=[report.pk]) for report in made]
    assert listed == [download[4], download[3], download[2]]  # newest first, one per kind of briefing
    earlier = page[page.index("data-report-earlier"):]
    earlier = earlier[:earlier.index("</details>")]
    assert download[1] in earlier and download[0] in earlier
