"""The secretariat's imports, written by a worker once confirmed: a national file of 273,760
figures took 65 s to check and write, and a request is killed after 30 s behind gunicorn.

The job is claimed with a conditional update, so a message delivered twice writes once.
The stashed file is read again, checked again and written in one transaction with the
job's result: a file refused at the confirmation (the data changed since the preview)
writes nothing, and the job lists its rows as the preview did. The audit trail names who
confirmed it and from where, as if the request had written it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from auditlog.context import set_actor
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.queue import send_to_workers
from apps.costs import importers, upload_stash
from apps.costs.models import ImportJob
from apps.members.models import Consortium

logger = logging.getLogger(__name__)

# As many of a refused file's errors as its preview lists (costs/_import_errors.html).
ERRORS_KEPT = 200


@dataclass(frozen=True)
class ImportKind:
    """How a kind of file is read (``parse(data, filename, consortium, params)``) and written
    (``apply(parsed, consortium, params)``): the same for the preview and the job."""
    parse: Callable[..., importers.ParsedRows]
    apply: Callable[..., importers.ImportResult]


KINDS = {
    ImportJob.Kind.BODIES: ImportKind(
        parse=lambda data, name, consortium, params: importers.parse_bodies(data, name, consortium=consortium),
        apply=lambda parsed, consortium, params: importers.apply_bodies(parsed, consortium=consortium)),
    ImportJob.Kind.COSTS: ImportKind(
        parse=lambda data, name, consortium, params: importers.parse_costs(
            data, name, consortium=consortium, fiscal_year=params["fiscal_year"], unit=params["unit"]),
        apply=lambda parsed, consortium, params: importers.apply_costs(
            parsed, fiscal_year=params["fiscal_year"], consortium=consortium)),
}


def import_job_create(*, kind: str, consortium: Consortium, upload: str, file_name: str, params: dict, requested_by,
                      remote_addr: str | None = None, remote_port: int | None = None) -> ImportJob:
    """The job writing a confirmed upload (``upload``: its stash token), queued for a worker.
    Confirmed twice (a double click, a second tab), it is the same job, queued once."""
    job, created = ImportJob.objects.get_or_create(upload=upload, defaults={
        "kind": kind, "consortium": consortium, "file_name": file_name[-255:], "params": params,
        "requested_by": requested_by, "remote_addr": remote_addr, "remote_port": remote_port})
    if created:
        _enqueue(job.pk)
    return job


def import_job_of_upload(*, upload: str, consortium: Consortium, by) -> ImportJob | None:
    """The job a confirmation already made of this upload, if this user's."""
    return ImportJob.objects.filter(upload=upload, consortium=consortium, requested_by=by).first()


def _enqueue(job_id: int) -> None:
    # After the commit, so a worker never looks for a job that is not there yet.
    transaction.on_commit(lambda: _send_to_workers(job_id))


def _send_to_workers(job_id: int) -> None:
    """Hand the job to the broker; one it does not answer for is failed, to be tried again
    from its page, instead of waiting for a worker that will never hear of it."""
    from apps.costs.tasks import run_import

    send_to_workers(run_import, [(job_id,)], not_taken=lambda _calls: ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.FAILED, error=ImportJob.NOT_QUEUED, finished_at=timezone.now()))


def import_job_claim(job_id: int) -> bool:
    """Take the job if it waits: a redelivered or repeated message finds it taken or done."""
    return bool(ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, claimed_at=timezone.now()))


def import_job_run(job_id: int) -> ImportJob | None:
    """Check and write the job's file if the job can be claimed (None if not): all of it
    with the job's result, or nothing and the job failed with the rows refused."""
    if not import_job_claim(job_id):
        return None
    job = ImportJob.objects.select_related("consortium", "requested_by").get(pk=job_id)
    data = upload_stash.read(job.upload)
    if data is None:
        logger.error("import job %s: its file %s is not in MEDIA_ROOT/imports (%s): is MEDIA_ROOT the web "
                     "server's?", job.pk, job.upload, settings.MEDIA_ROOT)
        _finish(job, status=ImportJob.Status.FAILED, error=ImportJob.FILE_GONE)
        return job
    kind = KINDS[job.kind]
    try:
        with set_actor(job.requested_by, remote_addr=job.remote_addr, remote_port=job.remote_port), \
                transaction.atomic():
            result = kind.apply(kind.parse(data, job.file_name, job.consortium, job.params), job.consortium,
                                job.params)
            _finish(job, status=ImportJob.Status.DONE, rows=result.rows, created=result.created,
                    updated=result.updated, unchanged=result.unchanged)
    except importers.ImportRefused as refused:
        errors = refused.report.errors
        _finish(job, status=ImportJob.Status.FAILED, error=ImportJob.REFUSED,
                errors=[error.as_data() for error in errors[:ERRORS_KEPT]], error_count=len(errors))
    upload_stash.discard(job.upload)  # written, or refused for what it holds: a retry would read it for nothing
    return job


def import_job_fail(job_id: int, *, error: str) -> None:
    """An attempt that ended in an exception (its transaction rolled back): failed, its
    file kept to try again."""
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED, error=error, finished_at=timezone.now())


def _finish(job: ImportJob, **result) -> None:
    for name, value in result.items():
        setattr(job, name, value)
    job.finished_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(finished_at=job.finished_at, **result)


def import_job_retry(*, job: ImportJob) -> bool:
    """Queue a failed (or lost) job again with the file it was confirmed with; False when
    it is not to be retried (done, waiting, refused for its rows, or its file gone)."""
    if not job.retryable or not upload_stash.kept(job.upload):
        return False
    # As the page read it: of two presses, or a press and a late worker, one changes it.
    again = ImportJob.objects.filter(pk=job.pk, status=job.status, claimed_at=job.claimed_at, error=job.error).update(
        status=ImportJob.Status.PENDING, error="", finished_at=None, claimed_at=None)
    if again:
        _enqueue(job.pk)
    return bool(again)


def import_jobs_recent(*, consortium: Consortium, kind: str) -> QuerySet[ImportJob]:
    """The council's latest imports of a kind, for its upload page."""
    return ImportJob.objects.filter(consortium=consortium, kind=kind).select_related("requested_by")[:5]
