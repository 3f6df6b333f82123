"""Upload pages: upload → preview with every error → confirm → write.

The secretariat imports member bodies and costs for a whole consortium: its confirmation
is written by a worker (apps.costs.import_jobs), followed on the import's own page. A
member's staff upload their own body's figures for a survey year (as may the secretariat,
on the body's page), on the same terms as editing them by hand: one body's figures, a
few hundred at most, written in the request.
"""

from auditlog.middleware import AuditlogMiddleware
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from apps.accounts.access import access_for
from apps.core.tabular import RowError
from apps.costs import import_jobs, importers, permissions, selectors, services, upload_stash
from apps.costs.forms import BodyCostImportForm, CostImportForm, ImportForm
from apps.costs.models import ImportJob
from apps.costs.paths import body_costs_path
from apps.members.models import MemberBody
from apps.members.views import consortium_for

KINDS = {
    "bodies": {
        "form": ImportForm,
        "columns": importers.BODY_IMPORT_COLUMNS,
        "title": gettext_lazy("Import member bodies"),
        "summarise": lambda parsed, params: {**_populations_check(parsed), **_body_changes(parsed)},
    },
    "costs": {
        "form": CostImportForm,
        "columns": importers.COST_COLUMNS,
        "figure_columns": importers.FIGURE_COLUMNS,
        "title": gettext_lazy("Import current costs"),
        "summarise": lambda parsed, params: _years_check(parsed, fiscal_year=params["fiscal_year"]),
    },
}


def import_page(request, slug, kind):
    consortium = consortium_for(request, slug, manage=True)
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request, consortium, kind)
    spec = KINDS[kind]
    return upload_flow(
        request, form_class=spec["form"], template="costs/import.html",
        parse=lambda data, name, params: import_jobs.KINDS[kind].parse(data, name, consortium, params),
        context={"consortium": consortium, "kind": kind, "title": spec["title"], "columns": spec["columns"],
                 "figure_columns": spec.get("figure_columns", ()),
                 "jobs": import_jobs.import_jobs_recent(consortium=consortium, kind=kind)},
        summarise=spec.get("summarise"))


def _import_confirm(request, consortium, kind):
    """The preview confirmed: its file handed to a worker, and the user to the import's page.
    Confirmed again (a double click, the back button), the same import's page."""
    token = request.POST["token"]
    job = import_jobs.import_job_of_upload(upload=token, consortium=consortium, by=request.user)
    if job is None:
        stashed = upload_stash.hand_over(request, token)
        if stashed is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect(request.path)
        file_name, params = stashed
        audit = AuditlogMiddleware().get_extra_data(request)  # what the trail would say of this request
        job = import_jobs.import_job_create(kind=kind, consortium=consortium, upload=token, file_name=file_name,
                                            params=params, requested_by=request.user,
                                            remote_addr=audit["remote_addr"], remote_port=audit["remote_port"])
    return redirect("import_job", slug=consortium.slug, pk=job.pk)


def _job_for(request, slug, pk) -> ImportJob:
    consortium = consortium_for(request, slug, manage=True)
    return get_object_or_404(ImportJob.objects.select_related("consortium", "requested_by"),
                             consortium=consortium, pk=pk)


def import_job(request, slug, pk):
    job = _job_for(request, slug, pk)
    return render(request, "costs/import_job.html", _job_context(job))


def import_job_progress(request, slug, pk):
    """The part of the import's page that htmx reloads every two seconds while it runs."""
    return render(request, "costs/_import_job_status.html", _job_context(_job_for(request, slug, pk)))


@require_POST
def import_job_retry(request, slug, pk):
    job = _job_for(request, slug, pk)
    if not import_jobs.import_job_retry(job=job):
        messages.info(request, _("This import is not to be tried again: upload the file again if need be."))
    return redirect("import_job", slug=job.consortium.slug, pk=job.pk)


def _job_context(job: ImportJob) -> dict:
    consortium = job.consortium
    if job.kind == ImportJob.Kind.COSTS:
        shown_at = f"{reverse('cost_comparison', args=[consortium.slug])}?fy={job.fiscal_year}"
    else:
        shown_at = reverse("member_list", args=[consortium.slug])
    return {"job": job, "consortium": consortium, "title": KINDS[job.kind]["title"], "shown_at": shown_at,
            "summary": imported_message(job) if job.status == ImportJob.Status.DONE else "",
            "errors": [RowError.from_data(error) for error in job.errors],
            "import_url": reverse(f"import_{job.kind}", args=[consortium.slug])}


def body_costs_upload(request, code, year):
    body = permissions.body_or_404(request.user, code)
    # Checked again at the confirmation: the round may have closed since the preview.
    permissions.require_cost_editor(request.user, body, year)
    return upload_flow(
        request, form_class=BodyCostImportForm, template="costs/body_costs_upload.html",
        parse=lambda data, name, params: importers.parse_body_costs(data, name, body=body, fiscal_year=year,
                                                                     unit=params["unit"]),
        apply=lambda parsed, params: _town_upload(request, body, year, parsed),
        context={"body": body, "year": year, "columns": importers.OWN_COST_COLUMNS,
                 "figure_columns": importers.FIGURE_COLUMNS},
        done_url=body_costs_path(body.code, year),
        summarise=lambda parsed, params: _year_check(parsed, body=body, year=year))


