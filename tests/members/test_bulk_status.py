"""A national council moves the members that accepted its invitation in one change: each
checked as a change of one member is, none changed if any is refused (each named with its
reason), and the trail written as for a change of one."""

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.members import member_views
from apps.members.models import Participation, ParticipationStatus, StatusChange
from apps.members.services import participation_set_status
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

S = ParticipationStatus
INVITED_ON = datetime.date(2025, 4, 1)


@pytest.fixture
def council(client):
    consortium = ConsortiumFactory(slug="zenkoku")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return consortium


def invited(council, count, *, first=0):
    bodies = [member_of(council, code=f"{11000 + first + index:05d}", name=f"町{first + index}")
              for index in range(count)]
    for body in bodies:
        participation = body.participations.get()
        participation.history.update(status=S.INVITED, start_date=INVITED_ON)
        Participation.objects.filter(pk=participation.pk).update(status=S.INVITED)
    return bodies


def codes_of(bodies):
    return [body.code for body in bodies]


def post(client, *, status, on="2025-06-01", note="", confirm=False, **chosen):
    data = {"status": status, "on": on, "note": note, "filter": chosen.pop("filter", ""), **chosen}
    if confirm:
        data["confirm"] = "1"
    return client.post(reverse("member_status_bulk", args=["zenkoku"]), data)


def statuses(bodies):
    return [Participation.objects.get(body=body).status for body in bodies]


def test_the_ticked_members_are_shown_the_change_and_moved_once_confirmed(client, council):
    bodies = invited(council, 3)
    review = post(client, status=S.STUDY_GROUP, body=codes_of(bodies[:2]))
    assert review.status_code == 200 and review.context["changing"] == 2
    assert statuses(bodies) == [S.INVITED] * 3  # nothing before the confirmation

    done = post(client, status=S.STUDY_GROUP, codes=review.context["codes"], note="第1回総会", confirm=True)
    assert done.status_code == 302
    assert statuses(bodies) == [S.STUDY_GROUP, S.STUDY_GROUP, S.INVITED]
    participation = Participation.objects.get(body=bodies[0])
    assert [(c.status, c.start_date, c.end_date, c.note) for c in participation.history.all()] == [
        (S.INVITED, INVITED_ON, datetime.date(2025, 6, 1), ""),
        (S.STUDY_GROUP, datetime.date(2025, 6, 1), None, "第1回総会")]


def test_all_that_the_filter_shows_are_chosen_on_every_page(client, council):
    bodies = invited(council, 3)
    participation_set_status(participation=bodies[2].participations.get(), status=S.COUNCIL,
                             on=datetime.date(2025, 5, 1))
    review = post(client, status=S.STUDY_GROUP, everyone="1", filter="status=invited&page=2")
    assert review.context["changing"] == 2 and review.context["codes"].split() == codes_of(bodies[:2])


def test_one_member_refused_changes_none_and_the_page_names_it_with_its_reason(client, council):
    bodies = invited(council, 3)
    participation_set_status(participation=bodies[1].participations.get(), status=S.LIVE,
                             on=datetime.date(2025, 5, 1))
    before = list(StatusChange.objects.values_list("pk", "status", "end_date"))
    refused = post(client, status=S.STUDY_GROUP, body=codes_of(bodies), confirm=True)
    assert refused.status_code == 200
    [member] = refused.context["refused"]
    assert (member.code, member.name) == (bodies[1].code, "町1")
    assert "Live" in member.reason and "Study group" in member.reason
    assert b"nothing has been changed" in refused.content and bodies[1].code.encode() in refused.content
    assert list(StatusChange.objects.values_list("pk", "status", "end_date")) == before
    assert statuses(bodies) == [S.INVITED, S.LIVE, S.INVITED]


def test_a_date_before_the_current_status_is_refused_for_that_member(client, council):
    bodies = invited(council, 2)
    refused = post(client, status=S.STUDY_GROUP, on="2025-03-01", body=codes_of(bodies))
    assert [member.code for member in refused.context["refused"]] == codes_of(bodies)
    assert "2025" in refused.context["refused"][0].reason


def test_a_long_refusal_names_the_first_ones_and_counts_the_rest(client, council, monkeypatch):
    monkeypatch.setattr(member_views, "REFUSALS_SHOWN", 2)
    bodies = invited(council, 5)
    refused = post(client, status=S.STUDY_GROUP, on="2025-03-01", everyone="1")
    assert len(refused.context["refused"]) == 2
    assert refused.context["refused_count"] == 5 and refused.context["refused_more"] == 3
    assert b"and 3 more" in refused.content
    assert statuses(bodies) == [S.INVITED] * 5


