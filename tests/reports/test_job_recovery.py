"""A job outlives the worker that was making it: taken again when that worker is gone,
shown failed (and retried) when nobody will take it, never left 「作成中」 for good."""

import datetime
import io
import os
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from apps.reports import processes, services, tasks, workers
from apps.reports.models import UNCLAIMED_MARGIN, Batch, Delivery, Kind, Report, ReportJob
from apps.reports.selectors import Options, batch_progress

pytestmark = pytest.mark.django_db


def dead_process() -> int:
    """The pid of a process that has run and been reaped, as a pool process the worker's
    parent has reaped after the OOM killer took it."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def briefing_job(council, index=0, **kwargs):
    return services.job_create(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                               plan=council["plan"], body=council["bodies"][index],
                               requested_by=council["secretariat"], enqueue=False, **kwargs)


def claimed(job, *, by, task="task-1", ago=datetime.timedelta(seconds=5), attempts=1):
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, claimed_at=timezone.now() - ago,
                                               claimed_by=by, claimed_task=task, attempts=attempts)


def en(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_task_given_back_after_the_process_rendering_its_job_died_renders_the_job(council):
    """kill -9 of a pool process mid-render: the broker gives the task back within a second,
    long before the claim's age says anything."""
    job = briefing_job(council)
    claimed(job, by=processes.identity(dead_process()))
    tasks.render_job.apply(args=[job.pk], task_id="task-1")
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 2
    assert job.claimed_by == processes.identity() and Report.objects.filter(job=job).count() == 1


def test_a_job_whose_claiming_process_is_alive_is_not_rendered_again_by_a_duplicate(council):
    job = briefing_job(council)
    claimed(job, by=processes.identity())  # this very process, still rendering it
    assert services.job_run(job.pk, task_id="task-2") is None
    assert services.job_run(job.pk, task_id="task-1", redelivered=True) is None  # alive here: not lost
    job.refresh_from_db()
    assert job.status == ReportJob.Status.RUNNING and job.attempts == 1 and not Report.objects.exists()


def test_only_the_message_that_claimed_a_job_on_another_host_takes_it_again_when_given_back(council):
    """Another host's processes cannot be seen from here: the broker's word that it gave
    back the very message that claimed the job (its delivery lost) is what tells."""
    job = briefing_job(council)
    claimed(job, by="worker-2 pid:[4026531836] 4242", task="task-1")
    assert services.job_run(job.pk, task_id="task-1") is None  # a delivery not given back
    assert services.job_run(job.pk, task_id="task-9", redelivered=True) is None  # another message's claim
    assert services.job_run(job.pk, task_id="task-1", redelivered=True) is not None
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 2


def test_a_job_whose_worker_dies_under_it_again_and_again_fails_instead_of_killing_workers_for_ever(council):
    job = briefing_job(council)
    claimed(job, by=processes.identity(dead_process()), attempts=services.LOST_ATTEMPTS_LIMIT)
    tasks.render_job.apply(args=[job.pk], task_id="task-1")
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and job.error == ReportJob.LOST and not Report.objects.exists()


def test_a_batch_counts_a_job_stuck_running_past_the_hard_time_limit_as_failed_and_retries_it(
        client, council, django_capture_on_commit_callbacks):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    lost, rendering, *rest = batch.jobs.order_by("body__code")
    for job in rest:
        services.job_run(job.pk)
    past_limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + datetime.timedelta(minutes=1)
    claimed(lost, by="worker-2 pid:[1] 7", ago=past_limit)
    claimed(rendering, by=processes.identity())
    progress = batch_progress(batch)
    assert (progress.done, progress.failed, progress.pending) == (3, 1, 1)
    en(client, council["secretariat"])
    page = client.get(reverse("batch_progress", args=[batch.pk])).content.decode()
    assert reverse("batch_retry", args=[batch.pk]) in page and "stopped before it was done" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("batch_retry", args=[batch.pk]))
    lost.refresh_from_db()
    rendering.refresh_from_db()
    assert lost.status == ReportJob.Status.DONE and Report.objects.filter(job=lost).count() == 1
    assert rendering.status == ReportJob.Status.RUNNING  # still being made: not queued a second time


