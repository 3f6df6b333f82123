"""A meeting's minutes on paper (議事録), read back from the PDF."""

import datetime
import re
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.meetings import selectors, services
from apps.meetings.models import Meeting
from apps.reports import minutes_document
from tests.factories import ConsortiumFactory, member_of, user_with_role
from tests.pdf_reading import embedded_fonts, text_of

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def council():
    consortium = ConsortiumFactory(slug="saitama", name="埼玉県町村情報システム共同化推進協議会")
    ina, miyoshi, ogose = (member_of(consortium, name=name) for name in ("伊奈町", "三芳町", "越生町"))
    meeting = services.meeting_save(
        consortium=consortium, title="第2回 協議会", kind=Meeting.Kind.COUNCIL, venue="埼玉県町村会館",
        online_url="https://meet.example/abc", starts_at=datetime.datetime(2026, 11, 17, 10, 0, tzinfo=TOKYO),
        ends_at=datetime.datetime(2026, 11, 17, 12, 0, tzinfo=TOKYO), status=Meeting.Status.HELD,
        minutes="経費按分の案を説明した。\n\n意見交換を行った。")
    services.attendance_record(meeting=meeting, rows=[
        services.AttendanceRow(body_id=ina.pk, status="present", attendees="情報担当課長"),
        services.AttendanceRow(body_id=miyoshi.pk, status="proxy", attendees="伊奈町に委任"),
        services.AttendanceRow(body_id=ogose.pk, status="absent")])
    services.agenda_item_add(meeting=meeting, title="経費按分について", presenter="事務局")
    services.decision_record(meeting=meeting, text="経費按分の案を了承する。", outcome="agreed",
                             positions={ina.pk: "agree", miyoshi.pk: "abstain"})  # 越生町 was absent
    services.action_add(meeting=meeting, text="協定書への署名", owner=ina, due_on=datetime.date(2027, 1, 6))
    return {"consortium": consortium, "meeting": meeting, "ina": ina}


def printed(meeting: Meeting) -> str:
    meeting = selectors.meeting_detail(user=user_with_role(Role.SECRETARIAT, consortium=meeting.consortium)).get(
        pk=meeting.pk)
    return text_of(minutes_document.minutes_pdf(meeting=meeting).content)


def test_the_minutes_say_when_where_who_what_was_decided_and_who_does_what(council):
    text = re.sub(r"\s+", "", printed(council["meeting"]))
    assert "第2回協議会議事録" in text
    assert "令和8年11月17日（火）10:00〜12:00" in text
    assert "埼玉県町村会館（オンライン併用）" in text and "meet.example" not in text
    assert "出席団体（1団体、ほか委任1団体）伊奈町（情報担当課長）委任：三芳町（伊奈町に委任）欠席：越生町" in text
    assert "（1）経費按分について（事務局）" in text
    assert "経費按分の案を説明した。意見交換を行った。" in text
    assert "（1）経費按分の案を了承する。【了承】賛成：伊奈町／棄権：三芳町" in text
    assert "・協定書への署名（担当：伊奈町、期限令和9年1月6日）" in text
    assert "案" in text  # held, its minutes not approved yet


def test_approved_minutes_lose_the_draft_mark_and_empty_sections_say_so(council):
    meeting = services.meeting_save(consortium=council["consortium"], title="第1回 研究会",
                                    kind=Meeting.Kind.STUDY_GROUP, status=Meeting.Status.HELD,
                                    starts_at=datetime.datetime(2026, 6, 1, 14, 0, tzinfo=TOKYO))
    assert "出欠は記録されていません。" in printed(meeting)
    services.attendance_record(meeting=meeting, rows=[services.AttendanceRow(body_id=council["ina"].pk,
                                                                             status="present")])
    services.meeting_save(consortium=council["consortium"], meeting=meeting, minutes="意見交換を行った。",
                          status=Meeting.Status.MINUTES_APPROVED)
    text = printed(meeting)
    assert "案" not in text
    assert re.sub(r"\s+", "", text).count("なし") == 3  # agenda, decisions, action items


def test_the_minutes_are_in_the_japanese_font_and_open_in_the_browser(client, council):
    client.force_login(user_with_role(Role.MAYOR, body=council["ina"]))
    response = client.get(reverse("minutes_pdf", args=[council["meeting"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert unquote(response["Content-Disposition"].split("''", 1)[1]) == "第2回 協議会 議事録（案）.pdf"
    fonts = embedded_fonts(response.content)
    assert fonts and all(re.match(r"/[A-Z]{6}\+BIZ-UDGothic", name) for name in fonts), fonts


def test_the_meeting_page_offers_the_minutes_once_the_meeting_is_held(client, council):
    client.force_login(user_with_role(Role.STAFF, body=council["ina"]))
    page = client.get(reverse("meeting_detail", args=[council["meeting"].pk])).content.decode()
    assert reverse("minutes_pdf", args=[council["meeting"].pk]) in page
    ahead = services.meeting_save(consortium=council["consortium"], title="第3回 協議会",
                                  starts_at=timezone.now() + datetime.timedelta(days=20))
    page = client.get(reverse("meeting_detail", args=[ahead.pk])).content.decode()
    assert reverse("minutes_pdf", args=[ahead.pk]) not in page  # no empty 議事録 of a meeting not yet held


@pytest.mark.parametrize("called_off", [False, True])
def test_the_minutes_of_a_meeting_not_held_are_refused_saying_why(client, council, called_off):
    """/meetings/3/minutes.pdf of a planned meeting printed an empty 「議事録（案）」."""
    ahead = services.meeting_save(consortium=council["consortium"], title="第3回 協議会",
                                  starts_at=timezone.now() + datetime.timedelta(days=20))
    if called_off:
        services.meeting_cancel(meeting=ahead, meeting_url="https://example.test/", tell_members=False)
    client.force_login(user_with_role(Role.STAFF, body=council["ina"]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("minutes_pdf", args=[ahead.pk]))
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "This meeting has not been held: it has no minutes to print." in response.content.decode()
