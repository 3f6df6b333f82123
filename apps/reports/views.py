from auditlog.models import LogEntry
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from apps.accounts.access import access_for
from apps.agreements.models import Agreement
from apps.allocation.models import AllocationPlan
from apps.allocation.selectors import FROZEN_FIELDS, latest_published_plan
from apps.core import formatting
from apps.core.audit import log_entry_create
from apps.core.forms import IdChoiceField
from apps.core.pagination import KnownCountPaginator
from apps.core.widgets import FastSelect
from apps.costs.selectors import fiscal_years
from apps.meetings.selectors import meeting_detail
from apps.members.models import Consortium, MemberBody
from apps.members.views import consortium_for
from apps.reports import agreement_document, minutes_document, selectors, services
from apps.reports.filters import ArchiveFilter
from apps.reports.models import Batch, Kind, Report, ReportJob
from apps.reports.selectors import Options
from apps.reports.tables import ArchiveTable, BatchMembersTable


class ReportForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year of current costs"), coerce=int)
    plan = IdChoiceField(label=gettext_lazy("Published plan"), required=False,
                         queryset=AllocationPlan.objects.none())
    unit = forms.ChoiceField(label=gettext_lazy("Amounts in"),
                             choices=[("yen", gettext_lazy("yen (円)")), ("thousand", gettext_lazy("thousand yen (千円)"))])
    calendar = forms.ChoiceField(label=gettext_lazy("Dates"), choices=[
        ("era", gettext_lazy("Japanese era (令和7年度)")), ("western", gettext_lazy("Western (2025年度)"))])
    body = IdChoiceField(label=gettext_lazy("Member (for one briefing)"), required=False,
                         queryset=MemberBody.objects.none(), widget=FastSelect)

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        years = fiscal_years(consortium=consortium)
        self.fields["fiscal_year"].choices = [(y, year_choice_label(y)) for y in years]
        self.fields["plan"].queryset = AllocationPlan.objects.filter(
            consortium=consortium, status=AllocationPlan.Status.PUBLISHED).defer(*FROZEN_FIELDS)
        # A menu of every member reads their codes and names only: half the time of whole rows
        # for a national council's 1,741.
        self.fields["body"].queryset = (MemberBody.objects.filter(participations__consortium=consortium)
                                        .order_by("code").only("code", "name"))
        self.fields["body"].label_from_instance = lambda body: f"{body.code} {body.name}"
        # What the secretariat most often wants: the latest published plan beside the
        # costs it was worked out from.
        latest = latest_published_plan(consortium=consortium, named_only=True)
        self.initial.setdefault("plan", latest)
        self.initial.setdefault("fiscal_year", latest.cost_fiscal_year if latest else (years[0] if years else None))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if "fiscal_year" in data:
            try:
                services.plan_year_check(plan=data.get("plan"), fiscal_year=data["fiscal_year"])
            except ValidationError as error:
                self.add_error(None, error)
        return data


def year_choice_label(year: int) -> str:
    """Both calendars, since the report's own calendar is chosen beside it."""
    if formatting.reader_reads_japanese():
        return f"{formatting.fiscal_year(year)}（{formatting.fiscal_year(year, 'era')}）"
    return formatting.fiscal_year_english(year, "era")


# Said when the broker did not take the jobs just created or retried (they are failed, to try again).
NOT_QUEUED_MESSAGE = gettext_noop("Nothing was started: the task queue that hands reports to the workers did not "
                                  "answer. Try again in a moment; if it still fails, tell your system administrator.")

# What the report form's buttons ask for beyond the comparison (its button's value is the report's kind).
RENDER_ALL_BRIEFINGS, RENDER_ONE_BRIEFING = "briefing", "one_briefing"


def report_list(request, slug):
    consortium = consortium_for(request, slug, oversee=False)
    access = access_for(request.user)
    may_manage = access.manages(consortium.pk)
    form = ReportForm(request.POST or None, consortium=consortium)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            done = _render_requested(request, consortium, form)
            if done:
                return done
    reports = selectors.reports_for(user=request.user, consortium=consortium)
    oversees = access.oversees(consortium.pk)
    archive = ArchiveFilter(request.GET, queryset=reports, consortium=consortium, members=oversees,
                            years=selectors.report_years(reports))
    table = ArchiveTable(archive.qs, exclude=(*(() if oversees else ("sent",)), *(() if may_manage else ("actions",))))
    table.may_send, table.show_sendings = may_manage, oversees
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "reports/report_list.html", {
        "consortium": consortium, "form": form if may_manage else None, "may_manage": may_manage,
        "archive": archive, "table": table, **(_jobs_context(consortium) if may_manage else {}),
        "batches": Batch.objects.filter(consortium=consortium).select_related("plan").defer(
            *(f"plan__{name}" for name in FROZEN_FIELDS))[:20] if oversees else [],
    })


