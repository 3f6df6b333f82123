"""A town's IT officer starts the year's survey from last year's figures and corrects what
changed, instead of typing every system and category again."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from apps.accounts.models import Role
from apps.costs.models import CostRecord, SurveyResponse, SurveyRound
from tests.factories import ConsortiumFactory, SurveyRoundFactory, add_cost, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    """伊奈町 with FY2025 figures, and the FY2026 survey open with none yet."""
    consortium = ConsortiumFactory(slug="saitama")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2026)
    body = member_of(consortium, name="伊奈町")
    add_cost(body, 3_000_000, fiscal_year=2025, business_system=business_system("resident_registry"),
             category="software", vendor="架空システム株式会社", contract_end=datetime.date(2027, 3, 31))
    add_cost(body, 800_000, fiscal_year=2025, business_system=business_system("resident_registry"),
             category="maintenance", vendor="架空システム株式会社")
    add_cost(body, 1_200_000, fiscal_year=2024, business_system=business_system("family_register"),
             category="software")  # two years back: not copied
    return consortium, body


def figures(body, year):
    return sorted(CostRecord.objects.filter(body=body, fiscal_year=year)
                  .values_list("business_system__code", "category", "amount", "vendor", "contract_end"))


def test_staff_copy_last_years_figures_into_an_empty_year_and_are_sent_to_correct_them(client, town):
    _consortium, body = town
    client.force_login(user_with_role(Role.STAFF, body=body))
    edit = reverse("body_costs_edit", args=[body.code, 2026])
    page = client.get(edit).content.decode()
    assert "令和7年度の2件から始めて" in page and reverse("body_costs_copy_previous_year", args=[body.code, 2026]) in page

    response = client.post(reverse("body_costs_copy_previous_year", args=[body.code, 2026]), follow=True)

    assert response.redirect_chain == [(edit, 302)]
    assert "令和7年度の数値 2 件を写しました" in response.content.decode()
    assert figures(body, 2026) == figures(body, 2025)  # systems, categories, amounts, vendors, contract ends
    assert body.year_costs.get(fiscal_year=2026).total == 3_800_000  # the comparison sees the year
    assert LogEntry.objects.filter(content_type__model="costrecord", action=LogEntry.Action.CREATE).count() >= 2
    assert "から始めて" not in response.content.decode()  # the year has figures now: no second offer


def test_a_year_with_figures_is_never_overwritten_and_a_second_click_says_why(client, town):
    _consortium, body = town
    client.force_login(user_with_role(Role.STAFF, body=body))
    url = reverse("body_costs_copy_previous_year", args=[body.code, 2026])
    client.post(url)
    CostRecord.objects.filter(body=body, fiscal_year=2026, category="software").update(amount=2_500_000)
    response = client.post(url, follow=True)
    assert "この年度にはすでに数値があります" in response.content.decode()
    assert CostRecord.objects.get(body=body, fiscal_year=2026, category="software").amount == 2_500_000
    assert CostRecord.objects.filter(body=body, fiscal_year=2026).count() == 2


def test_nothing_to_copy_from_is_said_and_nothing_written(client, town):
    consortium, body = town
    SurveyRoundFactory(consortium=consortium, fiscal_year=2028)
    client.force_login(user_with_role(Role.STAFF, body=body))
    assert "から始めて" not in client.get(reverse("body_costs_edit", args=[body.code, 2028])).content.decode()
    response = client.post(reverse("body_costs_copy_previous_year", args=[body.code, 2028]), follow=True)
    assert "前年度には写せる数値がありません" in response.content.decode()
    assert not CostRecord.objects.filter(fiscal_year=2028).exists()


def test_copying_follows_the_rules_of_editing_by_hand(client, town):
    consortium, body = town
    url = reverse("body_costs_copy_previous_year", args=[body.code, 2026])
    client.force_login(user_with_role(Role.MAYOR, body=body))
    assert client.post(url).status_code == 403  # a mayor reads, never edits
    client.force_login(user_with_role(Role.STAFF, body=member_of(consortium)))
    assert client.post(url).status_code == 404  # another town's staff
    staff = user_with_role(Role.STAFF, body=body)
    client.force_login(staff)
    SurveyResponse.objects.create(survey_round=SurveyRound.objects.get(fiscal_year=2026), body=body,
                                  status=SurveyResponse.Status.SUBMITTED)
    assert client.post(url).status_code == 403  # submitted for review
    assert client.get(url).status_code == 405
    assert not CostRecord.objects.filter(fiscal_year=2026).exists()


def test_copied_figures_are_the_towns_answer_being_filled_in_and_keep_the_year_from_being_locked(client, town):
    """A town's copied draft, never submitted, read 未着手; the year was locked with it and its
    figures ranked by name in the published comparison."""
    from django.core.exceptions import ValidationError

    from apps.costs import services

    consortium, body = town
    client.force_login(user_with_role(Role.STAFF, body=body))
    client.post(reverse("body_costs_copy_previous_year", args=[body.code, 2026]))
    survey_round = SurveyRound.objects.get(consortium=consortium, fiscal_year=2026)
    assert SurveyResponse.objects.get(survey_round=survey_round, body=body).status == SurveyResponse.Status.EDITING
    assert "入力中" in client.get(reverse("body_detail", args=[body.code])).content.decode()
    with pytest.raises(ValidationError, match="伊奈町"):
        services.survey_round_move(survey_round=survey_round, action="lock")
    services.survey_round_move(survey_round=survey_round, action="close")  # closing is still allowed
    with pytest.raises(ValidationError, match="伊奈町"):
        services.survey_round_move(survey_round=survey_round, action="lock")
