"""Report jobs: create, claim, render, archive; batches; e-mail delivery; ZIP of a batch."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from apps.allocation.models import AllocationPlan
from apps.core.mail import japanese_message
from apps.core.queue import send_to_workers
from apps.costs.models import SurveyRound
from apps.costs.selectors import comparison_rows
from apps.members.models import Consortium, MemberBody, Participation, ParticipationStatus
from apps.reports import pdf, processes
from apps.reports.models import Batch, Delivery, Kind, Report, ReportJob, claims_lost_before, unclaimed_before
from apps.reports.selectors import Options, briefing_context, briefing_summary, side_by_side_context

logger = logging.getLogger(__name__)

TEMPLATES = {Kind.SIDE_BY_SIDE: "reports/pdf/side_by_side.html", Kind.BRIEFING: "reports/pdf/briefing.html"}


def reports_root() -> Path:
    root = Path(settings.REPORTS_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def render_html(*, kind: str, consortium: Consortium, fiscal_year: int, plan: AllocationPlan | None,
                body: MemberBody | None, options: Options, shares=None) -> str:
    # Reports are Japanese documents whatever language the requester's screen uses.
    with override("ja"):
        if kind == Kind.SIDE_BY_SIDE:
            context = side_by_side_context(consortium=consortium, fiscal_year=fiscal_year, plan=plan, options=options)
        else:
            context = briefing_context(consortium=consortium, body=body, fiscal_year=fiscal_year, plan=plan,
                                       options=options, shares=shares)
        return render_to_string(TEMPLATES[kind], context)


def render_pdf(**kwargs) -> bytes:
    return render_report(**kwargs).content


def render_report(**kwargs) -> pdf.Pdf:
    return pdf.report_pdf(render_html(**kwargs))


def plan_year_check(*, plan: AllocationPlan | None, fiscal_year: int) -> None:
    """A published plan's shares and savings were worked out from one year's current
    costs: beside another year's costs its savings would not add up, and a briefing would
    print the plan's figure under the other year's name."""
    if plan is not None and plan.cost_fiscal_year != fiscal_year:
        raise ValidationError({"fiscal_year": _(
            "“%(plan)s” was worked out from the current costs of fiscal year %(year)s: choose %(year)s, "
            "or no plan.") % {"plan": plan.name, "year": plan.cost_fiscal_year}})


def briefing_subject_check(*, consortium: Consortium, plan: AllocationPlan | None, body: MemberBody | None) -> None:
    """A briefing is for one member of the council, and of the plan it reports: a town the
    plan leaves out has no share in it, and its briefing would read as if none were published."""
    if body is None:
        raise ValidationError({"body": _("Choose the member the briefing is for.")})
    if not consortium.participations.filter(body=body).exists():
        raise ValidationError({"body": _("%(body)s is not a member of %(consortium)s.")
                                       % {"body": body.name, "consortium": consortium.name}})
    if plan is not None and not plan.members.filter(body=body).exists():
        raise ValidationError({"body": _(
            "“%(plan)s” gives %(body)s no share: choose another member, or no plan.")
            % {"plan": plan.name, "body": body.name}})


def job_create(*, kind: str, consortium: Consortium, fiscal_year: int, requested_by, plan=None, body=None,
               options: Options | None = None, batch: Batch | None = None, enqueue: bool = True) -> ReportJob:
    plan_year_check(plan=plan, fiscal_year=fiscal_year)
    if kind == Kind.BRIEFING and batch is None:  # a batch takes its members from the plan itself
        briefing_subject_check(consortium=consortium, plan=plan, body=body)
    if kind == Kind.SIDE_BY_SIDE and not comparison_rows(consortium=consortium, fiscal_year=fiscal_year).exists():
        # Archived with its SHA-256 as the council's comparison, it would list nobody.
        raise ValidationError(_("%(consortium)s has no member to compare yet: add its members first.")
                              % {"consortium": consortium.name})
    job = ReportJob.objects.create(kind=kind, consortium=consortium, fiscal_year=fiscal_year, plan=plan, body=body,
                                   params=(options or Options()).as_params(), batch=batch, requested_by=requested_by)
    if enqueue:
        _enqueue([job.pk])
    return job


def _enqueue(job_ids: list[int]) -> None:
    from apps.reports.tasks import render_job

    def not_taken(calls: list[tuple]) -> None:
        ReportJob.objects.filter(pk__in=[call[0] for call in calls], status=ReportJob.Status.PENDING).update(
            status=ReportJob.Status.FAILED, error=ReportJob.NOT_QUEUED, finished_at=timezone.now())

    # After the commit, so a worker never looks for a job that is not there yet.
    transaction.on_commit(lambda: send_to_workers(render_job, [(job_id,) for job_id in job_ids],
                                                   not_taken=not_taken))


# A job whose attempt this many (the latest included) was lost with its worker is failed
# rather than taken again: by then it is the job (a render that exhausts the memory), not
# bad luck, and each try costs a worker.
LOST_ATTEMPTS_LIMIT = 3


def job_claim(job_id: int, *, task_id: str = "", redelivered: bool = False) -> bool:
    """Take the job if nobody has it: a retried or redelivered task finds it taken (or
    done) and renders nothing twice. A running job is taken again only once the attempt
    holding it is known to be over:
    - its claim is older than the hard time limit (and a margin: models.claims_lost_before);
    - its process, on this host, no longer exists (a pool process killed mid-render);
    - ``redelivered``: the broker gives back the very message (``task_id``) that claimed it,
      from another host. It does so only once that delivery was lost: its pool process
      died, or its worker went away for longer than the visibility timeout, which is set
      above the hard time limit (settings)."""
    now = timezone.now()
    if ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.PENDING).update(
            status=ReportJob.Status.RUNNING, claimed_at=now, claimed_by=processes.identity(), claimed_task=task_id,
            attempts=F("attempts") + 1):
        return True
    held = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).values(
        "claimed_at", "claimed_by", "claimed_task", "attempts").first()
    if held is None or not _claim_lost(held, task_id=task_id, redelivered=redelivered):
        return False
    # The claim as it was read: of two deliveries that both found it lost, one takes it.
    same_claim = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING, **{
        name: held[name] for name in ("claimed_at", "claimed_by", "claimed_task")})
    if held["attempts"] >= LOST_ATTEMPTS_LIMIT:
        logger.error("report job %s: its worker was lost %s times; failed", job_id, held["attempts"])
        same_claim.update(status=ReportJob.Status.FAILED, error=ReportJob.LOST, finished_at=now)
        return False
    logger.warning("report job %s: its attempt by %s was lost; taken again", job_id, held["claimed_by"])
    return bool(same_claim.update(claimed_at=now, claimed_by=processes.identity(), claimed_task=task_id,
                                  attempts=F("attempts") + 1))


def _claim_lost(held: dict, *, task_id: str, redelivered: bool) -> bool:
    if held["claimed_at"] is None or held["claimed_at"] < claims_lost_before():
        return True
    claimant = held["claimed_by"]
    if processes.is_here(claimant):
        return processes.is_gone(claimant)
    return redelivered and bool(task_id) and held["claimed_task"] == task_id


def job_run(job_id: int, *, task_id: str = "", redelivered: bool = False) -> Report | None:
    """Render and archive one job if it can be claimed; None if someone else has it."""
    if not job_claim(job_id, task_id=task_id, redelivered=redelivered):
        return None
    job = ReportJob.objects.select_related("consortium", "body", "plan", "requested_by").get(pk=job_id)
    # Read before rendering: a year locked while the PDF is made was rendered as provisional.
    survey_locked = SurveyRound.objects.filter(consortium=job.consortium, fiscal_year=job.fiscal_year,
                                               status=SurveyRound.Status.LOCKED).exists()
    rendered = render_report(kind=job.kind, consortium=job.consortium, fiscal_year=job.fiscal_year, plan=job.plan,
                             body=job.body, options=Options.from_params(job.params))
    with transaction.atomic():
        report = report_archive(job=job, rendered=rendered, survey_locked=survey_locked)
        ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE, finished_at=timezone.now(), error="")
    return report


def job_release(job_id: int, *, error: str, final: bool) -> None:
    """After a failed attempt: back in the queue for the retry, or failed for good."""
    now = timezone.now()
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(
        status=ReportJob.Status.FAILED if final else ReportJob.Status.PENDING, error=error[:2000],
        finished_at=now if final else None, **({} if final else {"queued_at": now}))


def report_archive(*, job: ReportJob, rendered: pdf.Pdf, survey_locked: bool) -> Report:
    content = rendered.content
    digest = hashlib.sha256(content).hexdigest()
    subject = job.body.code if job.body else job.consortium.slug
    file_name = f"{job.kind}-{subject}-{job.fiscal_year}-{job.pk}-{digest[:12]}.pdf"
    path = reports_root() / file_name
    # The same file may be there already, written by an attempt whose worker died before
    # recording it (read-only: stored reports never change).
    if not (path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == digest):
        path.write_bytes(content)
        path.chmod(0o440)
    return Report.objects.create(
        kind=job.kind, consortium=job.consortium, body=job.body, plan=job.plan, fiscal_year=job.fiscal_year,
        survey_locked=survey_locked, params=job.params, job=job, requested_by=job.requested_by, file_name=file_name,
        sha256=digest, size=len(content), pages=rendered.pages,
    )


class ArchiveError(Exception):
    """A stored report that cannot be handed out as archived: its file is gone (a database
    restored without the reports volume) or is no longer the file stored, by its SHA-256."""


def report_content(report: Report) -> bytes:
    """The archived file, checked against the SHA-256 recorded when it was made: downloads,
    ZIPs and e-mails to mayors hand out only what was archived."""
    try:
        content = (reports_root() / report.file_name).read_bytes()
    except FileNotFoundError:
        logger.error("Report %s: %s is missing from %s", report.pk, report.file_name, reports_root())
        raise ArchiveError(_("The file of “%(report)s” is missing from the archive. Render it again.")
                           % {"report": report.download_name}) from None
    if hashlib.sha256(content).hexdigest() != report.sha256:
        logger.error("Report %s: %s does not match its archived SHA-256 %s", report.pk, report.file_name,
                     report.sha256)
        raise ArchiveError(_("The file of “%(report)s” is no longer the one archived (its SHA-256 differs), so it "
                             "is not handed out. Render it again, and tell whoever keeps the server.")
                           % {"report": report.download_name})
    return content


@transaction.atomic
def batch_create(*, consortium: Consortium, plan: AllocationPlan | None, fiscal_year: int, requested_by,
                 options: Options) -> Batch:
    """Briefings for every member of the plan (or, without a plan, every member that has not withdrawn)."""
    plan_year_check(plan=plan, fiscal_year=fiscal_year)
    batch = Batch.objects.create(consortium=consortium, plan=plan, params={**options.as_params(),
                                                                          "fiscal_year": fiscal_year},
                                 requested_by=requested_by)
    # Without a plan, the council's current members: one that has withdrawn is sent no briefing.
    bodies = (MemberBody.objects.filter(pk__in=plan.members.values("body_id")) if plan
              else MemberBody.objects.filter(pk__in=Participation.objects.filter(consortium=consortium).exclude(
                  status=ParticipationStatus.WITHDRAWN).values("body_id"))).order_by("code")
    if not bodies.exists():
        # An empty batch reads 「完了 0 · 失敗 0」, as if something had been done.
        raise ValidationError(_("“%(plan)s” gives no member a share: there is no briefing to make.")
                              % {"plan": plan.name} if plan else
                              _("%(consortium)s has no member to brief yet: add its members first.")
                              % {"consortium": consortium.name})
    jobs = ReportJob.objects.bulk_create([
        ReportJob(kind=Kind.BRIEFING, consortium=consortium, body=body, plan=plan, fiscal_year=fiscal_year,
                  params=options.as_params(), batch=batch, requested_by=requested_by)
        for body in bodies
    ])
    _enqueue([job.pk for job in jobs])
    return batch


@transaction.atomic
def batch_retry_failed(*, batch: Batch) -> int:
    """Queue again the briefings that failed, or were lost with their worker; how many."""
    failed = list(batch.jobs.failed().select_for_update().values_list("pk", flat=True))
    # Locked from the read: a task given back meanwhile finds its lost job queued again, not lost.
    ReportJob.objects.filter(pk__in=failed).update(status=ReportJob.Status.PENDING, error="", finished_at=None,
                                                  claimed_at=None, claimed_by="", claimed_task="",
                                                  queued_at=timezone.now())
    _enqueue(failed)
    return len(failed)


def jobs_requeue_unclaimed() -> int:
    """Send again the jobs the broker lost before any worker took them (Redis restarted and
    its queue is gone): waiting since before models.unclaimed_before(), while no worker has
    claimed any job since either. Should a first message turn up after all, the claim lets
    one of the two render it, the other finds it taken. How many were sent again."""
    since = unclaimed_before()
    with transaction.atomic():
        # Locked, and marked queued now: a sweep running beside this one sends nothing twice.
        waiting = list(ReportJob.objects.filter(status=ReportJob.Status.PENDING, queued_at__lt=since)
                       .select_for_update(skip_locked=True).values_list("pk", flat=True))
        if not waiting or ReportJob.objects.filter(claimed_at__gte=since).exists():
            return 0
        logger.warning("%d report jobs (%s…) waiting since before %s, and no worker has taken a job since: "
                       "the broker lost them; sent again", len(waiting), waiting[:20], since)
        ReportJob.objects.filter(pk__in=waiting).update(queued_at=timezone.now())
        _enqueue(waiting)
    return len(waiting)


def batch_zip(*, batch: Batch) -> bytes:
    buffer = io.BytesIO()
    reports = Report.objects.filter(job__batch=batch).select_related("body").order_by("body__code")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_missing_note(archive, batch=batch)
        for report in reports:
            archive.writestr(f"{report.body.code}-{file_name_part(report.body.name)}.pdf", report_content(report))
    return buffer.getvalue()


# Path separators, what Windows refuses in a file's name, and control characters.
_NOT_IN_FILE_NAMES = re.compile('[/\\\\:*?"<>|\x00-\x1f\x7f-\x9f\u2028\u2029]+')


def file_name_part(text: str) -> str:
    """A name as a file's name, Japanese kept: «三芳町/../../../tmp/x», a member's name, was
    an archive entry that climbed out of the folder the ZIP was unpacked in."""
    return re.sub(r"\.{2,}", ".", _NOT_IN_FILE_NAMES.sub("_", text)).strip(" .") or "_"


def _write_missing_note(archive: zipfile.ZipFile, *, batch: Batch) -> None:
    """A batch not all made says so in its ZIP, naming the members left out and why: the
    file is forwarded on, away from the batch's page."""
    missing = list(batch.jobs.exclude(status=ReportJob.Status.DONE).select_related("body").order_by("body__code"))
    if not missing:
        return
    total = batch.jobs.count()
    lines = [_("This ZIP holds %(made)d of the batch's %(total)d briefings. Not in it:")
             % {"made": total - len(missing), "total": total}, ""]
    lines += [f"{job.body.code} {job.body.name}: {job.status_label}"
              + (f" — {job.error_message}" if job.error_message else "") for job in missing]
    archive.writestr(_("missing-briefings.txt"), "\r\n".join(lines) + "\r\n")


