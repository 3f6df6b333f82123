"""What each report shows, read from the other apps' selectors (no rendering here)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.agreements.selectors import pending_signatures
from apps.allocation.charts import savings_chart
from apps.allocation.models import AllocationPlan
from apps.allocation.selectors import (FROZEN_FIELDS, MemberShare, latest_published_plan, plan_scope_names,
                                      published_inputs, published_shares, published_total, share_basis)
from apps.core.formatting import fiscal_year as format_fiscal_year
from apps.core.formatting import japanese_date, thousands, thousands_adding_up
from apps.costs.models import SurveyRound
from apps.costs.selectors import (body_cost_years, body_survey_rounds, comparison_rows, comparison_stats,
                                 survey_round_of)
from apps.meetings.selectors import body_open_actions, next_meeting
from apps.members.models import Consortium, MemberBody, Participation, ParticipationStatus
from apps.reports.models import Batch, Delivery, Report, ReportJob

# Charts list every member up to this many; beyond, the largest ones (a national
# comparison of 1,741 bars would be unreadable and slow).
CHART_LIMIT = 60


@dataclass
class Options:
    unit: str = "yen"          # or "thousand" (千円)
    calendar: str = "western"  # or "era" (令和7年度)

    @classmethod
    def from_params(cls, params: dict) -> Options:
        return cls(unit=params.get("unit", "yen"), calendar=params.get("calendar", "western"))

    def as_params(self) -> dict:
        return {"unit": self.unit, "calendar": self.calendar}

    @property
    def unit_label(self) -> str:
        """How amounts are labelled on paper: 千円 or 円."""
        return "千円" if self.unit == "thousand" else "円"


@dataclass
class Row:
    code: str
    name: str
    status: str
    population: int | None
    current_cost: int | None  # None: not reported
    per_resident: int | None
    main_vendor: str
    rank: int | None
    reported: bool = True  # False: no figure for the year, printed "—" and not ranked
    share: MemberShare | None = None
    shown: dict = field(default_factory=dict)  # amounts as printed (円 or 千円)


def _printed_column(values: list[int | None], options: Options) -> list[int | None]:
    """A column as printed: yen, or 千円 rounded so the column adds up to its total. A
    missing amount (not reported, no share) stays None, printed "—", not 0."""
    present = [value for value in values if value is not None]
    printed = iter(thousands_adding_up(present) if options.unit == "thousand" else present)
    return [None if value is None else next(printed) for value in values]


def _compared_with_another_cost(rows: list[Row]) -> bool:
    """Whether the plan compares some member's share with another current cost than the
    year's whole cost in the comparison: the cost over the plan's scope (its pools' business
    systems), frozen with the plan (allocation.md)."""
    return any(r.share and r.share.current_cost != (r.current_cost if r.reported else None) for r in rows)


def _amount_columns(rows: list[Row], options: Options, *, scoped: bool) -> None:
    """``scoped``: the plan's current costs are a column of their own (they differ from the
    whole cost); else the plan's saving is reckoned from the current cost column itself."""
    current = _printed_column([r.current_cost if r.reported else None for r in rows], options)
    plan_current = _printed_column([r.share.current_cost if r.share else None for r in rows], options)
    shares = _printed_column([r.share.share if r.share else None for r in rows], options)
    for row, shown_current, shown_plan_current, shown_share in zip(rows, current, plan_current, shares, strict=True):
        compared = (shown_plan_current if scoped else shown_current) if row.share else None
        row.shown.update(current_cost=shown_current, plan_current_cost=compared, share=shown_share)
        # The saving printed is the printed current cost less the printed share, so each
        # row reads true in 千円 too (rounded on its own, it printed 10,737 beside 12,347 and
        # 1,609), as the briefing's does. A member without a current cost has no saving: "—".
        # The current cost is the plan's, over its scope: the year's whole cost less the
        # share was no saving at all, beside the plan's own ratio.
        has_saving = row.share is not None and row.share.saving is not None and compared is not None
        row.shown["saving"] = compared - shown_share if has_saving else None
        row.shown["saving_ratio"] = row.share.saving_ratio if has_saving else None


