"""A vendor that withdraws its proposal (辞退) or is disqualified (失格) once scoring has
begun: recorded with the reason, kept with its sealed scores, out of the ranking and of
the selection, shown apart on the evaluation page and in the OCDS release as such."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.procurement import selectors, services
from apps.procurement.models import FrozenScoringError, Proposal, ProposalStatus, Score

# ``scored`` (conftest): 架空情報システム ranks first while both proposals are in the evaluation.
pytestmark = pytest.mark.django_db


def kaku_of(world, evaluation) -> Proposal:
    return evaluation.proposals.get(vendor=world["kaku"])


def withdraw(world, evaluation, status=ProposalStatus.WITHDRAWN, reason="辞退届の提出（12月10日）"):
    return services.proposal_exclude(proposal=kaku_of(world, evaluation), status=status, reason=reason,
                                     by=world["secretariat"])


def ranked_vendors(user, evaluation) -> list[tuple[int, str]]:
    return [(result.ranked.rank, result.proposal.vendor.name)
            for result in selectors.evaluation_results(user=user, evaluation=evaluation)]


def test_a_vendor_that_withdraws_once_scored_leaves_the_ranking_and_keeps_its_scores(world, scored):
    withdrawn = withdraw(world, scored)
    assert (withdrawn.status, withdrawn.status_reason) == (ProposalStatus.WITHDRAWN, "辞退届の提出（12月10日）")
    assert withdrawn.status_recorded_by == world["secretariat"] and withdrawn.status_recorded_at is not None
    closed = services.scoring_close(evaluation=scored, by=world["secretariat"])
    assert ranked_vendors(world["observer"], closed) == [(1, "デモクラウド株式会社")]
    view = selectors.evaluation_view(user=world["observer"], evaluation=closed)
    assert [proposal.vendor.name for proposal in view.excluded] == ["架空情報システム株式会社"]
    assert Score.objects.filter(proposal=withdrawn).count() == 4


def test_the_price_score_is_measured_against_the_lowest_price_still_in_the_evaluation(world, scored):
    services.proposal_update(proposal=scored.proposals.get(vendor=world["kaku"]), price=50_000_000)
    withdraw(world, scored)
    closed = services.scoring_close(evaluation=scored, by=world["secretariat"])
    [result] = selectors.evaluation_results(user=world["observer"], evaluation=closed)
    assert result.price_points == 30  # デモクラウド's price is now the lowest: the full price points


def test_a_disqualification_is_recorded_after_scoring_closes_until_the_selection(world, scored):
    closed = services.scoring_close(evaluation=scored, by=world["secretariat"])
    withdraw(world, closed, status=ProposalStatus.DISQUALIFIED, reason="参加資格要件（ISMS認証）を満たさない")
    assert ranked_vendors(world["observer"], closed) == [(1, "デモクラウド株式会社")]
    with pytest.raises(ValidationError):
        services.evaluation_select(evaluation=closed, proposal=kaku_of(world, closed), reason="最高点",
                                   by=world["secretariat"])
    demo = closed.proposals.get(vendor=world["demo"])
    services.evaluation_select(evaluation=closed, proposal=demo, reason="総合評価点が最も高い", by=world["secretariat"])
    with pytest.raises(ValidationError):
        services.proposal_exclude(proposal=demo, status=ProposalStatus.WITHDRAWN, reason="辞退",
                                  by=world["secretariat"])
    assert Proposal.objects.get(pk=demo.pk).status == ProposalStatus.ACTIVE


def test_a_withdrawn_proposal_is_no_longer_scored_nor_awaited_when_scoring_closes(world, evaluation):
    withdraw(world, evaluation)
    only_demo = {"デモクラウド株式会社": [30, 20]}
    for evaluator in ("evaluator_1", "evaluator_2"):
        criteria = list(evaluation.criteria.order_by("number"))
        demo = evaluation.proposals.get(vendor=world["demo"])
        services.scores_record(evaluation=evaluation, evaluator=world[evaluator], points={
            (demo.pk, criterion.pk): points for criterion, points in zip(criteria, only_demo["デモクラウド株式会社"])})
    with pytest.raises(ValidationError, match="架空情報システム株式会社"):
        services.scores_record(evaluation=evaluation, evaluator=world["evaluator_1"], points={
            (kaku_of(world, evaluation).pk, evaluation.criteria.first().pk): 10})
    services.scoring_close(evaluation=evaluation, by=world["secretariat"])


def test_a_withdrawal_needs_a_reason_and_is_recorded_once(world, scored):
    with pytest.raises(ValidationError) as refusal:
        withdraw(world, scored, reason="  ")
    assert "reason" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        withdraw(world, scored, status=ProposalStatus.ACTIVE)
    assert "status" in refusal.value.message_dict
    withdraw(world, scored)
    with pytest.raises(ValidationError):
        withdraw(world, scored, status=ProposalStatus.DISQUALIFIED, reason="重ねて")
    assert Proposal.objects.get(vendor=world["kaku"]).status == ProposalStatus.WITHDRAWN


def test_once_closed_the_model_layer_takes_a_withdrawal_but_no_other_change(world, scored):
    closed = services.scoring_close(evaluation=scored, by=world["secretariat"])
    withdrawn = withdraw(world, closed)
    withdrawn.price = 1
    with pytest.raises(FrozenScoringError):
        withdrawn.save()
    reinstated = Proposal.objects.get(pk=withdrawn.pk)
    reinstated.status, reinstated.status_reason = ProposalStatus.ACTIVE, ""
    with pytest.raises(FrozenScoringError):
        reinstated.save()


def test_the_secretariat_records_a_withdrawal_on_its_page_and_others_cannot(client, world, scored):
    url = reverse("proposal_exclude", args=[kaku_of(world, scored).pk])
    form = {"status": "withdrawn", "reason": "辞退届の提出"}
    for user, status in ((world["observer"], 403), (world["secretariat_b"], 404), (world["evaluator_1"], 302)):
        client.force_login(user)
        assert client.post(url, form).status_code == status
    assert Proposal.objects.get(vendor=world["kaku"]).status == ProposalStatus.WITHDRAWN
    client.force_login(world["secretariat"])
    refused = client.post(url, {"status": "disqualified", "reason": "重ねて"})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()


def test_the_evaluation_page_shows_a_withdrawn_proposal_apart_and_marked(client, world, scored):
    withdraw(world, scored)
    closed = services.scoring_close(evaluation=scored, by=world["secretariat"])
    client.force_login(world["observer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("evaluation_detail", args=[closed.pk])).content.decode()
    ranking = html.split("data-ranking", 1)[1].split("</table>", 1)[0]
    assert "デモクラウド株式会社" in ranking and "架空情報システム株式会社" not in ranking
    excluded = html.split("data-excluded", 1)[1].split("</table>", 1)[0]
    assert "架空情報システム株式会社" in excluded and "Withdrawn" in excluded and "辞退届の提出" in excluded
    client.force_login(world["secretariat"])
    selection = client.get(reverse("evaluation_detail", args=[closed.pk])).context["selection_form"]
    assert list(selection.fields["proposal"].queryset) == [closed.proposals.get(vendor=world["demo"])]


def test_the_ocds_release_marks_the_bid_withdrawn_or_disqualified(client, world, scored):
    withdraw(world, scored, status=ProposalStatus.DISQUALIFIED, reason="参加資格要件を満たさない")
    client.force_login(world["secretariat"])
    package = client.get(reverse("procurement_ocds", args=["a", scored.case_id])).json()
    assert any("ocds_bid_extension" in extension for extension in package["extensions"])
    [release] = package["releases"]
    statuses = {bid["tenderers"][0]["name"]: bid["status"] for bid in release["bids"]["details"]}
    assert statuses == {"デモクラウド株式会社": "pending", "架空情報システム株式会社": "disqualified"}
    assert release["tender"]["numberOfTenderers"] == 2
    services.scoring_close(evaluation=scored, by=world["secretariat"])
    release = client.get(reverse("procurement_ocds", args=["a", scored.case_id])).json()["releases"][0]
    statuses = {bid["tenderers"][0]["name"]: bid["status"] for bid in release["bids"]["details"]}
    assert statuses == {"デモクラウド株式会社": "valid", "架空情報システム株式会社": "disqualified"}
