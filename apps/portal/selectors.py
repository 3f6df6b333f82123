from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from apps.agreements.models import Agreement, Contract
from apps.agreements.selectors import contracts_due_for_renewal, open_versions, signature_progress
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
    """This body's share in each published plan in force that the user may see, newest
    first: a plan superseded by its published revision no longer says what the town pays
    (and, named as its revision is, read as the same plan listed twice)."""
    plans = (AllocationPlan.objects.for_user(user)
             .filter(status=AllocationPlan.Status.PUBLISHED,
                     pk__in=PlanMember.objects.filter(body=body).values("plan_id"))
             .exclude(superseded_by__status=AllocationPlan.Status.PUBLISHED)
             .select_related("consortium").order_by("-fiscal_year", "-published_at"))
    found = []
    for plan in plans:
        share = published_shares(plan).get(body.code)
        if share is not None:
            found.append(PublishedShare(plan=plan, share=share))
    return found


@dataclass(frozen=True)
class ReportVersions:
    """The latest of a body's documents made alike — one kind, council, body, year, plan,
    unit and calendar — and the earlier ones it replaced, newest first."""

    latest: Report
    earlier: list[Report]


# How far back a town's documents are grouped: a briefing re-rendered for every batch
# leaves many alike, and the list shows the latest few kinds.
DOCUMENTS_READ = 200


def body_reports(*, user, body: MemberBody, limit: int = 20) -> list[ReportVersions]:
    """The body's briefings and its consortia's comparisons that the user may download, the
    latest of each alike first and newest first: the town saw every one rendered, nine
    lines for three documents."""
    reports = (Report.objects.for_user(user)
               .filter(Q(kind=Kind.BRIEFING, body=body)
                       | Q(kind=Kind.SIDE_BY_SIDE, consortium_id__in=consortia_of(body.pk)))
               # Which plan each was made from (or none): two comparisons of a year differ by it;
               # and whether that plan is superseded, as its revision is named the same.
               .select_related("consortium", "body", "plan__superseded_by")
               .defer(*(f"{plan}__{name}" for plan in ("plan", "plan__superseded_by") for name in FROZEN_FIELDS))
               [:DOCUMENTS_READ])
    alike: dict[tuple, ReportVersions] = {}
    for report in reports:  # newest first (the model's ordering)
        # Unit and calendar as options_label tells them apart.
        key = (report.kind, report.consortium_id, report.body_id, report.fiscal_year, report.plan_id,
               report.params.get("unit") == "thousand", report.params.get("calendar") == "era")
        if key in alike:
            alike[key].earlier.append(report)
        else:
            alike[key] = ReportVersions(latest=report, earlier=[])
    return list(alike.values())[:limit]


@dataclass(frozen=True)
class CouncilAttention:
    """What the secretariat has to act on, across the council's work."""

    open_surveys: list[tuple[SurveyRound, SurveyProgress]]
    next_meeting: Meeting | None
    overdue_actions: list[ActionItem]
    agreement_under_review: Agreement | None
    signatures: tuple[int, int]  # (signed, asked) on that agreement
    # More than one version open at once (data from before the one-line rule), newest first:
    # the secretariat withdraws all but one.
    versions_open_together: list[Agreement]
    renewals: list[Contract]
    go_lives: list[Participation]  # planned go-live passed or near, not yet live
    today: datetime.date

    @property
    def anything(self) -> bool:
        return bool(self.open_surveys or self.next_meeting or self.overdue_actions or self.agreement_under_review
                    or self.versions_open_together or self.renewals or self.go_lives)


def council_attention(*, consortium: Consortium, today: datetime.date) -> CouncilAttention:
    # The newest version under review, even beside a newer concluded one in older data.
    versions = list(open_versions(consortium_id=consortium.pk))
    under_review = next((version for version in versions if version.is_under_review), None)
    return CouncilAttention(
        open_surveys=[(survey_round, progress)
                      for survey_round, progress in survey_rounds_progress(consortium=consortium)
                      if survey_round.status == SurveyRound.Status.OPEN],
        next_meeting=next_meeting(consortium=consortium),
        overdue_actions=overdue_actions(consortium=consortium, today=today),
        agreement_under_review=under_review,
        signatures=signature_progress(agreement=under_review) if under_review else (0, 0),
        versions_open_together=versions if len(versions) > 1 else [],
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