def _plan_totals(rows: list[Row], totals: dict) -> None:
    """The plan's members alone: the council's total also counts members the plan gives no
    share (withdrawn, or not yet in the council), and the year's whole cost of its members
    can be more than the cost the plan replaces, so neither less the shares is the saving.
    The shares add up to the plan's total over all its members; the plan's current cost −
    share = saving over the members that have a saving (those with a current cost), said
    on a line of their own when some member of the plan has none."""
    in_plan = [r for r in rows if r.share]
    saving = [r for r in in_plan if r.shown["saving"] is not None]
    current = sum(r.share.current_cost for r in saving)
    totals.update({
        "plan_members": len(in_plan), "saving_members": len(saving),
        "shown_share": sum(r.shown["share"] for r in in_plan),
        "shown_saving_current_cost": sum(r.shown["plan_current_cost"] for r in saving),
        "shown_saving_share": sum(r.shown["share"] for r in saving),
        "shown_saving": sum(r.shown["saving"] for r in saving),
        "plan_saving_ratio": Decimal(current - sum(r.share.share for r in saving)) / current if current else None,
    })
    # The plan's own line carries the current cost and the saving when they cover all its members.
    totals["shown_plan_current_cost"] = totals["shown_saving_current_cost"] if saving == in_plan else None


def side_by_side_context(*, consortium: Consortium, fiscal_year: int, plan: AllocationPlan | None,
                         options: Options) -> dict:
    rows_qs = comparison_rows(consortium=consortium, fiscal_year=fiscal_year).order_by("body__code")
    stats = comparison_stats(rows_qs)
    shares = published_shares(plan) if plan else {}
    status_labels = dict(Participation._meta.get_field("status").flatchoices)
    rows = [
        Row(code=p.body.code, name=p.body.name, status=str(status_labels.get(p.status, p.status)),
            population=p.population, current_cost=p.total_cost,
            per_resident=p.cost_per_resident if p.reported else None, main_vendor=p.main_vendor or "",
            rank=stats.ranks.get(p.cost_per_resident) if p.reported else None, reported=p.reported,
            share=shares.get(p.body.code))
        for p in rows_qs
    ]
    # The plan's current costs get a column of their own only when they are not the whole
    # cost already printed (a plan for some business systems): the same figures twice read
    # as two sets of figures.
    scoped = plan is not None and _compared_with_another_cost(rows)
    _amount_columns(rows, options, scoped=scoped)
    reported = [r for r in rows if r.reported]
    totals = {"members": len(rows), "withdrawn": stats.totals.withdrawn,
              "current_members": stats.totals.current_members, "population": stats.totals.population, "current_cost": stats.totals.total_cost,
              "per_resident": stats.totals.cost_per_resident, "reported": len(reported),
              # Nobody has reported the year yet: "—", not a council that pays 0 yen.
              "shown_current_cost": sum(r.shown["current_cost"] for r in reported) if reported else None}
    if plan:
        totals["share"] = published_total(plan)
        _plan_totals(rows, totals)
    # Only members that reported a cost are charted: one that has not is no town paying 0 yen.
    charted = sorted(reported, key=lambda r: -(r.per_resident or 0))[:CHART_LIMIT]
    top = max([r.per_resident or 0 for r in charted] + [1])
    chart = [{"name": r.name, "value": r.per_resident or 0, "width": (r.per_resident or 0) / top * 100}
             for r in charted]
    survey = survey_round_of(consortium=consortium, fiscal_year=fiscal_year)
    return {
        "consortium": consortium, "fiscal_year": fiscal_year, "plan": plan, "options": options,
        "rows": rows, "totals": totals, "chart": chart, "chart_limited": len(reported) > CHART_LIMIT,
        # The systems the plan pays for by name; None for all of them (its column then shows the
        # whole cost frozen with it, the year's figures having been corrected since).
        "plan_scope": {"shown": scoped, "systems": plan_scope_names(plan) if scoped else None},
        # The date of the data: how final the year's costs are, and when the populations were counted.
        "survey": survey, "provisional": survey is not None and survey.status != SurveyRound.Status.LOCKED,
        "population_as_of": _dates_label({p.body.population_as_of for p in rows_qs} - {None}, options),
        "fy_label": format_fiscal_year(fiscal_year, options.calendar),
        "plan_fy_label": format_fiscal_year(plan.fiscal_year, options.calendar) if plan else "",
        "made_on": japanese_date(timezone.localdate(), options.calendar),
        "demo": consortium.is_demo,
    }


