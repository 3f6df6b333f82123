"""A batch's page and its reload every two seconds read the counts, the failed briefings
and one page of members: a national batch's 1,741 rows are not read, nor sent, each time."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.reports import services
from apps.reports.models import Delivery, Kind, Report, ReportJob
from apps.reports.selectors import Options
from tests.factories import member_of

pytestmark = pytest.mark.django_db

_serial = itertools.count()


def batch_of(council, *, failed: int):
    """A batch of every member (none rendered by a worker here): the first two by code made
    and sent, the next ``failed`` failed, the others waiting."""
    batch = services.batch_create(consortium=council["consortium"], plan=None, fiscal_year=2025,
                                  requested_by=council["secretariat"], options=Options())
    jobs = list(batch.jobs.order_by("body__code", "pk"))
    for job in jobs[:2]:
        number = next(_serial)
        report = Report.objects.create(
            kind=Kind.BRIEFING, consortium=job.consortium, body=job.body, fiscal_year=2025, params=job.params,
            job=job, requested_by=council["secretariat"], file_name=f"made-{number}.pdf", sha256=f"{number:064x}",
            size=51_200, pages=1)
        Delivery.objects.create(report=report, to=job.body.mayor_email or "x@town.example", mode="attachment",
                                sent_by=council["secretariat"])
    ReportJob.objects.filter(pk__in=[job.pk for job in jobs[:2]]).update(status=ReportJob.Status.DONE)
    ReportJob.objects.filter(pk__in=[job.pk for job in jobs[2:2 + failed]]).update(
        status=ReportJob.Status.FAILED, error=ReportJob.FAILED)
    return batch


def reload_of(client, batch, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("batch_progress", args=[batch.pk]), params)
    assert response.status_code == 200
    return response, len(queries)


def test_the_batch_pages_reload_reads_as_many_queries_and_rows_for_5_members_as_for_120(client, council):
    client.force_login(council["secretariat"])
    small, few = reload_of(client, batch_of(council, failed=1))
    for index in range(115):
        member_of(council["consortium"], name=f"町{index:03}", mayor_email=f"mayor{index}@more.example")
    batch = batch_of(council, failed=60)
    large, many = reload_of(client, batch)
    page = large.content.decode()
    assert page.count("<tr") < 110  # not the 120 members, nor the 60 failed twice
    assert many == few
    assert len(large.context["table"].paginated_rows) == 50 and len(large.context["failed"]) == 50
    assert f'hx-get="{reverse("batch_progress", args=[batch.pk])}"' in page
    # The next page of members, which the reload then keeps to.
    second, queries = reload_of(client, batch, page=3)
    assert queries <= few and len(second.context["table"].paginated_rows) == 20  # none made there: no sendings read
    assert f'hx-get="{reverse("batch_progress", args=[batch.pk])}?page=3"' in second.content.decode()


def test_the_batch_page_shows_progress_each_members_state_and_the_failed_ones_with_their_error(client, council):
    for index in range(55):
        member_of(council["consortium"], name=f"町{index:03}")
    batch = batch_of(council, failed=53)
    client.force_login(council["secretariat"])
    with translation.override("en"):
        response = client.get(reverse("batch_detail", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    progress = response.context["progress"]
    assert (progress.done, progress.failed, progress.pending) == (2, 53, 5)
    assert "Done 2 · failed 53 · pending 5" in page and reverse("batch_retry", args=[batch.pk]) in page
    assert "The first 50 of the 53 failed are listed; the retry takes them all." in page
    failed = page[page.index("data-failed"):page.index("</table>", page.index("data-failed"))]
    assert failed.count("<tr>") == 51 and failed.count("The report could not be made") == 50
    made = [row.record for row in response.context["table"].paginated_rows][:2]
    assert all(reverse("report_download", args=[job.report.pk]) in page for job in made)
    assert "Sent to " in page and "?page=2" in page  # each member's sending, and the other page
