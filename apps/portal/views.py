from django.shortcuts import get_object_or_404, render

from apps.accounts.access import access_for
from apps.costs.selectors import body_cost_years, body_survey_rounds
from apps.members import selectors as members
from apps.portal.selectors import body_published_shares, body_reports


def body_detail(request, code):
    """A member body's page; for its own staff and mayor, their landing page."""
    body = get_object_or_404(members.body_detail(user=request.user, code=code))
    participations = members.body_participations(user=request.user, body=body)
    return render(request, "portal/body_detail.html", {
        "body": body,
        "populations": body.populations.all(),
        "participations": [(p, members.ownership_grid(p)) for p in participations],
        "shares": body_published_shares(user=request.user, body=body),
        "cost_years": body_cost_years(body=body)[:3],
        "rounds": body_survey_rounds(body=body),
        "reports": body_reports(user=request.user, body=body),
        "access": access_for(request.user),
    })
