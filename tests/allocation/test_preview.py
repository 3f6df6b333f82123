"""The live preview tries a plan without its guarantee, and takes any guarantee the app
itself names (to 4 places), not only whole per cents."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import Role
from apps.allocation import services
from apps.allocation.forms import PreviewForm
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    consortium = ConsortiumFactory(slug="saitama")
    member_of(consortium, name="伊奈町", population=40000, cost=100_000_000)
    member_of(consortium, name="東秩父村", population=3000, cost=20_000_000)
    member_of(consortium, name="横瀬町", population=8000, cost=30_000_000)
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")
    # At 40 % the two smaller members' caps (12 and 18 million) are below their shares by
    # the formula: the guarantee re-allocates.
    return services.plan_create(
        consortium=consortium, name="案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=Decimal("0.4"),
        pools=[{"name": "基幹系", "amount": 90_000_000, "equal_ratio": Decimal("0.3"),
                "population_ratio": Decimal("0.7")}])


@pytest.fixture
def secretariat(client, plan):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def preview(client, plan, **params):
    response = client.get(reverse("plan_preview", args=[plan.pk]), params)
    assert response.status_code == 200
    return response


def test_the_preview_tries_the_plan_with_no_guarantee_at_all(secretariat, plan):
    with_guarantee = preview(secretariat, plan).context["rows"]
    assert any(row["adjustment"] for row in with_guarantee)
    # The field still holds the plan's guarantee: the tick is what says «none».
    response = preview(secretariat, plan, no_guarantee="on", guarantee="0.4")
    assert all(row["adjustment"] == 0 and row["share"] == row["base"] for row in response.context["rows"])
    assert "Previewed with no guarantee" in response.content.decode()
    assert "Previewed with a guarantee of 40%" in preview(secretariat, plan).content.decode()
    assert "Previewed with a guarantee of 0%" in preview(secretariat, plan, guarantee="0").content.decode()
    assert plan.__class__.objects.get(pk=plan.pk).guarantee == Decimal("0.4")  # nothing saved


def test_the_plan_page_offers_no_guarantee_beside_the_guarantee_to_try(secretariat, plan):
    page = secretariat.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    form = page[page.index('hx-get="' + reverse("plan_preview", args=[plan.pk])):]
    form = form[:form.index("</form>")]
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="no_guarantee"', form)


def test_the_guarantee_to_try_takes_the_largest_the_app_reports_to_four_places(secretariat, plan):
    """The refusal names the largest guarantee that could be met to 0.0001 (50.79 % is 0.5079):
    a field stepping by 0.01 refused it in the browser."""
    page = secretariat.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    field = re.search(r'<input[^>]*name="guarantee"[^>]*>', page).group(0)
    step = Decimal(re.search(r'step="([^"]+)"', field).group(1))
    assert step == Decimal(1).scaleb(-PreviewForm.base_fields["guarantee"].decimal_places)
    assert Decimal("0.5079") % step == 0
    equal = re.search(r'<input[^>]*name="equal_ratio"[^>]*>', page).group(0)
    assert Decimal(re.search(r'step="([^"]+)"', equal).group(1)) == step  # 0.3333 is a ratio a plan can save
    assert preview(secretariat, plan, guarantee="0.3999").context["rows"]
