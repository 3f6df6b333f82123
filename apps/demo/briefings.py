"""Demo briefings: the two demo towns' mayors find one waiting when they log in.

Rendered in-process through the same job code as the secretariat's button, after the
meetings and the agreement, so that the briefing's "pending" section has something to
say. Seeding again renders nothing new.
"""

from __future__ import annotations

from apps.accounts.models import User
from apps.allocation.selectors import latest_published_plan
from apps.members.models import Consortium, MemberBody
from apps.reports import services
from apps.reports.models import Kind, Report
from apps.reports.selectors import Options

DEMO_TOWNS = ("113018", "113247")  # 伊奈町, 三芳町: the towns with demo accounts


def seed_briefings(*, consortium: Consortium) -> None:
    plan = latest_published_plan(consortium=consortium)
    if plan is None:
        return
    secretariat = User.objects.get(username="jimukyoku")
    for body in MemberBody.objects.filter(code__in=DEMO_TOWNS).order_by("code"):
        if Report.objects.filter(consortium=consortium, body=body, kind=Kind.BRIEFING).exists():
            continue
        job = services.job_create(kind=Kind.BRIEFING, consortium=consortium, fiscal_year=plan.cost_fiscal_year,
                                  plan=plan, body=body, requested_by=secretariat,
                                  options=Options(calendar="era"), enqueue=False)
        services.job_run(job.pk)