def test_the_reports_page_lists_a_report_stuck_running_past_the_hard_time_limit_as_failed(client, council):
    job = services.job_create(kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"], fiscal_year=2025,
                              plan=council["plan"], requested_by=council["secretariat"], enqueue=False)
    claimed(job, by="worker-2 pid:[1] 7", ago=datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60))
    en(client, council["secretariat"])
    page = client.get(reverse("report_list", args=["saitama"]))
    assert page.context["pending"] == [] and list(page.context["failed"]) == [job]
    assert "stopped before it was done" in page.content.decode() and "being rendered" not in page.content.decode()


def test_a_zip_of_a_batch_not_all_made_names_the_briefings_it_lacks(client, council):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    failed, waiting, *made = batch.jobs.order_by("body__code").select_related("body")
    for job in made:
        services.job_run(job.pk)
    ReportJob.objects.filter(pk=failed.pk).update(status=ReportJob.Status.FAILED, error=ReportJob.FAILED)
    en(client, council["secretariat"])
    page = client.get(reverse("batch_progress", args=[batch.pk])).content.decode()
    assert "Download the 3 made (ZIP; 2 not in it)" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("batch_zip", args=[batch.pk])).content))
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    notes = [name for name in archive.namelist() if not name.endswith(".pdf")]
    assert len(pdfs) == 3 and len(notes) == 1
    note = archive.read(notes[0]).decode()
    assert "3 of the batch's 5" in note
    assert f"{failed.body.code} {failed.body.name}: Failed" in note and f"{waiting.body.name}: Waiting" in note
    assert all(job.body.name not in note for job in made)


def test_a_zip_of_a_batch_all_made_holds_the_briefings_only(client, council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    client.force_login(council["secretariat"])
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("batch_zip", args=[batch.pk])).content))
    assert len(archive.namelist()) == 5 and all(name.endswith(".pdf") for name in archive.namelist())


def test_the_broker_gives_a_lost_task_back_a_little_after_the_hard_time_limit(settings):
    """Not kombu's hour: a killed worker's reports come back within minutes. Above the age
    at which a claim counts as lost (so the task given back may take its job), and above the
    longest retry countdown (a retry waits unacknowledged in the worker)."""
    from consortium.celery import app

    timeout = app.conf.broker_transport_options["visibility_timeout"]
    limit = settings.CELERY_TASK_TIME_LIMIT
    assert limit + 30 < timeout <= limit + 120
    assert timeout > 2 ** tasks.MAX_RETRIES
    if broker := os.environ.get("TEST_CELERY_BROKER_URL"):  # and Redis's channel is given it
        with app.connection_for_write(broker) as connection:
            assert connection.default_channel.qos.visibility_timeout == timeout


