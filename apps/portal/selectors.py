from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from apps.agreements.models import Agreement, Contract
from apps.agreements.selectors import contracts_due_for_renewal, current_agreement, signature_progress
from apps.allocation.models import AllocationPlan, PlanMember
from apps.allocation.selectors import FROZEN_FIELDS, MemberShare, published_shares
from apps.costs.models import SurveyRound
from apps.costs.selectors import SurveyProgress, survey_rounds_progress
from apps.meetings.models import ActionItem, Meeting
from apps.meetings.selectors import next_meeting, overdue_actions
from apps.members.models import Consortium, MemberBody, Participation, ParticipationStatus, consortia_of
from apps.members.selectors import OwnershipSummary, go_lives_due, ownership_summaries
from apps.reports.models import Kind, Report


@dataclass(frozen=True)
class PublishedShare:
    plan: AllocationPlan
    share: MemberShare


def body_published_shares(*, user, body: MemberBody) -> list[PublishedShare]:
    """This body's share in each published plan the user may see, newest first."""
    plans = (AllocationPlan.objects.for_user(user)
             .filter(status=AllocationPlan.Status.PUBLISHED,
                     pk__in=PlanMember.objects.filter(body=body).values("plan_id"))
             .select_related("consortium").order_by("-fiscal_year", "-published_at"))
    found = []
    for plan in plans:
        share = published_shares(plan).get(body.code)
        if share is not None:
            found.append(PublishedShare(plan=plan, share=share))
    return found


def body_reports(*, user, body: MemberBody, limit: int = 20) -> QuerySet[Report]:
    """The body's briefings and its consortia's comparisons that the user may download."""
    return (Report.objects.for_user(user)
            .filter(Q(kind=Kind.BRIEFING, body=body)
                    | Q(kind=Kind.SIDE_BY_SIDE, consortium_id__in=consortia_of(body.pk)))
            # Which plan each was made from (or none): two comparisons of a year differ by it.
            .select_related("consortium", "body", "plan").defer(*(f"plan__{name}" for name in FROZEN_FIELDS))[:limit])


@dataclass(frozen=True)
class CouncilAttention:
    """What the secretariat has to act on, across the council's work."""

    open_surveys: list[tuple[SurveyRound, SurveyProgress]]
    next_meeting: Meeting | None
    overdue_actions: list[ActionItem]
    agreement_under_review: Agreement | None
    signatures: tuple[int, int]  # (signed, asked) on that agreement
    renewals: list[Contract]
    go_lives: list[Participation]  # planned go-live passed or near, not yet live
    today: datetime.date

    @property
    def anything(self) -> bool:
        return bool(self.open_surveys or self.next_meeting or self.overdue_actions or self.agreement_under_review
                    or self.renewals or self.go_lives)


def council_attention(*, consortium: Consortium, today: datetime.date) -> CouncilAttention:
    current = current_agreement(consortium=consortium)
    under_review = current if current and current.status == Agreement.Status.UNDER_REVIEW else None
    return CouncilAttention(
        open_surveys=[(survey_round, progress)
                      for survey_round, progress in survey_rounds_progress(consortium=consortium)
                      if survey_round.status == SurveyRound.Status.OPEN],
        next_meeting=next_meeting(consortium=consortium),
        overdue_actions=overdue_actions(consortium=consortium, today=today),
        agreement_under_review=under_review,
        signatures=signature_progress(agreement=under_review) if under_review else (0, 0),
        renewals=list(contracts_due_for_renewal(consortium=consortium, today=today)),
        go_lives=go_lives_due(consortium=consortium, today=today),
        today=today,
    )


@dataclass(frozen=True)
class CouncilRow:
    """One line of the table of shared projects (the Nara slides' list): who is in which
    group, since when, for how many business systems."""

    consortium: Consortium
    members: list[MemberBody]  # those that have not withdrawn, by code
    withdrawn: int
    first_go_live: datetime.date | None
    systems: int
    ownership: OwnershipSummary  # owned or used, before joining and after (the Saitama seed's Figure 1)


def council_table(*, user) -> list[CouncilRow]:
    """Every council the user may see, in six queries whatever their number."""
    consortia = list(Consortium.objects.for_user(user).distinct().order_by("name")
                     .annotate(systems=Count("business_systems", distinct=True)))
    participations = (Participation.objects.filter(consortium__in=consortia).select_related("body")
                      .order_by("body__code"))
    ownership = ownership_summaries(consortia=consortia)
    by_consortium: dict[int, list[Participation]] = {consortium.pk: [] for consortium in consortia}
    for participation in participations:
        by_consortium[participation.consortium_id].append(participation)
    rows = []
    for consortium in consortia:
        joined = by_consortium[consortium.pk]
        staying = [p for p in joined if p.status != ParticipationStatus.WITHDRAWN]
        go_lives = [p.actual_go_live for p in staying if p.actual_go_live]
        rows.append(CouncilRow(consortium=consortium, members=[p.body for p in staying],
                               withdrawn=len(joined) - len(staying), first_go_live=min(go_lives, default=None),
                               systems=consortium.systems, ownership=ownership[consortium.pk]))
    return rows
