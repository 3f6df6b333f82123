"""Writes for members: validate first, then save; every function is idempotent where it can be."""

from __future__ import annotations

import copy
import datetime
import enum
from dataclasses import dataclass

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.audit import log_entries_bulk
from apps.core.formatting import japanese_date, names_joined
from apps.core.unique import save_validated
from apps.members.models import (
    Consortium,
    MemberBody,
    OwnershipProfile,
    Participation,
    ParticipationStatus,
    PopulationRecord,
    StatusChange,
    status_may_follow,
)


@transaction.atomic
def participation_set_status(
    *, participation: Participation, status: str, on: datetime.date, note: str = ""
) -> StatusChange:
    """Close the open history entry on ``on`` and open a new one with ``status``. Not on
    a day still ahead: the status is what a member is today (a withdrawal dated 2030 took
    the town out of this year's survey at once).

    The status a member already has, on another day, corrects the day it started while
    that is the member's only status: a member imported or added «invited, today» gets its
    real date of invitation, which every later change must follow. Once a change follows
    it, the first day stays as recorded.

    A status moves forward only (models.status_may_follow). An earlier step on the day the
    current one started corrects a step recorded by mistake: the mistaken step goes, and
    with it a go-live it recorded."""
    if status not in ParticipationStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    status_date_check(on=on)
    # One change at a time: two at once (a double click) both closed the same open status.
    Participation.objects.select_for_update().filter(pk=participation.pk).first()
    history = list(StatusChange.objects.filter(participation=participation))
    step = status_step(history=history, status=status, on=on)
    current = step.current
    if step.kind == StepKind.SAME:
        return current
    if step.kind == StepKind.REDATE:
        return _first_status_redate(participation=participation, first=current, on=on, note=note)
    if step.kind == StepKind.CORRECT:
        return _mistaken_step_correct(participation=participation, mistaken=current, previous=step.previous,
                                      status=status, note=note)
    if current is not None:
        current.end_date = on
        current.save(update_fields=["end_date"])
    change = StatusChange.objects.create(participation=participation, status=status, start_date=on, note=note)
    participation.status = status
    fields = ["status", "updated_at"]
    if status == ParticipationStatus.LIVE and participation.actual_go_live is None:
        participation.actual_go_live = on  # going live is the go-live
        fields.append("actual_go_live")
    participation.save(update_fields=fields)
    return change


class StepKind(enum.Enum):
    SAME = "same"  # the status it has, from that day: nothing to do (a second click)
    REDATE = "redate"  # its only status, another day: the day it started is corrected
    CORRECT = "correct"  # an earlier step on the day the current one started: a mistake corrected
    STEP = "step"  # forward, or a withdrawal, or a rejoining: the current step ends that day


@dataclass(frozen=True)
class Step:
    kind: StepKind
    current: StatusChange | None
    previous: StatusChange | None = None


def status_step(*, history: list[StatusChange], status: str, on: datetime.date) -> Step:
    """What setting ``status`` on ``on`` does to a participation whose steps are ``history``
    (all of them), by the rules of participation_set_status; a ValidationError by field when
    refused. No query: a change of many members checks each before writing any."""
    current = next((change for change in history if change.end_date is None), None)
    if current is None:
        return Step(StepKind.STEP, None)
    if current.status == status:
        if on == current.start_date:
            return Step(StepKind.SAME, current)
        if len(history) > 1:
            raise ValidationError({"on": _(
                "The current status started on %(date)s after another: that day stays as recorded.")
                % {"date": japanese_date(current.start_date)}})
        return Step(StepKind.REDATE, current)
    # The same day as the current one is a day of two steps (invited and joined at the
    # same meeting): the current status is kept in the history, lasting no day.
    if on < current.start_date:
        raise ValidationError({"on": _("The new status must start after the current one, which started on "
                                       "%(date)s.") % {"date": japanese_date(current.start_date)}})
    if status_may_follow(current.status, status):
        return Step(StepKind.STEP, current)
    if on != current.start_date:
        raise ValidationError({"status": _(
            "A member does not go back from «%(current)s» to «%(requested)s»: its status only moves forward "
            "(it may withdraw from any step, and rejoin at any step once withdrawn). A step recorded by "
            "mistake is corrected by the right status on the day it started, %(date)s.") % {
            "current": ParticipationStatus(current.status).label, "requested": ParticipationStatus(status).label,
            "date": japanese_date(current.start_date)}})
    before = [change for change in history if change.end_date == current.start_date and change.pk != current.pk]
    previous = max(before, key=lambda change: (change.start_date, change.pk), default=None)
    if previous is not None and not status_may_follow(previous.status, status) and previous.status != status:
        raise ValidationError({"status": _(
            "«%(current)s» taken back on the day it started leaves «%(previous)s» before it, which does not go "
            "back to «%(requested)s».") % {
            "current": ParticipationStatus(current.status).label,
            "previous": ParticipationStatus(previous.status).label, "requested": ParticipationStatus(status).label}})
    return Step(StepKind.CORRECT, current, previous)