class UnreachableBroker:
    """This process's tasks sent to a broker nobody answers on (port 1), as when Redis is down."""

    def __enter__(self):
        from consortium.celery import app

        self.app, self.saved = app, {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
        app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:1/0"
        workers._drop_connection_pools(app)

    def __exit__(self, *exc):
        self.app.conf.update(self.saved)
        workers._drop_connection_pools(self.app)


@pytest.mark.django_db(transaction=True)  # the jobs are queued once committed, as in a request
def test_a_comparison_asked_for_while_the_broker_is_down_is_failed_with_a_message_not_a_server_error(client, council):
    en(client, council["secretariat"])
    url = reverse("report_list", args=["saitama"])
    with UnreachableBroker():
        response = client.post(url, {"fiscal_year": 2025, "plan": council["plan"].pk, "unit": "yen",
                                     "calendar": "era", "kind": Kind.SIDE_BY_SIDE}, follow=True)
    assert response.status_code == 200
    told = [str(message) for message in response.context["messages"]]
    assert any("task queue" in message and "did not answer" in message for message in told), told
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.FAILED and job.error == ReportJob.NOT_QUEUED
    assert list(response.context["failed"]) == [job] and "being rendered" not in response.content.decode()


@pytest.mark.django_db(transaction=True)  # the jobs are queued once committed, as in a request
def test_a_batch_asked_for_while_the_broker_is_down_is_failed_and_retried_once_it_is_back(client, council):
    en(client, council["secretariat"])
    with UnreachableBroker():
        response = client.post(reverse("report_list", args=["saitama"]), {
            "fiscal_year": 2025, "plan": council["plan"].pk, "unit": "yen", "calendar": "era",
            "kind": Kind.BRIEFING}, follow=True)
        batch = Batch.objects.get()
        assert response.status_code == 200 and response.context["progress"].failed == 5
        assert any("did not answer" in str(message) for message in response.context["messages"])
        assert reverse("batch_retry", args=[batch.pk]) in response.content.decode()
        again = client.post(reverse("batch_retry", args=[batch.pk]), follow=True)  # still down
        assert any("did not answer" in str(message) for message in again.context["messages"])
        assert batch_progress(batch).failed == 5
    client.post(reverse("batch_retry", args=[batch.pk]))  # back (in process here)
    assert batch_progress(batch).done == 5


def test_retrying_a_batch_with_nothing_failed_says_there_is_nothing_to_retry(client, council,
                                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    en(client, council["secretariat"])
    response = client.post(reverse("batch_retry", args=[batch.pk]), follow=True)
    told = [(message.level_tag, str(message)) for message in response.context["messages"]]
    assert told == [("info", "No briefing of this batch has failed: there is nothing to retry.")]


def test_the_reports_page_follows_the_reports_being_made_and_reloads_when_one_is_done(client, council):
    job = briefing_job(council)
    client.force_login(council["secretariat"])
    page = client.get(reverse("report_list", args=["saitama"])).content.decode()
    progress = reverse("report_progress", args=["saitama"])
    assert f'hx-get="{progress}?waiting={job.pk}"' in page and 'hx-trigger="every 2s"' in page
    assert "htmx.min.js" in page
    still = client.get(progress, {"waiting": str(job.pk)})
    assert "HX-Refresh" not in still and f'waiting={job.pk}"' in still.content.decode()
    services.job_run(job.pk)
    done = client.get(progress, {"waiting": str(job.pk)})
    assert done["HX-Refresh"] == "true"  # the page reloads, its archive listing the new report
    page = client.get(reverse("report_list", args=["saitama"]))
    assert "hx-trigger" not in page.content.decode() and page.context["table"].rows[0].record.job == job


def test_the_reports_progress_is_for_those_who_make_reports_and_takes_any_waiting_list(client, council):
    from apps.accounts.models import Role
    from tests.factories import user_with_role

    client.force_login(user_with_role(Role.OBSERVER, consortium=council["consortium"]))
    assert client.get(reverse("report_progress", args=["saitama"])).status_code == 403
    client.force_login(council["secretariat"])
    for waiting in ("", "x", "1,,2", "9" * 40, "-1", "²", "１"):
        assert client.get(reverse("report_progress", args=["saitama"]), {"waiting": waiting}).status_code == 200


@pytest.mark.django_db(transaction=True)  # the sendings are queued once committed, as in a request
def test_briefings_e_mailed_while_the_broker_is_down_are_recorded_failed_and_sent_once_it_is_back(client, council):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())  # made in process
    en(client, council["secretariat"])
    send = reverse("batch_send", args=[batch.pk])
    with UnreachableBroker():
        response = client.post(send, follow=True)
    assert response.status_code == 200
    told = [(message.level_tag, str(message)) for message in response.context["messages"]]
    assert len(told) == 1 and told[0][0] == "error", told
    assert told[0][1].startswith("5 briefings were not sent: the task queue that hands e-mails to the workers did "
                                 "not answer."), told
    assert not mail.outbox
    assert set(Delivery.objects.values_list("ok", "error")) == {(False, Delivery.NOT_QUEUED)}
    assert Delivery.objects.count() == 5  # every sending is recorded
    assert response.context["unsent"] == 5 and send in response.content.decode()  # to send again
    assert response.content.decode().count("Not sent: the task queue did not answer.") == 5
    again = client.post(send, follow=True)  # back (in process here)
    assert [str(message) for message in again.context["messages"]] == [
        "Sending 5 briefings to their mayors; each one's state shows below."]
    assert sorted(message.to[0] for message in mail.outbox) == [f"mayor{index}@town.example" for index in range(5)]
    assert Delivery.objects.filter(ok=True).count() == 5 and Delivery.objects.filter(ok=False).count() == 5
    assert again.context["unsent"] == 0


@pytest.mark.django_db(transaction=True)
def test_sendings_the_broker_stops_taking_midway_are_failed_from_there_and_the_others_go(client, council,
                                                                                        monkeypatch):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    taken = []

    def delay(*args):
        if len(taken) == 2:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        taken.append(args)
        return tasks.send_briefing.apply(args=args)

    monkeypatch.setattr(tasks.send_briefing, "delay", delay)
    en(client, council["secretariat"])
    response = client.post(reverse("batch_send", args=[batch.pk]), follow=True)
    told = [str(message) for message in response.context["messages"]]
    assert told[0].startswith("3 briefings were not sent") and told[1].startswith("Sending 2 briefings"), told
    assert len(mail.outbox) == 2 and response.context["unsent"] == 3
    assert Delivery.objects.filter(ok=False, error=Delivery.NOT_QUEUED).count() == 3


def waiting_for(job_ids, *, longer_than_a_lost_one: bool = True):
    """Jobs handed to the broker long enough ago (or not) to count as lost, if no worker has taken a job since."""
    ago = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + UNCLAIMED_MARGIN
    ago += datetime.timedelta(seconds=5 if longer_than_a_lost_one else -5)
    ReportJob.objects.filter(pk__in=job_ids).update(queued_at=timezone.now() - ago)


def test_a_batch_whose_queue_the_broker_lost_is_sent_again_and_each_briefing_made_once(
        council, django_capture_on_commit_callbacks):
    """Redis restarted between the batch's queueing and any worker taking it: the batch
    would wait 「待機中」 for good. The minute's sweep sends its jobs again; should the first
    messages turn up after all, each finds its job done."""
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())  # its messages lost
    job_ids = list(batch.jobs.values_list("pk", flat=True))
    waiting_for(job_ids, longer_than_a_lost_one=False)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert tasks.requeue_unclaimed_jobs.apply().get() == 0  # may still be in a queue being gone through
    assert not sent and batch_progress(batch).pending == 5
    waiting_for(job_ids)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_unclaimed_jobs.apply().get() == 5
    assert batch_progress(batch).done == 5
    for job_id in job_ids:
        tasks.render_job.apply(args=[job_id])  # the first message, after all
    assert Report.objects.filter(job__batch=batch).count() == 5
    assert set(batch.jobs.values_list("attempts", flat=True)) == {1}


