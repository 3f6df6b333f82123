"""A round's issue date cannot move past a response already received: a response cannot
arrive before the round was issued, whichever of the two is corrected."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.procurement import services
from apps.procurement.models import RfiRound
from tests.procurement.conftest import rfi_round_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rfi_round(world, case):
    rfi_round = rfi_round_in(case, [world["demo"], world["kaku"]])  # issued 2025-06-01
    services.rfi_response_record(rfi_round=rfi_round, vendor=world["demo"], received_on=datetime.date(2025, 6, 20))
    services.rfi_response_record(rfi_round=rfi_round, vendor=world["kaku"], received_on=datetime.date(2025, 6, 10))
    return rfi_round


def update(rfi_round, issued_on):
    return services.rfi_round_update(
        rfi_round=rfi_round, title=rfi_round.title, issued_on=issued_on, due_on=datetime.date(2025, 7, 1),
        first_fiscal_year=rfi_round.first_fiscal_year, last_fiscal_year=rfi_round.last_fiscal_year,
        cost_fiscal_year=rfi_round.cost_fiscal_year, invited=list(rfi_round.invited.all()))


def test_the_issue_date_moves_up_to_the_first_response(world, rfi_round):
    update(rfi_round, datetime.date(2025, 6, 10))
    assert RfiRound.objects.get().issued_on == datetime.date(2025, 6, 10)


def test_the_issue_date_cannot_move_past_a_response_and_the_refusal_names_it(world, rfi_round):
    with pytest.raises(ValidationError) as refusal, translation.override("ja"):
        update(rfi_round, datetime.date(2025, 6, 15))
    [message] = refusal.value.message_dict["issued_on"]
    assert "架空情報システム株式会社" in message and "2025年6月10日" in message
    assert RfiRound.objects.get().issued_on == datetime.date(2025, 6, 1)


def test_the_edit_page_shows_the_refusal_under_the_issue_date(client, world, rfi_round):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("rfi_edit", args=[rfi_round.pk]), {
        "title": rfi_round.title, "issued_on": "2025-06-25", "due_on": "2025-07-01",
        "first_fiscal_year": rfi_round.first_fiscal_year, "last_fiscal_year": rfi_round.last_fiscal_year,
        "cost_fiscal_year": rfi_round.cost_fiscal_year, "invited": [world["demo"].pk, world["kaku"].pk]})
    [message] = response.context["form"].errors["issued_on"]
    assert "10 June 2025" in message and "架空情報システム株式会社" in message
    assert RfiRound.objects.get().issued_on == datetime.date(2025, 6, 1)
