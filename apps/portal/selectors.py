from __future__ import annotations

from dataclasses import dataclass

from apps.allocation.models import AllocationPlan, PlanMember
from apps.allocation.selectors import MemberShare, published_shares
from django.db.models import Q, QuerySet

from apps.members.models import MemberBody, consortia_of
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
            .select_related("consortium", "body")[:limit])
