"""Once a vendor is selected a case only moves forward (awarded → contract negotiation →
closed), and its OCDS release says awarded whatever stage it shows."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.procurement import services
from apps.procurement.models import ProcurementCase, Stage
from tests.procurement.conftest import score_all

pytestmark = pytest.mark.django_db

POINTS = {"デモクラウド株式会社": [40, 30], "架空情報システム株式会社": [20, 20]}


@pytest.fixture
def awarded(world, case, evaluation):
    for evaluator in ("evaluator_1", "evaluator_2"):
        score_all(evaluation, world[evaluator], POINTS)
    closed = services.scoring_close(evaluation=evaluation, by=world["secretariat"])
    services.evaluation_select(evaluation=closed, proposal=closed.proposals.get(vendor=world["demo"]),
                               reason="総合評価点が最も高い", by=world["secretariat"])
    case.refresh_from_db()
    return case


def stages(case) -> list[str]:
    return list(case.stage_history.order_by("on", "id").values_list("stage", flat=True))


def test_an_awarded_case_cannot_go_back_to_an_earlier_stage(world, awarded):
    assert awarded.stage == Stage.AWARDED
    for earlier in (Stage.MARKET_SURVEY, Stage.RFI, Stage.RFP, Stage.EVALUATION):
        with pytest.raises(ValidationError) as refusal:
            services.case_set_stage(case=awarded, stage=earlier, by=world["secretariat"])
        assert "stage" in refusal.value.message_dict, earlier
    assert ProcurementCase.objects.get().stage == Stage.AWARDED


def test_an_awarded_case_moves_on_to_negotiation_and_closing_and_never_back(world, awarded):
    services.case_set_stage(case=awarded, stage=Stage.NEGOTIATION, by=world["secretariat"])
    with pytest.raises(ValidationError):
        services.case_set_stage(case=awarded, stage=Stage.AWARDED, by=world["secretariat"])
    services.case_set_stage(case=awarded, stage=Stage.CLOSED, by=world["secretariat"])
    for other in (Stage.NEGOTIATION, Stage.AWARDED, Stage.MARKET_SURVEY):
        with pytest.raises(ValidationError):
            services.case_set_stage(case=awarded, stage=other, by=world["secretariat"])
    assert stages(awarded)[-3:] == [Stage.AWARDED, Stage.NEGOTIATION, Stage.CLOSED]


def test_a_case_not_yet_awarded_still_goes_back_a_stage(world, case):
    services.case_set_stage(case=case, stage=Stage.RFP, by=world["secretariat"])
    services.case_set_stage(case=case, stage=Stage.RFI, by=world["secretariat"])
    assert ProcurementCase.objects.get().stage == Stage.RFI


def test_the_stage_page_shows_the_refusal_under_the_stage(client, world, awarded):
    client.force_login(world["secretariat"])
    response = client.post(reverse("procurement_stage", args=[awarded.pk]), {"stage": "market_survey",
                                                                           "on": awarded.stage_history.last().on})
    assert response.status_code == 200 and response.context["form"].errors["stage"]
    assert ProcurementCase.objects.get().stage == Stage.AWARDED


def test_the_release_of_a_case_with_a_selection_is_an_award_whatever_stage_it_was_left_at(client, world, awarded):
    # A case moved back before the rule existed keeps its selection: the release follows the selection.
    ProcurementCase.objects.filter(pk=awarded.pk).update(stage=Stage.MARKET_SURVEY)
    client.force_login(world["secretariat"])
    release = client.get(reverse("procurement_ocds", args=["a", awarded.pk])).json()["releases"][0]
    assert release["tag"] == ["tender", "award"] and release["tender"]["status"] == "complete"
    assert release["awards"][0]["status"] == "active"
