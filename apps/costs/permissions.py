"""Who may change a body's costs for a year: the survey's state decides, on top of roles.

Member staff edit their own body's figures only while a survey round of that year is
open and their response is not yet submitted; the secretariat edits until the round is
locked; nobody edits a locked year.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from apps.accounts.access import access_for
from apps.costs.models import SurveyResponse, SurveyRound
from apps.members.models import MemberBody, consortia_of

REFUSALS = {
    "locked": gettext_lazy("This year's survey is locked; the secretariat must reopen it first."),
    "closed": gettext_lazy("No survey round is open for this year."),
    "submitted": gettext_lazy("Your survey has been submitted for review; ask the secretariat to return it for changes."),
    "role": gettext_lazy("Only the secretariat and the body's own staff can change its costs."),
}


def body_or_404(user, code: str) -> MemberBody:
    """A body the user may see at all; any other is not found."""
    return get_object_or_404(MemberBody.objects.for_user(user), code=code)


def rounds_of(body, year: int | None):
    """Survey rounds of the consortia the body belongs to (of one year, or all); not of a
    council it has withdrawn from, which no longer asks it (selectors._answering)."""
    rounds = SurveyRound.objects.filter(consortium__in=consortia_of(body.pk))
    return rounds if year is None else rounds.filter(fiscal_year=year)


def cost_edit_refusal(user, body, year: int) -> str | None:
    """None when the user may edit; otherwise the reason, for a 403 page."""
    access = access_for(user)
    # A year stays locked by every council that locked it, one the body has left included.
    if SurveyRound.objects.filter(consortium__participations__body=body, fiscal_year=year,
                                  status=SurveyRound.Status.LOCKED).exists():
        return "locked"
    rounds = list(rounds_of(body, year))
    if any(access.manages(cid) for cid in body.participations.values_list("consortium_id", flat=True)):
        return None
    if not (access.is_own_body(body.pk) and access.may_edit_own_survey):
        return "role"
    open_rounds = [r for r in rounds if r.status == SurveyRound.Status.OPEN]
    if not open_rounds:
        return "closed"
    submitted = SurveyResponse.objects.filter(
        survey_round__in=open_rounds, body=body,
        status__in=[SurveyResponse.Status.SUBMITTED, SurveyResponse.Status.ACCEPTED],
    ).exists()
    return "submitted" if submitted else None


def require_cost_editor(user, body, year: int) -> None:
    if refusal := cost_edit_refusal(user, body, year):
        raise PermissionDenied(REFUSALS[refusal])
