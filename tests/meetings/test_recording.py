"""Recording what happened at a meeting: attendance and decisions once it has begun, a
position only from a body that took part, and the members as they were on the day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import Role
from apps.meetings import selectors, services
from apps.meetings.models import Attendance, Decision, Meeting, Position
from apps.members.models import MemberBody, ParticipationStatus
from apps.members.services import participation_ensure, participation_set_status
from tests.factories import ConsortiumFactory, MemberBodyFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = ConsortiumFactory(slug="a", name="埼玉")
    ina, miyoshi = member_of(a, name="伊奈町"), member_of(a, name="三芳町")
    ahead = services.meeting_save(consortium=a, title="第4回 協議会", starts_at=timezone.now() + datetime.timedelta(days=7))
    held = services.meeting_save(consortium=a, title="第3回 協議会", status=Meeting.Status.HELD,
                                 starts_at=timezone.now() - datetime.timedelta(days=1))
    return {"a": a, "ina": ina, "miyoshi": miyoshi, "ahead": ahead, "held": held,
            "secretariat": user_with_role(Role.SECRETARIAT, consortium=a)}


def present(*bodies):
    return [services.AttendanceRow(body_id=body.pk, status="present") for body in bodies]


def test_attendance_and_decisions_are_not_recorded_for_a_meeting_still_ahead(client, world, settings):
    ahead, ina = world["ahead"], world["ina"]
    with pytest.raises(ValidationError, match="not started"), translation.override("en"):
        services.attendance_record(meeting=ahead, rows=present(ina))
    with pytest.raises(ValidationError, match="not started"), translation.override("en"):
        services.decision_record(meeting=ahead, text="按分案を了承する", outcome="agreed", positions={ina.pk: "agree"})
    assert not Attendance.objects.exists() and not Decision.objects.exists()

    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("meeting_detail", args=[ahead.pk])).content.decode()
    assert reverse("attendance_edit", args=[ahead.pk]) not in page
    assert reverse("decision_add", args=[ahead.pk]) not in page
    assert reverse("agenda_add", args=[ahead.pk]) in page  # the agenda is prepared beforehand
    response = client.post(reverse("decision_add", args=[ahead.pk]), {"text": "了承する", "outcome": "agreed"})
    assert response.status_code == 200 and "not started" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_planned_meeting_whose_time_has_come_takes_its_attendance_and_decisions(world):
    """The secretariat records the day's attendance before marking the meeting held."""
    begun = services.meeting_save(consortium=world["a"], title="第5回 協議会",
                                  starts_at=timezone.now() - datetime.timedelta(minutes=5))
    assert begun.status == Meeting.Status.PLANNED
    assert services.attendance_record(meeting=begun, rows=present(world["ina"])) == 1
    services.decision_record(meeting=begun, text="了承する", outcome="agreed", positions={world["ina"].pk: "agree"})


def test_a_meeting_with_a_record_is_not_moved_to_a_time_still_ahead(world):
    held = world["held"]
    services.attendance_record(meeting=held, rows=present(world["ina"]))
    with pytest.raises(ValidationError) as refusal:
        services.meeting_save(consortium=world["a"], meeting=held, status=Meeting.Status.PLANNED,
                              starts_at=timezone.now() + datetime.timedelta(days=7))
    assert list(refusal.value.message_dict) == ["starts_at"]
    # An earlier day is fine: the record stays with a meeting that has taken place.
    held.refresh_from_db()
    services.meeting_save(consortium=world["a"], meeting=held, starts_at=held.starts_at - datetime.timedelta(days=1))


def test_a_position_of_a_body_recorded_absent_is_refused_by_name(world):
    held, ina, miyoshi = world["held"], world["ina"], world["miyoshi"]
    services.attendance_record(meeting=held, rows=[services.AttendanceRow(body_id=ina.pk, status="present"),
                                                   services.AttendanceRow(body_id=miyoshi.pk, status="absent")])
    with pytest.raises(ValidationError, match="三芳町") as refusal:
        services.decision_record(meeting=held, text="按分案を了承する", outcome="agreed",
                                 positions={ina.pk: "agree", miyoshi.pk: "agree"})
    assert "伊奈町" not in str(refusal.value)
    assert not Decision.objects.exists()

    decision = services.decision_record(meeting=held, text="按分案を了承する", outcome="agreed",
                                        positions={ina.pk: "agree", miyoshi.pk: ""})
    with pytest.raises(ValidationError, match="三芳町"):
        services.decision_change(decision=decision, text="按分案を了承する", outcome="agreed",
                                 positions={miyoshi.pk: "object"})
    assert dict(decision.positions.values_list("body__name", "stance")) == {"伊奈町": "agree"}


def test_a_body_with_a_position_is_not_recorded_absent(world):
    held, ina = world["held"], world["ina"]
    services.decision_record(meeting=held, text="按分案を了承する", outcome="agreed", positions={ina.pk: "agree"})
    with pytest.raises(ValidationError, match="伊奈町"):
        services.attendance_record(meeting=held, rows=[services.AttendanceRow(body_id=ina.pk, status="absent")])
    assert not Attendance.objects.exists() and Position.objects.count() == 1
    services.attendance_record(meeting=held, rows=[services.AttendanceRow(body_id=ina.pk, status="proxy")])


def test_the_forms_offer_the_members_as_they_were_on_the_meetings_day_keeping_those_recorded(client, world):
    """Not a body only invited, nor one that joined after the meeting; a body that withdrew
    since took part, and one recorded stays on offer whatever its history says now."""
    a, held, ina, miyoshi = world["a"], world["held"], world["ina"], world["miyoshi"]
    invited = participation_ensure(body=MemberBodyFactory(name="越生町"), consortium=a,
                                   status=ParticipationStatus.INVITED, on=datetime.date(2020, 4, 1)).body
    late = participation_ensure(body=MemberBodyFactory(name="滑川町"), consortium=a,
                                status=ParticipationStatus.INVITED, on=datetime.date(2020, 4, 1))
    participation_set_status(participation=late, status=ParticipationStatus.COUNCIL, on=timezone.localdate())
    participation_set_status(participation=miyoshi.participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=timezone.localdate())
    assert selectors.meeting_members(meeting=held) == sorted([ina, miyoshi], key=lambda body: body.code)

    services.attendance_record(meeting=held, rows=present(ina))
    # The withdrawal of 伊奈町 is entered late, dated before the meeting: it stays, as recorded.
    participation_set_status(participation=ina.participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=timezone.localdate() - datetime.timedelta(days=2))
    assert selectors.meeting_members(meeting=held) == sorted([ina, miyoshi], key=lambda body: body.code)

    client.force_login(world["secretariat"])
    for name in ("attendance_edit", "decision_add"):
        page = client.get(reverse(name, args=[held.pk])).content.decode()
        assert "伊奈町" in page and "三芳町" in page and "越生町" not in page and "滑川町" not in page
    with pytest.raises(ValidationError, match="越生町"):
        services.attendance_record(meeting=held, rows=present(invited))


def test_the_notice_goes_to_the_members_not_to_bodies_only_invited(world):
    MemberBody.objects.filter(pk=world["ina"].pk).update(mayor_email="mayor@ina.example")
    invited = participation_ensure(body=MemberBodyFactory(name="越生町", mayor_email="mayor@ogose.example"),
                                   consortium=world["a"], status=ParticipationStatus.INVITED,
                                   on=datetime.date(2020, 4, 1)).body
    assert invited not in selectors.meeting_members(meeting=world["ahead"])
    assert selectors.notice_recipients(meeting=world["ahead"]) == ["mayor@ina.example"]
