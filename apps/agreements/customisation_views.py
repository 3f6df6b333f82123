"""The customisation register's pages: the secretariat records requests and decides
them; observers read; members read the all-member ones and their own."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.access import access_for
from apps.core.forms import add_service_errors
from apps.core.refusals import show_refusal
from apps.agreements import selectors, services
from apps.agreements.forms import CustomisationDecisionForm, CustomisationForm
from apps.agreements.models import Customisation
from apps.members.views import consortium_for


def _customisation_for(request, pk, *, manage: bool = False) -> Customisation:
    customisation = get_object_or_404(
        Customisation.objects.for_user(request.user).select_related("consortium", "body", "business_system",
                                                                    "decided_by"), pk=pk)
    if manage and not access_for(request.user).manages(customisation.consortium_id):
        raise PermissionDenied
    return customisation


def customisation_list(request, slug):
    consortium = consortium_for(request, slug, oversee=False)
    register = selectors.customisations_for(user=request.user, consortium=consortium)
    return render(request, "agreements/customisation_list.html", {
        "consortium": consortium, "sub": "customisations", "customisations": register,
        "totals": selectors.customisation_totals(register),
        "may_manage": access_for(request.user).manages(consortium.pk),
    })


def _edit_page(request, consortium, customisation: Customisation, heading: str):
    form = CustomisationForm(request.POST or None, instance=customisation, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.customisation_save(customisation=form.instance)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("customisation_detail", pk=saved.pk)
    return render(request, "agreements/customisation_form.html", {
        "consortium": consortium, "sub": "customisations", "form": form, "heading": heading})


def customisation_create(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    draft = Customisation(consortium=consortium, requested_on=timezone.localdate())
    return _edit_page(request, consortium, draft, _("New customisation request"))


def customisation_edit(request, pk):
    customisation = _customisation_for(request, pk, manage=True)
    if customisation.status != Customisation.Status.REQUESTED:
        raise PermissionDenied(_("Only a customisation still awaiting its decision can be changed."))
    return _edit_page(request, customisation.consortium, customisation, customisation.title)


def customisation_detail(request, pk, decision_form=None):
    customisation = _customisation_for(request, pk)
    may_manage = access_for(request.user).manages(customisation.consortium_id)
    awaiting = customisation.status == Customisation.Status.REQUESTED
    return render(request, "agreements/customisation_detail.html", {
        "consortium": customisation.consortium, "sub": "customisations", "customisation": customisation,
        "may_manage": may_manage,
        "decision_form": (decision_form or CustomisationDecisionForm()) if may_manage and awaiting else None,
    })


@require_POST
def customisation_decide(request, pk):
    customisation = _customisation_for(request, pk, manage=True)
    form = CustomisationDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.customisation_decide(customisation=customisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("customisation_detail", pk=pk)
    return customisation_detail(request, pk, decision_form=form)


@require_POST
def customisation_done(request, pk):
    customisation = _customisation_for(request, pk, manage=True)
    try:
        services.customisation_complete(customisation=customisation)
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("customisation_detail", pk=pk)
