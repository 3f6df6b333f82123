"""The council's business systems in scope, and systems of its own, for its secretariat."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.forms import add_service_errors
from apps.costs import selectors, services
from apps.costs.forms import BusinessSystemForm, ScopeForm
from apps.members.views import consortium_for


def business_systems(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    catalogue = selectors.catalogue_for(consortium=consortium)
    posted = request.POST.get("form") if request.method == "POST" else None
    scope = ScopeForm(request.POST if posted == "scope" else None, catalogue=catalogue, prefix="scope",
                      initial={"systems": consortium.business_systems.all()})
    system = BusinessSystemForm(request.POST if posted == "system" else None, prefix="system")
    try:
        if posted == "scope" and scope.is_valid():
            services.consortium_scope_set(consortium=consortium, systems=scope.cleaned_data["systems"])
            messages.success(request, _("Saved."))
            return redirect("business_systems", slug=slug)
        if posted == "system" and system.is_valid():
            added = services.business_system_add(consortium=consortium, **system.cleaned_data)
            messages.success(request, _("%(name)s is added and in scope.") % {"name": added.name})
            return redirect("business_systems", slug=slug)
    except ValidationError as error:
        add_service_errors(system, error)
    return render(request, "costs/business_systems.html", {"consortium": consortium, "scope": scope,
                                                            "system": system})
