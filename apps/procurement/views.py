from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.access import access_for
from apps.core.forms import add_service_errors, errors_named
from apps.core.formatting import fiscal_year_on_screen as fiscal_year_label
from apps.core.refusals import attempted
from apps.members.views import consortium_for
from apps.procurement import ocds, selectors, services
from apps.procurement.forms import (CaseForm, CriterionForm, EvaluationForm, GridForm, ProposalExclusionForm,
                                    ProposalForm, ProposalPriceForm, RfiResponseChangeForm, RfiResponseForm,
                                    RfiRoundForm, SelectionForm, StageForm, VendorForm)
from apps.procurement.models import (SCORING_CLOSED, SELECTION_RECORDED, Criterion, Evaluation, ProcurementCase,
                                     Proposal, ProposalStatus, RfiResponse, RfiRound, Vendor)


# The price score as apps.procurement.scoring computes it, in words for the evaluation page.
PRICE_FORMULA = gettext_lazy("the price points' maximum × the lowest price ÷ the proposal's price")


def _in_scope(request, queryset, pk, *, manage: bool = False):
    """An object of a consortium the user reaches (else 404) that the user may read, or
    with ``manage`` change (else 403): procurement is the secretariat's, observers read."""
    found = get_object_or_404(queryset.in_scope_of(request.user), pk=pk)
    access = access_for(request.user)
    if not (access.manages if manage else access.oversees)(found.scope_consortium_id):
        raise PermissionDenied
    return found


def _case_for(request, pk, *, manage: bool = False) -> ProcurementCase:
    return _in_scope(request, ProcurementCase.objects.select_related("consortium"), pk, manage=manage)


def _round_for(request, pk, *, manage: bool = False) -> RfiRound:
    return _in_scope(request, RfiRound.objects.select_related("case__consortium"), pk, manage=manage)


def _evaluation_for(request, pk, *, manage: bool = False, open_only: bool = False) -> Evaluation:
    evaluation = _in_scope(request, Evaluation.objects.select_related(
        "case__consortium", "selected_proposal__vendor", "scoring_closed_by", "selected_by"), pk, manage=manage)
    if open_only and evaluation.is_closed:
        raise PermissionDenied(SCORING_CLOSED)
    return evaluation


def _page(request, template: str, consortium, **context):
    return render(request, f"procurement/{template}", {
        "consortium": consortium, "tab": "procurement",
        "may_manage": access_for(request.user).manages(consortium.pk), **context})


