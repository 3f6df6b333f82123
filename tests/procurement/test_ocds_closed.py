"""A case closed without a selection is exported as OCDS 1.1 says a tender that ended
without an award is: unsuccessful once its proposals were evaluated, cancelled before that,
a withdrawn pipeline proposal while it was still planned — never complete, never an award."""

import pytest
from django.urls import reverse

from apps.procurement import services
from apps.procurement.models import Stage
from tests.procurement.conftest import score_all

pytestmark = pytest.mark.django_db

# OCDS 1.1 codelists (schema/codelists/tenderStatus.csv and releaseTag.csv).
TENDER_STATUS = {"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"}
RELEASE_TAG = {"planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate", "tenderCancellation",
               "award", "awardUpdate", "awardCancellation", "contract", "contractUpdate", "contractAmendment",
               "implementation", "implementationUpdate", "contractTermination", "compiled"}


def move(world, case, *stages):
    for stage in stages:
        services.case_set_stage(case=case, stage=stage, by=world["secretariat"])


def release(client, world, case) -> dict:
    client.force_login(world["secretariat"])
    [release] = client.get(reverse("procurement_ocds", args=["a", case.pk])).json()["releases"]
    assert release["tender"]["status"] in TENDER_STATUS and set(release["tag"]) <= RELEASE_TAG
    return release


def test_a_case_closed_after_its_evaluation_without_a_selection_is_unsuccessful(client, world, case, scored):
    move(world, case, Stage.RFP, Stage.EVALUATION, Stage.CLOSED)
    closed = release(client, world, case)
    assert closed["tender"]["status"] == "unsuccessful" and closed["tag"] == ["tender"]
    assert "awards" not in closed
    assert all("supplier" not in party["roles"] for party in closed["parties"])


def test_scoring_closed_with_no_selection_is_unsuccessful_whatever_stage_the_case_was_closed_from(
        client, world, case, closed):
    move(world, case, Stage.RFP, Stage.CLOSED)
    assert release(client, world, case)["tender"]["status"] == "unsuccessful"


def test_a_case_closed_once_proposals_were_asked_for_but_before_their_evaluation_is_cancelled(client, world, case):
    move(world, case, Stage.RFP, Stage.CLOSED)
    cancelled = release(client, world, case)
    assert cancelled["tender"]["status"] == "cancelled" and cancelled["tag"] == ["tender", "tenderCancellation"]
    assert "awards" not in cancelled


def test_a_case_closed_with_proposals_received_but_not_evaluated_is_cancelled(client, world, case, evaluation):
    move(world, case, Stage.CLOSED)
    assert release(client, world, case)["tender"]["status"] == "cancelled"


def test_a_case_closed_while_still_planned_is_a_withdrawn_pipeline_proposal(client, world, case):
    move(world, case, Stage.RFI, Stage.CLOSED)
    withdrawn = release(client, world, case)
    assert withdrawn["tender"]["status"] == "withdrawn" and withdrawn["tag"] == ["planningUpdate"]
    assert "awards" not in withdrawn


def test_a_case_closed_after_its_selection_is_complete_with_its_award(client, world, case, evaluation):
    for evaluator in ("evaluator_1", "evaluator_2"):
        score_all(evaluation, world[evaluator], {"デモクラウド株式会社": [40, 30], "架空情報システム株式会社": [20, 20]})
    closed = services.scoring_close(evaluation=evaluation, by=world["secretariat"])
    services.evaluation_select(evaluation=closed, proposal=closed.proposals.get(vendor=world["demo"]),
                               reason="総合評価点が最も高い", by=world["secretariat"])
    case.refresh_from_db()
    move(world, case, Stage.CLOSED)
    awarded = release(client, world, case)
    assert awarded["tender"]["status"] == "complete" and awarded["tag"] == ["tender", "award"]
    assert len(awarded["awards"]) == 1


@pytest.mark.parametrize("stage", [Stage.MARKET_SURVEY, Stage.RFI, Stage.RFP, Stage.EVALUATION])
def test_a_case_under_way_exports_a_status_of_the_codelist_and_no_award(client, world, case, stage):
    if stage != Stage.MARKET_SURVEY:
        move(world, case, stage)
    under_way = release(client, world, case)
    assert under_way["tender"]["status"] in {"planning", "active"} and "awards" not in under_way
