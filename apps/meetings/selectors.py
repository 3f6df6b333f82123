"""Reads for meetings, already scoped and joined. ``next_meeting`` and
``body_open_actions`` are what the reports and the member portal read."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.accounts.access import access_for
from apps.accounts.models import RoleAssignment
from apps.meetings.models import ActionItem, Attendance, Decision, Meeting, Position
from apps.members.models import (COUNCIL_STATUSES, Consortium, MemberBody, ParticipationStatus, StatusChange,
                                 consortia_of)


def meetings_for(*, user, consortium: Consortium) -> QuerySet[Meeting]:
    return (Meeting.objects.for_user(user).filter(consortium=consortium)
            .annotate(agenda_count=Count("agenda", distinct=True)).order_by("-starts_at"))


def time_taken(starts_at: datetime.datetime, ends_at: datetime.datetime | None):
    """The span a meeting keeps its people and room busy, end excluded, so that sessions
    held back to back (one ends at 12:00, the next begins at 12:00) do not clash. One with
    no end time runs, as far as we know, to the end of its day (in the council's time
    zone): a warning the secretariat confirms past costs a tick, while a clash missed
    because we guessed the meeting short costs the members a double booking."""
    if ends_at is not None:
        return starts_at, ends_at
    next_day = timezone.localtime(starts_at) + datetime.timedelta(days=1)
    return starts_at, next_day.replace(hour=0, minute=0, second=0, microsecond=0)


def meeting_clashes(*, consortium: Consortium, starts_at: datetime.datetime, ends_at: datetime.datetime | None,
                    exclude: Meeting | None = None) -> list[Meeting]:
    """The council's other meetings, not cancelled, whose time overlaps the one given (by
    ``time_taken``), earliest first: a study group and a council session at the same hour
    need the same people."""
    start, end = time_taken(starts_at, ends_at)
    # Any meeting without an end that overlaps starts less than a day before ``start``.
    day_before = start - datetime.timedelta(days=1)
    candidates = (Meeting.objects.filter(consortium=consortium, starts_at__lt=end)
                  .filter(Q(ends_at__gt=start) | Q(ends_at__isnull=True, starts_at__gt=day_before))
                  .exclude(status=Meeting.Status.CANCELLED).order_by("starts_at", "pk"))
    if exclude is not None and exclude.pk:
        candidates = candidates.exclude(pk=exclude.pk)
    return [other for other in candidates if time_taken(other.starts_at, other.ends_at)[1] > start]


def meeting_detail(*, user) -> QuerySet[Meeting]:
    """For ``get_object_or_404(..., pk=pk)``: everything the meeting page shows, joined."""
    return (Meeting.objects.for_user(user).select_related("consortium").prefetch_related(
        "agenda", "actions__owner",
        # By code: the page lists them a page at a time.
        Prefetch("attendance", queryset=Attendance.objects.select_related("body").order_by("body__code")),
        Prefetch("decisions", queryset=Decision.objects.prefetch_related("positions__body")),
    ))


# Who takes part in a council's meetings: its members from the study group on. A body
# only invited has not joined; one withdrawn has left.
MEETING_STATUSES = (ParticipationStatus.STUDY_GROUP, *COUNCIL_STATUSES)


def meeting_members(*, meeting: Meeting, recorded: bool = True) -> list[MemberBody]:
    """The bodies whose attendance and positions are recorded: the members on the day of
    the meeting, by their dated history — not a body only invited, nor one that joined
    after a past meeting; one that withdrew since took part. With ``recorded``, also any
    body already in the meeting's attendance or positions, whatever its history says now."""
    day = timezone.localdate(meeting.starts_at)
    member_that_day = StatusChange.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day),  # as StatusChange.active_on
        participation__consortium_id=meeting.consortium_id, participation__body_id=OuterRef("pk"),
        status__in=MEETING_STATUSES, start_date__lte=day)
    wanted = Q(Exists(member_that_day))
    if recorded and meeting.pk:
        wanted |= Q(pk__in=Attendance.objects.filter(meeting_id=meeting.pk).values("body_id"))
        wanted |= Q(pk__in=Position.objects.filter(decision__meeting_id=meeting.pk).values("body_id"))
    return list(MemberBody.objects.filter(wanted, participations__consortium_id=meeting.consortium_id)
                .order_by("code"))


def notice_recipients(*, meeting: Meeting) -> list[str]:
    bodies = meeting_members(meeting=meeting, recorded=False)
    addresses = {body.mayor_email for body in bodies if body.mayor_email}
    addresses |= set(RoleAssignment.objects.filter(body__in=bodies, user__is_active=True)
                     .exclude(user__email="").values_list("user__email", flat=True))
    return sorted(addresses)


def next_meeting(*, consortium: Consortium, now: datetime.datetime | None = None) -> Meeting | None:
    return (Meeting.objects.filter(consortium=consortium, status=Meeting.Status.PLANNED,
                                   starts_at__gte=now or timezone.now()).order_by("starts_at").first())


def upcoming_meetings_for_body(*, user, body: MemberBody, limit: int = 5) -> list[Meeting]:
    return list(Meeting.objects.for_user(user).filter(
        consortium_id__in=consortia_of(body.pk), status=Meeting.Status.PLANNED, starts_at__gte=timezone.now(),
    ).select_related("consortium").order_by("starts_at")[:limit])


def body_open_actions(*, body: MemberBody, user=None) -> list[ActionItem]:
    """The body's open action items; with ``user``, only those of meetings the user may
    see (a body in two consortia: one secretariat must not read the other's)."""
    actions = ActionItem.objects.filter(owner=body, done_on__isnull=True)
    if user is not None:
        actions = actions.filter(meeting__in=Meeting.objects.for_user(user).values("pk"))
    return list(actions.select_related("meeting", "meeting__consortium").order_by("due_on", "id"))


def overdue_actions(*, consortium: Consortium, today: datetime.date) -> list[ActionItem]:
    """The council's open action items past their due date, oldest due first."""
    return list(ActionItem.objects.filter(meeting__consortium=consortium, done_on__isnull=True, due_on__lt=today)
                .select_related("meeting", "owner").order_by("due_on", "id"))


def council_open_actions(*, user, consortium: Consortium) -> list[ActionItem]:
    """The council's open action items the user may read: all of them for its secretariat
    and observers, its own body's for a member town's staff and mayor. By due date, so the
    overdue come first, oldest due first; those without a due date last."""
    actions = ActionItem.objects.filter(
        meeting__in=Meeting.objects.for_user(user).filter(consortium=consortium).values("pk"), done_on__isnull=True)
    access = access_for(user)
    if access.is_member_user:
        actions = actions.filter(owner_id=access.body_id)
    return list(actions.select_related("meeting", "owner").order_by(F("due_on").asc(nulls_last=True), "id"))