@dataclass(frozen=True)
class RefusedMember:
    code: str
    name: str
    reason: str


class StatusChangesRefused(ValidationError):
    """The members a change of many would not change, each with its reason: none was changed."""

    def __init__(self, refused: list[RefusedMember]):
        super().__init__([f"{member.code} {member.name}: {member.reason}" for member in refused])
        self.refused = refused


@transaction.atomic
def participations_set_status(*, consortium: Consortium, codes: list[str], status: str, on: datetime.date,
                              note: str = "") -> int:
    """participation_set_status for many members of the council at once (a national council
    moves the 600 towns that accepted its invitation): each checked by the same rules, and
    if any is refused, none is changed and StatusChangesRefused names each. The number
    changed: a member already at ``status`` from ``on`` is not (a second click does nothing).

    Steps forward, withdrawals and rejoinings, the usual change, are written in a few
    queries whatever their number, their trail entries as participation_set_status's save
    writes them; the rare correction of a first day or of a mistaken step goes member by
    member through the single change's own code."""
    steps = _status_steps(consortium=consortium, codes=codes, status=status, on=on, lock=True)
    forward = [(participation, step) for participation, step in steps if step.kind == StepKind.STEP]
    for participation, step in steps:
        if step.kind == StepKind.REDATE:
            _first_status_redate(participation=participation, first=step.current, on=on, note=note)
        elif step.kind == StepKind.CORRECT:
            _mistaken_step_correct(participation=participation, mistaken=step.current, previous=step.previous,
                                   status=status, note=note)
    if forward:
        _steps_forward_write(forward=forward, status=status, on=on, note=note)
    return sum(1 for _participation, step in steps if step.kind != StepKind.SAME)


def participations_status_check(*, consortium: Consortium, codes: list[str], status: str,
                                on: datetime.date) -> int:
    """What participations_set_status would do, writing nothing: the number it would change,
    or StatusChangesRefused (the page that asks to confirm a change of many says it first)."""
    steps = _status_steps(consortium=consortium, codes=codes, status=status, on=on, lock=False)
    return sum(1 for _participation, step in steps if step.kind != StepKind.SAME)


def _status_steps(*, consortium: Consortium, codes: list[str], status: str, on: datetime.date,
                  lock: bool) -> list[tuple[Participation, Step]]:
    """Each chosen member with its step (status_step), in three queries; every refusal at once."""
    if status not in ParticipationStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    status_date_check(on=on)
    chosen = Participation.objects.filter(consortium=consortium, body__code__in=codes)
    if lock:
        # Locked as the single change locks: two submissions at once change each member once.
        chosen = chosen.select_for_update(of=("self",))
    participations = list(chosen.select_related("body", "consortium").order_by("body__code"))
    histories: dict[int, list[StatusChange]] = {participation.pk: [] for participation in participations}
    for change in StatusChange.objects.filter(participation_id__in=histories).order_by("start_date", "pk"):
        histories[change.participation_id].append(change)
    found = {participation.body.code for participation in participations}
    refused = [RefusedMember(code, "", _("Not a member of this council.")) for code in sorted(set(codes) - found)]
    steps = []
    for participation in participations:
        try:
            steps.append((participation, status_step(history=histories[participation.pk], status=status, on=on)))
        except ValidationError as error:
            refused.append(RefusedMember(participation.body.code, participation.body.name, " ".join(error.messages)))
    if refused:
        raise StatusChangesRefused(refused)
    return steps


