"""Jobs, batches, downloads and e-mail: nothing rendered twice, nothing seen by the wrong town."""

import io
import threading
import zipfile
from urllib.parse import unquote

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from apps.accounts.models import Role
from apps.allocation.selectors import published_shares
from apps.costs.models import SurveyRound
from apps.reports import services, tasks
from apps.reports.models import Batch, Delivery, Kind, Report, ReportJob
from apps.reports.selectors import Options, batch_progress
from tests.factories import SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def briefing_job(council, index=0):
    return services.job_create(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                               plan=council["plan"], body=council["bodies"][index],
                               requested_by=council["secretariat"], enqueue=False)


def test_a_redelivered_task_does_not_render_twice(council):
    job = briefing_job(council)
    tasks.render_job.apply(args=[job.pk])
    tasks.render_job.apply(args=[job.pk])  # the same message again
    assert Report.objects.filter(job=job).count() == 1
    assert ReportJob.objects.get(pk=job.pk).attempts == 1


def test_a_failed_attempt_is_retried_then_succeeds_once(council, monkeypatch):
    job = briefing_job(council)
    real_render, calls = services.render_report, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full")
        return real_render(**kwargs)

    def retry_now(exc, countdown):
        # What the broker would do after the backoff: deliver the task again.
        tasks.render_job.apply(args=[job.pk])
        return Retry()

    monkeypatch.setattr(services, "render_report", flaky)
    monkeypatch.setattr(tasks.render_job, "retry", retry_now)
    monkeypatch.setitem(tasks.render_job.app.conf, "task_always_eager", False)  # a worker, behind a broker
    tasks.render_job.apply(args=[job.pk], throw=False)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempts == 2
    assert Report.objects.filter(job=job).count() == 1


def test_after_the_last_retry_the_job_is_failed_with_a_message_and_its_error_is_logged(council, monkeypatch, caplog,
                                                                                     client):
    """The secretariat reads what to do, in its language; the exception, with its server
    paths, is for the log («FileExistsError: [Errno 17] File exists: '/tmp/…'» was shown)."""
    job = briefing_job(council)
    monkeypatch.setattr(services, "render_report", lambda **kwargs: (_ for _ in ()).throw(
        FileExistsError(17, "File exists", "/srv/reports")))
    monkeypatch.setitem(tasks.render_job.app.conf, "task_always_eager", False)
    tasks.render_job.apply(args=[job.pk], retries=tasks.MAX_RETRIES, throw=False)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and job.error == ReportJob.FAILED
    assert "/srv/reports" in caplog.text and "FileExistsError" in caplog.text
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    batch.jobs.update(status=ReportJob.Status.FAILED, error=ReportJob.FAILED)
    client.force_login(council["secretariat"])
    page = client.get(reverse("batch_progress", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "帳票を作成できませんでした" in page and "Errno" not in page and "/srv" not in page


def test_a_batch_renders_every_member_in_process_and_zips_them(client, council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    progress = batch_progress(batch)
    assert (progress.done, progress.failed, progress.pending) == (5, 0, 0)
    client.force_login(council["secretariat"])
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("batch_zip", args=[batch.pk])).content))
    assert len(archive.namelist()) == 5
    page = client.get(reverse("batch_progress", args=[batch.pk]))
    assert page.context["progress"].done == 5
    assert 'hx-trigger="every 10s"' in page.content.decode()  # done: the page reloads itself slowly


def test_the_batch_page_reloads_itself_every_two_seconds_while_briefings_render(client, council):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())  # not yet rendered
    client.force_login(council["secretariat"])
    for name in ("batch_detail", "batch_progress"):
        page = client.get(reverse(name, args=[batch.pk])).content.decode()
        assert page.count('id="batch-progress"') == 1 and 'hx-trigger="every 2s"' in page


