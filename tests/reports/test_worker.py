"""A real Celery worker on Redis renders a batch end to end (CI always runs this)."""

import os

import pytest
from django.db import connection

from apps.reports import services, workers
from apps.reports.models import Delivery, Report
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
