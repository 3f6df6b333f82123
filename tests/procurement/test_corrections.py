"""Correcting what was entered by mistake: vendors, RFI rounds and responses, criteria and
proposals, without touching a score an evaluator has already given or a quote received."""

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.procurement import services
from apps.procurement.models import Criterion, IndicativeQuote, Proposal, RfiResponse, RfiRound
from tests.procurement.conftest import corporate_number, respond, rfi_round_in, score_all

pytestmark = pytest.mark.django_db


def test_the_secretariat_corrects_a_vendor_and_the_check_digit_still_applies(client, world):
    client.force_login(world["secretariat"])
    url = reverse("vendor_edit", args=["a", world["demo"].pk])
    assert world["demo"].name in client.get(url).content.decode()
    refused = client.post(url, {"name": "デモクラウド株式会社", "corporate_number": "2835678256246"})
    assert "corporate_number" in refused.context["form"].errors
    assert client.post(url, {"name": "デモクラウド株式会社", "corporate_number": corporate_number(1),
                             "address": "東京都千代田区", "contact": "営業部"}).status_code == 302
    world["demo"].refresh_from_db()
    assert (world["demo"].address, world["demo"].contact) == ("東京都千代田区", "営業部")
    taken = client.post(url, {"name": "デモクラウド株式会社", "corporate_number": corporate_number(2)})
    assert "corporate_number" in taken.context["form"].errors  # 架空情報システム's number


def test_the_secretariat_renames_a_case_and_its_stage_stays(client, world, case):
    client.force_login(world["secretariat"])
    response = client.post(reverse("procurement_edit", args=[case.pk]),
                           {"title": "基幹系20業務 共同調達", "notes": "第2回協議会で名称変更"})
    assert response["Location"] == reverse("procurement_detail", args=[case.pk])
    case.refresh_from_db()
    assert (case.title, case.notes, case.stage) == ("基幹系20業務 共同調達", "第2回協議会で名称変更", "market_survey")
    client.force_login(world["observer"])
    assert client.post(reverse("procurement_edit", args=[case.pk]), {"title": "x"}).status_code == 403


def test_a_member_cannot_edit_the_vendor_register(client, world):
    client.force_login(world["staff_x"])
    url = reverse("vendor_edit", args=["a", world["demo"].pk])
    assert client.post(url, {"name": "書き換え", "corporate_number": corporate_number(1)}).status_code == 403
    world["demo"].refresh_from_db()
    assert world["demo"].name == "デモクラウド株式会社"


def test_a_criterion_is_renamed_any_time_scoring_is_open_but_its_maximum_only_until_scored(world, evaluation):
    first = evaluation.criteria.get(number=1)
    services.criterion_update(criterion=first, name="機能要件（標準仕様準拠）", max_points=50)
    score_all(evaluation, world["evaluator_1"], {"デモクラウド株式会社": [40, 20], "架空情報システム株式会社": [30, 25]})
    first.refresh_from_db()
    services.criterion_update(criterion=first, name="機能要件", max_points=50)
    with pytest.raises(ValidationError, match="50"):
        services.criterion_update(criterion=first, name="機能要件", max_points=60)
    first.refresh_from_db()
    assert (first.name, first.max_points) == ("機能要件", 50)


def test_removing_an_unscored_criterion_renumbers_the_later_ones(world, evaluation):
    services.criterion_add(evaluation=evaluation, name="導入支援", max_points=20)
    services.criterion_delete(criterion=evaluation.criteria.get(number=1))
    assert list(evaluation.criteria.order_by("number").values_list("number", "name")) == [
        (1, "運用・保守"), (2, "導入支援")]


def test_scored_criteria_and_proposals_cannot_be_removed(world, evaluation):
    score_all(evaluation, world["evaluator_2"], {"デモクラウド株式会社": [30, 20], "架空情報システム株式会社": [35, 25]})
    with pytest.raises(ValidationError):
        services.criterion_delete(criterion=evaluation.criteria.get(number=2))
    with pytest.raises(ValidationError):
        services.proposal_delete(proposal=evaluation.proposals.get(vendor=world["kaku"]))
    assert (evaluation.criteria.count(), evaluation.proposals.count()) == (2, 2)