def _steps_forward_write(*, forward: list[tuple[Participation, Step]], status: str, on: datetime.date,
                         note: str) -> None:
    StatusChange.objects.filter(pk__in=[step.current.pk for _p, step in forward if step.current]).update(end_date=on)
    StatusChange.objects.bulk_create([StatusChange(participation=participation, status=status, start_date=on,
                                                   note=note) for participation, _step in forward], batch_size=1000)
    now, entries = timezone.now(), []
    for participation, _step in forward:
        before = copy.copy(participation)
        participation.status, participation.updated_at = status, now
        # As the single change's entry: its save sets updated_at after auditlog compared the rows.
        fields = ["status"]
        if status == ParticipationStatus.LIVE and participation.actual_go_live is None:
            participation.actual_go_live = on  # going live is the go-live
            fields.append("actual_go_live")
        entries.append((participation, LogEntry.Action.UPDATE, model_instance_diff(
            before, participation, fields_to_check=fields, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES),
            participation.audit_consortium_ids()))
    ids = [participation.pk for participation, _step in forward]
    Participation.objects.filter(pk__in=ids).update(status=status, updated_at=now)
    if status == ParticipationStatus.LIVE:
        Participation.objects.filter(pk__in=ids, actual_go_live__isnull=True).update(actual_go_live=on)
    # Updates in bulk send no signals: the entries each save would have written.
    log_entries_bulk(entries)


def _first_status_redate(*, participation: Participation, first: StatusChange, on: datetime.date,
                         note: str) -> StatusChange:
    if participation.actual_go_live == first.start_date and first.status == ParticipationStatus.LIVE:
        participation.actual_go_live = on  # created live: its go-live is that day
        participation.save(update_fields=["actual_go_live", "updated_at"])
    first.start_date = on
    first.note = note or first.note
    first.save(update_fields=["start_date", "note"])
    return first


def _mistaken_step_correct(*, participation: Participation, mistaken: StatusChange, previous: StatusChange | None,
                           status: str, note: str) -> StatusChange:
    """``mistaken`` never happened: the step before it goes on (the same status again), or
    ``status`` takes its place if it may follow that step (status_step checked it). Kept as
    a step of no day, a mistaken «live» counted in the funnel and left its go-live date on a
    council member."""
    fields = ["status", "updated_at"]
    # Withdrawn after going live, then rejoined: the go-live of the first time stands.
    if mistaken.status == ParticipationStatus.LIVE and not participation.history.filter(
            status=ParticipationStatus.LIVE).exclude(pk=mistaken.pk).exists():
        participation.actual_go_live = None
        fields.append("actual_go_live")
    if previous is not None and previous.status == status:
        mistaken.delete()
        previous.end_date = None
        previous.save(update_fields=["end_date"])
        change = previous
    else:
        mistaken.status = status
        mistaken.note = note or mistaken.note
        mistaken.save(update_fields=["status", "note"])
        change = mistaken
    participation.status = status
    participation.save(update_fields=fields)
    return change


def status_date_check(*, on: datetime.date) -> None:
    """A status starts on a day that has come, the first one included: a member added as from
    2099 could never change status again, not even withdraw (each change must start after the
    current one)."""
    if on > timezone.localdate():
        raise ValidationError({"on": _("A change of status is recorded once it has happened: not on a day still "
                                       "ahead.")})


def participation_go_live_set(*, participation: Participation, planned: datetime.date | None,
                              actual: datetime.date | None) -> Participation:
    """The planned go-live any time; the actual one only for a member that is live, and
    not a day still ahead (a council member showed as gone live in 2019).

    An actual date left as recorded is no change: a member withdrawn after going live keeps
    the day it went live, and its form, which shows it, saves a new planned date."""
    # From the database: a ModelForm bound to ``participation`` has already set the posted date on it.
    recorded = Participation.objects.filter(pk=participation.pk).values_list("actual_go_live", flat=True).get()
    if actual is not None and actual != recorded and participation.status != ParticipationStatus.LIVE:
        raise ValidationError({"actual_go_live": _(
            "Only a live member has gone live: set its status to «live» with the day, which records the date.")})
    if actual is not None and actual > timezone.localdate():
        raise ValidationError({"actual_go_live": _("A member cannot have gone live on a day still ahead.")})
    participation.planned_go_live, participation.actual_go_live = planned, actual
    participation.save(update_fields=["planned_go_live", "actual_go_live", "updated_at"])
    return participation


def _save_validated(instance, fields: dict):
    """Set the fields, validate the whole row (a ValidationError names the field), save."""
    for name, value in fields.items():
        setattr(instance, name, value)
    return save_validated(instance)


def other_councils_of(*, body_id: int, consortium_id: int) -> list[str]:
    """The councils other than this one that the body is in (not those it left), by name."""
    return list(Participation.objects.filter(body_id=body_id).exclude(consortium_id=consortium_id)
                .exclude(status=ParticipationStatus.WITHDRAWN).order_by("consortium__name")
                .values_list("consortium__name", flat=True))


