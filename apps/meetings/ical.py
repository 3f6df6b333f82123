"""A consortium's meetings as an iCalendar (RFC 5545) feed, for Outlook and the like."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from apps.meetings.models import Meeting

DEFAULT_LENGTH = datetime.timedelta(hours=2)


def _summary(meeting: Meeting) -> str:
    # Calendars drop a cancelled event, or strike it through: the title says so where it is still shown.
    if meeting.status == Meeting.Status.CANCELLED:
        return _("[Cancelled] %(title)s") % {"title": meeting.title}
    return meeting.title


def meetings_calendar(*, name: str, meetings: Iterable[Meeting], url_for: Callable[[Meeting], str],
                      domain: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//consortium manager//meetings//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        # Stable across exports, so a calendar that re-imports the feed updates the event.
        event.add("uid", f"meeting-{meeting.pk}@{domain}")
        event.add("dtstamp", meeting.updated_at)
        # Local (Asia/Tokyo) times with their zone, so every client shows the council's hour.
        starts = localtime(meeting.starts_at)
        event.add("dtstart", starts)
        event.add("dtend", localtime(meeting.ends_at) if meeting.ends_at else starts + DEFAULT_LENGTH)
        event.add("summary", _summary(meeting))
        event.add("location", meeting.venue or meeting.online_url)
        event.add("url", url_for(meeting))
        description = f"{meeting.get_kind_display()} — {url_for(meeting)}"
        if meeting.venue and meeting.online_url:
            # LOCATION holds the venue: the link of a hybrid meeting would be lost without this.
            description += "\n" + _("Online: %(url)s") % {"url": meeting.online_url}
        event.add("description", description)
        if meeting.status == Meeting.Status.CANCELLED:
            event.add("status", "CANCELLED")
        elif meeting.status != Meeting.Status.PLANNED:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
