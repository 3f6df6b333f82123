"""Writes for procurement. Each validates before it saves; a set of rows (quotes,
scores, evaluators) is written whole or not at all.

A case walks market survey → RFI → RFP → evaluation → awarded → contract negotiation
→ closed, each step dated. Scoring is open until the secretariat closes it (every
evaluator must have scored every proposal on every criterion); from then on the model
layer refuses any change of the scores (see ``models``), and the secretariat records
the selection once.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import User
from apps.core.formatting import date_on_screen, names_joined
from apps.core.unique import save_validated
from apps.members.models import Consortium
from apps.procurement.models import (AFTER_SELECTION, NEEDS_SELECTION, SCORING_CLOSED, SELECTION_RECORDED,
                                     Criterion, Evaluation, Evaluator, IndicativeQuote, ProcurementCase, Proposal,
                                     ProposalStatus, RfiResponse, RfiRound, Score, Stage, StageChange, Vendor)
from apps.procurement.selectors import eligible_evaluators, scoring_begun

MAX_QUOTE_YEARS = 10


def _saved(instance):
    return save_validated(instance)


def vendor_create(*, name: str, corporate_number: str, address: str = "", contact: str = "",
                  email: str = "") -> Vendor:
    return _saved(Vendor(name=name, corporate_number=corporate_number, address=address, contact=contact,
                         email=email))


def vendor_update(*, vendor: Vendor, name: str, corporate_number: str, address: str = "", contact: str = "",
                  email: str = "") -> Vendor:
    """Correct a vendor's record (the register is shared: every consortium sees the change)."""
    vendor.name, vendor.corporate_number, vendor.address, vendor.contact, vendor.email = (
        name, corporate_number, address, contact, email)
    return _saved(vendor)


@transaction.atomic
def case_create(*, consortium: Consortium, title: str, notes: str = "", by: User | None = None,
                on: datetime.date | None = None) -> ProcurementCase:
    """A case at the market-survey stage, the first step of its history."""
    case = _saved(ProcurementCase(consortium=consortium, title=title, notes=notes, stage=Stage.MARKET_SURVEY))
    StageChange.objects.create(case=case, stage=case.stage, on=on or timezone.localdate(), recorded_by=by)
    return case


def case_update(*, case: ProcurementCase, title: str, notes: str = "") -> ProcurementCase:
    """Rename a case or change its notes; its stage moves only through ``case_set_stage``."""
    case.title, case.notes = title, notes
    return _saved(case)


@transaction.atomic
def case_set_stage(*, case: ProcurementCase, stage: str, by: User | None, on: datetime.date | None = None,
                   note: str = "") -> ProcurementCase:
    """Move the case to ``stage`` from ``on`` (today by default). Awarded and contract
    negotiation need a recorded selection; once it is recorded the case only moves forward
    (awarded → contract negotiation → closed): a vendor chosen stays chosen."""
    case = ProcurementCase.objects.select_for_update().get(pk=case.pk)
    on = on or timezone.localdate()
    if stage == case.stage:
        raise ValidationError({"stage": _("The case is already at this stage.")})
    selected = Evaluation.objects.filter(case=case, selected_proposal__isnull=False).exists()
    if stage in NEEDS_SELECTION and not selected:
        raise ValidationError({"stage": _("Record the selected proposal before the case is awarded.")})
    if selected:
        _refuse_going_back(case, stage)
    if on > timezone.localdate():
        # A stage recorded ahead would block every later one until that day (the award too).
        raise ValidationError({"on": _("A stage is recorded once it has begun: not on a day still ahead.")})
    last = case.stage_history.aggregate(last=Max("on"))["last"]
    if last and on < last:
        raise ValidationError({"on": _("A stage cannot start before the previous one (%(date)s).")
                               % {"date": date_on_screen(last)}})
    StageChange.objects.create(case=case, stage=stage, on=on, recorded_by=by, note=note)
    case.stage = stage
    case.save(update_fields=["stage", "updated_at"])
    return case


def _refuse_going_back(case: ProcurementCase, stage: str) -> None:
    onward = (AFTER_SELECTION[AFTER_SELECTION.index(case.stage) + 1:] if case.stage in AFTER_SELECTION
              else AFTER_SELECTION)
    if stage in onward:
        return
    if not onward:
        raise ValidationError({"stage": _("A vendor has been selected and the case is closed: its stage no longer "
                                          "changes.")})
    raise ValidationError({"stage": _("A vendor has been selected, so the case only moves on: to %(stages)s.")
                           % {"stages": names_joined(Stage(onward_stage).label for onward_stage in onward)}})


