from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from apps.accounts.access import access_for
from apps.core.pagination import KnownCountPaginator
from apps.costs import exports, selectors, services
from apps.costs.filters import ComparisonFilter
from apps.costs.forms import CostFormSetHelper, CostRecordFormSet
from apps.costs.tables import ComparisonTable
from apps.members.models import MemberBody, ParticipationStatus
from apps.members.views import consortium_for


def _comparison_consortium(request, slug):
    """Secretariat and observers always; members once the comparison is published."""
    consortium = consortium_for(request, slug, oversee=False)
    access = access_for(request.user)
    if not access.oversees(consortium.pk) and not consortium.comparison_published:
        raise PermissionDenied
    return consortium


def _year_param(request) -> int | None:
    raw = request.GET.get("fy")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


def _chosen_year(request, years: list[int]) -> int:
    year = _year_param(request)
    if year:
        return year
    if not years:
        raise Http404(_("No fiscal year has been surveyed yet."))
    return years[0]


def cost_comparison(request, slug):
    consortium = _comparison_consortium(request, slug)
    years = selectors.fiscal_years(consortium=consortium)
    year = _chosen_year(request, years)
    unit = "thousand" if request.GET.get("unit") == "thousand" else "yen"
    era = "era" if request.GET.get("era") == "1" else "western"
    rows = selectors.comparison_rows(consortium=consortium, fiscal_year=year)
    filterset = ComparisonFilter(request.GET, queryset=rows)
    filtered = filterset.qs
    # Ranks are among all members, whatever is filtered; totals are of what is shown.
    stats = selectors.comparison_stats(rows)
    totals = selectors.comparison_totals(filtered) if filterset.form.has_changed() else stats.totals
    table = ComparisonTable(filtered, unit=unit)
    paginate = {"per_page": 50, "paginator_class": KnownCountPaginator, "count": totals.members}
    RequestConfig(request, paginate=paginate).configure(table)
    table.ranks, table.totals = stats.ranks, totals
    return render(request, "costs/comparison.html", {
        "consortium": consortium,
        "years": years,
        "year": year,
        "unit": unit,
        "era": era,
        "filter": filterset,
        "table": table,
        "totals": totals,
        "access": access_for(request.user),
    })


def cost_comparison_export(request, slug, fmt):
    consortium = _comparison_consortium(request, slug)
    year = _chosen_year(request, selectors.fiscal_years(consortium=consortium))
    all_rows = selectors.comparison_rows(consortium=consortium, fiscal_year=year)
    ranks = selectors.comparison_stats(all_rows).ranks
    rows = ComparisonFilter(request.GET, queryset=all_rows).qs.order_by("-cost_per_resident", "body__code")
    records = exports.comparison_records(rows, ranks, dict(ParticipationStatus.choices))
    filename = f"{consortium.slug}-costs-{year}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(exports.comparison_headers(), records), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    else:
        content = exports.to_xlsx(exports.comparison_headers(), records, title=str(year))
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _body_for(request, code) -> MemberBody:
    return get_object_or_404(MemberBody.objects.for_user(request.user), code=code)


def _require_cost_editor(request, body: MemberBody) -> None:
    access = access_for(request.user)
    if access.is_own_body(body.pk) and access.may_edit_own_survey:
        return
    if any(access.manages(cid) for cid in body.participations.values_list("consortium_id", flat=True)):
        return
    raise PermissionDenied


def body_costs(request, code):
    body = _body_for(request, code)
    years = selectors.body_cost_years(body=body)
    year = _year_param(request) or (years[0][0] if years else None)
    records = selectors.body_costs(body=body, fiscal_year=year) if year else []
    return render(request, "costs/body_costs.html", {
        "body": body, "years": years, "year": year, "records": records,
    })


def body_costs_edit(request, code, year):
    body = _body_for(request, code)
    _require_cost_editor(request, body)
    queryset = selectors.body_costs(body=body, fiscal_year=year)
    formset = CostRecordFormSet(request.POST or None, queryset=queryset, prefix="costs")
    if request.method == "POST" and formset.is_valid():
        try:
            services.cost_records_save(body=body, fiscal_year=year, formset=formset)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            return redirect(f"{reverse('body_costs', args=[body.code])}?fy={year}")
    return render(request, "costs/body_costs_edit.html", {
        "body": body, "year": year, "formset": formset, "formset_helper": CostFormSetHelper(),
    })
