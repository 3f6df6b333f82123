"""How a meeting reads: on its page, in the notice, on the minutes and in calendars."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from apps.accounts.models import Role
from apps.meetings import services
from apps.meetings.models import Meeting
from apps.reports import minutes_document
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def world():
    a = ConsortiumFactory(slug="a", name="埼玉")
    ina = member_of(a, name="伊奈町", mayor_email="mayor@ina.example")
    return {"a": a, "ina": ina, "secretariat": user_with_role(Role.SECRETARIAT, consortium=a),
            "ina_staff": user_with_role(Role.STAFF, body=ina)}


def overnight(world) -> Meeting:
    return services.meeting_save(consortium=world["a"], title="合宿研修", kind=Meeting.Kind.STUDY_GROUP,
                                 starts_at=datetime.datetime(2027, 1, 20, 14, 0, tzinfo=TOKYO),
                                 ends_at=datetime.datetime(2027, 1, 21, 10, 0, tzinfo=TOKYO))


def test_a_meeting_ending_on_a_later_day_shows_its_end_date_everywhere(client, world, settings):
    meeting = overnight(world)
    client.force_login(world["secretariat"])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "2027年1月20日14:00 – 2027年1月21日10:00" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "20 Jan. 2027, 14:00 – 21 Jan. 2027, 10:00" in page

    client.post(reverse("meeting_notify", args=[meeting.pk]))
    [message] = mail.outbox
    assert "2027年1月20日14:00–2027年1月21日10:00" in message.body
    assert "2027年1月20日14:00–2027年1月21日10:00" in message.alternatives[0][0]

    assert minutes_document.when(meeting) == "令和9年1月20日（水）14:00〜令和9年1月21日（木）10:00"


def test_a_meeting_ending_on_its_day_shows_the_end_time_only(client, world):
    meeting = services.meeting_save(consortium=world["a"], title="第3回 協議会",
                                    starts_at=datetime.datetime(2027, 1, 20, 14, 0, tzinfo=TOKYO),
                                    ends_at=datetime.datetime(2027, 1, 20, 16, 0, tzinfo=TOKYO))
    client.force_login(world["secretariat"])
    assert "2027年1月20日14:00 – 16:00" in client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    client.post(reverse("meeting_notify", args=[meeting.pk]))
    assert "2027年1月20日14:00–16:00" in mail.outbox[0].body
    assert minutes_document.when(meeting) == "令和9年1月20日（水）14:00〜16:00"


def test_the_calendar_gives_a_hybrid_meetings_online_link_beside_its_venue(client, world):
    meeting = services.meeting_save(consortium=world["a"], title="第3回 協議会", venue="伊奈町役場",
                                    online_url="https://meet.example/abc",
                                    starts_at=datetime.datetime(2027, 1, 20, 14, 0, tzinfo=TOKYO))
    client.force_login(world["ina_staff"])
    [event] = Calendar.from_ical(client.get(reverse("meetings_ics", args=["a"])).content).walk("VEVENT")
    assert str(event["LOCATION"]) == "伊奈町役場"
    assert "https://meet.example/abc" in str(event["DESCRIPTION"])
    assert reverse("meeting_detail", args=[meeting.pk]) in str(event["URL"])


def test_minutes_not_yet_approved_are_marked_draft_on_the_meeting_page(client, world, settings):
    meeting = services.meeting_save(consortium=world["a"], title="第2回 協議会", status=Meeting.Status.HELD,
                                    starts_at=datetime.datetime(2026, 11, 17, 10, 0, tzinfo=TOKYO),
                                    minutes="経費按分の案を説明した。")
    client.force_login(world["ina_staff"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "data-minutes-draft" in page and "Draft" in page
    services.attendance_record(meeting=meeting, rows=[services.AttendanceRow(body_id=world["ina"].pk,
                                                                             status="present")])
    services.meeting_save(consortium=world["a"], meeting=meeting, status=Meeting.Status.MINUTES_APPROVED)
    assert "data-minutes-draft" not in client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()


def test_the_online_link_is_labelled_like_the_other_fields(client, world, settings):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = client.get(reverse("meeting_create", args=["a"])).context["form"]
    assert form["online_url"].label == "Online meeting link" and form["venue"].label == "Venue"