def _quote_years_check(first_fiscal_year: int, last_fiscal_year: int) -> None:
    if last_fiscal_year - first_fiscal_year + 1 > MAX_QUOTE_YEARS:
        raise ValidationError({"last_fiscal_year": _("Quotes can be asked for at most %(years)d fiscal years.")
                               % {"years": MAX_QUOTE_YEARS}})


@transaction.atomic
def rfi_round_create(*, case: ProcurementCase, title: str, issued_on: datetime.date, due_on: datetime.date,
                     first_fiscal_year: int, last_fiscal_year: int, cost_fiscal_year: int,
                     invited: list[Vendor]) -> RfiRound:
    """The case's next numbered RFI round, sent to ``invited``."""
    _quote_years_check(first_fiscal_year, last_fiscal_year)
    case = ProcurementCase.objects.select_for_update().get(pk=case.pk)
    last = case.rfi_rounds.aggregate(n=Max("number"))["n"]
    rfi_round = _saved(RfiRound(case=case, number=(last or 0) + 1, title=title, issued_on=issued_on, due_on=due_on,
                                first_fiscal_year=first_fiscal_year, last_fiscal_year=last_fiscal_year,
                                cost_fiscal_year=cost_fiscal_year))
    rfi_round.invited.set(invited)
    return rfi_round


@transaction.atomic
def rfi_round_update(*, rfi_round: RfiRound, title: str, issued_on: datetime.date, due_on: datetime.date,
                     first_fiscal_year: int, last_fiscal_year: int, cost_fiscal_year: int,
                     invited: list[Vendor]) -> RfiRound:
    """Correct a round or extend it: a later deadline, another vendor asked, other years.
    What the answers already received depend on stays: a vendor that has responded
    stays invited, a year it quoted stays in the round, and the round stays issued
    before its first response."""
    _quote_years_check(first_fiscal_year, last_fiscal_year)
    rfi_round = RfiRound.objects.select_for_update().get(pk=rfi_round.pk)
    first = (rfi_round.responses.filter(received_on__lt=issued_on).select_related("vendor")
             .order_by("received_on", "vendor__name").first())
    if first:
        raise ValidationError({"issued_on": _(
            "A response cannot arrive before the round was issued: %(vendor)s responded on %(date)s.")
            % {"vendor": first.vendor, "date": date_on_screen(first.received_on)}})
    responded = {response.vendor for response in rfi_round.responses.select_related("vendor")}
    dropped = sorted(vendor.name for vendor in responded - set(invited))
    if dropped:
        raise ValidationError({"invited": _("%(vendors)s already responded, so they stay invited.")
                               % {"vendors": names_joined(dropped)}})
    quoted_years = set(IndicativeQuote.objects.filter(response__rfi_round=rfi_round)
                       .values_list("fiscal_year", flat=True))
    outside = sorted(year for year in quoted_years if not first_fiscal_year <= year <= last_fiscal_year)
    if outside:
        raise ValidationError({"first_fiscal_year" if outside[0] < first_fiscal_year else "last_fiscal_year": _(
            "Quotes are recorded for fiscal years %(years)s: keep them in the round, or clear those quotes first.")
            % {"years": ", ".join(str(year) for year in outside)}})
    rfi_round.title, rfi_round.issued_on, rfi_round.due_on = title, issued_on, due_on
    rfi_round.first_fiscal_year, rfi_round.last_fiscal_year = first_fiscal_year, last_fiscal_year
    rfi_round.cost_fiscal_year = cost_fiscal_year
    _saved(rfi_round)
    rfi_round.invited.set(invited)
    return rfi_round


def _received_check(rfi_round: RfiRound, received_on: datetime.date) -> None:
    if received_on < rfi_round.issued_on:
        raise ValidationError({"received_on": _("A response cannot arrive before the round was issued (%(date)s).")
                               % {"date": date_on_screen(rfi_round.issued_on)}})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("A response cannot be received on a day still ahead.")})


def rfi_response_record(*, rfi_round: RfiRound, vendor: Vendor, received_on: datetime.date,
                        summary: str = "") -> RfiResponse:
    """An invited vendor's answer to the round (one per vendor)."""
    _received_check(rfi_round, received_on)
    if not rfi_round.invited.filter(pk=vendor.pk).exists():
        raise ValidationError({"vendor": _("%(vendor)s was not invited to this round.") % {"vendor": vendor}})
    return save_validated(
        RfiResponse(rfi_round=rfi_round, vendor=vendor, received_on=received_on, summary=summary),
        taken=RfiResponse.objects.filter(rfi_round=rfi_round, vendor=vendor),
        refusal=ValidationError({"vendor": _("%(vendor)s has already responded.") % {"vendor": vendor}}))


