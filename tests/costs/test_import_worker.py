"""A real Celery worker on Redis writes a confirmed import (CI always runs this): it reads the
stashed file from the media folder it shares with the web server, and the audit trail names
who confirmed it."""

import io
import os

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from apps.accounts.models import Role
from apps.costs.models import CostRecord, ImportJob
from apps.reports import workers
from tests.factories import ConsortiumFactory, business_system, member_of, user_with_role

BROKER = os.environ.get("TEST_CELERY_BROKER_URL")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_confirmed_import_is_written_by_a_real_worker(client):
    if not BROKER:
        pytest.skip("no Redis: set TEST_CELERY_BROKER_URL (make test finds one on 127.0.0.1:6379)")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a database it can share: run on PostgreSQL")
    business_system()  # the catalogue: a transactional test before this one flushed it
    consortium = ConsortiumFactory(slug="saitama")
    bodies = [member_of(consortium) for _ in range(3)]
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    client.force_login(secretariat)
    sheet = io.BytesIO(("団体コード,業務,ソフトウェア,保守\n" + "".join(
        f"{body.code},{system},500000,50000\n" for body in bodies for system in ("住民基本台帳", "戸籍"))).encode())
    sheet.name = "costs.csv"
    url = reverse("import_costs", args=["saitama"])
    token = client.post(url, {"file": sheet, "fiscal_year": 2025, "unit": "yen"}).context["token"]
    with workers.broker_in_use(BROKER), workers.worker_running(broker=BROKER, concurrency=1) as worker:
        response = client.post(url, {"token": token})
        job = ImportJob.objects.get()
        assert response["Location"] == reverse("import_job", args=["saitama", job.pk])
        assert workers.wait_until(lambda: ImportJob.objects.get().status == ImportJob.Status.DONE, process=worker,
                                  timeout=60), ImportJob.objects.get().error
    assert CostRecord.objects.count() == 12
    entry = LogEntry.objects.get_for_objects(CostRecord.objects.all()).first()
    assert (entry.actor, entry.remote_addr) == (secretariat, "127.0.0.1")
