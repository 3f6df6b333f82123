from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.accounts.access import access_for
from apps.allocation import engine, selectors, services
from apps.allocation.charts import savings_chart
from apps.allocation.exports import result_sheet
from apps.allocation.forms import GuaranteesForm, PlanForm, PoolFormSet, PreviewForm, ScenarioFormSet
from apps.allocation.models import AllocationPlan
from apps.allocation.presentation import result_rows, scenario_table
from apps.allocation.refusals import refusal_text
from apps.core.formatting import names_joined
from apps.core.pagination import query_without_page
from apps.core.refusals import show_refusal
from apps.costs.exports import to_csv
from apps.members.models import MemberBody
from apps.members.views import consortium_for


def _plan_for(request, pk, *, manage: bool = False) -> AllocationPlan:
    plan = get_object_or_404(AllocationPlan.objects.for_user(request.user).select_related("consortium"), pk=pk)
    if manage and not access_for(request.user).manages(plan.consortium_id):
        raise PermissionDenied
    return plan


def _editable(request, pk) -> AllocationPlan:
    plan = _plan_for(request, pk, manage=True)
    if plan.is_published:
        raise PermissionDenied(_("A published plan cannot be changed."))
    return plan


def plan_list(request, slug):
    consortium = consortium_for(request, slug, oversee=False)
    return render(request, "allocation/plan_list.html", {
        "consortium": consortium,
        "plans": selectors.plans_for(user=request.user, consortium=consortium),
        "may_manage": access_for(request.user).manages(consortium.pk),
    })


def plan_create(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(consortium=consortium, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan created with every member in council, declared or live. Add its "
                                        "pools."))
            return redirect("plan_pools", pk=plan.pk)
    return render(request, "allocation/plan_form.html", {"consortium": consortium, "form": form})


def _computed(plan, engine_input=None):
    """The result rows and chart, or the engine's refusal message. ``engine_input``: a
    preview's; else a published plan's frozen result, or a draft's worked out now."""
    try:
        if engine_input is None and plan.is_published:
            inputs, result = selectors.published_inputs(plan), plan.frozen_results
        else:
            inputs = engine_input if engine_input is not None else services.plan_engine_input(plan)
            result = engine.result_to_json(engine.allocate(inputs))
    except engine.AllocationError as error:
        return {"error": refusal_text(error, selectors.member_names(plan))}
    pool_names = [pool.name for pool in inputs.pools]
    rows = result_rows(result, selectors.member_names(plan), pool_names=pool_names,
                       populations={member.code: member.population for member in inputs.members},
                       population_dates=selectors.population_dates(plan, inputs))
    # The guarantee's excess is shared by the members outside it: one without a current cost
    # (outside it perforce) took 148 million of a 200 million pool at 90 %, unremarked.
    outside = {member.code for member in inputs.members if not member.guaranteed}
    burdened = [row for row in rows if row["code"] in outside and (row["adjustment"] or 0) > 0]
    return {"result": result, "rows": rows, "pool_names": pool_names, "chart": savings_chart(rows),
            "burdened": burdened}


# What a town reads of the other members until the secretariat publishes the named
# comparison: their shares (the plan is published to every member), not their current
# costs, nor the savings and ratios that give those away.
WITHHELD_UNTIL_COMPARISON = ("current_cost", "saving", "saving_ratio", "adjustment")


def _withheld_from(request, plan) -> str | None:
    """The reader's own member code if the other members' costs and savings are withheld
    from them; None if they read everything (the secretariat, observers, or every
    member once the comparison is published)."""
    access = access_for(request.user)
    if access.oversees(plan.consortium_id) or plan.consortium.comparison_published:
        return None
    return MemberBody.objects.filter(pk=access.body_id).values_list("code", flat=True).first() or ""


def _withhold(row: dict, own: str) -> dict:
    return row if row["code"] == own else {**row, **dict.fromkeys(WITHHELD_UNTIL_COMPARISON)}


RESULT_ROWS_PER_PAGE = 50