def test_a_second_submission_changes_nothing_more(client, council):
    bodies = invited(council, 2)
    for _ in range(2):
        response = post(client, status=S.COUNCIL, body=codes_of(bodies), confirm=True)
        assert response.status_code == 302
    assert StatusChange.objects.filter(status=S.COUNCIL).count() == 2
    assert LogEntry.objects.filter(content_type__model="participation", action=LogEntry.Action.UPDATE).count() == 2
    follow = client.get(response["Location"])
    assert "Nothing to change" in " ".join(str(message) for message in follow.context["messages"])


def test_the_trail_has_the_entry_a_change_of_one_member_writes(client, council):
    one, many = invited(council, 1), invited(council, 1, first=1)
    participation_set_status(participation=one[0].participations.get(), status=S.LIVE, on=datetime.date(2025, 6, 1))
    post(client, status=S.LIVE, body=codes_of(many), confirm=True)
    single, bulk = (LogEntry.objects.get_for_object(body[0].participations.get()).get(action=LogEntry.Action.UPDATE)
                    for body in (one, many))
    assert set(bulk.changes_dict) == set(single.changes_dict) == {"status", "actual_go_live"}
    assert bulk.changes_dict["status"] == single.changes_dict["status"]
    assert bulk.additional_data == single.additional_data and bulk.object_repr.startswith("町1 @ ")
    assert Participation.objects.get(body=many[0]).actual_go_live == datetime.date(2025, 6, 1)


def test_the_change_takes_the_same_number_of_queries_for_any_number_of_members(client, council):
    def queries(bodies, status):
        with CaptureQueriesContext(connection) as executed:
            assert post(client, status=status, body=codes_of(bodies), confirm=True).status_code == 302
        return len(executed)

    assert queries(invited(council, 2), S.STUDY_GROUP) == queries(invited(council, 6, first=2), S.STUDY_GROUP)


def test_nothing_chosen_is_said_and_changes_nothing(client, council):
    invited(council, 1)
    response = post(client, status=S.STUDY_GROUP)
    assert response.status_code == 200 and "Choose the members" in " ".join(response.context["form"].non_field_errors())


def test_another_councils_member_cannot_be_changed_from_this_one(client, council):
    other = invited(ConsortiumFactory(slug="other"), 1, first=5)
    refused = post(client, status=S.STUDY_GROUP, body=codes_of(other), confirm=True)
    assert [member.code for member in refused.context["refused"]] == codes_of(other)
    assert statuses(other) == [S.INVITED]


def test_the_member_list_offers_the_change_to_the_secretariat_only(client, council):
    invited(council, 1)
    page = client.get(reverse("member_list", args=["zenkoku"]))
    assert b"data-bulk-status" in page.content and b'name="body"' in page.content
    client.force_login(user_with_role(Role.OBSERVER, consortium=council))
    page = client.get(reverse("member_list", args=["zenkoku"]))
    assert b"data-bulk-status" not in page.content and b'name="body"' not in page.content


def test_the_day_of_an_only_status_is_corrected_for_many_as_for_one(client, council):
    """Imported as «invited, today»: the real day of the invitation, for all at once."""
    bodies = invited(council, 2)
    assert post(client, status=S.INVITED, on="2025-03-01", body=codes_of(bodies), confirm=True).status_code == 302
    assert [Participation.objects.get(body=body).history.get().start_date for body in bodies] == [
        datetime.date(2025, 3, 1)] * 2


def test_the_member_list_filters_by_code_or_name_and_status_and_counts_what_it_shows(client, council):
    bodies = invited(council, 3)
    participation_set_status(participation=bodies[2].participations.get(), status=S.COUNCIL,
                             on=datetime.date(2025, 5, 1))
    by_name = client.get(reverse("member_list", args=["zenkoku"]), {"q": "町1"})
    assert [row.record.body.name for row in by_name.context["table"].paginated_rows] == ["町1"]
    invited_only = client.get(reverse("member_list", args=["zenkoku"]), {"status": "invited"})
    assert invited_only.context["table"].paginator.count == 2
    assert b"Or all 2 members the filter shows" in invited_only.content


def test_the_member_list_with_its_filter_and_the_change_form_gives_every_element_its_own_id(client, council):
    # Both forms have a «status»: one id for two fields left a label naming the wrong menu.
    invited(council, 2)
    page = client.get(reverse("member_list", args=["zenkoku"])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert 'for="bulk_status"' in page and 'for="id_status"' in page
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
