"""Who may change a body's costs for a year: the survey's state decides, on top of roles.

Member staff edit their own body's figures only while a survey round of that year is
open and their response is not yet submitted; the secretariat edits until the round is
locked, and only the years that are its council's (``council_years``); nobody edits a locked
year.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_lazy

from apps.accounts.access import access_for
from apps.core.formatting import names_joined
from apps.costs.models import SurveyResponse, SurveyRound
from apps.members.models import MemberBody, ParticipationStatus, consortia_of

REFUSALS = {
    "locked": gettext_lazy("This year's survey is locked; the secretariat must reopen it first."),
    "closed": gettext_lazy("No survey round is open for this year."),
    "submitted": gettext_lazy("Your survey has been submitted for review; ask the secretariat to return it for changes."),
    "role": gettext_lazy("Only the secretariat and the body's own staff can change its costs."),
    "not_surveyed": gettext_lazy("Your council has no survey of this year that this body's figures answer: they "
                                 "are its other councils' until it joins yours or answers your survey."),
}


def body_or_404(user, code: str) -> MemberBody:
    """A body the user may see at all; any other is not found."""
    return get_object_or_404(MemberBody.objects.for_user(user), code=code)


def figure_years(user, body) -> set[int] | None:
    """The fiscal years of the body's figures that the user may read; None: every year.

    A body has one set of figures, shared by every council it is in (CostRecord names no
    council). Its own people and the administrators read them all; a council's secretariat
    and observers the years their council surveys (``council_years``)."""
    access = access_for(user)
    if access.is_admin or access.is_own_body(body.pk):
        return None
    return council_years(body, access.readable_consortia)


def council_years(body, consortium_ids) -> set[int] | None:
    """The years of the body's figures that are these councils' business; None: every year.

    A body in no council but these: all its figures. Else the years of their survey rounds
    — once the body has joined the council (研究会 onwards). A body only invited (招待) has
    given its figures to its other council: the inviting one sees the years it has answered
    its survey, not the other council's history."""
    statuses = dict(body.participations.values_list("consortium_id", "status"))
    ours = [consortium_id for consortium_id in statuses if consortium_id in consortium_ids]
    if ours and len(ours) == len(statuses):
        return None
    rounds = (SurveyRound.objects.filter(consortium_id__in=ours)
              .annotate(answered=Exists(SurveyResponse.objects.filter(survey_round=OuterRef("pk"), body=body)))
              .values_list("consortium_id", "fiscal_year", "answered"))
    return {year for consortium_id, year, answered in rounds
            if answered or statuses[consortium_id] != ParticipationStatus.INVITED}


def require_figure_year(user, body, year: int) -> None:
    """Another council's year of the body's figures is not found (404), as another body is."""
    years = figure_years(user, body)
    if years is not None and year not in years:
        raise Http404


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
    if access.is_admin:
        return None
    managed = [cid for cid in body.participations.values_list("consortium_id", flat=True) if access.manages(cid)]
    if managed:
        years = council_years(body, managed)
        return None if years is None or year in years else "not_surveyed"
    if not (access.is_own_body(body.pk) and access.may_edit_own_survey):
        return "role"
    open_rounds = [r for r in rounds if r.status == SurveyRound.Status.OPEN]
    if not open_rounds:
        return "closed"
    # The year's figures are one set, answering every council's survey of the year: once
    # any council holds them for review or has accepted them — its round open or closed —
    # they stay as it has them (another council's open round let a town rewrite figures
    # one council had accepted and closed).
    return "submitted" if _holding_councils(body, rounds) else None


def _holding_councils(body, rounds) -> list[str]:
    """The councils whose survey of the year holds the body's answer (submitted or accepted)."""
    return list(SurveyResponse.objects.filter(
        survey_round__in=rounds, body=body,
        status__in=[SurveyResponse.Status.SUBMITTED, SurveyResponse.Status.ACCEPTED],
    ).order_by("survey_round__consortium__name").values_list("survey_round__consortium__name", flat=True))


def require_cost_editor(user, body, year: int) -> None:
    if refusal := cost_edit_refusal(user, body, year):
        if refusal == "submitted":
            raise PermissionDenied(gettext("Your figures for this year are submitted to or accepted by %(councils)s: "
                                           "ask its secretariat to return them before changing them.")
                                   % {"councils": names_joined(_holding_councils(body, list(rounds_of(body, year))))})
        raise PermissionDenied(REFUSALS[refusal])