# A sending queued this long ago and still not done was lost with its worker: its briefing
# counts as still to send again (briefing_send_once never sends a sent one twice).
SENDING_LOST_AFTER = timedelta(hours=1)


def briefings_unsent(*, batch: Batch) -> QuerySet[Report]:
    """The batch's briefings whose mayor has an address and has neither been sent one nor
    has one queued to send."""
    queued = Delivery.objects.filter(ok__isnull=True, sent_at__gte=timezone.now() - SENDING_LOST_AFTER)
    return (Report.objects.filter(job__batch=batch).exclude(body__mayor_email="")
            .exclude(deliveries__ok=True).exclude(pk__in=queued.values("report_id")).order_by("body__code"))


def batch_send_enqueue(*, batch: Batch, by) -> int:
    """One task per briefing still to send (a slow mail server then holds up one message,
    not the batch, within the tasks' time limits); returns how many were queued. Each is
    marked queued first, so a second press counts, and queues, only what is left."""
    from apps.reports.tasks import send_briefing

    with transaction.atomic():
        Batch.objects.select_for_update().filter(pk=batch.pk).first()  # two presses queue one after the other
        reports = list(briefings_unsent(batch=batch).select_related("body"))
        attach = settings.REPORTS_EMAIL_ATTACH
        queued = {delivery.report_id: delivery.pk for delivery in Delivery.objects.bulk_create([
            Delivery(report=report, to=report.body.mayor_email, mode="attachment" if attach else "link", sent_by=by,
                     ok=None)
            for report in reports])}

        def not_taken(calls: list[tuple]) -> None:
            # Recorded as a sending that failed: its briefing counts as still to send, and
            # the batch's button sends it once the broker is back.
            Delivery.objects.filter(pk__in=[queued[report_id] for report_id, _user_id in calls],
                                    ok__isnull=True).update(ok=False, error=Delivery.NOT_QUEUED)

        transaction.on_commit(lambda: send_to_workers(send_briefing, [(report_id, by.pk) for report_id in queued],
                                                       not_taken=not_taken))
    return len(queued)


