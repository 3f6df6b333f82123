"""Reads for the members pages: scoped to the user and joined, so queries stay fixed."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet

from apps.members.models import (
    STATUS_ORDER,
    Asset,
    Consortium,
    Holding,
    MemberBody,
    OwnershipProfile,
    Participation,
    ParticipationStatus,
    StatusChange,
)


def consortium_list(*, user) -> QuerySet[Consortium]:
    return Consortium.objects.for_user(user).distinct().order_by("name")


def member_rows(*, consortium: Consortium) -> QuerySet[Participation]:
    """One row per participation with the body and its latest population joined in."""
    return (
        Participation.objects.filter(consortium=consortium)
        .select_related("body")
        .annotate(population=F("body__population"))
        .order_by("body__code")
    )


@dataclass(frozen=True)
class FunnelStep:
    status: str
    label: str
    reached: int


@dataclass(frozen=True)
class ConsortiumSummary:
    member_count: int
    by_status: list[tuple[str, str, int]]
    funnel: list[FunnelStep]
    withdrawn: int
    total_population: int


GO_LIVE_NOTICE_DAYS = 60


def go_lives_due(*, consortium: Consortium, today: datetime.date,
                 within_days: int = GO_LIVE_NOTICE_DAYS) -> list[Participation]:
    """Members not yet live whose planned go-live has passed or comes within
    ``within_days``, earliest first (go-live is staggered: the secretariat prepares each)."""
    return list(
        Participation.objects.filter(consortium=consortium, actual_go_live__isnull=True,
                                     planned_go_live__lte=today + datetime.timedelta(days=within_days))
        .exclude(status__in=[ParticipationStatus.LIVE, ParticipationStatus.WITHDRAWN])
        .select_related("body").order_by("planned_go_live", "body__code")
    )


def consortium_summary(*, consortium: Consortium) -> ConsortiumSummary:
    """Counts by current status, and the funnel: how many bodies ever reached each step."""
    current = Counter(
        Participation.objects.filter(consortium=consortium).values_list("status", flat=True)
    )
    highest_step: dict[int, int] = {}
    for participation_id, status in StatusChange.objects.filter(
        participation__consortium=consortium
    ).values_list("participation_id", "status"):
        if status in STATUS_ORDER:
            step = STATUS_ORDER.index(status)
            highest_step[participation_id] = max(step, highest_step.get(participation_id, -1))
    funnel = [
        FunnelStep(status.value, status.label, sum(1 for h in highest_step.values() if h >= index))
        for index, status in enumerate(STATUS_ORDER)
    ]
    populations = member_rows(consortium=consortium).exclude(status=ParticipationStatus.WITHDRAWN)
    return ConsortiumSummary(
        member_count=sum(current.values()),
        by_status=[(s.value, s.label, current.get(s.value, 0)) for s in ParticipationStatus],
        funnel=funnel,
        withdrawn=current.get(ParticipationStatus.WITHDRAWN, 0),
        total_population=sum(row.population or 0 for row in populations),
    )


def body_detail(*, user, code: str) -> QuerySet[MemberBody]:
    return MemberBody.objects.for_user(user).filter(code=code).prefetch_related(
        "populations",
    )


def body_participations(*, user, body: MemberBody) -> QuerySet[Participation]:
    """The body's consortia the user may see, with history and ownership prefetched."""
    return (
        Participation.objects.for_user(user)
        .filter(body=body)
        .select_related("consortium")
        .prefetch_related("history", "ownership")
        .order_by("consortium__name")
    )


@dataclass(frozen=True)
class AssetShift:
    """How many of a council's members own an asset, and how many use it as a service,
    before joining and after."""
    asset: str
    label: str
    owned_before: int
    service_before: int
    owned_after: int
    service_after: int

    def __str__(self) -> str:
        return str(self.label)


@dataclass(frozen=True)
class OwnershipSummary:
    """Figure 1 of the Saitama seed for one council: its members' data centre, servers,
    large printers and application systems, owned or used, before joining and after."""
    assets: list[AssetShift]
    members: int   # current members (the withdrawn left)
    profiled: int  # of them, those whose holdings are recorded

    @property
    def full_service(self) -> bool:
        """The seed's full-service type (完全利用型): every member uses all four as a service."""
        return self.members > 0 and all(shift.service_after == self.members for shift in self.assets)

    @property
    def unrecorded(self) -> int:
        return self.members - self.profiled

    @property
    def still_owned(self) -> list[AssetShift]:
        return [shift for shift in self.assets if shift.owned_after]


def ownership_summaries(*, consortia: list[Consortium]) -> dict[int, OwnershipSummary]:
    """Each council's ownership summary, in three queries whatever their number."""
    staying = Participation.objects.filter(consortium__in=consortia).exclude(status=ParticipationStatus.WITHDRAWN)
    members = dict(staying.values("consortium_id").annotate(n=Count("id")).values_list("consortium_id", "n"))
    profiles = OwnershipProfile.objects.filter(participation__in=staying)
    profiled = dict(profiles.values("participation__consortium_id").annotate(n=Count("participation_id", distinct=True))
                    .values_list("participation__consortium_id", "n"))
    counts: Counter = Counter()
    for consortium_id, asset, before, after, n in (
            profiles.values("participation__consortium_id", "asset", "before", "after").annotate(n=Count("id"))
            .values_list("participation__consortium_id", "asset", "before", "after", "n")):
        counts[consortium_id, asset, "before", before] += n
        counts[consortium_id, asset, "after", after] += n
    return {consortium.pk: OwnershipSummary(
        assets=[AssetShift(asset=asset.value, label=asset.label,
                           owned_before=counts[consortium.pk, asset.value, "before", Holding.OWNED.value],
                           service_before=counts[consortium.pk, asset.value, "before", Holding.SERVICE.value],
                           owned_after=counts[consortium.pk, asset.value, "after", Holding.OWNED.value],
                           service_after=counts[consortium.pk, asset.value, "after", Holding.SERVICE.value])
                for asset in Asset],
        members=members.get(consortium.pk, 0), profiled=profiled.get(consortium.pk, 0),
    ) for consortium in consortia}


def ownership_grid(participation: Participation) -> list[dict]:
    """Figure 1 of the Saitama seed as rows: asset, before, after (from prefetched data)."""
    held = {row.asset: row for row in participation.ownership.all()}
    grid = []
    for asset in Asset:
        row: OwnershipProfile | None = held.get(asset.value)
        grid.append({
            "asset": asset.label,
            "before": row.before if row else None,
            "after": row.after if row else None,
            "before_label": row.get_before_display() if row else "",
            "after_label": row.get_after_display() if row else "",
        })
    return grid