def _jobs_context(consortium) -> dict:
    # A report that failed says so, with what to do (rendering it again is the form above).
    return {"pending": list(selectors.jobs_unfinished(consortium=consortium).values_list("pk", flat=True)),
            "failed": selectors.jobs_failed_lately(consortium=consortium)}


def report_progress(request, slug):
    """The reports page's part that htmx reloads every two seconds while reports render.
    ``waiting``: the jobs the page was rendered waiting for; once one of them is no longer
    waiting, the whole page reloads (htmx's HX-Refresh), its archive listing the new report."""
    consortium = consortium_for(request, slug, oversee=False)
    if not access_for(request.user).manages(consortium.pk):
        raise PermissionDenied
    context = {"consortium": consortium, **_jobs_context(consortium)}
    response = render(request, "reports/_report_progress.html", context)
    waiting = {int(pk) for pk in request.GET.get("waiting", "").split(",") if pk.isdecimal() and len(pk) < 19}
    if waiting - set(context["pending"]):
        response["HX-Refresh"] = "true"
    return response


def _render_requested(request, consortium, form):
    """Queue what the pressed button asks for; a redirect, or None with the refusal on the form."""
    data = form.cleaned_data
    options = Options(unit=data["unit"], calendar=data["calendar"])
    kind = request.POST.get("kind")
    try:
        if kind == RENDER_ALL_BRIEFINGS:
            batch = services.batch_create(consortium=consortium, plan=data["plan"], fiscal_year=data["fiscal_year"],
                                          requested_by=request.user, options=options)
            if selectors.not_queued(batch.jobs.all()):
                messages.error(request, _(NOT_QUEUED_MESSAGE))
            return redirect("batch_detail", pk=batch.pk)
        job = services.job_create(kind=Kind.BRIEFING if kind == RENDER_ONE_BRIEFING else Kind.SIDE_BY_SIDE,
                                  consortium=consortium, fiscal_year=data["fiscal_year"], plan=data["plan"],
                                  body=data["body"] if kind == RENDER_ONE_BRIEFING else None,
                                  requested_by=request.user, options=options)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if selectors.not_queued(ReportJob.objects.filter(pk=job.pk)):
        messages.error(request, _(NOT_QUEUED_MESSAGE))
    elif kind == RENDER_ONE_BRIEFING:
        messages.success(request, _("The briefing for %(body)s is being rendered; it appears below when ready.")
                         % {"body": data["body"].name})
    else:
        messages.success(request, _("The comparison is being rendered; it appears below when ready."))
    return redirect("report_list", slug=consortium.slug)


def report_download(request, pk):
    report = get_object_or_404(Report.objects.for_user(request.user).select_related("body"), pk=pk)
    log_entry_create(report, action=LogEntry.Action.ACCESS, force_log=True,
                     additional_data={"consortia": f"|{report.consortium_id}|"})
    try:
        content = services.report_content(report)
    except services.ArchiveError as error:
        return _unavailable(request, str(error))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=report.download_name)
    return response


def _unavailable(request, reason: str) -> HttpResponse:
    """An archived file that cannot be handed out: said on a page, not a server error."""
    return render(request, "reports/unavailable.html", {"reason": reason}, status=410)


@require_POST
def report_send(request, pk):
    report = get_object_or_404(Report.objects.for_user(request.user), pk=pk, kind=Kind.BRIEFING)
    if not access_for(request.user).manages(report.consortium_id):
        raise PermissionDenied
    # A briefing already sent goes again only when the user asks for it, seeing when it went
    # (the “Send again” button names that sending): a second press sends nobody a duplicate.
    last = report.last_sent
    again = request.POST.get("again", "")
    if not report.body.mayor_email:
        messages.error(request, _("%(body)s has no mayor's e-mail address.") % {"body": report.body})
    elif last is not None and again != str(last.pk):
        messages.warning(request, _("The briefing was already sent to %(to)s on %(sent)s; nothing was sent. "
                                    "To send it once more, press “Send again”.")
                         % {"to": last.to, "sent": formats.date_format(timezone.localtime(last.sent_at),
                                                                        "SHORT_DATETIME_FORMAT")})
    else:
        delivery = services.briefing_send_once(
            report_id=report.pk, by=request.user, again_after=last.pk if last else None,
            download_url=request.build_absolute_uri(reverse("report_download", args=[report.pk])))
        if delivery is None:
            messages.warning(request, _("The briefing is being sent or was just sent; nothing was sent again."))
        elif delivery.ok:
            messages.success(request, _("Sent to %(to)s.") % {"to": delivery.to})
        else:
            messages.error(request, _("Sending failed: %(error)s") % {"error": delivery.error})
    back = request.POST.get("next", "")
    # A path of this site only (redirect() would read any other word as a view's name).
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("report_list", args=[report.consortium.slug])
    return redirect(back)


