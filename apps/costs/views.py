from django.core.exceptions import PermissionDenied, ValidationError
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django_tables2 import RequestConfig

from apps.accounts.access import access_for
from apps.core.formatting import fiscal_year_on_screen, yen
from apps.core.pagination import KnownCountPaginator
from apps.core.refusals import show_refusal
from apps.costs import exports, permissions, selectors, services
from apps.costs.filters import ComparisonFilter
from apps.costs.forms import CostRecordFormSet
from apps.costs.models import SurveyResponse
from apps.costs.paths import body_costs_path
from apps.costs.tables import ComparisonTable
from apps.members.models import Participation, ParticipationStatus
from apps.members.views import consortium_for


def _comparison_consortium(request, slug):
    """Secretariat and observers always; members once the comparison is published."""
    consortium = consortium_for(request, slug, oversee=False)
    access = access_for(request.user)
    if not access.oversees(consortium.pk) and not consortium.comparison_published:
        raise PermissionDenied(_("The council has not published the cost comparison to its members yet."))
    return consortium


def _year_param(request) -> int | None:
    """The ``fy`` asked for: a fiscal year is digits (``-1`` or ``R7`` is no page of ours)."""
    raw = request.GET.get("fy")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise Http404
    return int(raw)


def _comparison_year(request, consortium) -> tuple[list[int], int | None]:
    """The years the user may compare and the one asked for (404 for any other). For the
    secretariat and observers, no year when none has been surveyed yet (the page says so);
    a member is told why there is nothing to compare yet."""
    oversees = access_for(request.user).oversees(consortium.pk)
    years = selectors.comparison_years(consortium=consortium, with_open=oversees)
    year = _year_param(request) or years.default
    if year is None and not oversees:
        raise Http404(_("The secretariat has not locked any fiscal year's figures yet: the comparison shows a year "
                        "once its figures are reviewed and locked."))
    if year is not None and year not in years.shown:
        raise Http404(_("There is no comparison for this fiscal year."))
    return years.shown, year


COMPARISON_TABLE_FIELDS = ("status", "body__code", "body__name")


def cost_comparison(request, slug):
    consortium = _comparison_consortium(request, slug)
    years, year = _comparison_year(request, consortium)
    if year is None:
        # A new council: the menu's page says why it is empty, and where the year is opened.
        return render(request, "costs/comparison.html", {
            "consortium": consortium, "year": None, "manages": access_for(request.user).manages(consortium.pk)})
    unit = "thousand" if request.GET.get("unit") == "thousand" else "yen"
    era = "era" if request.GET.get("era") == "1" else "western"
    rows = selectors.comparison_rows(consortium=consortium, fiscal_year=year)
    filterset = ComparisonFilter(request.GET, queryset=rows)
    filtered = filterset.qs
    # Ranks are among all members, whatever is filtered; totals are of what is shown.
    stats = selectors.comparison_stats(rows)
    totals = selectors.comparison_totals(filtered) if filterset.form.has_changed() else stats.totals
    access = access_for(request.user)
    # The page is 50 rows of the members sorted by cost per resident: PostgreSQL sorts every
    # member to find them, carrying each row's every column (the mayor's address, contact…)
    # unless told which the table reads — a quarter of the page's time at 1,741 members.
    table = ComparisonTable(filtered.only(*COMPARISON_TABLE_FIELDS), unit=unit)
    paginate = {"per_page": 50, "paginator_class": KnownCountPaginator, "count": totals.members}
    RequestConfig(request, paginate=paginate).configure(table)
    table.ranks, table.totals = stats.ranks, totals
    table.links_every_body, table.own_body_id = access.oversees(consortium.pk), access.body_id
    return render(request, "costs/comparison.html", {
        "consortium": consortium,
        "years": years,
        "year": year,
        "unit": unit,
        "era": era,
        "filter": filterset,
        "table": table,
        "totals": totals,
        "access": access,
        # Said to the secretariat: a council imported with no 参加状況 has every member only
        # invited, and its comparison read empty without a word why.
        "invited": Participation.objects.filter(consortium=consortium, status=ParticipationStatus.INVITED).count()
        if access.manages(consortium.pk) else 0,
    })