def briefing_send_once(*, report_id: int, by, download_url: str | None = None,
                       again_after: int | None = None) -> Delivery | None:
    """E-mail a briefing to its mayor unless that is done: None if it was sent already, or
    if a concurrent sending holds it (its row stays locked while it goes out), so a double
    click or a redelivered task sends nobody a second copy. ``again_after``: the sending
    the user saw and asks to repeat; once another has followed it, nothing is sent."""
    with transaction.atomic():
        report = (Report.objects.select_for_update(skip_locked=True, of=("self",))
                  .select_related("body", "consortium").filter(pk=report_id).first())
        if report is None or not report.body.mayor_email:
            return None
        last = report.deliveries.filter(ok=True).order_by("-sent_at", "-id").first()
        if last is not None and last.pk != again_after:
            return None
        link = download_url or settings.SITE_URL + reverse("report_download", args=[report.pk])
        queued = report.deliveries.filter(ok__isnull=True).order_by("sent_at", "id").first()
        return briefing_send(report=report, by=by, download_url=link, queued=queued)


def briefing_send(*, report: Report, by, download_url: str, queued: Delivery | None = None) -> Delivery:
    """E-mail a briefing to the body's mayor; the sending is recorded either way (in the
    ``queued`` record batch_send_enqueue made for it, if any)."""
    attach = settings.REPORTS_EMAIL_ATTACH
    context = {"report": report, "body": report.body, "consortium": report.consortium, "attach": attach,
               "link": download_url, "summary": briefing_summary(report)}
    message = japanese_message("briefing", context, html=True, to=[report.body.mayor_email])
    delivery = queued or Delivery(report=report)
    delivery.to, delivery.mode, delivery.sent_by = report.body.mayor_email, "attachment" if attach else "link", by
    delivery.ok, delivery.error = True, ""
    try:
        if attach:
            message.attach(report.download_name, report_content(report), "application/pdf")
        message.send()
    except Exception as error:  # noqa: BLE001 — any mail failure is recorded, then shown
        delivery.ok, delivery.error = False, str(error)[:2000]
    if queued is not None:
        delivery.sent_at = timezone.now()  # when it went, not when it was queued
    delivery.save()
    return delivery


