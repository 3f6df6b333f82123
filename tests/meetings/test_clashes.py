"""A meeting set at the time of another of the same council is saved only once the
secretariat confirms it: two sessions at once need the same people, though some councils
do hold sessions back to back in one room."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from apps.accounts.models import Role
from apps.meetings import selectors, services
from apps.meetings.models import Meeting
from tests.factories import ConsortiumFactory, user_with_role

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A time in the council's zone, some days ahead."""
    base = timezone.localtime() + datetime.timedelta(days=day)
    return base.replace(hour=hour, minute=minute, second=0, microsecond=0)


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def world():
    a, b = ConsortiumFactory(slug="a", name="埼玉"), ConsortiumFactory(slug="b", name="奈良")
    council = services.meeting_save(consortium=a, title="第3回 協議会", starts_at=at(10, 10), ends_at=at(10, 12))
    return {"a": a, "b": b, "council": council, "secretariat": user_with_role(Role.SECRETARIAT, consortium=a)}


def create(client, title, starts, ends=None, **extra):
    data = {"kind": Meeting.Kind.STUDY_GROUP, "title": title, "starts_at": local(starts),
            "ends_at": local(ends) if ends else "", "status": Meeting.Status.PLANNED, **extra}
    return client.post(reverse("meeting_create", args=["a"]), data)


def test_a_meeting_at_the_time_of_another_is_warned_of_naming_it_and_saved_once_confirmed(client, world):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    warned = create(client, "勉強会", at(10, 11), at(10, 13))
    assert warned.status_code == 200
    [warning] = warned.context["form"].errors["clash_confirmed"]
    with translation.override("en"):
        when = date_format(at(10, 10), "DATETIME_FORMAT") + "–12:00"
    assert f"“第3回 協議会” ({when})" in warning
    assert 'type="checkbox" name="clash_confirmed"' in warned.content.decode()
    assert not Meeting.objects.filter(title="勉強会").exists()
    confirmed = create(client, "勉強会", at(10, 11), at(10, 13), clash_confirmed="on")
    assert confirmed.status_code == 302 and Meeting.objects.filter(title="勉強会").exists()


def test_the_tick_box_is_offered_only_once_a_clash_is_found(client, world):
    client.force_login(world["secretariat"])
    page = client.get(reverse("meeting_create", args=["a"])).content.decode()
    assert 'type="hidden" name="clash_confirmed"' in page and 'type="checkbox" name="clash_confirmed"' not in page


def test_sessions_back_to_back_a_cancelled_meeting_and_another_councils_meeting_are_no_clash(client, world):
    other = services.meeting_save(consortium=world["a"], title="第2回 協議会", starts_at=at(10, 14), ends_at=at(10, 16))
    services.meeting_cancel(meeting=other, meeting_url="https://example.jp/m/", tell_members=False)
    services.meeting_save(consortium=world["b"], title="奈良の会議", starts_at=at(10, 12), ends_at=at(10, 17))
    client.force_login(world["secretariat"])
    assert create(client, "午後の部", at(10, 12), at(10, 17)).status_code == 302


def test_a_meeting_without_an_end_time_takes_the_rest_of_its_day(world):
    no_end = services.meeting_save(consortium=world["a"], title="首長会議", starts_at=at(20, 13))
    clashes = lambda starts, ends: selectors.meeting_clashes(  # noqa: E731
        consortium=world["a"], starts_at=starts, ends_at=ends)
    assert clashes(at(20, 17), at(20, 18)) == [no_end]  # later that day
    assert clashes(at(20, 9), at(20, 13)) == []  # over before it starts
    assert clashes(at(21, 0), at(21, 2)) == []  # the next day
    # Two without an end on the same day: the later one starts within the earlier one's rest of the day.
    assert clashes(at(20, 8), None) == [no_end]


def test_correcting_a_meeting_without_moving_it_asks_nothing_again_but_moving_it_onto_another_does(client, world):
    services.meeting_save(consortium=world["a"], title="勉強会", starts_at=at(10, 11), ends_at=at(10, 13))
    council = world["council"]
    client.force_login(world["secretariat"])
    data = {"kind": council.kind, "title": council.title, "starts_at": local(council.starts_at),
            "ends_at": local(council.ends_at), "status": council.status, "venue": "伊奈町役場"}
    assert client.post(reverse("meeting_edit", args=[council.pk]), data).status_code == 302
    moved = client.post(reverse("meeting_edit", args=[council.pk]), {**data, "starts_at": local(at(10, 9))})
    assert moved.status_code == 200 and "勉強会" in moved.context["form"].errors["clash_confirmed"][0]
    assert Meeting.objects.get(pk=council.pk).starts_at == at(10, 10)
