"""Choosing the evaluators: an evaluator who has entered scores stays on the evaluation,
whatever the form says, and whatever has happened to their role since."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import RoleAssignment
from apps.procurement import services
from apps.procurement.models import Score
from tests.procurement.conftest import FIRST as POINTS
from tests.procurement.conftest import score_all

pytestmark = pytest.mark.django_db


def setup_form(evaluation, evaluators) -> dict:
    return {"price_points_max": evaluation.price_points_max, "evaluators": [user.pk for user in evaluators]}


def test_an_evaluator_who_has_scored_cannot_be_taken_off_and_the_refusal_names_them_and_their_count(world,
                                                                                                     evaluation):
    score_all(evaluation, world["evaluator_2"], POINTS)
    with pytest.raises(ValidationError) as refusal:
        services.evaluation_setup(case=evaluation.case, price_points_max=evaluation.price_points_max,
                                  evaluators=[world["evaluator_1"]])
    [message] = refusal.value.message_dict["evaluators"]
    assert str(world["evaluator_2"]) in message and "4" in message
    assert Score.objects.filter(evaluator=world["evaluator_2"]).count() == 4
    assert set(evaluation.evaluator_rows.values_list("user_id", flat=True)) == {
        world["evaluator_1"].pk, world["evaluator_2"].pk}


def test_an_evaluator_who_has_not_scored_is_taken_off(world, evaluation):
    score_all(evaluation, world["evaluator_2"], POINTS)
    services.evaluation_setup(case=evaluation.case, price_points_max=evaluation.price_points_max,
                              evaluators=[world["evaluator_2"]])
    assert list(evaluation.evaluator_rows.values_list("user_id", flat=True)) == [world["evaluator_2"].pk]


def test_unticking_a_scored_evaluator_on_the_page_shows_the_refusal_and_keeps_the_scores(client, world, evaluation):
    score_all(evaluation, world["evaluator_2"], POINTS)
    client.force_login(world["secretariat"])
    response = client.post(reverse("evaluation_setup", args=[evaluation.case_id]),
                           setup_form(evaluation, [world["evaluator_1"]]))
    assert response.status_code == 200
    assert str(world["evaluator_2"]) in response.context["form"].errors["evaluators"][0]
    assert Score.objects.filter(evaluator=world["evaluator_2"]).count() == 4


def test_an_evaluator_no_longer_in_the_secretariat_stays_listed_and_ticked_so_a_resave_keeps_them(client, world,
                                                                                                  evaluation):
    score_all(evaluation, world["evaluator_2"], POINTS)
    RoleAssignment.objects.filter(user=world["evaluator_2"]).delete()
    client.force_login(world["secretariat"])
    url = reverse("evaluation_setup", args=[evaluation.case_id])
    form = client.get(url).context["form"]
    assert world["evaluator_2"] in form.fields["evaluators"].queryset
    assert {user.pk for user in form.initial["evaluators"]} == {world["evaluator_1"].pk, world["evaluator_2"].pk}
    response = client.post(url, setup_form(evaluation, [world["evaluator_1"], world["evaluator_2"]]))
    assert response.status_code == 302
    assert evaluation.evaluator_rows.filter(user=world["evaluator_2"]).exists()
    assert Score.objects.filter(evaluator=world["evaluator_2"]).count() == 4


def test_someone_outside_the_secretariat_is_still_not_made_an_evaluator(world, evaluation):
    with pytest.raises(ValidationError) as refusal:
        services.evaluation_setup(case=evaluation.case, price_points_max=evaluation.price_points_max,
                                  evaluators=[world["evaluator_1"], world["evaluator_2"], world["observer"]])
    assert "evaluators" in refusal.value.message_dict