def _dates_label(dates: set, options: Options) -> str:
    """「2025年1月1日」, or 「2024年10月1日〜2025年1月1日」 when members counted on different days."""
    if not dates:
        return ""
    first, last = min(dates), max(dates)
    if first == last:
        return japanese_date(first, options.calendar)
    return f"{japanese_date(first, options.calendar)}〜{japanese_date(last, options.calendar)}"


def _go_live(participation: Participation | None, options: Options) -> str:
    """「稼働開始 …」 once live, 「稼働予定 …」 before; empty if neither date is known."""
    if participation and participation.actual_go_live:
        return f"稼働開始 {japanese_date(participation.actual_go_live, options.calendar)}"
    if participation and participation.planned_go_live:
        return f"稼働予定 {japanese_date(participation.planned_go_live, options.calendar)}"
    return ""


def _pending(*, consortium: Consortium, body: MemberBody, options: Options) -> dict:
    """What the mayor still has ahead: the next meeting, the agreement awaiting the town's
    signature (with the other version under review beside it, if the council has two at
    once: the town waits for the secretariat to withdraw one), and the town's open action
    items."""
    meeting = next_meeting(consortium=consortium)
    starts = timezone.localtime(meeting.starts_at) if meeting else None
    return {
        "unsigned": [(signature.agreement, signature.rival_version) for signature in pending_signatures(body=body)
                     if signature.agreement.consortium_id == consortium.pk],
        "next_meeting": meeting,
        "next_meeting_on": f"{japanese_date(starts.date(), options.calendar)} {starts:%H:%M}" if starts else "",
        "actions": [(action, japanese_date(action.due_on, options.calendar) if action.due_on else "")
                    for action in body_open_actions(body=body) if action.meeting.consortium_id == consortium.pk],
    }


# Rows of the briefing's chart are packed tighter than on screen, so that a council of
# around twenty members gets its briefing on one A4 page, as mayors' briefings are; a
# chart of more rows is packed tighter still (down to the dense row), to stay about as
# tall as twenty rows and keep the briefing on its page.
BRIEFING_CHART_ROW = 14
BRIEFING_CHART_ROW_DENSE = 11
BRIEFING_CHART_TALLEST = 20 * BRIEFING_CHART_ROW
# The chart on paper, across the page's 182 mm of text: the names, the bars, the ratios.
# Names and ratios are lines of HTML text beside one picture of the bars, so the bars'
# width in millimetres sets the rows' height too, and the text stays level with its bar.
BRIEFING_CHART_LABELS_MM = 34
BRIEFING_CHART_BARS_MM = 122
BRIEFING_CHART_GAP_MM = 2
# Beyond this many members the chart shows the town among its nearest peers: a council of
# hundreds would otherwise give its mayor pages of bars, and a chart is one image, which
# WeasyPrint cannot split, so a taller one leaves the first page half empty.
BRIEFING_CHART_LIMIT = 25