def test_a_proposals_price_is_corrected_while_open_and_an_unscored_one_removed(world, evaluation):
    proposal = evaluation.proposals.get(vendor=world["kaku"])
    services.proposal_update(proposal=proposal, price=120_000_000)
    assert Proposal.objects.get(pk=proposal.pk).price == 120_000_000
    services.proposal_delete(proposal=proposal)
    assert list(evaluation.proposals.values_list("vendor__name", flat=True)) == ["デモクラウド株式会社"]


def test_nothing_changes_once_scoring_is_closed(client, world, evaluation):
    for evaluator in (world["evaluator_1"], world["evaluator_2"]):
        score_all(evaluation, evaluator, {"デモクラウド株式会社": [30, 20], "架空情報システム株式会社": [35, 25]})
    services.scoring_close(evaluation=evaluation, by=world["secretariat"])
    proposal = evaluation.proposals.get(vendor=world["demo"])
    with pytest.raises(ValidationError):
        services.proposal_update(proposal=proposal, price=1)
    client.force_login(world["secretariat"])
    assert client.get(reverse("proposal_edit", args=[proposal.pk])).status_code == 403
    page = client.get(reverse("evaluation_detail", args=[evaluation.pk])).content.decode()
    assert reverse("proposal_edit", args=[proposal.pk]) not in page


def test_the_evaluation_page_offers_corrections_and_shows_a_refusal(client, world, evaluation):
    score_all(evaluation, world["evaluator_1"], {"デモクラウド株式会社": [30, 20], "架空情報システム株式会社": [35, 25]})
    criterion = evaluation.criteria.get(number=1)
    client.force_login(world["secretariat"])
    page = client.get(reverse("evaluation_detail", args=[evaluation.pk])).content.decode()
    assert reverse("criterion_edit", args=[criterion.pk]) in page
    response = client.post(reverse("criterion_delete", args=[criterion.pk]), follow=True)
    assert "得点が入力されている" in response.content.decode()
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    response = client.post(reverse("proposal_edit", args=[evaluation.proposals.get(vendor=world["demo"]).pk]),
                           {"price": "98000000"})
    assert response.status_code == 302
    assert evaluation.proposals.get(vendor=world["demo"]).price == 98_000_000


def test_observers_and_other_councils_cannot_remove_or_reprice(client, world, evaluation):
    criterion = evaluation.criteria.get(number=1)
    proposal = evaluation.proposals.get(vendor=world["demo"])
    for user, status in ((world["observer"], 403), (world["secretariat_b"], 404)):
        client.force_login(user)
        assert client.post(reverse("criterion_delete", args=[criterion.pk])).status_code == status
        assert client.post(reverse("proposal_edit", args=[proposal.pk]), {"price": "1"}).status_code == status
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    assert Proposal.objects.get(pk=proposal.pk).price == 100_000_000


@pytest.fixture
def rfi_round(world, case):
    return rfi_round_in(case, [world["demo"], world["kaku"]])  # fiscal years 2026 and 2027


def rfi_form(rfi_round, **changes):
    data = {"title": rfi_round.title, "issued_on": rfi_round.issued_on.isoformat(),
            "due_on": rfi_round.due_on.isoformat(), "first_fiscal_year": rfi_round.first_fiscal_year,
            "last_fiscal_year": rfi_round.last_fiscal_year, "cost_fiscal_year": rfi_round.cost_fiscal_year,
            "invited": [vendor.pk for vendor in rfi_round.invited.all()]}
    return {**data, **changes}


def test_the_secretariat_extends_an_rfi_round_and_asks_another_vendor(client, world, case):
    rfi_round = services.rfi_round_create(
        case=case, title="第1回 情報提供依頼", issued_on=datetime.date(2025, 6, 1), due_on=datetime.date(2025, 7, 1),
        first_fiscal_year=2026, last_fiscal_year=2026, cost_fiscal_year=2025, invited=[world["demo"]])
    client.force_login(world["secretariat"])
    url = reverse("rfi_edit", args=[rfi_round.pk])
    page = client.get(url).content.decode()
    assert 'value="2025-07-01"' in page
    ticked = {int(value) for value in re.findall(r'<input[^>]*name="invited" value="(\d+)"[^>]*checked>', page)}
    assert ticked == {world["demo"].pk}
    response = client.post(url, rfi_form(rfi_round, due_on="2025-07-15", last_fiscal_year=2027,
                                         invited=[world["demo"].pk, world["kaku"].pk]))
    assert response["Location"] == reverse("rfi_detail", args=[rfi_round.pk])
    rfi_round.refresh_from_db()
    assert rfi_round.due_on == datetime.date(2025, 7, 15) and rfi_round.fiscal_years == [2026, 2027]
    assert set(rfi_round.invited.values_list("name", flat=True)) == {"デモクラウド株式会社", "架空情報システム株式会社"}
    assert rfi_round.number == 1  # still the case's first round