def _form_page(request, form, *, save, done, heading: str, consortium, back: str, back_label: str,
               template: str = "form.html", **context):
    """Bind, save through ``save()`` (a service call), then go to ``done(result)``; a
    refusal from the service is shown on the form, nothing written."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(done(result))
    return _page(request, template, consortium, form=form, heading=heading, back=back, back_label=back_label,
                 **context)




def case_list(request, slug):
    consortium = consortium_for(request, slug)
    return _page(request, "case_list.html", consortium, sub="cases",
                 cases=selectors.cases_for(user=request.user, consortium=consortium))


def case_create(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    form = CaseForm(request.POST or None)
    return _form_page(
        request, form, heading=_("New procurement case"), consortium=consortium,
        back=reverse("procurement_list", args=[slug]), back_label=consortium.name,
        save=lambda: services.case_create(consortium=consortium, by=request.user, **form.cleaned_data),
        done=lambda case: reverse("procurement_detail", args=[case.pk]))


def vendor_list(request, slug):
    consortium = consortium_for(request, slug)
    return _page(request, "vendor_list.html", consortium, sub="vendors",
                 vendors=selectors.vendors_for(user=request.user))


def vendor_create(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    form = VendorForm(request.POST or None)
    return _form_page(
        request, form, heading=_("New vendor"), consortium=consortium,
        back=reverse("vendor_list", args=[slug]), back_label=_("Vendors"),
        save=lambda: services.vendor_create(**form.cleaned_data),
        done=lambda vendor: reverse("vendor_list", args=[slug]))


def vendor_edit(request, slug, pk):
    consortium = consortium_for(request, slug, manage=True)
    vendor = get_object_or_404(Vendor.objects.for_user(request.user), pk=pk)
    form = VendorForm(request.POST or None, instance=vendor)
    return _form_page(
        request, form, heading=_("Vendor: %(name)s") % {"name": vendor.name}, consortium=consortium,
        back=reverse("vendor_list", args=[slug]), back_label=_("Vendors"),
        save=lambda: services.vendor_update(vendor=vendor, **form.cleaned_data),
        done=lambda _vendor: reverse("vendor_list", args=[slug]))


def case_detail(request, pk):
    case = _case_for(request, pk)
    return _page(request, "case_detail.html", case.consortium, case=case,
                 history=selectors.stage_history(user=request.user, case=case),
                 rfi_rounds=selectors.rfi_rounds_for(user=request.user, case=case),
                 evaluation=selectors.case_evaluation(user=request.user, case=case))


def case_edit(request, pk):
    case = _case_for(request, pk, manage=True)
    form = CaseForm(request.POST or None, instance=case)
    back = reverse("procurement_detail", args=[pk])
    return _form_page(
        request, form, heading=case.title, consortium=case.consortium, back=back, back_label=case.title,
        save=lambda: services.case_update(case=case, **form.cleaned_data), done=lambda _case: back)


def case_stage(request, pk):
    case = _case_for(request, pk, manage=True)
    form = StageForm(request.POST or None, initial={"stage": case.stage, "on": timezone.localdate()})
    return _form_page(
        request, form, heading=_("Change the stage"), consortium=case.consortium,
        back=reverse("procurement_detail", args=[pk]), back_label=case.title,
        save=lambda: services.case_set_stage(case=case, by=request.user, **form.cleaned_data),
        done=lambda case: reverse("procurement_detail", args=[pk]))


def case_ocds(request, slug, pk):
    consortium = consortium_for(request, slug)
    case = get_object_or_404(ProcurementCase.objects.for_user(request.user).filter(consortium=consortium)
                             .select_related("consortium"), pk=pk)
    proposals, evaluation, systems, stages_reached = selectors.case_ocds(user=request.user, case=case)
    package = ocds.release_package(case=case, evaluation=evaluation, proposals=proposals, systems=systems,
                                   stages_reached=stages_reached,
                                   uri=request.build_absolute_uri(), prefix=settings.OCDS_PREFIX,
                                   published=timezone.now())
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})


def rfi_create(request, pk):
    case = _case_for(request, pk, manage=True)
    this_year = timezone.localdate().year - (1 if timezone.localdate().month < 4 else 0)
    form = RfiRoundForm(request.POST or None, vendors=selectors.vendors_for(user=request.user), initial={
        "issued_on": timezone.localdate(), "first_fiscal_year": this_year + 1, "last_fiscal_year": this_year + 1,
        "cost_fiscal_year": this_year})
    return _form_page(
        request, form, heading=_("New RFI round"), consortium=case.consortium,
        back=reverse("procurement_detail", args=[pk]), back_label=case.title,
        save=lambda: services.rfi_round_create(case=case, **form.cleaned_data),
        done=lambda rfi_round: reverse("rfi_detail", args=[rfi_round.pk]))


def rfi_edit(request, pk):
    rfi_round = _round_for(request, pk, manage=True)
    form = RfiRoundForm(request.POST or None, instance=rfi_round, vendors=selectors.vendors_for(user=request.user))
    return _form_page(
        request, form, heading=_("Correct or extend the RFI round"), consortium=rfi_round.case.consortium,
        back=reverse("rfi_detail", args=[pk]), back_label=str(rfi_round),
        save=lambda: services.rfi_round_update(rfi_round=rfi_round, **form.cleaned_data),
        done=lambda rfi_round: reverse("rfi_detail", args=[rfi_round.pk]))


def rfi_detail(request, pk):
    rfi_round = _round_for(request, pk)
    try:
        year = int(request.GET.get("fy", ""))
    except ValueError:
        year = None
    return _page(request, "rfi_detail.html", rfi_round.case.consortium, rfi_round=rfi_round, case=rfi_round.case,
                 invited=rfi_round.invited.order_by("name"),
                 comparison=selectors.quote_comparison(user=request.user, rfi_round=rfi_round,
                                                       consortium=rfi_round.case.consortium, fiscal_year=year))


def rfi_response_create(request, pk):
    rfi_round = _round_for(request, pk, manage=True)
    awaited = rfi_round.invited.exclude(rfi_responses__rfi_round=rfi_round).order_by("name")
    form = RfiResponseForm(request.POST or None, vendors=awaited, initial={"received_on": timezone.localdate()})
    return _form_page(
        request, form, heading=_("Record a response"), consortium=rfi_round.case.consortium,
        back=reverse("rfi_detail", args=[pk]), back_label=str(rfi_round),
        save=lambda: services.rfi_response_record(rfi_round=rfi_round, **form.cleaned_data),
        done=lambda response: reverse("quote_entry", args=[response.pk]))


def _response_for(request, pk) -> RfiResponse:
    return _in_scope(request, RfiResponse.objects.select_related("vendor", "rfi_round__case__consortium"), pk,
                     manage=True)


def rfi_response_edit(request, pk):
    response = _response_for(request, pk)
    form = RfiResponseChangeForm(request.POST or None,
                                 initial={"received_on": response.received_on, "summary": response.summary})
    return _form_page(
        request, form, heading=_("Response of %(vendor)s") % {"vendor": response.vendor},
        consortium=response.rfi_round.case.consortium,
        back=reverse("rfi_detail", args=[response.rfi_round_id]), back_label=str(response.rfi_round),
        save=lambda: services.rfi_response_update(response=response, **form.cleaned_data),
        done=lambda response: reverse("rfi_detail", args=[response.rfi_round_id]))


@require_POST
def rfi_response_delete(request, pk):
    response = _response_for(request, pk)
    if attempted(request, lambda: services.rfi_response_delete(response=response)):
        messages.success(request, _("The response of %(vendor)s and its quotes were removed.")
                         % {"vendor": response.vendor})
    return redirect("rfi_detail", pk=response.rfi_round_id)


def quote_entry(request, pk):
    response = _response_for(request, pk)
    rfi_round = response.rfi_round
    consortium = rfi_round.case.consortium
    form = GridForm(request.POST or None, current=selectors.response_quotes(response=response),
                    rows=[(system.pk, system.name) for system in selectors.quotable_systems(consortium=consortium)],
                    columns=[(year, fiscal_year_label(year), None) for year in rfi_round.fiscal_years],
                    rows_heading=_("Business system"))
    return _form_page(
        request, form, template="grid_form.html", consortium=consortium,
        heading=_("Indicative quotes of %(vendor)s (yen)") % {"vendor": response.vendor},
        back=reverse("rfi_detail", args=[rfi_round.pk]), back_label=str(rfi_round),
        save=lambda: services.quotes_record(response=response, amounts=form.values()),
        done=lambda kept: reverse("rfi_detail", args=[rfi_round.pk]))


def evaluation_setup(request, pk):
    case = _case_for(request, pk, manage=True)
    evaluation = Evaluation.objects.filter(case=case).first()
    if evaluation and evaluation.is_closed:
        raise PermissionDenied(SCORING_CLOSED)
    initial = ({"price_points_max": evaluation.price_points_max, "evaluators": evaluation.evaluators.all()}
               if evaluation else {"price_points_max": 30})
    form = EvaluationForm(request.POST or None, initial=initial,
                          choices=selectors.evaluator_choices(consortium=case.consortium, evaluation=evaluation),
                          eligible=selectors.eligible_evaluators(consortium=case.consortium),
                          balance_fixed=bool(evaluation) and selectors.scoring_begun(evaluation=evaluation))
    return _form_page(
        request, form, heading=_("Evaluation: points and evaluators"), consortium=case.consortium,
        back=reverse("procurement_detail", args=[pk]), back_label=case.title,
        save=lambda: services.evaluation_setup(case=case, price_points_max=form.cleaned_data["price_points_max"],
                                               evaluators=list(form.cleaned_data["evaluators"])),
        done=lambda evaluation: reverse("evaluation_detail", args=[evaluation.pk]))


def evaluation_detail(request, pk):
    evaluation = _evaluation_for(request, pk)
    view = selectors.evaluation_view(user=request.user, evaluation=evaluation)
    selection = SelectionForm(proposals=evaluation.proposals.filter(status=ProposalStatus.ACTIVE)
                              .select_related("vendor"))
    manages = access_for(request.user).manages(evaluation.case.consortium_id)
    return _page(request, "evaluation_detail.html", evaluation.case.consortium, evaluation=evaluation,
                 case=evaluation.case, view=view, selection_form=selection, price_formula=PRICE_FORMULA,
                 is_evaluator=any(evaluator.pk == request.user.pk for evaluator in view.evaluators),
                 # Criteria and proposals are corrected or removed only while scoring is open; a
                 # withdrawal or disqualification is recorded until the selection.
                 editable=not evaluation.is_closed and manages, may_exclude=not evaluation.is_selected and manages)


def _evaluation_form(request, pk, form_class, *, heading, save, form_kwargs):
    evaluation = _evaluation_for(request, pk, manage=True, open_only=True)
    form = form_class(request.POST or None, **form_kwargs(evaluation))
    return _form_page(
        request, form, heading=heading, consortium=evaluation.case.consortium,
        back=reverse("evaluation_detail", args=[pk]), back_label=str(evaluation),
        save=lambda: save(evaluation, form.cleaned_data),
        done=lambda _result: reverse("evaluation_detail", args=[pk]))


def criterion_add(request, pk):
    return _evaluation_form(
        request, pk, CriterionForm, heading=_("Add a criterion"),
        form_kwargs=lambda evaluation: {"instance": Criterion(evaluation=evaluation)},
        save=lambda evaluation, data: services.criterion_add(evaluation=evaluation, **data))


def proposal_add(request, pk):
    return _evaluation_form(
        request, pk, ProposalForm, heading=_("Add a proposal"),
        form_kwargs=lambda evaluation: {"instance": Proposal(evaluation=evaluation),
                                        "vendors": selectors.vendors_for(user=request.user)},
        save=lambda evaluation, data: services.proposal_add(evaluation=evaluation, **data))


def _evaluation_part_for(request, model, pk):
    """A criterion or proposal of an evaluation the user manages, while scoring is open."""
    part = _in_scope(request, model.objects.select_related("evaluation__case__consortium"), pk, manage=True)
    if part.evaluation.is_closed:
        raise PermissionDenied(SCORING_CLOSED)
    return part


def _evaluation_part_form(request, part, form, *, heading, save):
    evaluation = part.evaluation
    back = reverse("evaluation_detail", args=[evaluation.pk])
    return _form_page(request, form, heading=heading, consortium=evaluation.case.consortium, back=back,
                      back_label=str(evaluation), save=save, done=lambda _result: back)


def criterion_edit(request, pk):
    criterion = _evaluation_part_for(request, Criterion, pk)
    form = CriterionForm(request.POST or None, instance=criterion)
    return _evaluation_part_form(request, criterion, form, heading=str(criterion),
                                 save=lambda: services.criterion_update(criterion=criterion, **form.cleaned_data))


def proposal_edit(request, pk):
    proposal = _evaluation_part_for(request, Proposal, pk)
    form = ProposalPriceForm(request.POST or None, instance=proposal)
    return _evaluation_part_form(
        request, proposal, form, heading=_("Proposal of %(vendor)s") % {"vendor": proposal.vendor.name},
        save=lambda: services.proposal_update(proposal=proposal, **form.cleaned_data))


def _remove(request, part, remove):
    if attempted(request, remove):
        messages.success(request, _("Removed: %(part)s.") % {"part": part})
    return redirect("evaluation_detail", pk=part.evaluation_id)


def proposal_exclude(request, pk):
    proposal = _in_scope(request, Proposal.objects.select_related("vendor", "evaluation__case__consortium"), pk,
                         manage=True)
    if proposal.evaluation.is_selected:
        raise PermissionDenied(SELECTION_RECORDED)
    form = ProposalExclusionForm(request.POST or None)
    return _evaluation_part_form(
        request, proposal, form, heading=_("Withdrawn or disqualified: %(vendor)s") % {"vendor": proposal.vendor.name},
        save=lambda: services.proposal_exclude(proposal=proposal, by=request.user, **form.cleaned_data))


@require_POST
def criterion_delete(request, pk):
    criterion = _evaluation_part_for(request, Criterion, pk)
    return _remove(request, criterion, lambda: services.criterion_delete(criterion=criterion))


@require_POST
def proposal_delete(request, pk):
    proposal = _evaluation_part_for(request, Proposal, pk)
    return _remove(request, proposal, lambda: services.proposal_delete(proposal=proposal))


def evaluation_score(request, pk):
    evaluation = _evaluation_for(request, pk, open_only=True)
    if not evaluation.evaluator_rows.filter(user=request.user).exists():
        raise PermissionDenied(_("Only the evaluators of this evaluation can score it."))
    criteria = list(evaluation.criteria.order_by("number"))
    form = GridForm(request.POST or None, current=selectors.own_scores(user=request.user, evaluation=evaluation),
                    rows=[(p.pk, p.vendor.name) for p in evaluation.proposals.filter(status=ProposalStatus.ACTIVE)
                          .select_related("vendor")],
                    columns=[(c.pk, f"{c.name} (0–{c.max_points})", c.max_points) for c in criteria],
                    rows_heading=_("Vendor"))
    return _form_page(
        request, form, template="grid_form.html", consortium=evaluation.case.consortium,
        heading=_("Your scores"), back=reverse("evaluation_detail", args=[pk]), back_label=str(evaluation),
        sealed=True,
        save=lambda: services.scores_record(evaluation=evaluation, evaluator=request.user, points=form.values()),
        done=lambda kept: reverse("evaluation_detail", args=[pk]))


@require_POST
def scoring_close(request, pk):
    evaluation = _evaluation_for(request, pk, manage=True)
    if attempted(request, lambda: services.scoring_close(evaluation=evaluation, by=request.user)):
        messages.success(request, _("Scoring closed. The scores are frozen and visible to everyone with access."))
    return redirect("evaluation_detail", pk=pk)


@require_POST
def evaluation_select(request, pk):
    evaluation = _evaluation_for(request, pk, manage=True)
    form = SelectionForm(request.POST, proposals=evaluation.proposals.all())
    if not form.is_valid():
        messages.error(request, " ".join(errors_named(form)))
    elif attempted(request, lambda: services.evaluation_select(evaluation=evaluation, by=request.user,
                                                              **form.cleaned_data)):
        messages.success(request, _("Selection recorded; the case is awarded."))
        chosen = form.cleaned_data["proposal"]
        rank = next((result.ranked.rank for result in selectors.evaluation_results(user=request.user,
                                                                                  evaluation=evaluation)
                     if result.proposal.pk == chosen.pk), None)
        if rank and rank > 1:
            # Allowed (the reason says why), but said: a public body's choice against its own
            # ranking is what an auditor asks about first.
            messages.warning(request, _("The proposal selected is ranked %(rank)d, not first: the reason recorded "
                                        "is what explains it.") % {"rank": rank})
    return redirect("evaluation_detail", pk=pk)
