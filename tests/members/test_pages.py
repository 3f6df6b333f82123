"""What each role reaches among the members pages."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.members.models import ParticipationStatus
from apps.members.selectors import consortium_summary
from apps.members.services import participation_set_status
from tests.factories import ConsortiumFactory, ParticipationFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    saitama = ConsortiumFactory(slug="saitama", name="埼玉")
    nara = ConsortiumFactory(slug="nara", name="奈良")
    ina = member_of(saitama, name="伊奈町")
    miyoshi = member_of(saitama, name="三芳町")
    kashiba = member_of(nara, name="香芝市")
    return {"saitama": saitama, "nara": nara, "ina": ina, "miyoshi": miyoshi, "kashiba": kashiba}


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get(reverse("consortium_dashboard", args=["saitama"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_page_is_open_and_in_japanese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="ja"' in response.content.decode()


def test_secretariat_sees_its_consortium_and_not_another(client, world):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=world["saitama"]))
    assert client.get(reverse("consortium_dashboard", args=["saitama"])).status_code == 200
    assert client.get(reverse("member_list", args=["saitama"])).status_code == 200
    assert client.get(reverse("consortium_dashboard", args=["nara"])).status_code == 404
    assert client.get(reverse("body_detail", args=[world["kashiba"].code])).status_code == 404


def test_secretariat_lands_on_its_dashboard(client, world):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=world["saitama"]))
    assert client.get(reverse("home"))["Location"] == reverse("consortium_dashboard", args=["saitama"])


def test_member_staff_lands_on_its_body_and_sees_no_other(client, world):
    client.force_login(user_with_role(Role.STAFF, body=world["ina"]))
    assert client.get(reverse("home"))["Location"] == reverse("body_detail", args=[world["ina"].code])
    assert client.get(reverse("body_detail", args=[world["ina"].code])).status_code == 200
    assert client.get(reverse("body_detail", args=[world["miyoshi"].code])).status_code == 404
    assert client.get(reverse("consortium_dashboard", args=["saitama"])).status_code == 403
    assert client.get(reverse("consortium_dashboard", args=["nara"])).status_code == 404


def test_mayor_cannot_edit_the_survey_but_staff_can(client, world):
    SurveyRoundFactory(consortium=world["saitama"], fiscal_year=2025)
    url = reverse("body_costs_edit", args=[world["ina"].code, 2025])
    client.force_login(user_with_role(Role.MAYOR, body=world["ina"]))
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.STAFF, body=world["ina"]))
    assert client.get(url).status_code == 200


def test_observer_reads_but_cannot_import(client, world):
    client.force_login(user_with_role(Role.OBSERVER, consortium=world["saitama"]))
    assert client.get(reverse("member_list", args=["saitama"])).status_code == 200
    assert client.get(reverse("import_costs", args=["saitama"])).status_code == 403


def test_funnel_counts_bodies_that_ever_reached_a_step(world):
    saitama = world["saitama"]
    participation = saitama.participations.get(body=world["ina"])
    participation_set_status(participation=participation, status=ParticipationStatus.DECLARED,
                             on=datetime.date(2021, 4, 1))
    participation_set_status(participation=participation, status=ParticipationStatus.WITHDRAWN,
                             on=datetime.date(2022, 4, 1))
    summary = consortium_summary(consortium=saitama)
    reached = {step.status: step.reached for step in summary.funnel}
    assert reached["council"] == 2 and reached["declared"] == 1 and reached["live"] == 0
    assert summary.withdrawn == 1


def test_participation_history_is_dated(world):
    participation = ParticipationFactory(status=ParticipationStatus.STUDY_GROUP)
    participation_set_status(participation=participation, status=ParticipationStatus.COUNCIL,
                             on=datetime.date(2022, 4, 1))
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.COUNCIL
    assert participation.status_on(datetime.date(2021, 1, 1)) == ParticipationStatus.STUDY_GROUP
    assert participation.status_on(datetime.date(2022, 4, 1)) == ParticipationStatus.COUNCIL
    assert participation.status_on(datetime.date(2019, 1, 1)) is None


def test_status_cannot_move_back_in_time(world):
    from django.core.exceptions import ValidationError

    participation = ParticipationFactory()
    with pytest.raises(ValidationError):
        participation_set_status(participation=participation, status=ParticipationStatus.DECLARED,
                                 on=datetime.date(2019, 1, 1))


def test_a_body_may_belong_to_several_consortia(client, world):
    ParticipationFactory(body=world["ina"], consortium=world["nara"])
    client.force_login(user_with_role(Role.STAFF, body=world["ina"]))
    response = client.get(reverse("body_detail", args=[world["ina"].code]))
    assert len(response.context["participations"]) == 2
