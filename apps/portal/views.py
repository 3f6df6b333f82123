from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from apps.accounts.access import access_for
from apps.costs.permissions import figure_years
from apps.costs.selectors import body_cost_years, body_survey_rounds
from apps.agreements import selectors as agreements
from apps.agreements.models import Agreement
from apps.meetings import selectors as meetings
from apps.members import selectors as members
from apps.members.views import consortium_for
from apps.portal.selectors import body_published_shares, body_reports, council_attention, council_table


def consortium_list(request):
    """The councils the user may see, as a table of shared projects. A council's name leads
    to its dashboard for those who oversee it, and to its meetings for its members (the
    dashboard is the secretariat's)."""
    rows = council_table(user=request.user)
    access = access_for(request.user)
    overseen = {row.consortium.pk for row in rows if access.oversees(row.consortium.pk)}
    return render(request, "portal/consortium_list.html", {"rows": rows, "overseen": overseen})


def consortium_dashboard(request, slug):
    """A council's first page: its members, and what the secretariat has to act on."""
    consortium = consortium_for(request, slug)
    return render(request, "portal/consortium_dashboard.html", {
        "consortium": consortium,
        "summary": members.consortium_summary(consortium=consortium),
        "ownership": members.ownership_summaries(consortia=[consortium])[consortium.pk],
        "attention": council_attention(consortium=consortium, today=timezone.localdate()),
        "access": access_for(request.user),
    })


def body_detail(request, code):
    """A member body's page; for its own staff and mayor, their landing page."""
    body = get_object_or_404(members.body_detail(user=request.user, code=code))
    participations = members.body_participations(user=request.user, body=body)
    return render(request, "portal/body_detail.html", {
        "body": body,
        "populations": body.populations.all(),
        "participations": [(p, members.ownership_grid(p)) for p in participations],
        "shares": body_published_shares(user=request.user, body=body),
        "cost_years": body_cost_years(body=body, years=figure_years(request.user, body))[:3],
        "rounds": body_survey_rounds(body=body, user=request.user),
        "reports": body_reports(user=request.user, body=body),
        "meetings": meetings.upcoming_meetings_for_body(user=request.user, body=body),
        "actions": meetings.body_open_actions(body=body, user=request.user),
        "unsigned": _visible_signatures(request.user, body),
        "contracts": agreements.body_contracts(user=request.user, body=body),
        "access": access_for(request.user),
    })


def _visible_signatures(user, body):
    """The body's awaited signatures on agreements the user may read (a body in two
    consortia: one secretariat does not see the other's agreement)."""
    visible = Agreement.objects.for_user(user).values("pk")
    return agreements.pending_signatures(body=body).filter(agreement__in=visible)