def shared_details_refusal(*, status: str | None, elsewhere: list[str]) -> str | None:
    """Why this council may not change the body's details and population, or None.

    They are one set, shared by every council the body is in: its mayor's address is where
    each council's briefings go, its population what each allocation divides by. A council
    the body has joined changes them (its other councils see the change); one that has only
    invited it, or is importing it, does not change another council's body: a new
    council's import gave Saitama's 伊奈町 another mayor's address and a population of 1."""
    if elsewhere and status in (None, ParticipationStatus.INVITED):
        return _("This body is also in %(councils)s and has not joined this council yet: its details and "
                 "population are theirs too, and change here once it joins (研究会 onwards), or by the "
                 "administrator.") % {"councils": names_joined(elsewhere)}
    return None


def body_update(*, body: MemberBody, fields: dict) -> MemberBody:
    """The body's own details (shared by every council it belongs to)."""
    return _save_validated(body, fields)


@transaction.atomic
def ownership_set(*, participation: Participation, rows: dict[str, tuple[str, str]]) -> None:
    """Replace the body's ownership profile in this council: ``{asset: (before, after)}``;
    an asset left out has no profile."""
    participation.ownership.exclude(asset__in=rows).delete()
    for asset, (before, after) in rows.items():
        OwnershipProfile.objects.update_or_create(participation=participation, asset=asset,
                                                  defaults={"before": before, "after": after})


@transaction.atomic
def member_add(*, consortium: Consortium, code: str, fields: dict, status: str,
               on: datetime.date) -> Participation:
    """A body joins the council: a body already known by its code keeps its details; an
    unknown code creates the body from ``fields``."""
    body = MemberBody.objects.filter(code=code).first()
    if body is None:
        body = MemberBody(code=code, **{name: value or "" for name, value in fields.items()})
        body.full_clean()
        try:
            with transaction.atomic():
                body.save()
        except IntegrityError:
            # Added a moment ago by another click: it joins, or is refused, as a known body.
            body = MemberBody.objects.filter(code=code).first()
            if body is None:
                raise
    if body.participations.filter(consortium=consortium).exists():
        raise ValidationError({"code": _("%(name)s is already a member of this council.") % {"name": body.name}})
    return participation_ensure(body=body, consortium=consortium, status=status, on=on)


@transaction.atomic
def participation_ensure(
    *, body: MemberBody, consortium: Consortium, status: str, on: datetime.date
) -> Participation:
    status_date_check(on=on)
    # Joining live (an import of a council's history) is going live, as a change to «live» is.
    participation, created = Participation.objects.get_or_create(
        body=body, consortium=consortium,
        defaults={"status": status, "actual_go_live": on if status == ParticipationStatus.LIVE else None},
    )
    if created:
        StatusChange.objects.create(participation=participation, status=status, start_date=on)
    return participation


def population_record(
    *, body: MemberBody, population: int, as_of: datetime.date, source: str = PopulationRecord.Source.REGISTRY,
    households: int | None = None,
) -> PopulationRecord:
    population_check(population=population, as_of=as_of, households=households)
    record, _created = PopulationRecord.objects.update_or_create(
        body=body, as_of=as_of, source=source,
        defaults={"population": population, "households": households},
    )
    body_population_refresh(body=body)
    return record


def population_check(*, population: int, as_of: datetime.date, households: int | None = None) -> None:
    """What population_record refuses, every problem at once by field, so that an import's
    preview can name the cells before anything is written."""
    # The latest record is the population every comparison divides by: a count of 0, a
    # count dated ahead, or more households than residents would rank the town (and share
    # out its costs) on a typing slip. A town of 0 kept only the equal part of the allocation.
    problems = {}
    if population < 1:
        problems["population"] = _("A population is at least 1 resident.")
    if as_of > timezone.localdate():
        problems["as_of"] = _("A population is counted on a day that has come: not one still ahead.")
    if households is not None and households > population:
        problems["households"] = _("There cannot be more households than residents.")
    if problems:
        raise ValidationError(problems)


def body_population_refresh(*, body: MemberBody) -> None:
    """Copy the latest population record onto the body (what list pages show)."""
    latest = body.populations.order_by("-as_of", "-id").first()
    body.population = latest.population if latest else None
    body.population_as_of = latest.as_of if latest else None
    MemberBody.objects.filter(pk=body.pk).update(population=body.population, population_as_of=body.population_as_of)


def consortium_update(*, consortium: Consortium, fields: dict) -> Consortium:
    return _save_validated(consortium, fields)


def consortium_comparison_publish(*, consortium: Consortium, published: bool) -> Consortium:
    """Show (or stop showing) the named side-by-side comparison to every member's users."""
    consortium.comparison_published = published
    consortium.save(update_fields=["comparison_published", "updated_at"])
    return consortium