def test_failed_briefings_can_be_retried_from_the_batch(client, council, django_capture_on_commit_callbacks):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    batch.jobs.update(status=ReportJob.Status.FAILED, error="worker lost")
    client.force_login(council["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("batch_retry", args=[batch.pk]))
    assert batch_progress(batch).done == 5


def comparison_made(council):
    return services.job_run(services.job_create(
        kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
        requested_by=council["secretariat"], enqueue=False).pk)


def test_downloads_follow_the_roles(client, council):
    own, other = council["bodies"][0], council["bodies"][1]
    own_report = services.job_run(briefing_job(council, 0).pk)
    other_report = services.job_run(briefing_job(council, 1).pk)
    comparison = services.job_run(services.job_create(
        kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
        requested_by=council["secretariat"], enqueue=False).pk)
    for role in (Role.STAFF, Role.MAYOR):
        client.force_login(user_with_role(role, body=own))
        assert client.get(reverse("report_download", args=[own_report.pk])).status_code == 200
        assert client.get(reverse("report_download", args=[other_report.pk])).status_code == 404
        assert client.get(reverse("report_download", args=[comparison.pk])).status_code == 404  # not published
    council["consortium"].comparison_published = True
    council["consortium"].save()
    # Made while the year was still surveyed: other towns' unfinished figures stay unread.
    assert client.get(reverse("report_download", args=[comparison.pk])).status_code == 404
    council["consortium"].survey_rounds.update(status=SurveyRound.Status.LOCKED)
    assert client.get(reverse("report_download", args=[comparison.pk])).status_code == 404  # still the draft's
    final = comparison_made(council)
    assert final.survey_locked and client.get(reverse("report_download", args=[final.pk])).status_code == 200
    client.force_login(council["secretariat"])
    response = client.get(reverse("report_download", args=[other_report.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # Saved under its Japanese title, whom it is for and the year, as the other printed documents are.
    saved_as = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert saved_as == f"首長向け説明資料_{other.name}_2025年度.pdf"


def test_the_mayor_gets_the_briefing_by_email_and_the_sending_is_recorded(client, council):
    report = services.job_run(briefing_job(council).pk)
    client.force_login(council["secretariat"])
    client.post(reverse("report_send", args=[report.pk]))
    message = mail.outbox[0]
    assert message.to == [council["bodies"][0].mayor_email]
    assert message.attachments[0][2] == "application/pdf" and message.alternatives
    assert message.attachments[0][0] == f"首長向け説明資料_{council['bodies'][0].name}_2025年度.pdf"
    assert Delivery.objects.get().ok
    # The key figures are in the message itself, exactly the published plan's.
    share = published_shares(council["plan"])[council["bodies"][0].code]
    for part in (message.body, message.alternatives[0][0]):
        assert f"{share.current_cost:,}円" in part and f"{share.share:,}円" in part and f"{share.saving:,}円" in part
        assert f"{share.saving_ratio * 100:.1f}%" in part and "令和8年度 按分" in part


def test_the_briefing_e_mail_writes_names_as_they_are_in_text_and_escaped_in_html(council):
    """A plain-text letter and its subject are not HTML: «A&B» stays «A&B» (it read «A&amp;B»)."""
    council["consortium"].name = "秩父＆比企 共同化協議会 <A&B>"
    council["consortium"].save()
    report = services.job_run(briefing_job(council).pk)
    services.briefing_send_once(report_id=report.pk, by=council["secretariat"])
    message = mail.outbox[0]
    assert "<A&B>" in message.subject and "<A&B>" in message.body
    assert "&lt;A&amp;B&gt;" in message.alternatives[0][0]


def test_render_report_command_writes_the_pdf(council, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "briefing.pdf"
    call_command("render_report", "briefing", "--consortium", "saitama", "--body", council["bodies"][0].code,
                 "--out", str(out), "--as-user", council["secretariat"].username)
    assert out.read_bytes().startswith(b"%PDF") and Report.objects.count() == 1


def test_the_member_page_lists_its_own_briefings_and_published_comparisons(client, council):
    own, other = council["bodies"][0], council["bodies"][1]
    own_report = services.job_run(briefing_job(council, 0).pk)
    other_report = services.job_run(briefing_job(council, 1).pk)
    comparison = services.job_run(services.job_create(
        kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
        requested_by=council["secretariat"], enqueue=False).pk)
    client.force_login(user_with_role(Role.MAYOR, body=own))
    page = reverse("body_detail", args=[own.code])

    def listed_latest():
        return [versions.latest for versions in client.get(page).context["reports"]]

    assert listed_latest() == [own_report]
    council["consortium"].comparison_published = True
    council["consortium"].save()
    council["consortium"].survey_rounds.update(status=SurveyRound.Status.LOCKED)
    final = comparison_made(council)
    listed = listed_latest()
    assert final in listed and own_report in listed and other_report not in listed
    assert comparison not in listed  # made before the year was locked


def test_every_download_is_in_the_audit_trail(client, council):
    from auditlog.models import LogEntry

    report = services.job_run(briefing_job(council).pk)
    mayor = user_with_role(Role.MAYOR, body=council["bodies"][0])
    client.force_login(mayor)
    client.get(reverse("report_download", args=[report.pk]))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(report.pk))
    assert entry.actor == mayor


def test_a_download_from_an_english_page_is_named_in_japanese_in_the_audit_trail(client, council):
    """«Mayor briefing (首長向け説明資料) — 伊奈町 (2025)» on the secretariat's Japanese trail."""
    from auditlog.models import LogEntry
    from django.conf import settings
    from django.utils import translation

    report = services.job_run(briefing_job(council).pk)
    client.force_login(user_with_role(Role.MAYOR, body=council["bodies"][0]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("report_download", args=[report.pk])).status_code == 200
    with translation.override("ja"):
        japanese = str(report)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(report.pk))
    assert entry.object_repr == japanese and "Mayor briefing" not in entry.object_repr


def test_a_plan_is_only_reported_beside_the_costs_it_was_worked_out_from(client, council):
    """The plan compares FY2025 costs: printed beside FY2026's, its savings would not add up
    and a briefing would print the FY2025 figure under FY2026's name."""
    SurveyRoundFactory(consortium=council["consortium"], fiscal_year=2026)
    with pytest.raises(ValidationError) as refused:
        services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2026,
                              requested_by=council["secretariat"], options=Options())
    assert "fiscal_year" in refused.value.message_dict
    client.force_login(council["secretariat"])
    url = reverse("report_list", args=["saitama"])
    response = client.post(url, {"fiscal_year": 2026, "plan": council["plan"].pk, "unit": "yen", "calendar": "era",
                                 "kind": Kind.BRIEFING})
    assert response.status_code == 200
    assert "「令和8年度 按分」は2025年度の現行経費から算出しています" in response.content.decode()
    assert response.context["form"].has_error("fiscal_year")
    assert not Batch.objects.exists() and not ReportJob.objects.exists()
    # Without a plan, another year is a plain comparison of that year's costs.
    client.post(url, {"fiscal_year": 2026, "plan": "", "unit": "yen", "calendar": "era"})
    assert ReportJob.objects.get().fiscal_year == 2026


def test_the_report_form_starts_at_the_latest_plan_and_its_year(client, council):
    SurveyRoundFactory(consortium=council["consortium"], fiscal_year=2026)
    client.force_login(council["secretariat"])
    form = client.get(reverse("report_list", args=["saitama"])).context["form"]
    assert form.initial == {"plan": council["plan"], "fiscal_year": 2025}
    assert dict(form.fields["fiscal_year"].choices)[2025] == "2025年度（令和7年度）"


def test_render_report_command_refuses_a_plan_beside_another_years_costs(council, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="2025年度の現行経費"):
        call_command("render_report", "side_by_side", "--consortium", "saitama", "--fiscal-year", "2026",
                     "--out", str(tmp_path / "x.pdf"), "--as-user", council["secretariat"].username)
    assert not ReportJob.objects.exists()


def test_a_batch_is_e_mailed_to_every_mayor_once(client, council, django_capture_on_commit_callbacks):
    council["bodies"][4].mayor_email = ""
    council["bodies"][4].save()
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    client.force_login(council["secretariat"])
    page = client.get(reverse("batch_progress", args=[batch.pk]))
    assert page.context["unsent"] == 4 and "首長にメールアドレスがありません" in page.content.decode()

    send = reverse("batch_send", args=[batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)
    assert sorted(message.to[0] for message in mail.outbox) == [f"mayor{index}@town.example" for index in range(4)]
    assert all(message.attachments[0][2] == "application/pdf" for message in mail.outbox)
    assert Delivery.objects.filter(ok=True, sent_by=council["secretariat"]).count() == 4

    # A second click (or a redelivered task) sends nobody a second copy.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)
    assert len(mail.outbox) == 4
    page = client.get(reverse("batch_progress", args=[batch.pk]))
    assert page.context["unsent"] == 0 and page.content.decode().count("mayor0@town.example") == 1


def test_a_failed_sending_is_shown_and_sent_again_next_time(client, council, django_capture_on_commit_callbacks,
                                                           monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", lambda self: (_ for _ in ()).throw(
        OSError("mail server unreachable")))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.batch_send_enqueue(batch=batch, by=council["secretariat"]) == 5
    client.force_login(council["secretariat"])
    page = client.get(reverse("batch_progress", args=[batch.pk])).content.decode()
    assert "mail server unreachable" in page and services.briefings_unsent(batch=batch).count() == 5
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_send_enqueue(batch=batch, by=council["secretariat"])
    assert len(mail.outbox) == 5


def test_only_the_secretariat_sends_a_batch(client, council):
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    client.force_login(user_with_role(Role.OBSERVER, consortium=council["consortium"]))
    assert client.post(reverse("batch_send", args=[batch.pk])).status_code == 403
    client.force_login(user_with_role(Role.STAFF, body=council["bodies"][0]))
    assert client.post(reverse("batch_send", args=[batch.pk])).status_code == 403
    assert not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_a_briefing_held_by_a_concurrent_sending_is_not_sent_twice(council):
    """The other sender holds the row (another connection, as another worker would)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    report = services.job_run(briefing_job(council).pk)
    held, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            Report.objects.select_for_update().get(pk=report.pk)
            held.set()
            release.wait(timeout=10)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    held.wait(timeout=10)
    try:
        assert services.briefing_send_once(report_id=report.pk, by=council["secretariat"]) is None
    finally:
        release.set()
        thread.join()
    assert not mail.outbox
    assert services.briefing_send_once(report_id=report.pk, by=council["secretariat"]).ok  # free again: sent
    assert services.briefing_send_once(report_id=report.pk, by=council["secretariat"]) is None  # and only once
    assert len(mail.outbox) == 1


def test_the_report_forms_years_follow_the_readers_language(client, council):
    client.force_login(council["secretariat"])
    client.cookies["django_language"] = "en"
    form = client.get(reverse("report_list", args=["saitama"])).context["form"]
    assert dict(form.fields["fiscal_year"].choices)[2025] == "FY2025 (R7)"


def test_a_batch_without_a_plan_briefs_the_current_members_only(council, django_capture_on_commit_callbacks):
    from apps.members.models import ParticipationStatus

    council["bodies"][4].participations.update(status=ParticipationStatus.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=None, fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    assert sorted(batch.jobs.values_list("body__code", flat=True)) == sorted(b.code for b in council["bodies"][:4])
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_send_enqueue(batch=batch, by=council["secretariat"])
    assert "mayor4@town.example" not in [message.to[0] for message in mail.outbox] and len(mail.outbox) == 4


def test_the_mails_summary_is_in_the_briefings_unit(council):
    from apps.core.formatting import thousands

    job = services.job_create(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                              plan=council["plan"], body=council["bodies"][0], requested_by=council["secretariat"],
                              options=Options(unit="thousand"), enqueue=False)
    report = services.job_run(job.pk)
    services.briefing_send_once(report_id=report.pk, by=council["secretariat"])
    share = published_shares(council["plan"])[council["bodies"][0].code]
    current, own = thousands(share.current_cost), thousands(share.share)
    for part in (mail.outbox[0].body, mail.outbox[0].alternatives[0][0]):
        assert f"{current:,}千円" in part and f"{own:,}千円" in part and f"{current - own:,}千円" in part
        assert f"{share.current_cost:,}円" not in part


def test_in_process_a_failed_render_ends_as_a_failed_job_that_can_be_retried(client, council, monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    """The demo runs tasks in-process with eager propagation: a failure was a 500 and a batch
    left 「待機中」 for good, with no retry button."""
    real_render = services.render_report
    monkeypatch.setattr(services, "render_report", lambda **kwargs: (_ for _ in ()).throw(OSError("disk full")))
    client.force_login(council["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_list", args=["saitama"]), {
            "fiscal_year": 2025, "plan": council["plan"].pk, "unit": "yen", "calendar": "era",
            "kind": Kind.BRIEFING})
    assert response.status_code == 302
    batch = Batch.objects.get()
    progress = batch_progress(batch)
    assert (progress.done, progress.failed, progress.pending) == (0, 5, 0)
    assert set(batch.jobs.values_list("error", flat=True)) == {ReportJob.FAILED}
    page = client.get(reverse("batch_progress", args=[batch.pk])).content.decode()
    assert reverse("batch_retry", args=[batch.pk]) in page
    monkeypatch.setattr(services, "render_report", real_render)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("batch_retry", args=[batch.pk])).status_code == 302
    assert batch_progress(batch).done == 5


def test_a_briefing_sent_to_its_mayor_goes_again_only_when_asked_for_by_name_of_its_sending(client, council):
    report = services.job_run(briefing_job(council).pk)
    client.force_login(council["secretariat"])
    send = reverse("report_send", args=[report.pk])
    client.post(send)
    response = client.post(send, follow=True)  # pressed twice, or pressed again later
    assert len(mail.outbox) == 1
    first = Delivery.objects.get()
    told = [str(message) for message in response.context["messages"]]
    assert any("already sent" in message or "送信済み" in message for message in told), told
    page = client.get(reverse("report_list", args=["saitama"])).content.decode()
    assert f'name="again" value="{first.pk}"' in page
    client.post(send, {"again": first.pk})  # 「再送」: sent once more, on purpose
    assert len(mail.outbox) == 2
    client.post(send, {"again": first.pk})  # the same 「再送」 pressed twice
    assert len(mail.outbox) == 2 and Delivery.objects.filter(ok=True).count() == 2


def test_a_second_press_of_the_batchs_send_counts_only_the_briefings_not_yet_on_their_way(
        client, council, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    client.force_login(council["secretariat"])
    send = reverse("batch_send", args=[batch.pk])
    with django_capture_on_commit_callbacks() as queued:  # the workers have not sent them yet
        client.post(send)
        second = client.post(send, follow=True)
    told = [str(message) for message in second.context["messages"]][-1]  # the second press's
    assert "5" not in told and second.context["unsent"] == 0
    assert "送信中" in second.content.decode() or "Being sent" in second.content.decode()
    for callback in queued:
        callback()
    assert sorted(message.to[0] for message in mail.outbox) == [f"mayor{index}@town.example" for index in range(5)]
    assert Delivery.objects.count() == 5 and Delivery.objects.filter(ok=True).count() == 5


def test_a_sending_queued_long_ago_and_never_done_counts_as_still_to_send(council, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options())
    assert services.batch_send_enqueue(batch=batch, by=council["secretariat"]) == 5  # its tasks are lost
    assert services.briefings_unsent(batch=batch).count() == 0
    Delivery.objects.update(sent_at=timezone.now() - services.SENDING_LOST_AFTER - datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.batch_send_enqueue(batch=batch, by=council["secretariat"]) == 5
    assert len(mail.outbox) == 5


def test_batches_are_told_apart_by_year_plan_unit_and_calendar(client, council):
    with_plan = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                      requested_by=council["secretariat"], options=Options(unit="thousand",
                                                                                            calendar="era"))
    services.batch_create(consortium=council["consortium"], plan=None, fiscal_year=2025,
                          requested_by=council["secretariat"], options=Options())
    client.force_login(council["secretariat"])
    client.cookies["django_language"] = "en"
    listed = client.get(reverse("report_list", args=["saitama"])).content.decode()
    assert "FY2025 (R7) · 令和8年度 按分 · thousand yen (千円) · Japanese era" in listed
    assert "FY2025 (R7) · no plan · yen (円) · Western" in listed
    page = client.get(reverse("batch_detail", args=[with_plan.pk])).content.decode()
    assert "FY2025 (R7) · 令和8年度 按分 · thousand yen (千円) · Japanese era" in page


def test_render_report_command_makes_a_report_without_a_plan(council, tmp_path):
    from django.core.management import CommandError, call_command

    newcomer = member_of(council["consortium"], name="ときがわ町", population=11_000)
    args = ["--consortium", "saitama", "--out", str(tmp_path / "x.pdf"), "--as-user", council["secretariat"].username]
    with pytest.raises(CommandError, match="--no-plan"):  # the latest plan gives the newcomer no share
        call_command("render_report", "briefing", "--body", newcomer.code, *args)
    call_command("render_report", "briefing", "--body", newcomer.code, "--no-plan", "--fiscal-year", "2025", *args)
    call_command("render_report", "side_by_side", "--no-plan", "--fiscal-year", "2026", *args)
    assert list(Report.objects.order_by("pk").values_list("kind", "plan", "fiscal_year")) == [
        (Kind.BRIEFING, None, 2025), (Kind.SIDE_BY_SIDE, None, 2026)]
    with pytest.raises(CommandError, match="--fiscal-year"):
        call_command("render_report", "side_by_side", "--no-plan", *args)


def test_render_report_command_asks_for_the_member_of_a_briefing(council, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--body") as refused:
        call_command("render_report", "briefing", "--consortium", "saitama", "--out", str(tmp_path / "x.pdf"),
                     "--as-user", council["secretariat"].username)
    assert "None" not in str(refused.value) and not ReportJob.objects.exists()


def test_in_process_a_single_report_that_fails_is_listed_with_what_to_do(client, council, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "render_report", lambda **kwargs: (_ for _ in ()).throw(OSError("disk full")))
    client.force_login(council["secretariat"])
    url = reverse("report_list", args=["saitama"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"fiscal_year": 2025, "plan": council["plan"].pk, "unit": "yen",
                                     "calendar": "era", "kind": "one_briefing", "body": council["bodies"][0].pk})
    assert response.status_code == 302
    assert ReportJob.objects.get().status == ReportJob.Status.FAILED
    page = client.get(url).content.decode()
    assert "data-failed-reports" in page and council["bodies"][0].name in page and "disk full" not in page


def test_a_council_with_no_member_is_refused_a_batch_and_a_comparison_with_the_reason(client):
    """An empty council made a batch 「完了 0 · 失敗 0」 and archived a comparison naming nobody."""
    from tests.factories import ConsortiumFactory

    empty = ConsortiumFactory(slug="shinki", name="新規協議会")
    SurveyRoundFactory(consortium=empty, fiscal_year=2025)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=empty))
    url = reverse("report_list", args=["shinki"])
    for kind, reason in ((Kind.BRIEFING, "説明資料を作成する構成団体がまだありません"),
                         (Kind.SIDE_BY_SIDE, "比較する構成団体がまだありません")):
        response = client.post(url, {"fiscal_year": 2025, "plan": "", "unit": "yen", "calendar": "era", "kind": kind})
        assert response.status_code == 200 and reason in " ".join(response.context["form"].non_field_errors())
        assert reason in response.content.decode()
    assert not Batch.objects.exists() and not ReportJob.objects.exists() and not Report.objects.exists()


def test_an_archived_file_changed_on_disk_is_not_handed_out_by_download_zip_or_mail(client, council, settings):
    """The archive's SHA-256 is checked on the way out: a file altered after it was stored
    reaches no mayor, as a download, in a batch's ZIP or attached to an e-mail."""
    settings.REPORTS_EMAIL_ATTACH = True
    report = services.job_run(briefing_job(council).pk)
    path = services.reports_root() / report.file_name
    path.chmod(0o640)
    path.write_bytes(path.read_bytes() + b"%% altered")
    client.force_login(council["secretariat"])
    response = client.get(reverse("report_download", args=[report.pk]))
    assert response.status_code == 410 and "SHA-256" in response.content.decode()
    delivery = services.briefing_send(report=report, by=council["secretariat"], download_url="https://example.jp/")
    assert delivery.ok is False and "SHA-256" in delivery.error and not mail.outbox


def test_a_report_whose_file_is_gone_says_so_instead_of_failing(client, council):
    """A database restored without the reports volume: the archive lists a file it no longer has."""
    batch = services.batch_create(consortium=council["consortium"], plan=council["plan"], fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    for job in batch.jobs.all():
        services.job_run(job.pk)
    report = Report.objects.filter(job__batch=batch).first()
    (services.reports_root() / report.file_name).unlink()
    client.force_login(council["secretariat"])
    for response in (client.get(reverse("report_download", args=[report.pk])),
                     client.get(reverse("batch_zip", args=[batch.pk]))):
        assert response.status_code == 410
        assert "missing from the archive" in response.content.decode() or "見つかりません" in response.content.decode()
