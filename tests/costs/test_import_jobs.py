"""The secretariat's imports are written by a worker once confirmed: a national file took 65 s,
past the web server's 30 s. The request returns at once, the import's page follows the job,
and the job writes its file once, whole, or not at all."""

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.costs import import_jobs, tasks, upload_stash
from apps.costs.models import CostRecord, ImportJob, SurveyRound
from tests.concurrency import needs_row_locks, second_while_first_is_uncommitted
from tests.costs.confirming import confirm
from tests.factories import ConsortiumFactory, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db

SYSTEMS = ("住民基本台帳", "戸籍", "印鑑登録", "固定資産税")


@pytest.fixture
def council(client):
    business_system()  # the catalogue: a transactional test before this one flushed it
    consortium = ConsortiumFactory(slug="saitama")
    bodies = [member_of(consortium, name=f"町{index}") for index in range(3)]
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return {"consortium": consortium, "bodies": bodies, "secretariat": secretariat}


def costs_file(bodies, amount=500_000) -> bytes:
    lines = ["団体コード,業務,ソフトウェア,保守"]
    lines += [f"{body.code},{system},{amount},{amount // 10}" for body in bodies for system in SYSTEMS]
    return ("\n".join(lines) + "\n").encode()


def preview(client, content: bytes, **extra):
    sheet = io.BytesIO(content)
    sheet.name = "costs.csv"
    response = client.post(reverse("import_costs", args=["saitama"]), {"file": sheet, "fiscal_year": 2025,
                                                                         "unit": "yen"}, **extra)
    assert response.context["token"], response.context["report"].errors
    return response.context["token"]


def queued_job(council, content: bytes) -> ImportJob:
    """A confirmed import waiting for a worker (its message not delivered yet)."""
    upload_stash._folder().joinpath("upload-1").write_bytes(content)
    return import_jobs.import_job_create(
        kind=ImportJob.Kind.COSTS, consortium=council["consortium"], upload="upload-1", file_name="costs.csv",
        params={"fiscal_year": 2025, "unit": "yen"}, requested_by=council["secretariat"], remote_addr="192.0.2.7")


def test_a_confirmed_import_is_written_by_a_job_whose_page_says_what_it_wrote(client, council):
    token = preview(client, costs_file(council["bodies"]))
    url = reverse("import_costs", args=["saitama"])
    page = confirm(client, url, token, follow=True)
    job = ImportJob.objects.get()
    assert page.request["PATH_INFO"] == reverse("import_job", args=["saitama", job.pk])
    assert (job.status, job.rows, job.created, job.updated, job.unchanged) == ("done", 12, 24, 0, 0)
    content = page.content.decode()
    assert "12 rows imported: of their 24 figures, 24 added, 0 changed, 0 unchanged." in content
    assert f'href="{reverse("cost_comparison", args=["saitama"])}?fy=2025"' in content
    assert "hx-trigger" not in content  # over: nothing more to follow
    assert CostRecord.objects.count() == 24
    assert not upload_stash.kept(token)  # written: the stashed file is gone
    # The trail names who confirmed it, from where, as if the request had written it.
    entry = LogEntry.objects.get_for_objects(CostRecord.objects.all()).first()
    assert (entry.actor, entry.remote_addr) == (council["secretariat"], "127.0.0.1")
    # The upload page lists it.
    assert reverse("import_job", args=["saitama", job.pk]) in client.get(url).content.decode()


def test_the_page_of_an_import_waiting_for_a_worker_follows_it_every_two_seconds(client, council):
    job = queued_job(council, costs_file(council["bodies"]))
    page = client.get(reverse("import_job", args=["saitama", job.pk])).content.decode()
    progress = reverse("import_job_progress", args=["saitama", job.pk])
    assert f'hx-get="{progress}"' in page and 'hx-trigger="every 2s"' in page and "htmx.min.js" in page
    assert "Waiting" in page and not CostRecord.objects.exists()
    tasks.run_import.apply(args=[job.pk])
    done = client.get(progress).content.decode()
    assert "hx-trigger" not in done and "12 rows imported" in done


def test_a_file_refused_when_it_is_written_fails_the_job_with_its_rows_and_writes_nothing(client, council):
    """The year was locked between the preview and the confirmation: the job lists the rows
    as the preview would have, the first 200 and how many more."""
    bodies = council["bodies"] + [member_of(council["consortium"]) for _ in range(60)]
    token = preview(client, costs_file(bodies))
    SurveyRound.objects.create(consortium=council["consortium"], fiscal_year=2025, status=SurveyRound.Status.LOCKED)
    page = confirm(client, reverse("import_costs", args=["saitama"]), token, follow=True)
    job = ImportJob.objects.get()
    assert (job.status, job.error, job.error_count, len(job.errors)) == ("failed", ImportJob.REFUSED, 252, 200)
    content = page.content.decode()
    assert "252 errors; nothing was imported." in content and "and 52 more errors not listed" in content
    first = page.context["errors"][0]
    assert (first.row, str(first.column), first.reason.en) == (2, "団体コード", "the FY2025 (R7) survey is locked")
    assert "the FY2025 (R7) survey is locked" in content and "Try again" not in content
    assert not CostRecord.objects.exists() and not upload_stash.kept(token)