def _paged(request, computed: dict) -> dict:
    """A page of the result's rows, with their chart (a national council's 1,741 rows and
    bars made the page 1 MB); the total, and the members the guarantee burdens, stay of
    every member. A town opens on the page with its own row; the CSV has every row."""
    if "rows" not in computed:
        return computed
    page = _rows_page(request, computed["rows"])
    # A town's chart, whose other bars are withheld, is its own bar whatever the page.
    chart = computed["chart"] if computed.get("withheld") else savings_chart(page.object_list)
    return {**computed, "rows": page.object_list, "chart": chart, "page": page,
            "query": query_without_page(request.GET)}


def _rows_page(request, rows: list[dict]):
    """The page asked for of a result's rows (one per member, by code); a town's first page
    is the one with its own row."""
    number = request.GET.get("page")
    own = _own_code(request) if number is None else None
    if own:
        number = next((index // RESULT_ROWS_PER_PAGE + 1 for index, row in enumerate(rows) if row["code"] == own), 1)
    return Paginator(rows, RESULT_ROWS_PER_PAGE).get_page(number)


def _own_code(request) -> str | None:
    access = access_for(request.user)
    if not access.is_member_user:
        return None
    return MemberBody.objects.filter(pk=access.body_id).values_list("code", flat=True).first()


def _as_read_by(request, plan, computed: dict) -> dict:
    own = _withheld_from(request, plan) if "rows" in computed else None
    if own is None:
        return computed
    rows = [_withhold(row, own) for row in computed["rows"]]
    return {**computed, "rows": rows, "chart": savings_chart([row for row in rows if row["code"] == own]),
            "withheld": True, "burdened": []}


def plan_detail(request, pk):
    plan = _plan_for(request, pk)
    return render(request, "allocation/plan_detail.html", {
        "plan": plan,
        "consortium": plan.consortium,
        "pools": plan.pools.prefetch_related("business_systems", "bodies"),
        "may_manage": access_for(request.user).manages(plan.consortium_id),
        "preview_form": PreviewForm(),
        # Named where the guarantee is stated: «every member» would not be true.
        "left_out": list(plan.members.filter(guaranteed=False).order_by("body__code").values_list("body__name",
                                                                                                 flat=True)),
        "plan_members": list(plan.members.select_related("body").order_by("body__code")),
        # A draft's members against the council's now (they are taken when the plan is made).
        "members_difference": selectors.plan_members_difference(plan) if not plan.is_published else None,
        **_paged(request, _as_read_by(request, plan, _computed(plan))),
    })


def plan_preview(request, pk):
    """The result under a guarantee or equal ratio typed but not saved (htmx partial)."""
    plan = _plan_for(request, pk, manage=True)
    form = PreviewForm(request.GET)
    if not form.is_valid():
        # Said, not ignored: the saved plan's result under a figure typed wrong would read
        # as the answer to that figure.
        problems = [f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()]
        return render(request, "allocation/_result.html", {"plan": plan, "input_error": " ".join(problems)})
    engine_input = services.plan_engine_input(plan)
    if form.cleaned_data["no_guarantee"]:
        engine_input = replace(engine_input, guarantee=None)
    elif form.cleaned_data["guarantee"] is not None:
        engine_input = replace(engine_input, guarantee=form.cleaned_data["guarantee"])
    equal = form.cleaned_data["equal_ratio"]
    if equal is not None:
        engine_input = replace(engine_input, pools=tuple(
            replace(pool, equal_ratio=equal, population_ratio=1 - equal) for pool in engine_input.pools))
    # Not the saved plan's: no CSV of it is offered beside it.
    return render(request, "allocation/_result.html", {"plan": plan, "previewing": True,
                                                       "previewed_guarantee": engine_input.guarantee,
                                                       **_paged(request, _computed(plan, engine_input))})


def plan_result_csv(request, pk):
    """The plan's result per member as on its page, for a spreadsheet: to a town, what the
    page shows it (the other members' costs and savings withheld until the comparison is
    published)."""
    plan = _plan_for(request, pk)
    computed = _as_read_by(request, plan, _computed(plan))
    if "rows" not in computed:
        raise Http404(computed.get("error", ""))
    headers, records = result_sheet(computed["rows"], computed["pool_names"])
    response = HttpResponse(to_csv(headers, records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-{plan.fiscal_year}.csv"'
    return response


def plan_edit(request, pk):
    plan = _editable(request, pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("plan_detail", pk=plan.pk)
    return render(request, "allocation/plan_form.html", {"consortium": plan.consortium, "form": form, "plan": plan})


def plan_guarantees(request, pk):
    """Which members the minimum saving is guaranteed to, with each one's current cost:
    a member without one cannot be guaranteed, and the engine says so."""
    plan = _editable(request, pk)
    members = list(plan.members.select_related("body").order_by("body__code"))
    form = GuaranteesForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_guarantees_set(plan=plan, guaranteed_body_ids=form.guaranteed_body_ids())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("plan_detail", pk=plan.pk)
    costs = services.plan_member_costs(plan)
    return render(request, "allocation/plan_guarantees.html", {
        "plan": plan, "consortium": plan.consortium, "form": form,
        "rows": [(member, costs.get(member.body_id), tick) for member, tick in form.rows()]})


def plan_pools(request, pk):
    plan = _editable(request, pk)
    formset = PoolFormSet(request.POST or None, instance=plan, form_kwargs={"plan": plan})
    if request.method == "POST" and formset.is_valid():
        formset.save()
        return redirect("plan_detail", pk=plan.pk)
    return render(request, "allocation/plan_pools.html", {"plan": plan, "formset": formset})


def plan_scenarios(request, pk):
    plan = _plan_for(request, pk)
    may_manage = access_for(request.user).manages(plan.consortium_id) and not plan.is_published
    formset = None
    if may_manage:
        formset = ScenarioFormSet(request.POST or None, instance=plan)
        if request.method == "POST" and formset.is_valid():
            formset.save()
            return redirect("plan_scenarios", pk=plan.pk)
    elif request.method == "POST":
        raise PermissionDenied
    table = scenario_table(services.scenario_results(plan), selectors.member_names(plan))
    own = _withheld_from(request, plan)
    if own is not None:
        table["rows"] = [{**_withhold(row, own), "cells": [cell and _withhold(cell, own) for cell in row["cells"]]}
                         for row in table["rows"]]
    # Members down the side, a page at a time as on the plan's page; each column's total of all.
    page = _rows_page(request, table["rows"])
    table["rows"] = page.object_list
    return render(request, "allocation/plan_scenarios.html", {
        "plan": plan, "formset": formset, "table": table, "withheld": own is not None, "page": page,
        "query": query_without_page(request.GET),
    })


def plan_publish(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = _editable(request, pk)
    try:
        services.plan_publish(plan=plan, by=request.user)
    except engine.AllocationError as error:
        messages.error(request, _("The plan cannot be published: %(reason)s")
                       % {"reason": refusal_text(error, selectors.member_names(plan))})
    except ValidationError as error:
        messages.error(request, _("The plan cannot be published: %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        messages.success(request, _("Published. The plan is now frozen and visible to members."))
    return redirect("plan_detail", pk=plan.pk)


def plan_members_sync(request, pk):
    """Bring a draft's members up to the council's current members."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = _editable(request, pk)
    try:
        added, removed = services.plan_members_sync(plan=plan)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        if added or removed:
            messages.success(request, _("The plan's members are the council's now. Added: %(added)s. Removed: "
                                        "%(removed)s.") % {"added": names_joined(added) or "—",
                                                            "removed": names_joined(removed) or "—"})
        else:
            messages.info(request, _("The plan's members are already the council's."))
    return redirect("plan_detail", pk=plan.pk)


def plan_revise(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = _plan_for(request, pk, manage=True)
    try:
        draft, made = services.plan_revise(plan=plan)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("plan_detail", pk=plan.pk)
    if made:
        messages.success(request, _("A new draft was created; it will supersede the published plan."))
    else:
        messages.info(request, _("This plan's revision is already being drafted: here it is."))
    return redirect("plan_detail", pk=draft.pk)