def cost_comparison_export(request, slug, fmt):
    consortium = _comparison_consortium(request, slug)
    _years, year = _comparison_year(request, consortium)
    if year is None:
        raise Http404(_("No fiscal year has been surveyed yet."))
    all_rows = selectors.comparison_rows(consortium=consortium, fiscal_year=year)
    ranks = selectors.comparison_stats(all_rows).ranks
    rows = selectors.comparison_order(ComparisonFilter(request.GET, queryset=all_rows).qs, "cost_per_resident",
                                      descending=True)
    records = exports.comparison_records(rows, ranks, dict(ParticipationStatus.choices))
    return _spreadsheet(exports.comparison_headers(), records, fmt=fmt, filename=f"{consortium.slug}-costs-{year}",
                        title=str(year))


def members_sheet(request, slug, fmt):
    """The council's members as the bodies import's sheet, for the secretariat, who imports
    it back (it carries the mayors' e-mail addresses, which only the secretariat sees)."""
    consortium = consortium_for(request, slug, manage=True)
    headers, records = exports.members_sheet(consortium=consortium)
    return _spreadsheet(headers, records, fmt=fmt, filename=f"{consortium.slug}-members", title="構成団体")


def body_costs_sheet(request, code, year, fmt):
    """The body's figures for the year as the upload sheet, for anyone who may see them."""
    body = permissions.body_or_404(request.user, code)
    permissions.require_figure_year(request.user, body, year)
    headers, records = exports.body_cost_sheet(body=body, fiscal_year=year)
    return _spreadsheet(headers, records, fmt=fmt, filename=f"{body.code}-costs-{year}", title=str(year))


