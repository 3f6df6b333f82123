"""The list of councils is the prefecture's table of shared projects (the Nara slides):
kind, members by name, the first go-live, the business systems — a body may be in several."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.members.models import ParticipationStatus
from tests.factories import ConsortiumFactory, ParticipationFactory, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_each_council_lists_its_members_first_go_live_and_systems_and_a_body_may_be_in_two(client):
    kashiba, nara = ConsortiumFactory(name="香芝・葛城共同化"), ConsortiumFactory(name="奈良県基幹システム共同化検討会")
    town = member_of(kashiba, name="広陵町")
    ParticipationFactory(body=town, consortium=nara)
    other = member_of(nara, name="川西町")
    left = member_of(nara, name="離脱村")
    left.participations.update(status=ParticipationStatus.WITHDRAWN)
    nara.participations.filter(body=town).update(actual_go_live=datetime.date(2012, 3, 1))
    nara.participations.filter(body=other).update(actual_go_live=datetime.date(2011, 5, 1))
    nara.business_systems.add(business_system("resident_registry"), business_system("family_register"))
    user = user_with_role(Role.SECRETARIAT, consortium=kashiba)
    user.roles.create(role=Role.SECRETARIAT, consortium=nara)
    client.force_login(user)
    rows = {row.consortium.name: row for row in client.get(reverse("consortium_list")).context["rows"]}
    assert [body.name for body in rows["奈良県基幹システム共同化検討会"].members] == sorted(
        ["広陵町", "川西町"], key=lambda name: {"広陵町": town.code, "川西町": other.code}[name])
    assert rows["奈良県基幹システム共同化検討会"].withdrawn == 1
    assert rows["奈良県基幹システム共同化検討会"].first_go_live == datetime.date(2011, 5, 1)
    assert rows["奈良県基幹システム共同化検討会"].systems == 2
    assert [body.name for body in rows["香芝・葛城共同化"].members] == ["広陵町"]


def test_the_table_costs_the_same_queries_for_any_number_of_councils(client):
    admin = user_with_role(Role.SECRETARIAT, consortium=ConsortiumFactory())
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("consortium_list")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(4):
        member_of(ConsortiumFactory())
    assert queries() == few
