"""The secretariat's survey pages: open a year's survey, follow who has answered, accept
or return answers, remind the members still to answer, close and lock the year.
Observers see the same pages read-only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.accounts.access import access_for
from apps.core.formatting import names_joined
from apps.core.forms import add_service_errors
from apps.core.pagination import query_without_page
from apps.core.refusals import show_refusal
from apps.costs import selectors, services
from apps.costs.forms import SurveyDeadlineForm, SurveyRoundOpenForm
from apps.costs.models import SurveyResponse
from apps.costs.paths import body_costs_path
from apps.members.views import consortium_for


# The round page's tabs: which members to list (a national council has hundreds).
ANSWER_FILTERS = {
    "submitted": lambda member: member.status == SurveyResponse.Status.SUBMITTED,
    "unanswered": lambda member: member.status not in services.SUBMITTED_OR_ACCEPTED,
    "accepted": lambda member: member.status == SurveyResponse.Status.ACCEPTED,
}


def survey_rounds(request, slug):
    consortium = consortium_for(request, slug)
    manages = access_for(request.user).manages(consortium.pk)
    if request.method == "POST" and not manages:
        raise PermissionDenied  # observers read only
    form = SurveyRoundOpenForm(request.POST or None) if manages else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            survey_round = services.survey_round_open(consortium=consortium, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey is open: the members can enter their figures now."))
            return redirect("survey_round_detail", slug=slug, round_id=survey_round.pk)
    return render(request, "costs/survey_rounds.html", {
        "consortium": consortium, "rounds": selectors.survey_rounds_progress(consortium=consortium), "form": form,
        "no_scope": not consortium.business_systems.exists(),
    })


MEMBERS_PER_PAGE = 50


def survey_round_detail(request, slug, round_id):
    consortium = consortium_for(request, slug)
    survey_round = get_object_or_404(consortium.survey_rounds, pk=round_id)
    members, progress = selectors.survey_round_members(survey_round=survey_round)
    shown = request.GET.get("answer", "")
    if shown in ANSWER_FILTERS:
        members = [member for member in members if ANSWER_FILTERS[shown](member)]
    manages = access_for(request.user).manages(consortium.pk)
    # A national council's 1,741 rows made a page of 576 KB: 50 a page, the counts above
    # them of every member (progress is computed over all of them).
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "costs/survey_round_detail.html", {
        "consortium": consortium, "survey_round": survey_round, "members": page.object_list, "page": page,
        "query": query_without_page(request.GET), "progress": progress, "shown": shown,
        # A council with no business system in scope gives its members empty survey sheets.
        "no_scope": not consortium.business_systems.exists(),
        "manages": manages, "deadline_form": SurveyDeadlineForm(initial={"deadline": survey_round.deadline}),
    })


def survey_round_action(request, slug, round_id):
    """close / lock / reopen / deadline / remind, each one service call."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    consortium = consortium_for(request, slug, manage=True)
    survey_round = get_object_or_404(consortium.survey_rounds, pk=round_id)
    action = request.POST.get("action")
    try:
        if action in services.SURVEY_MOVES:
            survey_round = services.survey_round_move(survey_round=survey_round, action=action)
            status = survey_round.get_status_display()
            messages.success(request, _("The survey is now %(status)s.") % {"status": status})
        elif action == "deadline":
            form = SurveyDeadlineForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["deadline"])
            services.survey_round_deadline_set(survey_round=survey_round, deadline=form.cleaned_data["deadline"])
            messages.success(request, _("The deadline is saved."))
        elif action == "remind":
            _remind(request, survey_round)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("survey_round_detail", slug=slug, round_id=survey_round.pk)


def _remind(request, survey_round) -> None:
    def body_url(body):
        return request.build_absolute_uri(body_costs_path(body.code, survey_round.fiscal_year))

    reminder = services.survey_round_remind(survey_round=survey_round, body_url=body_url)
    if reminder.error:
        messages.error(request, reminder.error)
    else:
        messages.success(request, _("Reminder sent to the staff of %(bodies)d members (%(addresses)d addresses).")
                         % {"bodies": reminder.bodies, "addresses": reminder.addresses})
    if reminder.unreachable:
        # Said by name: these towns were not reminded, and need a call or a staff account.
        messages.warning(request, _("Not reminded, for want of a staff user with an e-mail address: %(members)s.")
                         % {"members": names_joined(reminder.unreachable)})
