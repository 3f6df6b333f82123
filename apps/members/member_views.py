"""The secretariat's page for one member of a council: its participation (status with
dated history, go-live dates), its details, its population and its ownership profile;
and adding a member. Each form posts to the page and ends in one service call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.core.formatting import japanese_date, names_joined
from apps.core.forms import add_service_errors
from apps.members import selectors, services
from apps.members.filters import MemberFilter
from apps.members.forms import (
    BodyDetailsForm,
    BulkStatusForm,
    GoLiveForm,
    MemberAddForm,
    OwnershipForm,
    PopulationForm,
    StatusChangeForm,
)
from apps.members.models import MemberBody, ParticipationStatus
from apps.members.views import consortium_for


def member_manage(request, slug, code):
    consortium = consortium_for(request, slug, manage=True)
    participation = get_object_or_404(selectors.member_rows(consortium=consortium).prefetch_related(
        "history", "ownership", "body__populations"), body__code=code)
    body = participation.body
    held = {row.asset: (row.before, row.after) for row in participation.ownership.all()}
    posted = request.POST.get("form") if request.method == "POST" else None
    forms = {
        "status": StatusChangeForm(request.POST if posted == "status" else None, prefix="status"),
        "go_live": GoLiveForm(request.POST if posted == "go_live" else None, instance=participation,
                              prefix="go_live"),
        # A copy: a rejected name must not show in the page's own heading.
        "details": BodyDetailsForm(request.POST if posted == "details" else None,
                                   instance=MemberBody.objects.get(pk=body.pk), prefix="details"),
        "population": PopulationForm(request.POST if posted == "population" else None, prefix="population"),
        "ownership": OwnershipForm(request.POST if posted == "ownership" else None, initial_rows=held,
                                   prefix="ownership"),
    }
    elsewhere = services.other_councils_of(body_id=body.pk, consortium_id=consortium.pk)
    shared_refusal = services.shared_details_refusal(status=participation.status, elsewhere=elsewhere)
    if posted in forms and forms[posted].is_valid():
        form = forms[posted]
        try:
            if posted in SHARED_FORMS and shared_refusal:
                raise ValidationError(shared_refusal)
            SAVE[posted](form, participation)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("member_manage", slug=slug, code=code)
    return render(request, "members/member_manage.html", {
        "consortium": consortium, "participation": participation, "body": body, "forms": forms,
        "elsewhere": names_joined(elsewhere), "shared_refusal": shared_refusal,
        # Two steps of one day (invited and joined): the later recorded is the newer.
        "history": sorted(participation.history.all(), key=lambda change: (change.start_date, change.pk),
                          reverse=True),
        "populations": body.populations.all(),
    })


# The body's own details and population: one set for every council it is in.
SHARED_FORMS = ("details", "population")

SAVE = {
    "status": lambda form, participation: services.participation_set_status(
        participation=participation, status=form.cleaned_data["status"], on=form.cleaned_data["on"],
        note=form.cleaned_data["note"]),
    "go_live": lambda form, participation: services.participation_go_live_set(
        participation=participation, planned=form.cleaned_data["planned_go_live"],
        actual=form.cleaned_data["actual_go_live"]),
    "details": lambda form, participation: services.body_update(body=participation.body, fields=form.cleaned_data),
    "population": lambda form, participation: services.population_record(body=participation.body,
                                                                          **form.cleaned_data),
    "ownership": lambda form, participation: services.ownership_set(participation=participation,
                                                                    rows=form.rows()),
}


def member_add(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.member_add(consortium=consortium, code=form.cleaned_data["code"],
                                               fields=form.body_fields(), status=form.cleaned_data["status"],
                                               on=form.cleaned_data["on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": participation.body.name})
            return redirect("member_manage", slug=slug, code=participation.body.code)
    return render(request, "members/member_add.html", {"consortium": consortium, "form": form})


# A national council refused whole: the first so many named, the rest counted.
REFUSALS_SHOWN = 200


@require_POST
def member_status_bulk(request, slug):
    """A change of status for many members, chosen on the member list (or all that its
    filter matches): said here with every member that cannot take it, then confirmed."""
    consortium = consortium_for(request, slug, manage=True)
    form = BulkStatusForm(request.POST)
    context = {"consortium": consortium, "form": form}
    if form.is_valid():
        data = form.cleaned_data
        codes = _chosen_codes(request, consortium, data)
        context.update(codes=" ".join(codes), chosen=len(codes),
                       status_label=ParticipationStatus(data["status"]).label, date=japanese_date(data["on"]))
        change = {"consortium": consortium, "codes": codes, "status": data["status"], "on": data["on"]}
        try:
            if not codes:
                raise ValidationError(_("Choose the members whose status changes: tick them in the list, or all "
                                        "that the filter shows."))
            if "confirm" in request.POST:
                changed = services.participations_set_status(**change, note=data["note"])
                messages.success(request, _changed_message(changed, context))
                return redirect(reverse("member_list", args=[slug]) + ("?" + data["filter"] if data["filter"] else ""))
            context["changing"] = services.participations_status_check(**change)
        except services.StatusChangesRefused as refusal:
            context.update(refused=refusal.refused[:REFUSALS_SHOWN], refused_count=len(refusal.refused),
                           refused_more=max(0, len(refusal.refused) - REFUSALS_SHOWN))
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "members/member_status_bulk.html", context)


def _chosen_codes(request, consortium, data) -> list[str]:
    if data["codes"]:  # reviewed: the members shown, whatever the filter matches now
        return data["codes"].split()
    if request.POST.get("everyone"):
        rows = MemberFilter(QueryDict(data["filter"]), queryset=selectors.member_rows(consortium=consortium)).qs
        return list(rows.values_list("body__code", flat=True))
    return request.POST.getlist("body")


def _changed_message(changed: int, context: dict) -> str:
    if not changed:  # a second click, or members already there
        return _("Nothing to change: the chosen members already have the status «%(status)s» from %(date)s.") % {
            "status": context["status_label"], "date": context["date"]}
    return ngettext("%(count)d member is now «%(status)s» from %(date)s.",
                    "%(count)d members are now «%(status)s» from %(date)s.", changed) % {
        "count": changed, "status": context["status_label"], "date": context["date"]}
