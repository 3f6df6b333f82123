"""A second click at the same moment as the first: refused or done once, as one after
the other would be, never a server error."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.members import services
from apps.members.models import MemberBody, ParticipationStatus
from tests.concurrency import needs_row_locks, second_while_first_is_uncommitted
from tests.factories import ConsortiumFactory, member_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_body_added_by_two_clicks_at_once_joins_once_and_the_second_is_told_so():
    needs_row_locks()
    consortium = ConsortiumFactory(slug="a")

    def add():
        return services.member_add(consortium=consortium, code="113247", status=ParticipationStatus.INVITED,
                                   on=datetime.date(2025, 6, 1),
                                   fields={"name": "三芳町", "kind": "town", "prefecture": "埼玉県"})

    with pytest.raises(ValidationError) as refusal:
        second_while_first_is_uncommitted(add, add)
    assert "code" in refusal.value.message_dict
    assert MemberBody.objects.get(code="113247").participations.count() == 1


def test_a_status_changed_by_two_clicks_at_once_is_changed_once():
    needs_row_locks()
    body = member_of(ConsortiumFactory(slug="a"))
    participation = body.participations.get()

    def join():
        return services.participation_set_status(participation=participation, status=ParticipationStatus.DECLARED,
                                                 on=datetime.date(2025, 7, 1))

    second_while_first_is_uncommitted(join, join)
    assert list(participation.history.filter(end_date__isnull=True).values_list("status", flat=True)) == ["declared"]
    assert participation.history.filter(status=ParticipationStatus.DECLARED).count() == 1


def test_a_change_of_many_members_submitted_twice_at_once_is_made_once():
    needs_row_locks()
    consortium = ConsortiumFactory(slug="a")
    bodies = [member_of(consortium, code=code) for code in ("113018", "113247")]

    def join():
        return services.participations_set_status(consortium=consortium, codes=[body.code for body in bodies],
                                                  status=ParticipationStatus.DECLARED, on=datetime.date(2025, 7, 1))

    assert second_while_first_is_uncommitted(join, join) == 0  # the second finds them declared already
    for body in bodies:
        participation = body.participations.get()
        assert participation.history.filter(status=ParticipationStatus.DECLARED).count() == 1
        assert participation.history.filter(end_date__isnull=True).count() == 1