def test_a_job_waiting_behind_a_queue_that_workers_are_going_through_is_not_sent_again(
        council, django_capture_on_commit_callbacks):
    waiting, taken = briefing_job(council, 0), briefing_job(council, 1)
    waiting_for([waiting.pk, taken.pk])
    claimed(taken, by=processes.identity(), ago=datetime.timedelta(seconds=3))  # a worker took a job just now
    with django_capture_on_commit_callbacks() as sent:
        assert services.jobs_requeue_unclaimed() == 0
    assert not sent
    # No worker has taken a job since: the queue is gone.
    ReportJob.objects.filter(pk=taken.pk).update(status=ReportJob.Status.DONE)
    waiting_for([taken.pk])
    ReportJob.objects.filter(pk=taken.pk).update(claimed_at=F("queued_at"))
    with django_capture_on_commit_callbacks() as sent:
        assert services.jobs_requeue_unclaimed() == 1
    assert len(sent) == 1
    with django_capture_on_commit_callbacks() as sent:  # sent again just now: not again for as long
        assert services.jobs_requeue_unclaimed() == 0
    assert not sent


def test_a_briefing_retried_long_after_its_batch_was_made_is_not_taken_for_lost(council,
                                                                               django_capture_on_commit_callbacks):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    waiting_for(batch.jobs.values_list("pk", flat=True))
    batch.jobs.update(status=ReportJob.Status.FAILED, error=ReportJob.FAILED)
    with django_capture_on_commit_callbacks():  # queued again, not yet taken by a worker
        assert services.batch_retry_failed(batch=batch) == 5
    assert services.jobs_requeue_unclaimed() == 0


def test_a_job_given_back_for_its_retry_is_not_taken_for_lost(council, django_capture_on_commit_callbacks):
    job = briefing_job(council)
    waiting_for([job.pk])
    claimed(job, by=processes.identity(), ago=datetime.timedelta(hours=1))  # a long attempt, long ago
    services.job_release(job.pk, error=ReportJob.FAILED, final=False)  # its retry is sent now
    with django_capture_on_commit_callbacks() as sent:
        assert services.jobs_requeue_unclaimed() == 0
    assert not sent