def test_a_round_keeps_the_vendors_that_responded_and_the_years_they_quoted(client, world, rfi_round):
    respond(rfi_round, world["demo"], {"resident_registry": 30_000_000}, fiscal_year=2027)
    client.force_login(world["secretariat"])
    url = reverse("rfi_edit", args=[rfi_round.pk])
    dropped = client.post(url, rfi_form(rfi_round, invited=[world["kaku"].pk]))
    assert "デモクラウド株式会社" in dropped.context["form"].errors["invited"][0]
    shrunk = client.post(url, rfi_form(rfi_round, last_fiscal_year=2026))
    assert "2027" in shrunk.context["form"].errors["last_fiscal_year"][0]
    before_due = client.post(url, rfi_form(rfi_round, due_on="2025-05-01"))
    assert before_due.status_code == 200
    rfi_round.refresh_from_db()
    assert rfi_round.fiscal_years == [2026, 2027] and rfi_round.due_on == datetime.date(2025, 7, 1)
    assert set(rfi_round.invited.values_list("name", flat=True)) == {"デモクラウド株式会社", "架空情報システム株式会社"}


def test_a_response_is_corrected_or_removed_with_its_quotes(client, world, rfi_round):
    response = respond(rfi_round, world["demo"], {"resident_registry": 30_000_000, "family_register": 12_000_000})
    client.force_login(world["secretariat"])
    client.post(reverse("rfi_response_edit", args=[response.pk]), {"received_on": "2025-06-25",
                                                                   "summary": "標準準拠、20業務対応"})
    response.refresh_from_db()
    assert (response.received_on, response.summary) == (datetime.date(2025, 6, 25), "標準準拠、20業務対応")
    client.post(reverse("rfi_response_delete", args=[response.pk]))
    assert not RfiResponse.objects.exists() and not IndicativeQuote.objects.exists()
    assert LogEntry.objects.get_for_model(IndicativeQuote).filter(action=LogEntry.Action.DELETE).count() == 2
    # The vendor may now be recorded again, under the right round.
    respond(rfi_round, world["demo"], {"resident_registry": 29_000_000})


def test_only_the_secretariat_corrects_a_round_or_a_response(client, world, rfi_round):
    response = respond(rfi_round, world["demo"], {"resident_registry": 30_000_000})
    for user, status in ((world["observer"], 403), (world["staff_x"], 403), (world["secretariat_b"], 404)):
        client.force_login(user)
        assert client.post(reverse("rfi_response_delete", args=[response.pk])).status_code == status
        assert client.post(reverse("rfi_edit", args=[rfi_round.pk]), rfi_form(rfi_round, title="x")).status_code == status
    assert RfiResponse.objects.exists() and RfiRound.objects.get().title == "第1回 情報提供依頼"


def test_dates_and_years_a_council_cannot_mean_are_refused(client, world, case, rfi_round):
    client.force_login(world["secretariat"])
    ahead = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    refused = client.post(reverse("procurement_stage", args=[case.pk]), {"stage": "rfp", "on": ahead})
    assert refused.status_code == 200 and case.stage_history.filter(stage="rfp").count() == 0
    early = client.post(reverse("rfi_response_create", args=[rfi_round.pk]), {
        "vendor": world["demo"].pk, "received_on": "2020-01-01"})
    assert "received_on" in early.context["form"].errors and not RfiResponse.objects.exists()
    odd = client.post(reverse("rfi_edit", args=[rfi_round.pk]), rfi_form(rfi_round, first_fiscal_year=0,
                                                                        last_fiscal_year=5, cost_fiscal_year=0))
    assert {"first_fiscal_year", "last_fiscal_year", "cost_fiscal_year"} <= set(odd.context["form"].errors)
    rfi_round.refresh_from_db()
    assert rfi_round.fiscal_years == [2026, 2027]
