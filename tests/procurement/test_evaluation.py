"""The comprehensive evaluation: sealed scoring, closing, frozen scores, the ranking by
the stated price formula, and the recorded selection."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.audit import audit_entries
from apps.procurement import selectors, services
from apps.procurement.models import Criterion, Evaluation, FrozenScoringError, Proposal, Score, Stage
from tests.procurement.conftest import FIRST, SECOND, score_all

pytestmark = pytest.mark.django_db


def points_seen(user, evaluation) -> set[tuple[str, int]]:
    return {(score.evaluator.username, score.points)
            for score in selectors.visible_scores(user=user, evaluation=evaluation).select_related("evaluator")}


def test_while_scoring_is_open_an_evaluator_reads_only_their_own_scores(world, scored):
    assert {name for name, _points in points_seen(world["evaluator_1"], scored)} == {world["evaluator_1"].username}
    assert len(points_seen(world["evaluator_1"], scored)) == 4
    assert Score.objects.for_user(world["evaluator_1"]).exclude(evaluator=world["evaluator_1"]).count() == 0


def test_while_scoring_is_open_the_rest_of_the_secretariat_and_observers_read_no_score(world, scored):
    for reader in ("secretariat", "observer", "secretariat_b", "staff_x"):
        assert points_seen(world[reader], scored) == set(), reader
    assert selectors.evaluation_results(user=world["secretariat"], evaluation=scored) == []


def test_the_evaluation_page_shows_an_evaluator_only_their_own_column_before_closing(client, world, scored):
    client.force_login(world["evaluator_1"])
    page = client.get(reverse("evaluation_detail", args=[scored.pk]))
    assert page.context["view"].sheet.evaluators == [world["evaluator_1"]]
    html = page.content.decode()
    assert world["evaluator_2"].username not in html.split("data-scores", 1)[1]
    assert "data-ranking" not in html
    client.force_login(world["secretariat"])
    sealed = client.get(reverse("evaluation_detail", args=[scored.pk]))
    assert sealed.context["view"].sheet.evaluators == [] and "data-scores" not in sealed.content.decode()


def test_the_audit_trail_does_not_unseal_the_scores(client, world, scored):
    scores = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Score))
    evaluators = {world["evaluator_1"].username, world["evaluator_2"].username}
    assert scores.count() == 8 and {entry.object_repr.rsplit(" / ", 1)[1] for entry in scores} == evaluators
    for reader in ("secretariat", "evaluator_1"):
        assert not audit_entries(user=world[reader]).filter(pk__in=scores.values("pk")).exists(), reader
    assert audit_entries(user=world["secretariat"]).filter(object_repr=str(scored)).exists()


def test_the_score_form_holds_only_the_evaluators_own_scores(client, world, scored):
    client.force_login(world["evaluator_2"])
    form = client.get(reverse("evaluation_score", args=[scored.pk])).context["form"]
    assert sorted(field.initial for field in form.fields.values()) == sorted(sum(SECOND.values(), []))


def test_only_evaluators_score_and_within_each_criterions_maximum(client, world, evaluation):
    client.force_login(world["secretariat"])
    assert client.get(reverse("evaluation_score", args=[evaluation.pk])).status_code == 403
    with pytest.raises(ValidationError):
        score_all(evaluation, world["secretariat"], FIRST)
    with pytest.raises(ValidationError, match="機能要件"):
        score_all(evaluation, world["evaluator_1"], {"デモクラウド株式会社": [41, 0], "架空情報システム株式会社": [0, 0]})
    assert not Score.objects.exists()


def test_evaluators_are_chosen_from_the_consortiums_secretariat_only(world, case):
    for stranger in ("secretariat_b", "observer", "staff_x"):
        with pytest.raises(ValidationError) as refusal:
            services.evaluation_setup(case=case, price_points_max=30,
                                      evaluators=[world["evaluator_1"], world[stranger]])
        assert "evaluators" in refusal.value.message_dict
    assert not Evaluation.objects.exists()


def test_scoring_cannot_close_while_scores_are_missing(world, evaluation):
    score_all(evaluation, world["evaluator_1"], FIRST)
    with pytest.raises(ValidationError, match="4"):
        services.scoring_close(evaluation=evaluation, by=world["secretariat"])
    evaluation.refresh_from_db()
    assert not evaluation.is_closed


def test_closing_records_who_and_when_and_opens_every_score_to_everyone_with_access(world, closed):
    assert closed.scoring_closed_by == world["secretariat"] and closed.scoring_closed_at is not None
    for reader in ("evaluator_1", "secretariat", "observer"):
        assert len(points_seen(world[reader], closed)) == 8, reader
    assert points_seen(world["secretariat_b"], closed) == set()


def test_after_closing_scores_are_frozen_in_the_model_layer(world, closed):
    score = Score.objects.first()
    score.points = 0
    with pytest.raises(FrozenScoringError):
        score.save()
    with pytest.raises(FrozenScoringError):
        score.delete()
    with pytest.raises(FrozenScoringError):
        Score.objects.filter(pk=score.pk).update(points=0)
    with pytest.raises(FrozenScoringError):
        Score.objects.all().delete()
    with pytest.raises(FrozenScoringError):
        Score.objects.create(proposal=score.proposal, criterion=score.criterion, evaluator=world["secretariat"],
                             points=1)
    assert Score.objects.filter(points=0).count() == 0 and Score.objects.count() == 8


def test_after_closing_criteria_proposals_and_the_price_points_are_frozen_and_scoring_stays_closed(world, closed):
    proposal = Proposal.objects.first()
    proposal.price = 1
    criterion = Criterion.objects.first()
    criterion.max_points = 100
    for change in (proposal.save, criterion.save, Evaluation.objects.get().delete):
        with pytest.raises(FrozenScoringError):
            change()
    reopened = Evaluation.objects.get()
    reopened.scoring_closed_at = None
    with pytest.raises(FrozenScoringError):
        reopened.save()
    with pytest.raises(ValidationError):
        services.criterion_add(evaluation=closed, name="追加", max_points=10)


def test_the_ranking_follows_the_price_formula_and_puts_the_lower_price_first_on_a_tie(world, closed):
    # デモクラウド: technical (50 + 54) / 2 = 52, price 30 × 100M / 100M = 30, total 82.
    # 架空情報システム: technical (60 + 60) / 2 = 60, price 30 × 100M / 125M = 24, total 84.
    first, second = selectors.evaluation_results(user=world["observer"], evaluation=closed)
    assert (first.proposal.vendor.name, first.technical, first.price_points, first.total, first.ranked.rank) == (
        "架空情報システム株式会社", 60, 24, 84, 1)
    assert (second.proposal.vendor.name, second.total, second.ranked.rank) == ("デモクラウド株式会社", 82, 2)


def test_an_equal_total_ranks_the_lower_price_first(world, evaluation):
    # Both total 84: デモクラウド 54 + 30; 架空情報システム 60 + 24.
    score_all(evaluation, world["evaluator_1"], {"デモクラウド株式会社": [34, 20], "架空情報システム株式会社": [35, 25]})
    score_all(evaluation, world["evaluator_2"], {"デモクラウド株式会社": [34, 20], "架空情報システム株式会社": [36, 24]})
    closed = services.scoring_close(evaluation=evaluation, by=world["secretariat"])
    results = selectors.evaluation_results(user=world["secretariat"], evaluation=closed)
    assert [(result.proposal.vendor.name, result.total, result.ranked.rank) for result in results] == [
        ("デモクラウド株式会社", 84, 1), ("架空情報システム株式会社", 84, 2)]


def test_the_results_page_shows_every_score_and_the_ranking_after_closing(client, world, closed):
    client.force_login(world["observer"])
    html = client.get(reverse("evaluation_detail", args=[closed.pk])).content.decode()
    ranking = html.split("data-ranking", 1)[1]
    assert ranking.index("架空情報システム株式会社") < ranking.index("デモクラウド株式会社")
    assert "84.00" in ranking and "82.00" in ranking
    assert world["evaluator_1"].username in html and world["evaluator_2"].username in html


def test_the_selection_is_recorded_with_who_when_and_why_audited_and_awards_the_case(client, world, closed):
    chosen = closed.proposals.get(vendor=world["kaku"])
    client.force_login(world["secretariat"])
    response = client.post(reverse("evaluation_select", args=[closed.pk]),
                           {"proposal": chosen.pk, "reason": "総合評価点が最も高い"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.select_related("case").get()
    assert evaluation.selected_proposal == chosen and evaluation.selection_reason == "総合評価点が最も高い"
    assert evaluation.selected_by == world["secretariat"] and evaluation.selected_at is not None
    assert evaluation.case.stage == Stage.AWARDED
    assert evaluation.case.stage_history.last().recorded_by == world["secretariat"]
    entry = LogEntry.objects.get_for_object(evaluation).filter(action=LogEntry.Action.UPDATE,
                                                               changes__icontains="selected_proposal").get()
    assert entry.actor == world["secretariat"]
    assert f"|{world['a'].pk}|" in entry.additional_data["consortia"]


def test_choosing_a_proposal_not_ranked_first_is_recorded_but_said(client, world, closed):
    second = closed.proposals.get(vendor=world["demo"])  # 82.00 points, ranked 2nd
    client.force_login(world["secretariat"])
    page = client.post(reverse("evaluation_select", args=[closed.pk]),
                       {"proposal": second.pk, "reason": "運用実績を重視"}, follow=True).content.decode()
    assert Evaluation.objects.get().selected_proposal == second
    assert "第1位ではなく第2位" in page


def test_the_selection_waits_for_closing_and_is_recorded_only_once(world, scored):
    proposal = scored.proposals.first()
    with pytest.raises(ValidationError):
        services.evaluation_select(evaluation=scored, proposal=proposal, reason="…", by=world["secretariat"])
    services.scoring_close(evaluation=scored, by=world["secretariat"])
    services.evaluation_select(evaluation=scored, proposal=proposal, reason="最高点", by=world["secretariat"])
    with pytest.raises(ValidationError):
        services.evaluation_select(evaluation=scored, proposal=scored.proposals.last(), reason="変更",
                                   by=world["secretariat"])
    stored = Evaluation.objects.get()
    stored.selection_reason = "書き換え"
    with pytest.raises(FrozenScoringError):
        stored.save()


def test_observers_cannot_close_scoring_or_select(client, world, scored):
    client.force_login(world["observer"])
    assert client.post(reverse("scoring_close", args=[scored.pk])).status_code == 403
    assert client.post(reverse("evaluation_select", args=[scored.pk]), {"reason": "x"}).status_code == 403
    assert not Evaluation.objects.get().is_closed
