"""Under 総合評価 the balance of technical and price points is fixed before scoring: once
any score is entered, the price points, the criteria and their maxima stay as they are."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.procurement import services
from apps.procurement.models import Criterion, Evaluation

pytestmark = pytest.mark.django_db


def score_one(world, evaluation):
    """evaluator_1 scores デモクラウド on the first criterion only: the second stays unscored."""
    first = evaluation.criteria.get(number=1)
    proposal = evaluation.proposals.get(vendor=world["demo"])
    services.scores_record(evaluation=evaluation, evaluator=world["evaluator_1"], points={(proposal.pk, first.pk): 30})


def evaluators(world):
    return [world["evaluator_1"], world["evaluator_2"]]


def test_the_price_points_change_freely_until_the_first_score(world, evaluation):
    services.evaluation_setup(case=evaluation.case, price_points_max=40, evaluators=evaluators(world))
    assert Evaluation.objects.get().price_points_max == 40


def test_the_price_points_cannot_change_once_a_score_is_entered(world, evaluation):
    score_one(world, evaluation)
    with pytest.raises(ValidationError) as refusal:
        services.evaluation_setup(case=evaluation.case, price_points_max=40, evaluators=evaluators(world))
    assert "price_points_max" in refusal.value.message_dict
    assert Evaluation.objects.get().price_points_max == 30
    # The same price points, with the evaluators saved again, are fine.
    services.evaluation_setup(case=evaluation.case, price_points_max=30, evaluators=evaluators(world))


def test_no_criterion_is_added_once_a_score_is_entered(world, evaluation):
    score_one(world, evaluation)
    with pytest.raises(ValidationError):
        services.criterion_add(evaluation=evaluation, name="導入支援", max_points=20)
    assert evaluation.criteria.count() == 2


def test_an_unscored_criterion_is_neither_removed_nor_rescaled_once_another_is_scored(world, evaluation):
    score_one(world, evaluation)
    second = evaluation.criteria.get(number=2)
    with pytest.raises(ValidationError):
        services.criterion_delete(criterion=second)
    with pytest.raises(ValidationError):
        services.criterion_update(criterion=second, name="運用・保守", max_points=50)
    services.criterion_update(criterion=second, name="運用・保守体制", max_points=30)  # a new name is fine
    assert list(Criterion.objects.order_by("number").values_list("name", "max_points")) == [
        ("機能要件", 40), ("運用・保守体制", 30)]


def test_the_pages_stop_offering_what_scoring_has_fixed(client, world, evaluation):
    client.force_login(world["secretariat"])
    detail = reverse("evaluation_detail", args=[evaluation.pk])
    assert reverse("criterion_add", args=[evaluation.pk]) in client.get(detail).content.decode()
    score_one(world, evaluation)
    assert reverse("criterion_add", args=[evaluation.pk]) not in client.get(detail).content.decode()
    form = client.get(reverse("evaluation_setup", args=[evaluation.case_id])).context["form"]
    assert form.fields["price_points_max"].disabled
    response = client.post(reverse("evaluation_setup", args=[evaluation.case_id]),
                           {"price_points_max": 45, "evaluators": [user.pk for user in evaluators(world)]})
    assert response.status_code == 302 and Evaluation.objects.get().price_points_max == 30
    refused = client.post(reverse("criterion_add", args=[evaluation.pk]), {"name": "導入支援", "max_points": 20})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
