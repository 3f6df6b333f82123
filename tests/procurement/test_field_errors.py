"""What the procurement forms say about a wrong entry: which field, in the council's yen
limit and the reader's date format; and amounts as people type them (1,000,000)."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.procurement import services
from apps.procurement.models import Criterion, Proposal
from tests.factories import business_system
from tests.markup import elements, empty_headers, text_of, undescribed
from tests.procurement.conftest import FY, rfi_round_in

pytestmark = pytest.mark.django_db


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def messages_after(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_blank_selection_names_the_fields_left_blank(client, world, closed):
    client.force_login(world["secretariat"])
    in_english(client)
    response = client.post(reverse("evaluation_select", args=[closed.pk]), {"proposal": "", "reason": ""})
    [message] = messages_after(response)
    assert "Selected proposal: This field is required." in message
    assert "Reason for the selection: This field is required." in message


def test_a_blank_selection_names_the_field_in_japanese_too(client, world, closed):
    client.force_login(world["secretariat"])
    response = client.post(reverse("evaluation_select", args=[closed.pk]),
                           {"proposal": closed.proposals.first().pk, "reason": ""})
    [message] = messages_after(response)
    assert message.startswith("選定理由")


def test_a_price_past_the_yen_limit_is_refused_with_the_limit_written_with_separators(client, world, evaluation):
    client.force_login(world["secretariat"])
    proposal = evaluation.proposals.get(vendor=world["demo"])
    response = client.post(reverse("proposal_edit", args=[proposal.pk]), {"price": "99999999999999999999999"})
    [error] = response.context["form"].errors["price"]
    assert "1,000,000,000,000" in error and "9223372036854775807" not in error
    assert Proposal.objects.get(pk=proposal.pk).price == 100_000_000


@pytest.mark.parametrize("typed", ["98,000,000", "９８，０００，０００", "98000000", " 98,000,000 "])
def test_a_price_is_taken_as_typed_with_separators_or_full_width_digits(client, world, evaluation, typed):
    client.force_login(world["secretariat"])
    proposal = evaluation.proposals.get(vendor=world["demo"])
    assert client.post(reverse("proposal_edit", args=[proposal.pk]), {"price": typed}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).price == 98_000_000


def test_a_new_proposals_price_takes_separators(client, world, evaluation):
    client.force_login(world["secretariat"])
    response = client.post(reverse("proposal_add", args=[evaluation.pk]),
                           {"vendor": world["sample"].pk, "price": "110,000,000"})
    assert response.status_code == 302
    assert evaluation.proposals.get(vendor=world["sample"]).price == 110_000_000


def test_a_misplaced_separator_is_refused_not_guessed(client, world, evaluation):
    client.force_login(world["secretariat"])
    proposal = evaluation.proposals.get(vendor=world["demo"])
    response = client.post(reverse("proposal_edit", args=[proposal.pk]), {"price": "98,00,000"})
    assert response.status_code == 200 and response.context["form"].errors["price"]


@pytest.fixture
def response(world, case):
    rfi_round = rfi_round_in(case, [world["demo"]])
    return services.rfi_response_record(rfi_round=rfi_round, vendor=world["demo"],
                                        received_on=datetime.date(2025, 6, 20))


def test_quotes_are_taken_with_separators_and_the_grid_lets_them_be_typed(client, world, response):
    client.force_login(world["secretariat"])
    url = reverse("quote_entry", args=[response.pk])
    cell = f"cell_{business_system('resident_registry').pk}_{FY}"
    page = client.get(url).content.decode()
    assert f'type="text" inputmode="numeric"' in page.split(f'name="{cell}"')[0].rsplit("<input", 1)[1]
    assert client.post(url, {cell: "12,000,000"}).status_code == 302
    assert response.quotes.get().amount == 12_000_000


def test_a_quote_past_the_yen_limit_names_the_limit_with_separators(client, world, response):
    client.force_login(world["secretariat"])
    cell = f"cell_{business_system('resident_registry').pk}_{FY}"
    page = client.post(reverse("quote_entry", args=[response.pk]), {cell: "99999999999999999999999"})
    [error] = page.context["form"].errors[cell]
    assert "1,000,000,000,000" in error and not response.quotes.exists()
    # The message is read with its cell and the corner of the grid names its rows.
    html = page.content.decode()
    [field] = elements(html, "input", aria_invalid="true")
    assert field["aria-describedby"] == f"id_{cell}_error" and "1,000,000,000,000" in text_of(html, f"id_{cell}_error")
    assert not undescribed(html) and not empty_headers(html)


@pytest.mark.parametrize("typed", ["-1", "0"])
def test_a_criterions_maximum_is_at_least_1_whatever_is_typed_below(client, world, evaluation, typed):
    client.force_login(world["secretariat"])
    response = client.post(reverse("criterion_add", args=[evaluation.pk]), {"name": "導入支援", "max_points": typed})
    assert response.context["form"].errors["max_points"] == ["この値は 1 以上でなければなりません。"]
    assert not Criterion.objects.filter(name="導入支援").exists()


def test_a_criterions_maximum_past_1000_gives_one_error(client, world, evaluation):
    client.force_login(world["secretariat"])
    response = client.post(reverse("criterion_add", args=[evaluation.pk]), {"name": "導入支援", "max_points": 40000})
    assert response.context["form"].errors["max_points"] == ["この値は 1000 以下でなければなりません。"]


def test_a_response_before_the_issue_date_is_refused_with_the_date_in_the_readers_language(client, world,
                                                                                            response):
    client.force_login(world["secretariat"])
    url = reverse("rfi_response_edit", args=[response.pk])
    japanese = client.post(url, {"received_on": "2025-05-01"}).context["form"].errors["received_on"][0]
    assert "2025年6月1日" in japanese and "2025-06-01" not in japanese
    in_english(client)
    english = client.post(url, {"received_on": "2025-05-01"}).context["form"].errors["received_on"][0]
    assert "1 June 2025" in english and "2025-06-01" not in english
