"""The council's own settings page, for its secretariat: its name and kind, and whether
the named cost comparison is published to the members."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.forms import add_service_errors
from apps.members import services
from apps.members.forms import ComparisonPublishForm, ConsortiumDetailsForm
from apps.members.models import Consortium
from apps.members.views import consortium_for


def consortium_settings(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    posted = request.POST.get("form") if request.method == "POST" else None
    forms = {
        # A copy: a rejected name must not show in the page's own heading.
        "details": ConsortiumDetailsForm(request.POST if posted == "details" else None,
                                         instance=Consortium.objects.get(pk=consortium.pk), prefix="details"),
        "publish": ComparisonPublishForm(request.POST if posted == "publish" else None, prefix="publish"),
    }
    if posted in forms and forms[posted].is_valid():
        form = forms[posted]
        try:
            if posted == "details":
                services.consortium_update(consortium=consortium, fields=form.cleaned_data)
                messages.success(request, _("Saved."))
            else:
                published = form.cleaned_data["published"]
                services.consortium_comparison_publish(consortium=consortium, published=published)
                messages.success(request, _("The comparison is now published to the members.") if published
                                 else _("The comparison is no longer shown to the members."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("consortium_settings", slug=consortium.slug)
    return render(request, "members/consortium_settings.html", {"consortium": consortium, "forms": forms})