def _spreadsheet(headers, records, *, fmt: str, filename: str, title: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(headers, records), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.to_xlsx(headers, records, title=title),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def body_costs(request, code):
    body = permissions.body_or_404(request.user, code)
    readable = permissions.figure_years(request.user, body)
    rounds = [r for r in selectors.body_survey_rounds(body=body, user=request.user)
              if readable is None or r.fiscal_year in readable]
    # Years with costs, and years being surveyed that have none yet (a new round).
    totals = dict(selectors.body_cost_years(body=body, years=readable))
    years = sorted({**{r.fiscal_year: None for r in rounds}, **totals}.items(), reverse=True)
    year = _year_param(request) or (max(totals) if totals else (rounds[0].fiscal_year if rounds else None))
    if year is not None:
        permissions.require_figure_year(request.user, body, year)
    records = list(selectors.body_costs(body=body, fiscal_year=year)) if year else []
    access = access_for(request.user)
    questioned = selectors.questioned_year_total(body=body, fiscal_year=year) if records else None
    return render(request, "costs/body_costs.html", {
        # Said on the page and in the submission's confirmation (確認依頼).
        "questioned_total": _questioned_total_text(questioned, year) if questioned else "",
        "body": body, "years": years, "year": year,
        "records": records, "year_total": sum(record.amount for record in records),
        "category_totals": selectors.category_totals(records),
        "rounds": [r for r in rounds if r.fiscal_year == year],
        "may_edit": year is not None and permissions.cost_edit_refusal(request.user, body, year) is None,
        "may_submit": access.is_own_body(body.pk) and access.may_edit_own_survey,
        "may_review": any(access.manages(r.consortium_id) for r in rounds),
    })


SURVEY_MOVED = {
    SurveyResponse.Status.SUBMITTED: gettext_lazy(
        "Submitted for review: the secretariat has been told. Your figures can change again only if it returns them."),
    SurveyResponse.Status.ACCEPTED: gettext_lazy("Accepted: the member has been told."),
    SurveyResponse.Status.EDITING: gettext_lazy("Returned for changes: the member has been told, with your note."),
}
# Said when nobody could be e-mailed: the answer is moved all the same, and the other side
# must learn of it some other way.
SURVEY_MOVED_UNTOLD = {
    SurveyResponse.Status.SUBMITTED: gettext_lazy(
        "Submitted for review. No e-mail reached the secretariat (none of its users has an e-mail address, or "
        "sending failed): it sees your answer on its survey page. Your figures can change again only if it "
        "returns them."),
    SurveyResponse.Status.ACCEPTED: gettext_lazy(
        "Accepted. No e-mail reached %(body)s (none of its staff has an e-mail address, or sending failed): tell "
        "them yourself, and add an address on the users page."),
    SurveyResponse.Status.EDITING: gettext_lazy(
        "Returned for changes. No e-mail reached %(body)s (none of its staff has an e-mail address, or sending "
        "failed): they see your note on their page, but tell them yourself, and add an address on the users page."),
}
# The refusal of a return without a note is shown under the note's field too (extra tag).
NOTE_ERROR_TAG = "survey-note"


def survey_response(request, code, round_id):
    """Staff submit their body's survey; the secretariat accepts it or returns it."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = permissions.body_or_404(request.user, code)
    survey_round = get_object_or_404(permissions.rounds_of(body, year=None), pk=round_id)
    access = access_for(request.user)
    action = request.POST.get("action")
    if action == "submit" and access.is_own_body(body.pk) and access.may_edit_own_survey:
        status = SurveyResponse.Status.SUBMITTED
    elif action in {"accept", "return"} and access.manages(survey_round.consortium_id):
        status = SurveyResponse.Status.ACCEPTED if action == "accept" else SurveyResponse.Status.EDITING
    else:
        raise PermissionDenied
    response = None
    try:
        response = services.survey_response_set(survey_round=survey_round, body=body, status=status,
                                                 by=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        note_refused = hasattr(error, "error_dict") and "note" in error.error_dict
        messages.error(request, " ".join(error.messages),
                       extra_tags=f"{NOTE_ERROR_TAG} {NOTE_ERROR_TAG}-{body.code}-{survey_round.pk}" if note_refused
                       else "")
    body_page = body_costs_path(body.code, survey_round.fiscal_year)
    if response is not None:
        # The secretariat is sent to review it; the town, to its figures.
        to_review = reverse("survey_round_detail", args=[survey_round.consortium.slug, survey_round.pk])
        told = services.survey_response_notify(response=response, url=request.build_absolute_uri(
            to_review if status == SurveyResponse.Status.SUBMITTED else body_page))
        if told:
            messages.success(request, SURVEY_MOVED[status])
        else:
            messages.warning(request, SURVEY_MOVED_UNTOLD[status] % {"body": body.name})
    # Back where the button was: the body's page, or the round's page (``next``, local only).
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = body_page
    return redirect(back)


def _questioned_total_text(questioned: selectors.QuestionedTotal, year: int) -> str:
    return _("The %(year)s total is %(total)s yen, ten times more or less than the %(previous)s total of "
             "%(before)s yen: were amounts typed in thousands of yen (千円)? Amounts here are in yen (円).") % {
        "year": fiscal_year_on_screen(year, "era"), "total": yen(questioned.total),
        "previous": fiscal_year_on_screen(year - 1, "era"), "before": yen(questioned.year_before)}


def _town_answering(request, body, year: int) -> None:
    """Figures the town entered itself are its answer being filled in (the secretariat's
    own entries are not a town's draft)."""
    if access_for(request.user).is_own_body(body.pk):
        services.survey_answers_started(body=body, fiscal_year=year)


def body_costs_copy_previous_year(request, code, year):
    """Fill an empty year with the year before's figures, then open them for correction."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = permissions.body_or_404(request.user, code)
    permissions.require_cost_editor(request.user, body, year)
    try:
        copied = services.cost_records_copy_previous_year(body=body, fiscal_year=year)
        _town_answering(request, body, year)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, ngettext(
            "%(count)s figure of %(previous)s copied: correct it for %(year)s and save.",
            "%(count)s figures of %(previous)s copied: correct them for %(year)s and save.", copied)
            % {"count": copied, "previous": fiscal_year_on_screen(year - 1, "era"),
               "year": fiscal_year_on_screen(year, "era")})
    return redirect("body_costs_edit", code=body.code, year=year)


def body_costs_edit(request, code, year):
    body = permissions.body_or_404(request.user, code)
    permissions.require_cost_editor(request.user, body, year)
    queryset = selectors.body_costs(body=body, fiscal_year=year)
    formset = CostRecordFormSet(request.POST or None, queryset=queryset, prefix="costs",
                                systems=selectors.catalogue_for_body(body=body))
    if request.method == "POST" and formset.is_valid():
        try:
            services.cost_records_save(body=body, fiscal_year=year, formset=formset)
            _town_answering(request, body, year)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            if questioned := selectors.questioned_year_total(body=body, fiscal_year=year):
                messages.warning(request, _questioned_total_text(questioned, year))
            return redirect(body_costs_path(body.code, year))
    return render(request, "costs/body_costs_edit.html", {
        "body": body, "year": year, "formset": formset,
        # An empty year may start from the year before's figures (the formset has read the year's rows already).
        "previous_year_figures": 0 if formset.get_queryset()
        else selectors.body_costs(body=body, fiscal_year=year - 1).count(),
    })
