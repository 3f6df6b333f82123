"""A member's status walks the path invited → study group → council → declared → live and
does not walk back; it may withdraw from any step, and a withdrawn member may rejoin at any
step. A step recorded by mistake is corrected on the day it started."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import Role
from apps.members.models import Participation, ParticipationStatus
from apps.members.selectors import consortium_summary, member_rows
from apps.members.services import participation_set_status
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

S = ParticipationStatus


@pytest.fixture
def council(client):
    consortium = ConsortiumFactory(slug="saitama")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return consortium


@pytest.fixture
def ina(council):
    body = member_of(council, name="伊奈町", code="113018")
    participation = body.participations.get()
    participation.history.update(status=S.STUDY_GROUP, start_date=datetime.date(2026, 6, 1))
    participation.status = S.STUDY_GROUP
    participation.save()
    return body


def post_status(client, body, status, on):
    return client.post(reverse("member_manage", args=["saitama", body.code]),
                       {"form": "status", "status-status": status, "status-on": on, "status-note": ""})


def history(participation):
    return [(change.status, change.start_date, change.end_date) for change in participation.history.all()]


def walk(participation, *steps):
    for status, on in steps:
        participation_set_status(participation=participation, status=status, on=on)


QA_PATH = ((S.COUNCIL, datetime.date(2026, 7, 1)), (S.DECLARED, datetime.date(2026, 8, 1)),
           (S.LIVE, datetime.date(2026, 12, 1)))


def test_a_live_member_is_not_put_back_to_invited_and_the_page_names_both_statuses(client, ina):
    """QA: live → invited was saved; the list showed 招待 with a go-live date and the funnel still counted it live."""
    for status, on in QA_PATH:
        assert post_status(client, ina, status, on.isoformat()).status_code == 302
    refused = post_status(client, ina, "invited", "2026-12-05")
    assert refused.status_code == 200
    [message] = refused.context["forms"]["status"].errors["status"]
    assert "Live" in message and "Invited" in message
    participation = Participation.objects.get(body=ina)
    assert participation.status == S.LIVE and participation.actual_go_live == datetime.date(2026, 12, 1)
    assert history(participation)[-1] == (S.LIVE, datetime.date(2026, 12, 1), None)


@pytest.mark.parametrize("back", [S.INVITED, S.STUDY_GROUP, S.COUNCIL])
def test_no_step_goes_back_along_the_path_on_a_later_day(ina, back):
    participation = ina.participations.get()
    walk(participation, *QA_PATH[:2])
    before = history(participation)
    with pytest.raises(ValidationError) as refused:
        participation_set_status(participation=participation, status=back, on=datetime.date(2026, 9, 1))
    assert "status" in refused.value.message_dict
    participation.refresh_from_db()
    assert participation.status == S.DECLARED and history(participation) == before


@pytest.mark.parametrize("step", [S.INVITED, S.STUDY_GROUP, S.COUNCIL, S.DECLARED, S.LIVE])
def test_a_member_withdraws_from_any_step_and_rejoins_at_any_step(ina, step):
    participation = ina.participations.get()
    participation.history.update(status=step)
    participation.status = step
    participation.save()
    walk(participation, (S.WITHDRAWN, datetime.date(2026, 7, 1)), (S.INVITED, datetime.date(2026, 9, 1)),
         (S.WITHDRAWN, datetime.date(2026, 10, 1)), (S.COUNCIL, datetime.date(2026, 11, 1)))
    participation.refresh_from_db()
    assert participation.status == S.COUNCIL
    assert [status for status, _start, _end in history(participation)] == [
        step, S.WITHDRAWN, S.INVITED, S.WITHDRAWN, S.COUNCIL]


def test_a_step_recorded_by_mistake_is_corrected_on_the_day_it_started(ina):
    """Declared on 08-01 by mistake: council again on 08-01 takes the step back, and the funnel forgets it."""
    participation = ina.participations.get()
    walk(participation, *QA_PATH[:2], (S.COUNCIL, datetime.date(2026, 8, 1)))
    participation.refresh_from_db()
    assert participation.status == S.COUNCIL
    assert history(participation) == [(S.STUDY_GROUP, datetime.date(2026, 6, 1), datetime.date(2026, 7, 1)),
                                      (S.COUNCIL, datetime.date(2026, 7, 1), None)]
    reached = {step.status: step.reached for step in consortium_summary(consortium=participation.consortium).funnel}
    assert reached[S.COUNCIL] == 1 and reached[S.DECLARED] == 0


def test_a_wrong_step_is_replaced_by_the_right_one_of_its_day(ina):
    """Live picked instead of declared on 08-01: declared on 08-01 takes its place."""
    participation = ina.participations.get()
    walk(participation, (S.LIVE, datetime.date(2026, 8, 1)), (S.DECLARED, datetime.date(2026, 8, 1)))
    participation.refresh_from_db()
    assert participation.status == S.DECLARED
    assert history(participation) == [(S.STUDY_GROUP, datetime.date(2026, 6, 1), datetime.date(2026, 8, 1)),
                                      (S.DECLARED, datetime.date(2026, 8, 1), None)]


def test_a_go_live_taken_back_on_its_day_takes_its_go_live_date_with_it(client, ina):
    for status, on in QA_PATH:
        post_status(client, ina, status, on.isoformat())
    assert post_status(client, ina, "declared", "2026-12-01").status_code == 302
    participation = Participation.objects.get(body=ina)
    assert participation.status == S.DECLARED and participation.actual_go_live is None
    row = member_rows(consortium=participation.consortium).get(body=ina)
    assert row.status == S.DECLARED and row.actual_go_live is None
    reached = {step.status: step.reached for step in consortium_summary(consortium=participation.consortium).funnel}
    assert reached[S.LIVE] == 0


def test_a_correction_does_not_go_back_past_the_step_before(ina):
    participation = ina.participations.get()
    walk(participation, *QA_PATH[:2])
    before = history(participation)
    with pytest.raises(ValidationError) as refused:
        participation_set_status(participation=participation, status=S.INVITED, on=datetime.date(2026, 8, 1))
    assert "status" in refused.value.message_dict
    participation.refresh_from_db()
    assert participation.status == S.DECLARED and history(participation) == before


def test_two_steps_forward_on_one_day_are_both_kept(ina):
    participation = ina.participations.get()
    walk(participation, (S.COUNCIL, datetime.date(2026, 7, 1)), (S.DECLARED, datetime.date(2026, 7, 1)))
    assert history(participation) == [(S.STUDY_GROUP, datetime.date(2026, 6, 1), datetime.date(2026, 7, 1)),
                                      (S.COUNCIL, datetime.date(2026, 7, 1), datetime.date(2026, 7, 1)),
                                      (S.DECLARED, datetime.date(2026, 7, 1), None)]


def test_a_planned_go_live_is_saved_beside_the_actual_date_of_a_member_that_left_after_going_live(client, ina):
    """The go-live form shows the actual date a withdrawn member went live on; saving a new
    planned date with it unchanged was refused until the clerk cleared it."""
    participation = ina.participations.get()
    walk(participation, (S.LIVE, datetime.date(2026, 8, 1)), (S.WITHDRAWN, datetime.date(2026, 11, 1)))
    url = reverse("member_manage", args=["saitama", ina.code])
    page = client.get(url)
    assert page.context["forms"]["go_live"]["actual_go_live"].value() == datetime.date(2026, 8, 1)
    saved = client.post(url, {"form": "go_live", "go_live-planned_go_live": "2027-04-01",
                              "go_live-actual_go_live": "2026-08-01"})
    assert saved.status_code == 302
    participation.refresh_from_db()
    assert participation.planned_go_live == datetime.date(2027, 4, 1)
    assert participation.actual_go_live == datetime.date(2026, 8, 1)
    moved = client.post(url, {"form": "go_live", "go_live-planned_go_live": "2027-04-01",
                              "go_live-actual_go_live": "2026-09-01"})
    assert "actual_go_live" in moved.context["forms"]["go_live"].errors
