"""A meeting moved after its notice went out is shown as not notified of the change, and
the secretariat is prompted to send the notice again."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import Role
from apps.meetings import services
from apps.meetings.models import Meeting
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
STARTS = datetime.datetime(2027, 1, 20, 14, 0, tzinfo=TOKYO)


@pytest.fixture
def world():
    a = ConsortiumFactory(slug="a", name="埼玉")
    member_of(a, name="伊奈町", mayor_email="mayor@ina.example")
    meeting = services.meeting_save(consortium=a, title="第3回 協議会", starts_at=STARTS, venue="伊奈町役場")
    return {"a": a, "meeting": meeting, "secretariat": user_with_role(Role.SECRETARIAT, consortium=a)}


def form_of(meeting: Meeting, **changes) -> dict:
    return {"kind": meeting.kind, "title": meeting.title, "status": meeting.status, "venue": meeting.venue,
            "starts_at": STARTS.strftime("%Y-%m-%dT%H:%M"), **changes}


@pytest.mark.parametrize("changes", [{"starts_at": "2027-01-21T14:00"}, {"ends_at": "2027-01-20T16:00"},
                                     {"venue": "三芳町役場"}, {"online_url": "https://meet.example/x"}])
def test_a_meeting_moved_after_its_notice_says_the_change_is_not_notified_until_sent_again(client, world, settings,
                                                                                          changes):
    meeting = world["meeting"]
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("meeting_notify", args=[meeting.pk]))
    assert "has not been notified" not in client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()

    assert client.post(reverse("meeting_edit", args=[meeting.pk]), form_of(meeting, **changes)).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).changed_since_notice
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "has not been notified" in page and reverse("meeting_notify", args=[meeting.pk]) in page

    client.post(reverse("meeting_notify", args=[meeting.pk]))
    assert "変更" in mail.outbox[-1].subject and "変更しました" in mail.outbox[-1].body
    assert not Meeting.objects.get(pk=meeting.pk).changed_since_notice
    assert "has not been notified" not in client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "変更" not in mail.outbox[0].subject  # the first notice was a plain one


def test_other_changes_and_changes_before_any_notice_need_no_new_notice(client, world):
    meeting = world["meeting"]
    client.force_login(world["secretariat"])
    client.post(reverse("meeting_edit", args=[meeting.pk]), form_of(meeting, venue="三芳町役場"))
    assert not Meeting.objects.get(pk=meeting.pk).changed_since_notice  # nobody was told the old place
    client.post(reverse("meeting_notify", args=[meeting.pk]))
    meeting.refresh_from_db()
    client.post(reverse("meeting_edit", args=[meeting.pk]), form_of(meeting, title="第3回 協議会（定例）"))
    client.post(reverse("meeting_edit", args=[meeting.pk]), form_of(meeting))  # saved again unchanged
    assert not Meeting.objects.get(pk=meeting.pk).changed_since_notice


def test_the_dashboard_prompts_for_a_notice_of_the_change(client, world, settings):
    meeting = world["meeting"]
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("meeting_notify", args=[meeting.pk]))
    dashboard = reverse("consortium_dashboard", args=["a"])
    assert "not told" not in client.get(dashboard).content.decode()
    client.post(reverse("meeting_edit", args=[meeting.pk]), form_of(meeting, venue="三芳町役場"))
    page = client.get(dashboard).content.decode()
    assert "changed since its notice" in page and "not told" in page
