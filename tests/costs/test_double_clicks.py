"""A second click, or a second secretariat, at the same moment as the first: refused as
one after the other would be, never a server error, never a year locked past an answer."""

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import Role
from apps.costs import services
from apps.costs.models import BusinessSystem, SurveyResponse, SurveyRound
from tests.concurrency import needs_row_locks, second_while_first_is_uncommitted
from tests.factories import ConsortiumFactory, add_cost, member_of, user_with_role


def open_2026(consortium):
    return services.survey_round_open(consortium=consortium, fiscal_year=2026, deadline=None)


@pytest.mark.django_db
def test_a_move_is_judged_on_the_round_as_it_stands_not_as_the_page_read_it():
    """A close from a page read before the year was locked unlocked it again."""
    survey_round = open_2026(ConsortiumFactory(slug="a"))
    services.survey_round_move(survey_round=SurveyRound.objects.get(pk=survey_round.pk), action="lock")
    with pytest.raises(ValidationError):
        services.survey_round_move(survey_round=survey_round, action="close")  # still reads «open»
    assert SurveyRound.objects.get(pk=survey_round.pk).status == SurveyRound.Status.LOCKED


@pytest.mark.django_db(transaction=True)
def test_a_year_is_not_locked_past_an_answer_submitted_at_the_same_moment():
    needs_row_locks()
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium, name="伊奈町")
    add_cost(body, 1_000_000, fiscal_year=2026)
    staff = user_with_role(Role.STAFF, body=body)
    survey_round = open_2026(consortium)
    with pytest.raises(ValidationError) as refusal:
        second_while_first_is_uncommitted(
            lambda: services.survey_response_set(survey_round=survey_round, body=body, by=staff,
                                                 status=SurveyResponse.Status.SUBMITTED),
            lambda: services.survey_round_move(survey_round=survey_round, action="lock"))
    assert "伊奈町" in refusal.value.messages[0]
    assert SurveyRound.objects.get(pk=survey_round.pk).status == SurveyRound.Status.OPEN


@pytest.mark.django_db(transaction=True)
def test_a_year_opened_by_two_clicks_at_once_is_opened_once_and_the_second_told_so():
    needs_row_locks()
    consortium = ConsortiumFactory(slug="a")
    with pytest.raises(ValidationError) as refusal:
        second_while_first_is_uncommitted(lambda: open_2026(consortium), lambda: open_2026(consortium))
    assert "fiscal_year" in refusal.value.message_dict and SurveyRound.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_councils_own_system_added_by_two_clicks_at_once_is_added_once():
    needs_row_locks()
    consortium = ConsortiumFactory(slug="a")

    def add():
        return services.business_system_add(consortium=consortium, name_ja="独自の福祉システム", name_en="Own welfare")

    with pytest.raises(ValidationError) as refusal:
        second_while_first_is_uncommitted(add, add)
    assert "name_ja" in refusal.value.message_dict
    assert BusinessSystem.objects.filter(consortium=consortium).count() == 1