def rfi_response_update(*, response: RfiResponse, received_on: datetime.date, summary: str = "") -> RfiResponse:
    """Correct when a response arrived and its summary (the vendor is what it is: a
    response recorded under the wrong vendor is removed and recorded again)."""
    _received_check(response.rfi_round, received_on)
    response.received_on, response.summary = received_on, summary
    return _saved(response)


@transaction.atomic
def rfi_response_delete(*, response: RfiResponse) -> None:
    """Remove a response and its quotes, each removal in the audit trail."""
    for quote in response.quotes.select_related("response__rfi_round__case"):
        quote.delete()
    response.delete()


@transaction.atomic
def quotes_record(*, response: RfiResponse, amounts: dict[tuple[int, int], int | None]) -> int:
    """Replace the response's quotes with ``amounts``: (business system id, fiscal year)
    → yen; an empty amount removes the quote. Returns the number of quotes kept."""
    years = set(response.rfi_round.fiscal_years)
    outside = sorted({year for _system, year in amounts if year not in years})
    if outside:
        raise ValidationError(_("Fiscal years outside this round: %(years)s.")
                              % {"years": ", ".join(str(year) for year in outside)})
    kept = {key: amount for key, amount in amounts.items() if amount is not None}
    for (system_id, year), amount in kept.items():
        IndicativeQuote.objects.update_or_create(response=response, business_system_id=system_id, fiscal_year=year,
                                                 defaults={"amount": amount})
    emptied = [key for key, amount in amounts.items() if amount is None]
    for system_id, year in emptied:
        IndicativeQuote.objects.filter(response=response, business_system_id=system_id, fiscal_year=year).delete()
    return len(kept)


