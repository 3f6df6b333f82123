"""Upload pages for the secretariat: upload → preview with every error → confirm → write."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.costs import importers, upload_stash
from apps.costs.forms import CostImportForm, ImportForm
from apps.members.views import consortium_for

KINDS = {
    "bodies": {
        "form": ImportForm,
        "columns": importers.BODY_COLUMNS,
        "title": gettext_lazy("Import member bodies"),
        "parse": lambda data, name, consortium, params: importers.parse_bodies(data, name),
        "apply": lambda parsed, consortium, params: importers.apply_bodies(parsed, consortium=consortium),
    },
    "costs": {
        "form": CostImportForm,
        "columns": importers.COST_COLUMNS,
        "title": gettext_lazy("Import current costs"),
        "parse": lambda data, name, consortium, params: importers.parse_costs(
            data, name, consortium=consortium, fiscal_year=params["fiscal_year"], unit=params["unit"]),
        "apply": lambda parsed, consortium, params: importers.apply_costs(parsed, fiscal_year=params["fiscal_year"]),
    },
}


def import_page(request, slug, kind):
    consortium = consortium_for(request, slug, manage=True)
    spec = KINDS[kind]
    context = {"consortium": consortium, "kind": kind, "title": spec["title"], "columns": spec["columns"]}
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, consortium, spec, context)
    form = spec["form"](request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        params = {key: value for key, value in form.cleaned_data.items() if key != "file"}
        try:
            parsed = spec["parse"](data, upload.name, consortium, params)
        except importers.ImportRefused as refused:
            context["report"] = refused.report
        else:
            context["parsed"] = parsed
            context["report"] = parsed.report
            if parsed.ok:
                context["token"] = upload_stash.stash(request, data, filename=upload.name, params=params)
    return render(request, "costs/import.html", context)


def _confirm(request, consortium, spec, context):
    stashed = upload_stash.take(request, request.POST["token"])
    if stashed is None:
        messages.error(request, _("The preview has expired; upload the file again."))
        return redirect(request.path)
    data, filename, params = stashed
    try:
        result = spec["apply"](spec["parse"](data, filename, consortium, params), consortium, params)
    except importers.ImportRefused as refused:
        context["report"] = refused.report
        context["form"] = spec["form"]()
        return render(request, "costs/import.html", context)
    messages.success(request, _("Imported: %(summary)s") % {"summary": result.summary()})
    return redirect(request.path)


def import_template(request, slug, kind):
    consortium_for(request, slug, manage=True)
    response = HttpResponse(importers.template_csv(KINDS[kind]["columns"]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response
