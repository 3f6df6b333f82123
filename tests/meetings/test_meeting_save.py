"""Saving a meeting: every problem of one save is reported at once, each on its field;
minutes are approved only once they are written and the attendance recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import Role
from apps.meetings import services
from apps.meetings.models import Meeting
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = ConsortiumFactory(slug="a", name="埼玉")
    ina = member_of(a, name="伊奈町")
    held = services.meeting_save(consortium=a, title="第3回 協議会", kind=Meeting.Kind.COUNCIL,
                                 starts_at=timezone.now() - datetime.timedelta(days=1), status=Meeting.Status.HELD)
    return {"a": a, "ina": ina, "held": held, "secretariat": user_with_role(Role.SECRETARIAT, consortium=a)}


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_every_problem_of_one_save_is_reported_at_once_each_on_its_field(client, world, settings):
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as refusal:
        services.meeting_save(consortium=world["a"], title="第9回", status=Meeting.Status.HELD, starts_at=starts,
                              ends_at=starts - datetime.timedelta(hours=1))
    assert set(refusal.value.message_dict) == {"status", "ends_at"}
    assert not Meeting.objects.filter(title="第9回").exists()

    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("meeting_create", args=["a"]), {
        "kind": "council", "title": "第9回", "status": "held", "starts_at": local(starts),
        "ends_at": local(starts - datetime.timedelta(hours=1))})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "has not started" in " ".join(errors["status"]) and "end after it starts" in " ".join(errors["ends_at"])
    assert not Meeting.objects.filter(title="第9回").exists()


def test_minutes_are_not_approved_while_empty_or_without_attendance_and_the_message_names_both(client, world,
                                                                                                settings):
    held = world["held"]
    with pytest.raises(ValidationError) as refusal, translation.override("en"):
        services.meeting_save(consortium=world["a"], meeting=held, status=Meeting.Status.MINUTES_APPROVED)
    assert set(refusal.value.message_dict) == {"minutes", "status"}
    assert "attendance" in " ".join(refusal.value.message_dict["status"])
    held.refresh_from_db()
    assert held.status == Meeting.Status.HELD

    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = {"kind": "council", "title": held.title, "starts_at": local(held.starts_at), "status": "minutes_approved",
            "minutes": "按分案を了承した。"}
    response = client.post(reverse("meeting_edit", args=[held.pk]), form)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["status"]  # the minutes are written now
    assert Meeting.objects.get(pk=held.pk).status == Meeting.Status.HELD

    services.attendance_record(meeting=held, rows=[services.AttendanceRow(body_id=world["ina"].pk, status="present")])
    assert client.post(reverse("meeting_edit", args=[held.pk]), form).status_code == 302
    assert Meeting.objects.get(pk=held.pk).status == Meeting.Status.MINUTES_APPROVED


def test_minutes_of_blank_lines_only_are_empty(world):
    services.attendance_record(meeting=world["held"], rows=[
        services.AttendanceRow(body_id=world["ina"].pk, status="present")])
    with pytest.raises(ValidationError) as refusal:
        services.meeting_save(consortium=world["a"], meeting=world["held"], minutes="\n  \n",
                              status=Meeting.Status.MINUTES_APPROVED)
    assert list(refusal.value.message_dict) == ["minutes"]


def test_minutes_longer_than_the_cap_are_refused_on_the_minutes_field(world):
    with pytest.raises(ValidationError) as refusal:
        services.meeting_save(consortium=world["a"], meeting=world["held"],
                              minutes="あ" * (services.MINUTES_MAX_CHARS + 1))
    assert list(refusal.value.message_dict) == ["minutes"]
    assert "100,000" in refusal.value.message_dict["minutes"][0]
    assert Meeting.objects.get(pk=world["held"].pk).minutes == ""
    services.meeting_save(consortium=world["a"], meeting=world["held"], minutes="あ" * services.MINUTES_MAX_CHARS)
