"""A second click at the same moment as the first does nothing twice."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone

from apps.meetings import services
from apps.meetings.models import Meeting
from tests.concurrency import needs_row_locks, second_while_first_is_uncommitted
from tests.factories import ConsortiumFactory, member_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_undoing_a_cancellation_by_two_clicks_at_once_restores_and_mails_once():
    needs_row_locks()
    a = ConsortiumFactory(slug="a")
    member_of(a, name="伊奈町", mayor_email="mayor@ina.example")
    meeting = services.meeting_save(consortium=a, title="第3回 協議会",
                                    starts_at=timezone.now() + datetime.timedelta(days=7))
    services.meeting_notify(meeting=meeting, meeting_url="https://example.jp/m/")
    services.meeting_cancel(meeting=Meeting.objects.get(pk=meeting.pk), meeting_url="https://example.jp/m/",
                            tell_members=True)
    mail.outbox.clear()

    def restore():
        return services.meeting_restore(meeting=meeting, meeting_url="https://example.jp/m/")

    assert second_while_first_is_uncommitted(restore, restore) is None
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED
    assert len(mail.outbox) == 1
    entries = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE)
    assert [entry.changes_dict.get("status") for entry in entries].count(["cancelled", "planned"]) == 1
