"""Writes for members: validate first, then save; every function is idempotent where it can be."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.members.models import (
    Consortium,
    MemberBody,
    Participation,
    ParticipationStatus,
    PopulationRecord,
    StatusChange,
)


@transaction.atomic
def participation_set_status(
    *, participation: Participation, status: str, on: datetime.date, note: str = ""
) -> StatusChange:
    """Close the open history entry on ``on`` and open a new one with ``status``."""
    if status not in ParticipationStatus.values:
        raise ValidationError({"status": f"unknown status {status!r}"})
    current = participation.history.filter(end_date__isnull=True).first()
    if current is not None:
        if current.status == status:
            return current
        if on <= current.start_date:
            raise ValidationError(
                {"start_date": f"{on} is not after the current status's start date {current.start_date}"}
            )
        current.end_date = on
        current.save(update_fields=["end_date"])
    change = StatusChange.objects.create(participation=participation, status=status, start_date=on, note=note)
    participation.status = status
    participation.save(update_fields=["status", "updated_at"])
    return change


@transaction.atomic
def participation_ensure(
    *, body: MemberBody, consortium: Consortium, status: str, on: datetime.date
) -> Participation:
    participation, created = Participation.objects.get_or_create(
        body=body, consortium=consortium, defaults={"status": status}
    )
    if created:
        StatusChange.objects.create(participation=participation, status=status, start_date=on)
    return participation


def population_record(
    *, body: MemberBody, population: int, as_of: datetime.date, source: str = PopulationRecord.Source.REGISTRY,
    households: int | None = None,
) -> PopulationRecord:
    record, _ = PopulationRecord.objects.update_or_create(
        body=body, as_of=as_of, source=source,
        defaults={"population": population, "households": households},
    )
    body_population_refresh(body=body)
    return record


def body_population_refresh(*, body: MemberBody) -> None:
    """Copy the latest population record onto the body (what list pages show)."""
    latest = body.populations.order_by("-as_of", "-id").first()
    body.population = latest.population if latest else None
    body.population_as_of = latest.as_of if latest else None
    MemberBody.objects.filter(pk=body.pk).update(population=body.population, population_as_of=body.population_as_of)
