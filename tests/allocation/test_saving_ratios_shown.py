"""A saving ratio is shown as saving ÷ current cost rounded once, half-up, to the places
shown — wherever it is shown — while the engine still publishes it to 4 places (the spec).

越生町 saves 34,126,772 yen of 60,460,000: 56.445… %, published as 0.5645, shown 56.4 %
(rounding 0.5645 again gave 56.5 %). Another town saves 37,151,000 of 100,000,000:
37.151 %, published as 0.3715, shown 37.2 % (0.3715 through float gave 37.1 %).
"""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from apps.accounts.models import Role
from apps.allocation import services
from apps.allocation.models import Scenario
from apps.allocation.selectors import published_shares
from apps.reports.selectors import Options, briefing_context, briefing_figures, side_by_side_context
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

OGOSE_COST, OGOSE_SAVING = 60_460_000, 34_126_772
OTHER_COST, OTHER_SAVING = 100_000_000, 37_151_000
SHOWN, DOUBLY_ROUNDED = ("56.4%", "37.2%"), ("56.5%", "37.1%")


@pytest.fixture
def world():
    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")
    ogose = member_of(consortium, name="越生町", population=11_000, cost=OGOSE_COST)
    other = member_of(consortium, name="三芳町", population=38_000, cost=OTHER_COST)
    # A pool for each town alone, shared equally: its share is the pool's amount.
    plan = services.plan_create(
        consortium=consortium, name="按分案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=None, pools=[])
    for body, amount in ((ogose, OGOSE_COST - OGOSE_SAVING), (other, OTHER_COST - OTHER_SAVING)):
        pool = plan.pools.create(name=body.name, amount=amount, equal_ratio=Decimal(1), population_ratio=Decimal(0))
        pool.bodies.set([body])
    Scenario.objects.create(plan=plan, name="均等", equal_ratio=Decimal(1), population_ratio=Decimal(0))
    return {"consortium": consortium, "plan": plan, "ogose": ogose, "other": other,
            "secretariat": user_with_role(Role.SECRETARIAT, consortium=consortium)}


def shows_each_once(html: str) -> None:
    for shown in SHOWN:
        assert shown in html
    for wrong in DOUBLY_ROUNDED:
        assert wrong not in html


def test_the_engine_still_publishes_four_places(world):
    rows = {row["code"]: row for row in services.plan_result(world["plan"])["members"]}
    assert rows[world["ogose"].code]["saving_ratio"] == "0.5645"
    assert rows[world["other"].code]["saving_ratio"] == "0.3715"


def test_the_plan_page_its_chart_its_preview_and_its_scenarios_round_the_exact_ratio_once(client, world):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    plan = world["plan"]
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    shows_each_once(page)
    chart = page[page.index("<svg"):page.index("</svg>")]
    shows_each_once(chart)
    shows_each_once(client.get(reverse("plan_preview", args=[plan.pk])).content.decode())
    shows_each_once(client.get(reverse("plan_scenarios", args=[plan.pk])).content.decode())


def test_the_towns_page_its_e_mail_and_both_reports_round_the_exact_ratio_once(client, world):
    plan = services.plan_publish(plan=world["plan"], by=world["secretariat"])
    ogose = world["ogose"]
    share = published_shares(plan)[ogose.code]
    assert share.saving_ratio == Decimal("0.5645")  # the published figure, as ranked

    client.force_login(user_with_role(Role.MAYOR, body=ogose))
    page = client.get(reverse("body_detail", args=[ogose.code])).content.decode()
    assert "56.4%" in page and "56.5%" not in page

    summary = {"share": share, "plan": plan, "unit_label": "円", "fy_label": "", "plan_fy_label": "",
               "shown": briefing_figures(current_cost=share.current_cost, share=share, options=Options())}
    for template in ("emails/briefing.html", "emails/briefing.txt"):
        mail = render_to_string(template, {"summary": summary, "body": ogose, "consortium": world["consortium"]})
        assert "56.4%" in mail and "56.5%" not in mail

    briefing = render_to_string("reports/pdf/briefing.html", briefing_context(
        consortium=world["consortium"], body=ogose, fiscal_year=2025, plan=plan, options=Options()))
    assert "56.4%" in briefing and "56.5%" not in briefing
    comparison = render_to_string("reports/pdf/side_by_side.html", side_by_side_context(
        consortium=world["consortium"], fiscal_year=2025, plan=plan, options=Options()))
    shows_each_once(comparison)
