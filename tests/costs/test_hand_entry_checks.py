"""A town typing its year's figures by hand is told, as an upload's preview tells it, when
the total is ten times more or less than the year before's (千円 typed in a form in 円), on
saving and again before it submits; amounts are typed and shown as people write them; and
submitting is not offered for a year with nothing to submit."""

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import Role
from apps.costs.models import CostRecord
from tests.factories import ConsortiumFactory, SurveyRoundFactory, add_cost, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ina(client):
    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2026)
    body = member_of(consortium, name="伊奈町")
    add_cost(body, 2_957_000, fiscal_year=2025, business_system=business_system("resident_registry"))
    client.force_login(user_with_role(Role.STAFF, body=body))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return body


def typed(system, amount: str) -> dict:
    return {"costs-TOTAL_FORMS": "1", "costs-INITIAL_FORMS": "0", "costs-0-business_system": str(system.pk),
            "costs-0-category": "software", "costs-0-amount": amount}


def test_a_year_typed_in_thousands_of_yen_is_questioned_on_saving_naming_both_totals(client, ina):
    url = reverse("body_costs_edit", args=[ina.code, 2026])
    page = client.post(url, typed(business_system("resident_registry"), "2957"), follow=True).content.decode()
    assert CostRecord.objects.get(fiscal_year=2026).amount == 2957  # saved: it may be a real change
    assert ("The FY2026 (R8) total is 2,957 yen, ten times more or less than the FY2025 (R7) total of 2,957,000 "
            "yen") in page


def test_a_plausible_year_is_saved_with_no_word(client, ina):
    url = reverse("body_costs_edit", args=[ina.code, 2026])
    page = client.post(url, typed(business_system("resident_registry"), "2,900,000"), follow=True).content
    assert CostRecord.objects.get(fiscal_year=2026).amount == 2_900_000
    assert b"ten times more or less" not in page


def test_the_submission_asks_about_a_questioned_total_before_it_is_sent(client, ina):
    add_cost(ina, 2957, fiscal_year=2026, business_system=business_system("resident_registry"))
    page = client.get(reverse("body_costs", args=[ina.code]) + "?fy=2026").content.decode()
    confirm = page.split('value="submit" data-confirm="', 1)[1].split('"', 1)[0]
    assert confirm.startswith("The FY2026 (R8) total is 2,957 yen, ten times more or less than the FY2025 (R7) "
                              "total of 2,957,000 yen")
    assert "Submit these figures to the secretariat for review?" in confirm


def test_amounts_are_typed_and_shown_with_thousands_separators(client, ina):
    url = reverse("body_costs_edit", args=[ina.code, 2026])
    assert client.post(url, typed(business_system("resident_registry"), "2,957,000")).status_code == 302
    assert CostRecord.objects.get(fiscal_year=2026).amount == 2_957_000
    page = client.get(url).content.decode()
    assert 'value="2,957,000"' in page and 'type="number"' not in page


def test_submitting_is_not_offered_for_a_year_with_no_figures_and_says_why(client, ina):
    page = client.get(reverse("body_costs", args=[ina.code]) + "?fy=2026").content.decode()
    assert 'value="submit"' not in page
    assert "Nothing to submit yet: enter this year's figures first." in page
    add_cost(ina, 2_900_000, fiscal_year=2026, business_system=business_system("resident_registry"))
    page = client.get(reverse("body_costs", args=[ina.code]) + "?fy=2026").content.decode()
    assert 'value="submit"' in page and "Nothing to submit yet" not in page and "ten times" not in page
