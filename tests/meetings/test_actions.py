"""Action items: corrected without losing their owner, due no earlier than their meeting
(nor left due before it when it moves), and reopened when ticked off by mistake."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from apps.accounts.models import Role
from apps.meetings import selectors, services
from apps.meetings.models import ActionItem, Meeting
from apps.members.models import ParticipationStatus
from apps.members.services import participation_set_status
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a = ConsortiumFactory(slug="a", name="埼玉")
    ina, ogose = member_of(a, name="伊奈町"), member_of(a, name="越生町")
    held = services.meeting_save(consortium=a, title="第3回 協議会", status=Meeting.Status.HELD,
                                 starts_at=timezone.now() - datetime.timedelta(days=30))
    return {"a": a, "ina": ina, "ogose": ogose, "held": held,
            "secretariat": user_with_role(Role.SECRETARIAT, consortium=a),
            "ina_staff": user_with_role(Role.STAFF, body=ina)}


def test_correcting_an_action_keeps_its_owner_that_has_withdrawn_since(client, world):
    ogose = world["ogose"]
    action = services.action_add(meeting=world["held"], text="回答を提出", owner=ogose)
    # The withdrawal is entered late, dated before the meeting: 越生町 is no member any more.
    participation_set_status(participation=ogose.participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=timezone.localdate() - datetime.timedelta(days=40))
    client.force_login(world["secretariat"])
    page = client.get(reverse("action_edit", args=[action.pk])).content.decode()
    assert f'<option value="{ogose.pk}" selected>' in page
    response = client.post(reverse("action_edit", args=[action.pk]), {"text": "回答を再提出", "owner": ogose.pk})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.text, action.owner) == ("回答を再提出", ogose)
    # Another action is not given to it.
    other = services.action_add(meeting=world["held"], text="人口の確認", owner=world["ina"])
    refused = client.post(reverse("action_edit", args=[other.pk]), {"text": "人口の確認", "owner": ogose.pk})
    assert refused.status_code == 200 and ActionItem.objects.get(pk=other.pk).owner == world["ina"]


def test_an_action_ticked_off_by_mistake_is_reopened_and_the_audit_trail_keeps_both(client, world):
    action = services.action_add(meeting=world["held"], text="回答を提出", owner=world["ina"])
    client.force_login(world["secretariat"])
    client.post(reverse("action_done", args=[action.pk]))
    page = client.get(reverse("meeting_detail", args=[world["held"].pk])).content.decode()
    assert reverse("action_reopen", args=[action.pk]) in page
    assert client.get(reverse("action_reopen", args=[action.pk])).status_code == 405
    response = client.post(reverse("action_reopen", args=[action.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("meeting_detail", args=[world["held"].pk])
    action.refresh_from_db()
    assert not action.is_done and selectors.body_open_actions(body=world["ina"]) == [action]
    changes = LogEntry.objects.get_for_object(action).filter(action=LogEntry.Action.UPDATE).order_by("timestamp")
    assert [entry.changes_dict["done_on"][1] for entry in changes] == [str(timezone.localdate()), "None"]
    assert {entry.actor for entry in changes} == {world["secretariat"]}

    client.force_login(world["ina_staff"])
    client.post(reverse("action_done", args=[action.pk]))  # refused: 403
    services.action_complete(action=action)
    assert client.post(reverse("action_reopen", args=[action.pk])).status_code == 403
    assert ActionItem.objects.get(pk=action.pk).is_done


def test_an_action_due_before_its_meeting_is_refused_on_the_due_field(client, world):
    held = world["held"]
    day = timezone.localdate(held.starts_at)
    with pytest.raises(ValidationError) as refusal:
        services.action_add(meeting=held, text="回答を提出", due_on=day - datetime.timedelta(days=1))
    assert list(refusal.value.message_dict) == ["due_on"]
    assert not ActionItem.objects.exists()
    action = services.action_add(meeting=held, text="回答を提出", due_on=day)  # due on the day itself

    client.force_login(world["secretariat"])
    response = client.post(reverse("action_edit", args=[action.pk]), {
        "text": "回答を提出", "due_on": (day - datetime.timedelta(days=1)).isoformat()})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["due_on"]
    assert ActionItem.objects.get(pk=action.pk).due_on == day


def test_moving_a_meeting_past_its_open_actions_due_dates_is_refused_naming_them_on_the_date_field(client, world):
    starts = timezone.localtime() + datetime.timedelta(days=10)
    planned = services.meeting_save(consortium=world["a"], title="第4回 協議会", starts_at=starts)
    day = starts.date()
    services.action_add(meeting=planned, text="回答を提出", due_on=day + datetime.timedelta(days=2))
    services.action_add(meeting=planned, text="人口の確認", due_on=day + datetime.timedelta(days=5))
    done = services.action_add(meeting=planned, text="名簿の送付", due_on=day)
    services.action_complete(action=done)
    client.force_login(world["secretariat"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    form = {"kind": "council", "title": planned.title, "status": "planned",
            "starts_at": (starts + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")}
    refused = client.post(reverse("meeting_edit", args=[planned.pk]), form)
    assert refused.status_code == 200
    [message] = refused.context["form"].errors["starts_at"]
    with translation.override("en"):
        due = date_format(day + datetime.timedelta(days=2))
    assert f"“回答を提出” (due {due})" in message
    assert "人口の確認" not in message and "名簿の送付" not in message  # due after the new date; done
    assert Meeting.objects.get(pk=planned.pk).starts_at == planned.starts_at
    # Its due date corrected first, the meeting moves.
    services.action_change(action=planned.actions.get(text="回答を提出"), text="回答を提出",
                           due_on=day + datetime.timedelta(days=4))
    assert client.post(reverse("meeting_edit", args=[planned.pk]), form).status_code == 302