def _batch_for(request, pk) -> Batch:
    """A batch of the user's consortia (else 404), for those who oversee it (else 403)."""
    visible = Consortium.objects.for_user(request.user).values("pk")
    batch = get_object_or_404(Batch.objects.select_related("consortium", "plan").filter(consortium__in=visible), pk=pk)
    if not access_for(request.user).oversees(batch.consortium_id):
        raise PermissionDenied
    return batch


def batch_detail(request, pk):
    batch = _batch_for(request, pk)
    return render(request, "reports/batch_detail.html", _batch_context(request, batch))


def batch_progress(request, pk):
    """The part of the batch page that htmx reloads every two seconds."""
    batch = _batch_for(request, pk)
    return render(request, "reports/_batch_progress.html", _batch_context(request, batch))


# The failed briefings listed on their own above the members' table (the retry takes them all).
FAILED_LISTED = 50


def _batch_context(request, batch: Batch) -> dict:
    """The batch page's, and each of its reloads': the counts, the failed briefings and one
    page of the members, so a national batch's 1,741 rows are not read every two seconds."""
    progress = selectors.batch_progress(batch)
    table = BatchMembersTable(selectors.batch_members(batch=batch))
    RequestConfig(request, paginate={"per_page": 50, "paginator_class": KnownCountPaginator,
                                     "count": progress.total}).configure(table)
    return {"batch": batch, "consortium": batch.consortium, "progress": progress, "table": table,
            "failed": list(selectors.batch_failed(batch=batch)[:FAILED_LISTED]) if progress.failed else [],
            "unsent": services.briefings_unsent(batch=batch).count(),
            "may_manage": access_for(request.user).manages(batch.consortium_id)}


@require_POST
def batch_retry(request, pk):
    batch = _batch_for(request, pk)
    if not access_for(request.user).manages(batch.consortium_id):
        raise PermissionDenied
    count = services.batch_retry_failed(batch=batch)
    if not count:
        messages.info(request, _("No briefing of this batch has failed: there is nothing to retry."))
    elif selectors.not_queued(batch.jobs.all()):
        messages.error(request, _(NOT_QUEUED_MESSAGE))
    else:
        messages.success(request, _("%(count)d failed briefings queued again.") % {"count": count})
    return redirect("batch_detail", pk=batch.pk)


@require_POST
def batch_send(request, pk):
    batch = _batch_for(request, pk)
    if not access_for(request.user).manages(batch.consortium_id):
        raise PermissionDenied
    count = services.batch_send_enqueue(batch=batch, by=request.user)
    not_queued = selectors.sendings_not_queued(batch=batch) if count else 0
    if not_queued:
        messages.error(request, ngettext(
            "%(count)d briefing was not sent: the task queue that hands e-mails to the workers did not answer. "
            "Its sending is recorded as failed: send it again in a moment; if it still fails, tell your system "
            "administrator.",
            "%(count)d briefings were not sent: the task queue that hands e-mails to the workers did not answer. "
            "Their sendings are recorded as failed: send them again in a moment; if it still fails, tell your "
            "system administrator.", not_queued) % {"count": not_queued})
    if count > not_queued:
        messages.success(request, _("Sending %(count)d briefings to their mayors; each one's state shows below.")
                         % {"count": count - not_queued})
    elif not count:
        messages.info(request, _("Every briefing with a mayor's address is sent or being sent: nothing more was "
                                 "queued."))
    return redirect("batch_detail", pk=batch.pk)


def batch_zip(request, pk):
    # Whoever may open each briefing of the batch (the secretariat, an observer) may take them at once.
    batch = _batch_for(request, pk)
    try:
        content = services.batch_zip(batch=batch)
    except services.ArchiveError as error:
        return _unavailable(request, str(error))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="briefings-{batch.consortium.slug}-{batch.pk}.zip"'
    return response


def _pdf_inline(content: bytes, file_name: str) -> HttpResponse:
    """A PDF opened in the browser, to print from there, saved under ``file_name``."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=file_name)
    return response


def agreement_pdf(request, pk):
    """An agreement to print, sign and seal, for whoever may read it (members: once it is
    sent for review)."""
    agreement = get_object_or_404(Agreement.objects.for_user(request.user).select_related("consortium"), pk=pk)
    return _pdf_inline(agreement_document.agreement_pdf(agreement=agreement).content,
                       agreement_document.file_name(agreement))


def minutes_pdf(request, pk):
    """A meeting's minutes to circulate and file, for whoever may read the meeting, once it
    has been held (the meeting's page offers them then)."""
    meeting = get_object_or_404(meeting_detail(user=request.user), pk=pk)
    if not meeting.has_minutes:
        raise Http404(_("This meeting has not been held: it has no minutes to print."))
    return _pdf_inline(minutes_document.minutes_pdf(meeting=meeting).content, minutes_document.file_name(meeting))