def test_an_import_that_fails_while_writing_leaves_nothing_and_can_be_tried_again(client, council, monkeypatch,
                                                                                django_capture_on_commit_callbacks):
    job = queued_job(council, costs_file(council["bodies"]))

    def broken(**_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("apps.costs.importers.cost_summaries_refresh", broken)  # after the figures are written
    tasks.run_import.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", ImportJob.FAILED)
    assert not CostRecord.objects.exists() and not SurveyRound.objects.exists() and not LogEntry.objects.filter(
        content_type__model="costrecord").exists()
    page = client.get(reverse("import_job", args=["saitama", job.pk])).content.decode()
    assert "The import stopped with an error and nothing was imported." in page
    assert reverse("import_job_retry", args=["saitama", job.pk]) in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_job_retry", args=["saitama", job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and CostRecord.objects.count() == 24


def test_a_message_delivered_twice_writes_the_file_once(council):
    """Written twice, the file would put back a figure corrected by hand in between."""
    job = queued_job(council, costs_file(council["bodies"]))
    tasks.run_import.apply(args=[job.pk])
    CostRecord.objects.filter(pk=CostRecord.objects.first().pk).update(amount=1)
    written = list(CostRecord.objects.values_list("pk", "amount", "updated_at"))
    entries = LogEntry.objects.count()
    tasks.run_import.apply(args=[job.pk])  # the same message again
    assert list(CostRecord.objects.values_list("pk", "amount", "updated_at")) == written
    assert LogEntry.objects.count() == entries
    job.refresh_from_db()
    assert (job.status, job.created, job.updated, job.error) == ("done", 24, 0, "")


def test_a_message_delivered_while_another_attempt_writes_the_file_does_nothing(council):
    job = queued_job(council, costs_file(council["bodies"]))
    assert import_jobs.import_job_claim(job.pk)  # the first delivery, still writing
    tasks.run_import.apply(args=[job.pk])
    assert ImportJob.objects.get().status == "running" and not CostRecord.objects.exists()


def test_an_import_whose_worker_was_lost_is_shown_failed_and_can_be_tried_again(client, council,
                                                                               django_capture_on_commit_callbacks):
    job = queued_job(council, costs_file(council["bodies"]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING,
                                               claimed_at=timezone.now() - datetime.timedelta(hours=1))
    page = client.get(reverse("import_job", args=["saitama", job.pk])).content.decode()
    assert "stopped before it was done" in page and "hx-trigger" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_job_retry", args=["saitama", job.pk]))
    assert ImportJob.objects.get().status == "done" and CostRecord.objects.count() == 24


def test_an_import_whose_file_the_worker_cannot_read_says_so_and_asks_for_the_file_again(client, council, caplog):
    """A worker whose media folder is not the web server's: the page says what to tell the
    administrator, not to try again for nothing; the log says where the file was looked for."""
    job = queued_job(council, costs_file(council["bodies"]))
    upload_stash.discard(job.upload)
    tasks.run_import.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", ImportJob.FILE_GONE) and not job.retryable
    page = client.get(reverse("import_job", args=["saitama", job.pk])).content.decode()
    assert "must share the media folder" in page and "Try again" not in page
    assert str(settings.MEDIA_ROOT) in caplog.text


def test_confirming_a_preview_again_leads_to_the_same_import(client, council):
    token = preview(client, costs_file(council["bodies"]))
    url = reverse("import_costs", args=["saitama"])
    first = confirm(client, url, token)
    again = confirm(client, url, token)  # the back button, then the button again
    assert first["Location"] == again["Location"] and ImportJob.objects.count() == 1
    assert CostRecord.objects.count() == 24


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_make_one_import_written_once():
    needs_row_locks()
    business_system()
    consortium = ConsortiumFactory(slug="saitama")
    bodies = [member_of(consortium) for _ in range(2)]
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    upload_stash._folder().joinpath("upload-1").write_bytes(costs_file(bodies))

    def create():
        return import_jobs.import_job_create(
            kind=ImportJob.Kind.COSTS, consortium=consortium, upload="upload-1", file_name="costs.csv",
            params={"fiscal_year": 2025, "unit": "yen"}, requested_by=secretariat).pk

    assert second_while_first_is_uncommitted(create, create) == ImportJob.objects.get().pk
    assert ImportJob.objects.get().status == "done" and CostRecord.objects.count() == 16


@pytest.mark.django_db(transaction=True)  # the job is queued once committed, as in a request
def test_an_import_confirmed_while_the_broker_is_down_is_failed_and_tried_again_once_it_is_back(client, council):
    from tests.reports.test_job_recovery import UnreachableBroker

    token = preview(client, costs_file(council["bodies"]))
    with UnreachableBroker():
        page = client.post(reverse("import_costs", args=["saitama"]), {"token": token}, follow=True)
    job = ImportJob.objects.get()
    assert (job.status, job.error) == ("failed", ImportJob.NOT_QUEUED)
    assert "the task queue did not answer" in page.content.decode() and not CostRecord.objects.exists()
    client.post(reverse("import_job_retry", args=["saitama", job.pk]))  # back (in process here)
    assert ImportJob.objects.get().status == "done" and CostRecord.objects.count() == 24


def test_an_import_is_the_page_of_its_councils_secretariat_only(client, council):
    job = queued_job(council, costs_file(council["bodies"]))
    other = ConsortiumFactory(slug="other")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=other))
    assert client.get(reverse("import_job", args=["saitama", job.pk])).status_code == 404
    assert client.get(reverse("import_job", args=["other", job.pk])).status_code == 404  # not that council's
    client.force_login(user_with_role(Role.STAFF, body=council["bodies"][0]))
    assert client.get(reverse("import_job", args=["saitama", job.pk])).status_code == 403
    assert client.post(reverse("import_job_retry", args=["saitama", job.pk])).status_code == 403
