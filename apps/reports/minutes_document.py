"""A meeting's minutes as the paper the secretariat circulates and files (議事録): when and
where, who attended, the agenda, the proceedings, each decision with where every member
stood, and the action items.

Made when asked for, like the agreement (apps.reports.agreement_document): a few pages
of what the meeting page already shows, so there is nothing for a worker or the archive
to add. Until the minutes are approved they are marked 案 on every page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from apps.core.formatting import japanese_date
from apps.meetings.models import Attendance, Decision, Meeting, Position
from apps.reports import pdf

TEMPLATE = "reports/pdf/minutes.html"
WEEKDAYS = "月火水木金土日"


@dataclass(frozen=True)
class Stand:
    """The members that took one position on a decision: 賛成　伊奈町、三芳町."""
    label: str
    bodies: list[str]


def when(meeting: Meeting) -> str:
    """令和8年10月8日（木）14:00〜16:00, in the council's time zone; the end with its date
    when it is on a later day (令和9年1月20日（水）14:00〜令和9年1月21日（木）10:00)."""
    text = day_and_time(timezone.localtime(meeting.starts_at))
    if meeting.ends_at:
        ends = timezone.localtime(meeting.ends_at)
        text += f"〜{day_and_time(ends) if meeting.ends_on_another_day else f'{ends:%H:%M}'}"
    return text


def day_and_time(moment: datetime.datetime) -> str:
    return f"{japanese_date(moment.date(), 'era')}（{WEEKDAYS[moment.weekday()]}）{moment:%H:%M}"


def where(meeting: Meeting) -> str:
    """The venue; an online link is not printed (it is for the day, not for the file)."""
    if meeting.venue and meeting.online_url:
        return f"{meeting.venue}（オンライン併用）"
    return meeting.venue or ("オンライン" if meeting.online_url else "")


def stands(decision: Decision) -> list[Stand]:
    """Where the members stood, position by position, each in code order; positions nobody
    took are left out."""
    positions = sorted(decision.positions.all(), key=lambda position: position.body.code)
    return [Stand(label=stance.label, bodies=names)
            for stance in Position.Stance
            if (names := [p.body.name for p in positions if p.stance == stance])]


def document_context(*, meeting: Meeting) -> dict:
    attendance = sorted(meeting.attendance.all(), key=lambda record: record.body.code)
    return {
        "meeting": meeting,
        "consortium": meeting.consortium,
        "draft": meeting.status != Meeting.Status.MINUTES_APPROVED,
        "when": when(meeting),
        "where": where(meeting),
        "present": [record for record in attendance if record.status == Attendance.Status.PRESENT],
        "proxy": [record for record in attendance if record.status == Attendance.Status.PROXY],
        "absent": [record for record in attendance if record.status == Attendance.Status.ABSENT],
        "agenda": list(meeting.agenda.all()),
        "minutes": [line.strip() for line in meeting.minutes.splitlines() if line.strip()],
        "decisions": [(decision, stands(decision)) for decision in meeting.decisions.all()],
        "actions": [(action, japanese_date(action.due_on, "era") if action.due_on else "",
                     japanese_date(action.done_on, "era") if action.done_on else "")
                    for action in meeting.actions.all()],
        "made_on": japanese_date(timezone.localdate(), "era"),
        "demo": meeting.consortium.is_demo,
    }


def minutes_pdf(*, meeting: Meeting) -> pdf.Pdf:
    """``meeting`` read with apps.meetings.selectors.meeting_detail, its parts prefetched."""
    # A Japanese document whatever language the reader's screen uses (labels included).
    with override("ja"):
        return pdf.report_pdf(render_to_string(TEMPLATE, document_context(meeting=meeting)))


def file_name(meeting: Meeting) -> str:
    """``第5回 研究会 議事録.pdf``; ``第2回 協議会 議事録（案）.pdf`` until approved."""
    draft = "" if meeting.status == Meeting.Status.MINUTES_APPROVED else "（案）"
    return f"{meeting.title} 議事録{draft}.pdf"