def _open(evaluation: Evaluation) -> Evaluation:
    """The evaluation, locked, if its scoring is still open."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_closed:
        raise ValidationError(SCORING_CLOSED)
    return evaluation


@transaction.atomic
def evaluation_setup(*, case: ProcurementCase, price_points_max: int, evaluators: list[User]) -> Evaluation:
    """Create or change the case's evaluation and choose its evaluators, who must be
    the consortium's secretariat. An evaluator who has entered scores stays: taken off,
    they would take their sealed scores with them, unseen by anyone. One who has left
    the secretariat since being chosen may stay too."""
    ProcurementCase.objects.select_for_update().filter(pk=case.pk).first()  # a double click sets up one evaluation
    evaluation = Evaluation.objects.filter(case=case).first()
    if evaluation is not None:
        evaluation = _open(evaluation)
    current = set(evaluation.evaluator_rows.values_list("user_id", flat=True)) if evaluation else set()
    eligible = set(eligible_evaluators(consortium=case.consortium).values_list("pk", flat=True))
    strangers = sorted(str(user) for user in evaluators if user.pk not in eligible | current)
    if strangers:
        raise ValidationError({"evaluators": _("Not secretariat of this consortium: %(names)s")
                               % {"names": names_joined(strangers)}})
    chosen = {user.pk for user in evaluators}
    if evaluation is None:
        evaluation = Evaluation(case=case)
    else:
        _refuse_removing_scorers(evaluation, current - chosen)
        if price_points_max != evaluation.price_points_max and scoring_begun(evaluation=evaluation):
            raise ValidationError({"price_points_max": _(
                "Scoring has begun, so the balance of technical and price points is fixed: the price points can "
                "no longer change.")})
    evaluation.price_points_max = price_points_max
    _saved(evaluation)
    Evaluator.objects.filter(evaluation=evaluation).exclude(user_id__in=chosen).delete()
    for user_id in chosen:
        Evaluator.objects.get_or_create(evaluation=evaluation, user_id=user_id)
    return evaluation


def _refuse_removing_scorers(evaluation: Evaluation, removed: set[int]) -> None:
    # How many scores each has entered is on the evaluation page already; the points stay sealed.
    counts = list(Score.objects.filter(proposal__evaluation=evaluation, evaluator_id__in=removed)
                  .values("evaluator").annotate(n=Count("id")).values_list("evaluator", "n"))
    scorers = {user.pk: user for user in User.objects.filter(pk__in=[pk for pk, _n in counts])}
    refusals = [ngettext("%(name)s has entered %(count)d score, so they stay an evaluator.",
                         "%(name)s has entered %(count)d scores, so they stay an evaluator.", n)
                % {"name": scorers[pk], "count": n} for pk, n in sorted(counts, key=lambda row: str(scorers[row[0]]))]
    if refusals:
        raise ValidationError({"evaluators": refusals})


@transaction.atomic
def criterion_add(*, evaluation: Evaluation, name: str, max_points: int) -> Criterion:
    """A criterion, added before the first score: under 総合評価 the balance of technical
    and price points is set before anyone scores, not adjusted once scores are seen."""
    evaluation = _open(evaluation)
    if scoring_begun(evaluation=evaluation):
        raise ValidationError(_("Scoring has begun, so the balance of technical and price points is fixed: "
                                "no criterion can be added."))
    last = evaluation.criteria.aggregate(n=Max("number"))["n"]
    return _saved(Criterion(evaluation=evaluation, number=(last or 0) + 1, name=name, max_points=max_points))


def _refuse_if_scored(scores, refusal: str) -> None:
    # Scores are sealed, so the refusal says only that some exist, never whose or how many.
    if scores.exists():
        raise ValidationError(refusal)


@transaction.atomic
def criterion_update(*, criterion: Criterion, name: str, max_points: int) -> Criterion:
    """Rename a criterion while scoring is open; its maximum changes only until the first
    score is entered (a score is given out of that maximum, and the maxima set the balance
    of technical and price points)."""
    evaluation = _open(criterion.evaluation)
    stored = Criterion.objects.get(pk=criterion.pk)
    if max_points != stored.max_points:
        _refuse_if_scored(Score.objects.filter(criterion=criterion), _(
            "Scores have been entered out of %(max)d points; the maximum can no longer change.")
            % {"max": stored.max_points})
        _refuse_if_scored(Score.objects.filter(proposal__evaluation=evaluation), _(
            "Scoring has begun, so the balance of technical and price points is fixed: the maximum can no "
            "longer change."))
    criterion.name, criterion.max_points = name, max_points
    return _saved(criterion)


@transaction.atomic
def criterion_delete(*, criterion: Criterion) -> None:
    """Remove a criterion before the first score; the later ones move up a number."""
    evaluation = _open(criterion.evaluation)
    _refuse_if_scored(Score.objects.filter(criterion=criterion),
                      _("Scores have been entered for this criterion; it can no longer be removed."))
    _refuse_if_scored(Score.objects.filter(proposal__evaluation=evaluation), _(
        "Scoring has begun, so the balance of technical and price points is fixed: no criterion can be removed."))
    criterion.delete()
    # One by one in ascending order, so each number is free when it is taken.
    for later in evaluation.criteria.filter(number__gt=criterion.number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number", "updated_at"])


@transaction.atomic
def proposal_update(*, proposal: Proposal, price: int) -> Proposal:
    """Correct the price of a proposal while scoring is open (it only enters the price score)."""
    _open(proposal.evaluation)
    proposal.price = price
    return _saved(proposal)


@transaction.atomic
def proposal_delete(*, proposal: Proposal) -> None:
    """Remove a proposal nobody has scored yet (entered by mistake, or withdrawn early)."""
    _open(proposal.evaluation)
    _refuse_if_scored(Score.objects.filter(proposal=proposal),
                      _("Scores have been entered for this proposal; it can no longer be removed."))
    proposal.delete()


@transaction.atomic
def proposal_exclude(*, proposal: Proposal, status: str, reason: str, by: User) -> Proposal:
    """Record that the vendor withdrew its proposal (辞退) or was disqualified (失格), and
    why: while scoring is open or after it closes, until the selection is recorded. The
    proposal and its scores stay, out of the ranking, the selection and further scoring;
    the record is final (a vendor that withdrew does not come back into the ranking)."""
    evaluation = Evaluation.objects.select_for_update().get(pk=proposal.evaluation_id)
    proposal = Proposal.objects.select_for_update().select_related("vendor").get(pk=proposal.pk)
    if evaluation.is_selected:
        raise ValidationError(SELECTION_RECORDED)
    if status not in (ProposalStatus.WITHDRAWN, ProposalStatus.DISQUALIFIED):
        raise ValidationError({"status": _("Say whether the vendor withdrew or was disqualified.")})
    if proposal.is_excluded:
        raise ValidationError(_("%(vendor)s is already recorded as %(status)s.")
                              % {"vendor": proposal.vendor, "status": proposal.get_status_display()})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the withdrawal or disqualification.")})
    proposal.status, proposal.status_reason = status, reason.strip()
    proposal.status_recorded_at, proposal.status_recorded_by = timezone.now(), by
    return _saved(proposal)


@transaction.atomic
def proposal_add(*, evaluation: Evaluation, vendor: Vendor, price: int) -> Proposal:
    evaluation = _open(evaluation)
    if evaluation.proposals.filter(vendor=vendor).exists():
        raise ValidationError({"vendor": _("%(vendor)s already has a proposal.") % {"vendor": vendor}})
    return _saved(Proposal(evaluation=evaluation, vendor=vendor, price=price))


@transaction.atomic
def scores_record(*, evaluation: Evaluation, evaluator: User, points: dict[tuple[int, int], int | None]) -> int:
    """Replace the evaluator's own scores: (proposal id, criterion id) → points, from 0
    to the criterion's maximum; an empty entry removes the score. Returns the number kept."""
    evaluation = _open(evaluation)
    if not evaluation.evaluator_rows.filter(user=evaluator).exists():
        raise ValidationError(_("Only the evaluators of this evaluation can score it."))
    criteria = {criterion.pk: criterion for criterion in evaluation.criteria.all()}
    proposals = {proposal.pk: proposal for proposal in evaluation.proposals.select_related("vendor")}
    errors = []
    for (proposal_id, criterion_id), value in points.items():
        if proposal_id not in proposals or criterion_id not in criteria:
            errors.append(_("A score names a proposal or criterion of another evaluation."))
        elif proposals[proposal_id].is_excluded:
            errors.append(_("%(vendor)s is out of the evaluation (%(status)s): its proposal is no longer scored.")
                          % {"vendor": proposals[proposal_id].vendor,
                             "status": proposals[proposal_id].get_status_display()})
        elif value is not None and not 0 <= value <= criteria[criterion_id].max_points:
            errors.append(_("%(criterion)s: points must be between 0 and %(max)d.")
                          % {"criterion": criteria[criterion_id].name, "max": criteria[criterion_id].max_points})
    if errors:
        raise ValidationError(sorted(set(errors)))
    own = Score.objects.filter(proposal__evaluation=evaluation, evaluator=evaluator)
    kept = 0
    for (proposal_id, criterion_id), value in points.items():
        if value is None:
            own.filter(proposal_id=proposal_id, criterion_id=criterion_id).delete()
        else:
            Score.objects.update_or_create(proposal_id=proposal_id, criterion_id=criterion_id, evaluator=evaluator,
                                           defaults={"points": value})
            kept += 1
    return kept


