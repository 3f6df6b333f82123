"""Page benchmarks: query counts and median times against Django admin, in one process.

Each page is requested through Django's test client with a logged-in user, so the
figures include middleware, the session, access checks, queries and template rendering.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.services import role_grant, user_ensure
from apps.meetings import services as meetings
from apps.meetings.models import Meeting
from apps.meetings.selectors import meeting_members
from apps.members.models import Consortium

BENCH_MEETING = "ベンチマーク用 会議"


@dataclass(frozen=True)
class PageFigure:
    name: str
    queries: int
    median_ms: float
    rows: int


def _count_queries(client: Client, url: str) -> tuple[int, bytes]:
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(executed), response.content


def _interleaved_timings(client: Client, urls: list[str], repeats: int) -> list[list[float]]:
    """Time the pages in turn, round after round, so a busy moment on the machine
    slows every page alike instead of one of them."""
    timings: list[list[float]] = [[] for _ in urls]
    for _ in range(repeats):
        for index, url in enumerate(urls):
            start = time.perf_counter()
            client.get(url)
            timings[index].append((time.perf_counter() - start) * 1000)
    return timings


def _meeting_of_everyone(consortium: Consortium) -> Meeting:
    """The benchmark's meeting: every member present and agreeing to one decision."""
    meeting = consortium.meetings.filter(title=BENCH_MEETING).first()
    if meeting is None:
        meeting = meetings.meeting_save(consortium=consortium, title=BENCH_MEETING, kind=Meeting.Kind.COUNCIL,
                                        starts_at=timezone.now(), venue="ベンチマーク")
        members = meeting_members(meeting=meeting)
        meetings.attendance_record(meeting=meeting, rows=[
            meetings.AttendanceRow(body_id=body.pk, status="present", attendees="情報担当課長") for body in members])
        meetings.decision_record(meeting=meeting, text="了承する。", outcome="agreed",
                                 positions={body.pk: "agree" for body in members})
    return meeting


def bench_pages(*, consortium: Consortium, repeats: int = 15) -> dict:
    user = user_ensure(username="bench", password="bench-password-not-for-use", is_superuser=True)
    role_grant(user=user, role=Role.SECRETARIAT, consortium=consortium)
    client = Client()
    client.force_login(user)
    pages = {
        "side-by-side (50 rows)": reverse("cost_comparison", args=[consortium.slug]),
        "member list (50 rows)": reverse("member_list", args=[consortium.slug]),
        "admin change list (50 bodies)": reverse("admin:members_memberbody_changelist"),
    }
    counted = {name: _count_queries(client, url) for name, url in pages.items()}
    timings = _interleaved_timings(client, list(pages.values()), repeats)
    figures = [
        PageFigure(name, counted[name][0], statistics.median(page_timings), counted[name][1].count(b"<tr"))
        for name, page_timings in zip(pages, timings, strict=True)
    ]
    # Not a list page: the reports page offers every member in two menus (one member's
    # briefing, the archive's search), so it is shown beside the others, not judged by them.
    reports_url = reverse("report_list", args=[consortium.slug])
    reports_queries, reports_page = _count_queries(client, reports_url)
    [reports_timings] = _interleaved_timings(client, [reports_url], repeats)
    # Nor are a meeting's pages, a row per member: its page (attendance and positions
    # listed) and the form that records its attendance (a menu and a box per member).
    meeting = _meeting_of_everyone(consortium)
    per_member = {"meeting page": reverse("meeting_detail", args=[meeting.pk]),
                  "meeting attendance form": reverse("attendance_edit", args=[meeting.pk])}
    per_member_counted = {name: _count_queries(client, url) for name, url in per_member.items()}
    per_member_timings = _interleaved_timings(client, list(per_member.values()), repeats)
    start = time.perf_counter()
    response = client.get(reverse("cost_comparison_csv", args=[consortium.slug]))
    csv_seconds = time.perf_counter() - start
    return {
        "pages": figures,
        "reports_page": PageFigure("reports page (2 member menus)", reports_queries, statistics.median(reports_timings),
                                   reports_page.count(b"<option")),
        "reports_page_kb": len(reports_page) / 1024,
        "per_member_pages": [
            PageFigure(name, per_member_counted[name][0], statistics.median(page_timings),
                       per_member_counted[name][1].count(b"<tr"))
            for name, page_timings in zip(per_member, per_member_timings, strict=True)],
        "csv_seconds": csv_seconds,
        "csv_rows": response.content.count(b"\n") - 1,
        "members": consortium.participations.count(),
        "database": connection.vendor,
    }
