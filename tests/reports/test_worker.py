"""A real Celery worker on Redis renders a batch end to end (CI always runs this)."""

import contextlib
import datetime
import os
import signal
import threading
from pathlib import Path

import pytest
from django.db import connection, transaction

from apps.reports import services, workers
from apps.reports.models import Delivery, Kind, Report, ReportJob, unclaimed_before
from apps.reports.selectors import Options, batch_progress

BROKER = os.environ.get("TEST_CELERY_BROKER_URL")


@pytest.fixture
def worker():
    if not BROKER:
        pytest.skip("no Redis: set TEST_CELERY_BROKER_URL (make test finds one on 127.0.0.1:6379)")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: run on PostgreSQL")
    with workers.broker_in_use(BROKER), workers.worker_running(broker=BROKER, concurrency=2) as process:
        yield process


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_batch_of_briefings_is_rendered_and_e_mailed_by_a_real_worker(council, worker):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options(calendar="era"))
    assert workers.wait_until(lambda: not batch_progress(batch).pending, process=worker, timeout=120)
    progress = batch_progress(batch)
    assert (progress.done, progress.failed, progress.pending) == (5, 0, 0)
    reports = Report.objects.filter(job__batch=batch)
    assert reports.count() == 5
    assert all(services.report_content(report).startswith(b"%PDF") for report in reports)

    # Then the worker e-mails them to the mayors (console backend in the worker: the
    # sendings are read back from the database).
    services.batch_send_enqueue(batch=batch, by=council["secretariat"])
    sent = Delivery.objects.filter(report__job__batch=batch, ok__isnull=False)  # not merely queued
    assert workers.wait_until(lambda: sent.count() == 5, process=worker, timeout=60)
    assert set(Delivery.objects.values_list("to", "ok")) == {(body.mayor_email, True) for body in council["bodies"]}


@contextlib.contextmanager
def archive_held():
    """The archive's table locked by another connection: a worker that has claimed a job
    waits there, mid-attempt, until ``release()``."""
    held, release = threading.Event(), threading.Event()

    def other_connection():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Report._meta.db_table} IN ACCESS EXCLUSIVE MODE")
                held.set()
                release.wait(timeout=120)
        finally:
            connection.close()

    thread = threading.Thread(target=other_connection)
    thread.start()
    held.wait(timeout=10)
    try:
        yield release.set
    finally:
        release.set()
        thread.join()


def pool_processes(worker) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_briefing_whose_pool_process_is_killed_mid_render_is_made_by_the_task_given_back(council):
    """The OOM killer takes the pool process rendering a briefing: the worker gives the task
    back (WorkerLostError), and it renders the briefing instead of finding it taken."""
    if not BROKER:
        pytest.skip("no Redis: set TEST_CELERY_BROKER_URL (make test finds one on 127.0.0.1:6379)")
    if connection.vendor != "postgresql" or not Path("/proc/self/task").exists():
        pytest.skip("needs PostgreSQL and Linux's /proc")
    with workers.broker_in_use(BROKER), workers.worker_running(broker=BROKER, concurrency=1) as worker, \
            archive_held() as release:
        job = services.job_create(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                                  plan=council["plan"], body=council["bodies"][0], requested_by=council["secretariat"])
        jobs = ReportJob.objects.filter(pk=job.pk)
        assert workers.wait_until(lambda: jobs.filter(status=ReportJob.Status.RUNNING).exists(), process=worker,
                                  timeout=60)
        [rendering] = pool_processes(worker)
        os.kill(rendering, signal.SIGKILL)
        assert workers.wait_until(lambda: jobs.get().attempts == 2, process=worker, timeout=30)
        assert pool_processes(worker) == [int(jobs.get().claimed_by.rpartition(" ")[2])]  # the one replacing it
        release()
        assert workers.wait_until(lambda: jobs.get().status == ReportJob.Status.DONE, process=worker, timeout=60)
    assert Report.objects.filter(job=job).count() == 1
    assert services.report_content(Report.objects.get(job=job)).startswith(b"%PDF")


def in_the_queue() -> int:
    """The tasks Redis holds for a worker, or that a worker has taken and not yet done (kombu's
    ``unacked`` hash)."""
    from consortium.celery import app

    with app.connection_for_write(BROKER) as broker:
        client = broker.default_channel.client
        return client.llen("celery") + client.hlen("unacked")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_jobs_sent_again_while_their_first_messages_are_still_queued_are_each_made_once_by_real_workers(council):
    """The sweep for jobs the broker lost takes a queue no worker is taking from for lost:
    every job is then twice in the queue, and each is rendered once."""
    if not BROKER:
        pytest.skip("no Redis: set TEST_CELERY_BROKER_URL (make test finds one on 127.0.0.1:6379)")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: run on PostgreSQL")
    with workers.broker_in_use(BROKER):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())  # no worker yet
        batch.jobs.update(queued_at=unclaimed_before() - datetime.timedelta(seconds=5))
        assert services.jobs_requeue_unclaimed() == 5
        assert in_the_queue() == 10
        with workers.worker_running(broker=BROKER, concurrency=2) as worker:
            assert workers.wait_until(lambda: batch_progress(batch).done == 5, process=worker, timeout=120)
            assert workers.wait_until(lambda: not in_the_queue(), process=worker, timeout=60)  # the copies too
    assert Report.objects.filter(job__batch=batch).count() == 5
    assert set(batch.jobs.values_list("attempts", flat=True)) == {1}