@transaction.atomic
def scoring_close(*, evaluation: Evaluation, by: User) -> Evaluation:
    """Close scoring once every evaluator has scored every proposal on every criterion;
    from then on the scores are frozen and everyone with access reads them all."""
    evaluation = _open(evaluation)
    evaluators = evaluation.evaluator_rows.count()
    criteria = evaluation.criteria.count()
    # A withdrawn or disqualified proposal is not awaited: its scores, if any, stay as they are.
    proposals = evaluation.proposals.filter(status=ProposalStatus.ACTIVE).count()
    if not (evaluators and criteria and proposals):
        raise ValidationError(_("An evaluation needs evaluators, criteria and proposals before scoring closes."))
    entered = Score.objects.filter(proposal__evaluation=evaluation, proposal__status=ProposalStatus.ACTIVE).count()
    missing = evaluators * criteria * proposals - entered
    if missing:
        raise ValidationError(_("%(missing)d scores are still missing.") % {"missing": missing})
    evaluation.scoring_closed_at = timezone.now()
    evaluation.scoring_closed_by = by
    evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_select(*, evaluation: Evaluation, proposal: Proposal, reason: str, by: User) -> Evaluation:
    """Record the chosen proposal and why, once scoring has closed; the case is then
    awarded."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not evaluation.is_closed:
        raise ValidationError(_("Close scoring before recording the selection."))
    if evaluation.is_selected:
        raise ValidationError(SELECTION_RECORDED)
    if proposal.evaluation_id != evaluation.pk:
        raise ValidationError({"proposal": _("This proposal belongs to another evaluation.")})
    stored = Proposal.objects.select_related("vendor").get(pk=proposal.pk)
    if stored.is_excluded:
        raise ValidationError({"proposal": _("%(vendor)s is out of the evaluation (%(status)s) and cannot be "
                                             "selected.") % {"vendor": stored.vendor,
                                                             "status": stored.get_status_display()}})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the selection.")})
    evaluation.selected_proposal = proposal
    evaluation.selection_reason = reason.strip()
    evaluation.selected_at = timezone.now()
    evaluation.selected_by = by
    evaluation.save()
    case = evaluation.case
    if case.stage not in AFTER_SELECTION:
        case_set_stage(case=case, stage=Stage.AWARDED, by=by, on=timezone.localdate(evaluation.selected_at))
    return evaluation
