"""The council's open action items on one page: the secretariat's whole list, a town's own
items, overdue ones first and marked 期限超過 — there and wherever an open item is shown."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.meetings import services
from apps.meetings.models import Meeting
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

OVERDUE_BADGE = "data-overdue"


@pytest.fixture
def world():
    a, b = ConsortiumFactory(slug="a", name="埼玉"), ConsortiumFactory(slug="b", name="奈良")
    ina, miyoshi = member_of(a, name="伊奈町"), member_of(a, name="三芳町")
    kashiba = member_of(b, name="香芝市")
    today = timezone.localdate()
    held = services.meeting_save(consortium=a, title="第2回 協議会", status=Meeting.Status.HELD,
                                 starts_at=timezone.now() - datetime.timedelta(days=20))
    nara = services.meeting_save(consortium=b, title="奈良の会議", starts_at=timezone.now() - datetime.timedelta(days=3))
    actions = {
        "later": services.action_add(meeting=held, text="仕様書を確認", owner=ina,
                                     due_on=today + datetime.timedelta(days=10)),
        "undated": services.action_add(meeting=held, text="議事録を回覧"),
        "overdue_ina": services.action_add(meeting=held, text="経費調査に回答", owner=ina,
                                           due_on=today - datetime.timedelta(days=3)),
        "overdue_miyoshi": services.action_add(meeting=held, text="人口を報告", owner=miyoshi,
                                               due_on=today - datetime.timedelta(days=9)),
        "done": services.action_add(meeting=held, text="済んだ宿題", owner=ina,
                                    due_on=today - datetime.timedelta(days=15)),
        "nara": services.action_add(meeting=nara, text="奈良の宿題", owner=kashiba,
                                    due_on=today - datetime.timedelta(days=1)),
    }
    services.action_complete(action=actions["done"])
    return {"a": a, "b": b, "ina": ina, "held": held, "actions": actions,
            "secretariat": user_with_role(Role.SECRETARIAT, consortium=a),
            "secretariat_b": user_with_role(Role.SECRETARIAT, consortium=b),
            "observer": user_with_role(Role.OBSERVER, consortium=a),
            "ina_staff": user_with_role(Role.STAFF, body=ina),
            "kashiba_staff": user_with_role(Role.STAFF, body=kashiba)}


def listed(response) -> list[str]:
    return [action.text for action in response.context["actions"]]


def test_the_secretariat_reads_every_open_action_item_of_the_council_overdue_first(client, world):
    client.force_login(world["secretariat"])
    response = client.get(reverse("action_list", args=["a"]))
    assert response.status_code == 200
    # Overdue, oldest due first; then by due date; an item without one last. Done ones are not open.
    assert listed(response) == ["人口を報告", "経費調査に回答", "仕様書を確認", "議事録を回覧"]
    page = response.content.decode()
    assert page.count(OVERDUE_BADGE) == 2
    assert "伊奈町" in page and "三芳町" in page and "第2回 協議会" in page
    assert reverse("meeting_detail", args=[world["held"].pk]) in page


def test_the_overdue_mark_reads_overdue_in_english(client, world):
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Overdue" in client.get(reverse("action_list", args=["a"])).content.decode()


def test_an_observer_reads_the_whole_list_too(client, world):
    client.force_login(world["observer"])
    assert len(listed(client.get(reverse("action_list", args=["a"])))) == 4


def test_a_member_town_sees_only_its_own_action_items(client, world):
    client.force_login(world["ina_staff"])
    response = client.get(reverse("action_list", args=["a"]))
    assert response.status_code == 200
    assert listed(response) == ["経費調査に回答", "仕様書を確認"]
    assert "人口を報告" not in response.content.decode()


def test_another_councils_action_items_are_not_reachable_nor_listed(client, world):
    for user in ("secretariat_b", "kashiba_staff"):
        client.force_login(world[user])
        assert client.get(reverse("action_list", args=["a"])).status_code == 404
    client.force_login(world["secretariat"])
    assert client.get(reverse("action_list", args=["b"])).status_code == 404
    assert "奈良の宿題" not in client.get(reverse("action_list", args=["a"])).content.decode()
    client.force_login(world["secretariat_b"])
    assert listed(client.get(reverse("action_list", args=["b"]))) == ["奈良の宿題"]


def test_the_dashboards_overdue_count_leads_to_the_action_items_page(client, world):
    client.force_login(world["secretariat"])
    page = client.get(reverse("consortium_dashboard", args=["a"])).content.decode()
    assert f'href="{reverse("action_list", args=["a"])}"' in page


def test_the_meeting_list_leads_members_to_the_action_items_page(client, world):
    client.force_login(world["ina_staff"])
    page = client.get(reverse("meeting_list", args=["a"])).content.decode()
    assert reverse("action_list", args=["a"]) in page


def test_overdue_action_items_are_marked_on_the_meeting_page(client, world):
    client.force_login(world["ina_staff"])
    page = client.get(reverse("meeting_detail", args=[world["held"].pk])).content.decode()
    # Two open and past due; the one done late is done, not overdue.
    assert page.count(OVERDUE_BADGE) == 2


def test_overdue_action_items_are_marked_on_the_towns_page(client, world):
    client.force_login(world["ina_staff"])
    page = client.get(reverse("body_detail", args=[world["ina"].code])).content.decode()
    assert "経費調査に回答" in page and "仕様書を確認" in page
    assert page.count(OVERDUE_BADGE) == 1