def _town_upload(request, body, year: int, parsed):
    result = importers.apply_costs(parsed, fiscal_year=year)
    if access_for(request.user).is_own_body(body.pk):  # the town's answer, being filled in
        services.survey_answers_started(body=body, fiscal_year=year)
    return result


def _year_check(parsed, *, body, year) -> dict:
    """What the preview shows before the town confirms: the year's total as the file would
    leave it, beside the year before's, questioned when it is ten times more or less — a
    sheet in 円 uploaded as 千円 (or the reverse) made 69,580,000 円 into 69,580,000,000 円."""
    totals = importers.year_totals_after(parsed, fiscal_year=year, body_ids=[body.pk])[body.pk]
    return {"year_totals": totals, "implausible": selectors.implausible_change(totals.after, totals.year_before)}


def _years_check(parsed, *, fiscal_year) -> dict:
    """The secretariat's import: the members whose year total the file would make ten
    times more or less than the year before's, by name (a file read in the wrong unit
    turned 1,234,000 円 into 1,234 円 unremarked)."""
    totals = importers.year_totals_after(parsed, fiscal_year=fiscal_year)
    questioned = {body_id: total for body_id, total in totals.items()
                  if selectors.implausible_change(total.after, total.year_before)}
    names = dict(MemberBody.objects.filter(pk__in=questioned).values_list("pk", "name"))
    return {"questioned": sorted(((names[body_id], total) for body_id, total in questioned.items()),
                                 key=lambda pair: pair[0])}


def _populations_check(parsed) -> dict:
    """The members import: the bodies whose latest population the file would make ten times
    more or less (a digit too many or too few), by name, beside the count it replaces."""
    rows = [row for row in parsed.rows if row.population is not None]
    current = {code: (name, population, as_of) for code, name, population, as_of in MemberBody.objects.filter(
        code__in=[row.code for row in rows]).values_list("code", "name", "population", "population_as_of")}
    questioned = []
    for row in rows:
        name, population, as_of = current.get(row.code, ("", None, None))
        if as_of and row.population_as_of >= as_of and selectors.implausible_change(row.population, population):
            questioned.append((name, row.population, population))
    return {"questioned_populations": questioned}


def _body_changes(parsed) -> dict:
    """The members import: of each body the installation has, every field the file would
    change, its value now and after (the preview said only that the rows were valid, and a
    mayor's address changed unremarked)."""
    names = dict(MemberBody.objects.filter(code__in=[row.code for row in parsed.rows if row.changes])
                 .values_list("code", "name"))
    return {"body_changes": [(row.number, names[row.code], row.changes) for row in parsed.rows if row.changes]}


def imported_message(result) -> str:
    """What an import wrote (an ImportResult, or a job that is done), in a sentence."""
    figures = result.created + result.updated + result.unchanged
    if figures == result.rows:  # a record a row (the members sheet)
        done = ngettext("%(rows)d row imported: %(created)d added, %(updated)d changed, %(unchanged)d unchanged.",
                        "%(rows)d rows imported: %(created)d added, %(updated)d changed, %(unchanged)d unchanged.",
                        result.rows)
    else:  # several amounts a row (a year's costs)
        done = ngettext("%(rows)d row imported: of its %(figures)d figures, %(created)d added, %(updated)d "
                        "changed, %(unchanged)d unchanged.",
                        "%(rows)d rows imported: of their %(figures)d figures, %(created)d added, %(updated)d "
                        "changed, %(unchanged)d unchanged.", result.rows)
    return done % {"rows": result.rows, "created": result.created, "updated": result.updated,
                   "unchanged": result.unchanged, "figures": figures}


def upload_flow(request, *, form_class, template: str, parse, context: dict, apply=None, done_url: str = "",
                summarise=None):
    """One upload page: a posted file is read and every error shown (nothing written); a
    clean file is kept for this session under a token, and posting the token writes it
    (``apply``; the secretariat's imports confirm theirs as a job instead, see import_page).
    ``parse(data, filename, params)`` and ``apply(parsed, params)``, where params are the
    form's other fields; ``summarise(parsed, params)`` adds to a clean file's preview."""
    if request.method == "POST" and "token" in request.POST and apply is not None:
        stashed = upload_stash.take(request, request.POST["token"])
        if stashed is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect(request.path)
        data, filename, params = stashed
        try:
            result = apply(parse(data, filename, params), params)
        except importers.ImportRefused as refused:
            return render(request, template, {**context, "report": refused.report, "form": form_class()})
        messages.success(request, imported_message(result))
        return redirect(done_url or request.path)
    form = form_class(request.POST or None, request.FILES or None)
    context = {**context, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        params = {key: value for key, value in form.cleaned_data.items() if key != "file"}
        try:
            parsed = parse(data, upload.name, params)
        except importers.ImportRefused as refused:
            context["report"] = refused.report
        else:
            context.update(parsed=parsed, report=parsed.report)
            if parsed.ok:
                context["token"] = upload_stash.stash(request, data, filename=upload.name, params=params)
                if summarise is not None:
                    context.update(summarise(parsed, params))
    return render(request, template, context)


def import_template(request, slug, kind):
    consortium_for(request, slug, manage=True)
    response = HttpResponse(importers.template_csv(KINDS[kind]["columns"]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response