def chart_peers(shares: dict[str, MemberShare], *, ranked: list[MemberShare], place: int | None,
                limit: int, by_code: bool = True) -> list[MemberShare]:
    """Every member if they fit, by code (``by_code``, for a named chart) or else by saving
    ratio, members without one last; else the ``limit`` members whose saving ratio is
    nearest the town's, in the order of their saving ratio (the town among them)."""
    if len(shares) <= limit:
        if by_code:
            return sorted(shares.values(), key=lambda share: share.code)
        return ranked + sorted((share for share in shares.values() if share.saving_ratio is None),
                               key=lambda share: share.code)
    if place is None:
        return ranked[:limit]
    start = min(max(place - 1 - limit // 2, 0), max(len(ranked) - limit, 0))
    return ranked[start:start + limit]


def briefing_chart_row(rows: int) -> int:
    """The row height, in the chart's units, for a chart of ``rows`` bars."""
    return max(BRIEFING_CHART_ROW_DENSE, min(BRIEFING_CHART_ROW, BRIEFING_CHART_TALLEST // max(rows, 1)))


def chart_on_paper(chart: dict) -> dict:
    """The briefing chart's sizes in millimetres (for its style), from its geometry; names
    in rows packed tight are set a size smaller."""
    mm = BRIEFING_CHART_BARS_MM / chart["bar_area"]
    bars_left = BRIEFING_CHART_LABELS_MM + BRIEFING_CHART_GAP_MM
    row = chart["row_height"] * mm
    return {"row": round(row, 3), "height": round(chart["rows_height"] * mm, 3), "font_pt": 9 if row >= 4.5 else 8,
            "labels_width": BRIEFING_CHART_LABELS_MM, "bars_left": bars_left, "bars_width": BRIEFING_CHART_BARS_MM,
            "values_left": bars_left + BRIEFING_CHART_BARS_MM + BRIEFING_CHART_GAP_MM}


def briefing_context(*, consortium: Consortium, body: MemberBody, fiscal_year: int, plan: AllocationPlan | None,
                     options: Options, shares: dict[str, MemberShare] | None = None) -> dict:
    """One member's briefing. ``shares`` may be passed in by a batch, read once."""
    shares = shares if shares is not None else (published_shares(plan) if plan else {})
    own = shares.get(body.code)
    names = dict(consortium.participations.values_list("body__code", "body__name"))
    ranked = sorted((s for s in shares.values() if s.saving_ratio is not None), key=lambda s: (-s.saving_ratio, s.code))
    position = next((index for index, s in enumerate(ranked, start=1) if s.code == body.code), None)
    # Members of one saving ratio share a place (1, 2, 2, 4), as the comparison ranks equal
    # costs per resident: three towns held to the guaranteed minimum are all 16位, not 16–18位.
    place = 1 + sum(s.saving_ratio > own.saving_ratio for s in ranked) if position else None
    # Until the secretariat publishes the named comparison, a town reads the other members'
    # shares but not their savings (apps.allocation.views._as_read_by), and neither does
    # its mayor's briefing: the chart shows the town among unnamed bars, in order of saving.
    named = consortium.comparison_published
    charted = chart_peers(shares, ranked=ranked, place=position, limit=BRIEFING_CHART_LIMIT, by_code=named)
    participation = consortium.participations.filter(body=body).first()
    # A survey asks the members that have not withdrawn (apps.costs.selectors._answering):
    # a withdrawn town is not told that one awaits its answer.
    asked = participation is not None and participation.status != ParticipationStatus.WITHDRAWN
    open_rounds = [r for r in body_survey_rounds(body=body)
                   if asked and r.consortium_id == consortium.pk and r.status == "open"]
    chart = savings_chart([{"name": names.get(share.code, share.code) if named or share.code == body.code else "",
                            "code": share.code, "saving_ratio": share.saving_ratio} for share in charted],
                          row_height=briefing_chart_row(len(charted)))
    inputs = published_inputs(plan) if plan else None
    # The plan's own figure when it gives the town a share (the one its saving was worked
    # out from), else the town's cost for the year as reported: a briefing without a share
    # still says what the town pays now, or that it has not reported.
    year_cost = dict(body_cost_years(body=body)).get(fiscal_year)
    current = own.current_cost if own else year_cost
    # A plan for some business systems compares the town's cost for those alone: the
    # briefing says so, beside the year's whole cost that the comparison table prints.
    narrower = own is not None and own.current_cost is not None and year_cost is not None and (
        own.current_cost != year_cost)
    # Members the council left out of the minimum-saving guarantee (one without a current
    # cost cannot be in it): said by name, and to such a member's mayor plainly.
    left_out = [member for member in inputs.members if not member.guaranteed] if inputs else []
    basis = share_basis(plan, body.code, inputs=inputs) if plan and own else []
    return {
        "consortium": consortium, "body": body, "plan": plan, "options": options, "fiscal_year": fiscal_year,
        "share": own, "current_cost": current,
        "shown": briefing_figures(current_cost=current, share=own, options=options),
        "whole_year": {"cost": _printed(year_cost, options), "systems": plan_scope_names(plan)} if narrower else None,
        # Why a briefing has no share, said as it is: no plan chosen, a plan that gives the
        # town none, or none published yet.
        "no_share": "" if own else "not_in_plan" if plan else "not_chosen" if latest_published_plan(
            consortium=consortium, named_only=True) else "none_published",
        "place": place, "members_ranked": len(ranked),
        "chart": chart, "chart_on_paper": chart_on_paper(chart), "chart_named": named,
        # By code: two towns of one name in different prefectures are two bars.
        "chart_limited": len(charted) < len(shares), "highlight": body.code,
        "pools": inputs.pools if inputs else (), "guarantee": plan.guarantee if plan else None,
        "guaranteed": all(member.code != body.code for member in left_out),
        "left_out": [names.get(member.code, member.name) for member in left_out],
        # The town's own share worked out pool by pool, and what the guarantee changed.
        "basis": basis, "basis_rounding": any(pool.rounding for pool in basis),
        "adjustment_size": abs(own.adjustment) if own else 0,
        "participation": participation, "open_rounds": open_rounds,
        "fy_label": format_fiscal_year(fiscal_year, options.calendar),
        "plan_fy_label": format_fiscal_year(plan.fiscal_year, options.calendar) if plan else "",
        "published_on": japanese_date(timezone.localtime(plan.published_at).date(), options.calendar)
        if plan and plan.published_at else "",
        "go_live": _go_live(participation, options),
        "deadlines": [(r, japanese_date(r.deadline, options.calendar) if r.deadline else "") for r in open_rounds],
        "made_on": japanese_date(timezone.localdate(), options.calendar),
        "demo": consortium.is_demo,
        **_pending(consortium=consortium, body=body, options=options),
    }


def briefing_figures(*, current_cost: int | None, share: MemberShare | None, options: Options) -> dict:
    """A town's current cost, share and saving as printed, in the briefing and its e-mail.

    In 千円 the saving printed is the printed current cost less the printed share (each
    within half a 千円 of its yen), rather than the saving rounded on its own: a mayor
    checks 12,347 − 1,609 and must read 10,738, not 10,737. The exact yen are in the
    briefing's section 3; the ratio is the plan's own.
    """
    shown_current, shown_share = _printed(current_cost, options), _printed(share.share if share else None, options)
    has_saving = share is not None and share.saving is not None and shown_current is not None
    return {"current_cost": shown_current, "share": shown_share,
            "saving": shown_current - shown_share if has_saving else None}


def _printed(value: int | None, options: Options) -> int | None:
    if value is None:
        return None
    return thousands(value) if options.unit == "thousand" else value


def briefing_summary(report: Report) -> dict | None:
    """A briefing's key figures, for the e-mail that carries it: what a mayor reads first,
    on a phone, before opening the PDF. None when the briefing has no published share."""
    share = published_shares(report.plan).get(report.body.code) if report.plan and report.body else None
    if share is None:
        return None
    options = Options.from_params(report.params)
    # In the briefing's own unit: a mail in 円 beside a PDF in 千円 reads as two sets of figures.
    return {"share": share, "plan": report.plan, "unit_label": options.unit_label,
            "shown": briefing_figures(current_cost=share.current_cost, share=share, options=options),
            "fy_label": format_fiscal_year(report.fiscal_year, options.calendar),
            "plan_fy_label": format_fiscal_year(report.plan.fiscal_year, options.calendar)}


def reports_for(*, user, consortium: Consortium) -> QuerySet[Report]:
    """The council's archived reports the user may see, each with its sendings to the
    mayor, newest first (``sendings``)."""
    return (Report.objects.for_user(user).filter(consortium=consortium)
            .select_related("body", "requested_by", "plan").defer(*(f"plan__{name}" for name in FROZEN_FIELDS))
            .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("-sent_at", "-id"),
                                       to_attr="sendings")))


def report_years(reports: QuerySet[Report]) -> list[int]:
    """The fiscal years the given reports were made for, newest first."""
    return sorted(set(reports.order_by().values_list("fiscal_year", flat=True)), reverse=True)


@dataclass(frozen=True)
class Progress:
    done: int
    failed: int
    pending: int

    @property
    def total(self) -> int:
        return self.done + self.failed + self.pending

    @property
    def missing(self) -> int:
        """Not made (yet): what a ZIP of the batch leaves out."""
        return self.failed + self.pending

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def percent_failed(self) -> int:
        return round(100 * self.failed / self.total) if self.total else 0


def batch_progress(batch: Batch) -> Progress:
    """A job lost with its worker counts as failed (the retry takes it), not as pending for good."""
    return Progress(done=batch.jobs.filter(status=ReportJob.Status.DONE).count(), failed=batch.jobs.failed().count(),
                    pending=batch.jobs.unfinished().count())


def batch_members(*, batch: Batch) -> QuerySet[ReportJob]:
    """The batch's jobs by member code, each with its member, its briefing (``report``, once
    made) and that briefing's sendings to the mayor, newest first (``report.sendings``): a
    page of them is read in two queries, however many members the batch has."""
    return (batch.jobs.select_related("body", "report").order_by("body__code", "pk")
            .prefetch_related(Prefetch("report__deliveries", queryset=Delivery.objects.order_by("-sent_at", "-id"),
                                       to_attr="sendings")))


def batch_failed(*, batch: Batch) -> QuerySet[ReportJob]:
    """The batch's jobs that failed (or were lost with their worker), by member code."""
    return batch.jobs.failed().select_related("body").order_by("body__code", "pk")


def sendings_not_queued(*, batch: Batch) -> int:
    """How many of the batch's briefings were last sent to the broker, which did not take them."""
    later = Delivery.objects.filter(report=OuterRef("report"), pk__gt=OuterRef("pk"))
    return Delivery.objects.filter(report__job__batch=batch, ok=False, error=Delivery.NOT_QUEUED).filter(
        ~Exists(later)).count()


def jobs_unfinished(*, consortium: Consortium) -> QuerySet[ReportJob]:
    """The council's single reports (not a batch's) waiting for a worker or being rendered."""
    return ReportJob.objects.filter(consortium=consortium, batch=None).unfinished()


# How long a report that failed is listed on the reports page.
FAILURES_SHOWN_FOR = datetime.timedelta(days=1)


def jobs_failed_lately(*, consortium: Consortium) -> QuerySet[ReportJob]:
    """The council's single reports that failed (or were lost with their worker) within
    FAILURES_SHOWN_FOR, latest first."""
    since = timezone.now() - FAILURES_SHOWN_FOR
    return (ReportJob.objects.filter(consortium=consortium, batch=None).failed()
            .filter(Q(finished_at__gte=since) | Q(finished_at=None, claimed_at__gte=since))
            .select_related("body").order_by(Coalesce("finished_at", "claimed_at").desc())[:10])


def not_queued(jobs: QuerySet[ReportJob]) -> int:
    """How many of ``jobs`` the broker did not take when they were queued."""
    return jobs.filter(status=ReportJob.Status.FAILED, error=ReportJob.NOT_QUEUED).count()


def today() -> datetime.date:
    return timezone.localdate()


def saving_ratio_percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
