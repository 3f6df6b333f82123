"""The secretariat keeps its members up to date without the Django admin: status with
dated history, go-live dates, details, population, ownership profile, and new members."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.members.models import MemberBody, Participation, ParticipationStatus
from apps.members.services import participation_set_status
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(client):
    consortium = ConsortiumFactory(slug="saitama")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    return consortium


@pytest.fixture
def ina(council):
    body = member_of(council, name="伊奈町", code="113018")
    body.participations.get().history.update(start_date=datetime.date(2024, 4, 1))
    return body


def post(client, body, form, data):
    fields = {f"{form}-{key}": value for key, value in data.items()}
    return client.post(reverse("member_manage", args=["saitama", body.code]), {"form": form, **fields})


def test_a_status_change_closes_the_open_entry_and_going_live_sets_the_go_live_date(client, ina):
    response = post(client, ina, "status", {"status": "declared", "on": "2025-04-01", "note": "第3回協議会"})
    assert response.status_code == 302
    post(client, ina, "status", {"status": "live", "on": "2026-01-04", "note": ""})
    participation = Participation.objects.get(body=ina)
    assert participation.status == ParticipationStatus.LIVE
    assert participation.actual_go_live == datetime.date(2026, 1, 4)
    history = [(c.status, c.start_date, c.end_date, c.note) for c in participation.history.order_by("start_date")]
    assert history[-2:] == [("declared", datetime.date(2025, 4, 1), datetime.date(2026, 1, 4), "第3回協議会"),
                            ("live", datetime.date(2026, 1, 4), None, "")]


def test_a_status_dated_before_the_current_one_is_refused_under_its_date(client, ina):
    response = post(client, ina, "status", {"status": "declared", "on": "2024-01-01", "note": ""})
    assert response.status_code == 200
    assert "2024年4月1日" in " ".join(response.context["forms"]["status"].errors["on"])
    assert Participation.objects.get(body=ina).history.count() == 1


def test_details_population_and_go_live_are_saved_and_audited(client, ina):
    post(client, ina, "details", {"name": "伊奈町", "kana": "いなまち", "kind": "town", "prefecture": "埼玉県",
                                  "district": "北足立郡", "mayor_name": "大島 清", "mayor_email": "mayor@ina.example",
                                  "it_staff_count": "3", "contact": "総務課 情報係"})
    post(client, ina, "population", {"as_of": "2025-01-01", "population": "44442", "households": "19000",
                                     "source": "registry"})
    post(client, ina, "go_live", {"planned_go_live": "2026-01-04", "actual_go_live": ""})
    ina.refresh_from_db()
    assert (ina.mayor_email, ina.it_staff_count, ina.population) == ("mayor@ina.example", 3, 44442)
    assert Participation.objects.get(body=ina).planned_go_live == datetime.date(2026, 1, 4)
    changes = LogEntry.objects.get_for_object(ina).first().changes_dict
    assert changes["mayor_email"] == ["", "mayor@ina.example"]


def test_a_bad_e_mail_is_named_and_nothing_is_saved(client, ina):
    response = post(client, ina, "details", {"name": "伊奈町", "kind": "town", "prefecture": "埼玉県",
                                             "mayor_email": "not-an-address"})
    assert "mayor_email" in response.context["forms"]["details"].errors
    ina.refresh_from_db()
    assert ina.mayor_email == ""


def test_the_ownership_profile_is_set_asset_by_asset_and_half_a_row_is_refused(client, ina):
    post(client, ina, "ownership", {"data_centre_before": "owned", "data_centre_after": "service",
                                    "server_before": "owned", "server_after": "service"})
    participation = Participation.objects.get(body=ina)
    assert dict(participation.ownership.values_list("asset", "after")) == {"data_centre": "service",
                                                                            "server": "service"}
    response = post(client, ina, "ownership", {"data_centre_before": "owned"})
    assert "data_centre_after" in response.context["forms"]["ownership"].errors
    assert participation.ownership.count() == 2
    post(client, ina, "ownership", {"printer_before": "owned", "printer_after": "owned"})
    assert list(participation.ownership.values_list("asset", flat=True)) == ["printer"]
    deleted = LogEntry.objects.filter(action=LogEntry.Action.DELETE, content_type__model="ownershipprofile")
    assert deleted.count() == 2  # the ownership profile's changes are in the audit trail


def test_a_new_body_joins_with_its_details_and_a_known_one_by_its_code_alone(client, council):
    url = reverse("member_add", args=["saitama"])
    response = client.post(url, {"code": "113247", "name": "三芳町", "kind": "town", "prefecture": "埼玉県",
                                 "status": "study_group", "on": "2025-06-01"})
    assert response.url == reverse("member_manage", args=["saitama", "113247"])
    miyoshi = MemberBody.objects.get(code="113247")
    assert miyoshi.participations.get(consortium=council).status == ParticipationStatus.STUDY_GROUP
    nara = ConsortiumFactory(slug="nara")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=nara))
    client.post(reverse("member_add", args=["nara"]), {"code": "113247", "status": "invited", "on": "2025-06-01"})
    assert MemberBody.objects.get(code="113247").name == "三芳町"
    assert miyoshi.participations.count() == 2
    again = client.post(reverse("member_add", args=["nara"]), {"code": "113247", "status": "invited",
                                                               "on": "2025-06-01"})
    assert "既に" in " ".join(again.context["form"].errors["code"])


def test_a_code_typed_in_full_width_digits_is_stored_in_ascii(client, council):
    response = client.post(reverse("member_add", args=["saitama"]), {
        "code": "１１２１９４", "name": "上尾市", "kind": "city", "prefecture": "埼玉県", "status": "invited",
        "on": "2025-06-01"})
    assert response.url == reverse("member_manage", args=["saitama", "112194"])
    assert MemberBody.objects.get(name="上尾市").code == "112194"


def test_a_wrong_check_digit_or_a_new_body_without_details_is_named(client, council):
    url = reverse("member_add", args=["saitama"])
    wrong = client.post(url, {"code": "113019", "status": "invited", "on": "2025-06-01"})
    assert "検査数字" in " ".join(wrong.context["form"].errors["code"])
    short = client.post(url, {"code": "11301", "status": "invited", "on": "2025-06-01"})
    assert "5桁" in " ".join(short.context["form"].errors["code"])
    bare = client.post(url, {"code": "113247", "status": "invited", "on": "2025-06-01"})
    assert set(bare.context["form"].errors) == {"name", "kind", "prefecture"}
    assert not MemberBody.objects.exists()


def test_the_member_list_and_the_body_page_link_to_the_member_page_for_the_secretariat_only(client, council, ina):
    manage = reverse("member_manage", args=["saitama", ina.code])
    assert manage in client.get(reverse("member_list", args=["saitama"])).content.decode()
    assert manage in client.get(reverse("body_detail", args=[ina.code])).content.decode()
    client.force_login(user_with_role(Role.OBSERVER, consortium=council))
    assert manage not in client.get(reverse("member_list", args=["saitama"])).content.decode()
    assert client.get(manage).status_code == 403
    client.force_login(user_with_role(Role.STAFF, body=ina))
    assert manage not in client.get(reverse("body_detail", args=[ina.code])).content.decode()


def test_the_audit_trail_names_an_ownership_profile_by_its_member_and_asset(client, council):
    ina = member_of(council, name="伊奈町")
    post(client, ina, "ownership", {"printer_before": "owned", "printer_after": "service"})
    entry = LogEntry.objects.filter(content_type__model="ownershipprofile").latest("timestamp")
    assert entry.object_repr.startswith("伊奈町 ") and "object (" not in entry.object_repr


def test_only_a_live_member_has_an_actual_go_live_and_not_a_day_ahead(client, council):
    ina = member_of(council, name="伊奈町")
    participation = ina.participations.get()
    url = reverse("member_manage", args=["saitama", ina.code])
    refused = client.post(url, {"form": "go_live", "go_live-actual_go_live": "2019-04-01"})
    assert "actual_go_live" in refused.context["forms"]["go_live"].errors
    participation.refresh_from_db()
    assert participation.actual_go_live is None
    participation_set_status(participation=participation, status=ParticipationStatus.LIVE,
                             on=datetime.date(2026, 4, 1))
    ahead = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    refused = client.post(url, {"form": "go_live", "go_live-actual_go_live": ahead})
    assert "actual_go_live" in refused.context["forms"]["go_live"].errors
    assert client.post(url, {"form": "go_live", "go_live-actual_go_live": "2026-04-02"}).status_code == 302


def test_a_population_and_a_status_are_recorded_as_they_are_not_as_they_will_be(client, council):
    """A count dated 2030 of 100 residents in 100,000 households became 伊奈町's population
    in every comparison; a withdrawal dated 2030 took it out of this year's survey at once."""
    ina = member_of(council, name="伊奈町", population=44_000)
    url = reverse("member_manage", args=["saitama", ina.code])
    ahead = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    future = client.post(url, {"form": "population", "population-population": "100", "population-as_of": ahead,
                               "population-source": "registry"})
    assert "as_of" in future.context["forms"]["population"].errors
    crowded = client.post(url, {"form": "population", "population-population": "100", "population-households": "100000",
                                "population-as_of": "2025-06-01", "population-source": "registry"})
    assert "households" in crowded.context["forms"]["population"].errors
    withdrawal = client.post(url, {"form": "status", "status-status": "withdrawn", "status-on": ahead})
    assert "on" in withdrawal.context["forms"]["status"].errors
    ina.refresh_from_db()
    assert ina.population == 44_000 and ina.participations.get().status != ParticipationStatus.WITHDRAWN


def test_a_population_below_one_is_refused_with_its_reason(client, council):
    """A population of 0 became the latest count: the town's share of the allocation dropped
    to the equal part alone, an 82.6 % "saving"."""
    ina = member_of(council, name="伊奈町", population=44_000)
    url = reverse("member_manage", args=["saitama", ina.code])
    for population in ("0", "-5"):
        response = client.post(url, {"form": "population", "population-population": population,
                                     "population-as_of": "2025-06-01", "population-source": "registry"})
        assert response.status_code == 200 and "population" in response.context["forms"]["population"].errors
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for population in ("0", "-1"):  # -1 was «greater than or equal to 0», as if 0 were a population
        refused = client.post(url, {"form": "population", "population-population": population,
                                    "population-as_of": "2025-06-01", "population-source": "registry"})
        assert refused.context["forms"]["population"].errors["population"] == ["A population is at least 1 resident."]
    huge = client.post(url, {"form": "population", "population-population": "2147483648",
                             "population-as_of": "2025-06-01", "population-source": "registry"})
    assert huge.context["forms"]["population"].errors["population"] == [
        "Ensure this value is less than or equal to 2147483647."]
    ina.refresh_from_db()
    assert ina.population == 44_000 and ina.populations.count() == 1


def test_a_member_is_not_added_as_from_a_day_still_ahead(client, council):
    """Added as from 2099-04-01, a member could never change status again, not even withdraw
    (a change must start after the current status): the day is refused, as a change's is."""
    url = reverse("member_add", args=["saitama"])
    ahead = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"code": "113247", "name": "三芳町", "kind": "town", "prefecture": "埼玉県",
                                 "status": "invited", "on": ahead})
    assert response.status_code == 200
    assert "今日より後" in " ".join(response.context["form"].errors["on"])
    assert not MemberBody.objects.exists() and not Participation.objects.exists()  # nothing half-written
    today = timezone.localdate().isoformat()
    response = client.post(url, {"code": "113247", "name": "三芳町", "kind": "town", "prefecture": "埼玉県",
                                 "status": "invited", "on": today})
    assert response.status_code == 302


@pytest.fixture
def invited_today(council):
    """A member as the import or 構成団体を追加 leaves it by default: invited, today."""
    body = member_of(council, name="伊奈町", code="113018")
    participation = body.participations.get()
    participation.history.all().delete()
    participation.status = ParticipationStatus.INVITED
    participation.save()
    participation.history.create(status=ParticipationStatus.INVITED, start_date=timezone.localdate())
    return body


def test_a_member_invited_today_can_join_today(client, invited_today):
    today = timezone.localdate()
    response = post(client, invited_today, "status", {"status": "council", "on": today.isoformat(), "note": ""})
    assert response.status_code == 302
    participation = Participation.objects.get(body=invited_today)
    assert participation.status == ParticipationStatus.COUNCIL
    assert [(c.status, c.start_date, c.end_date) for c in participation.history.all()] == [
        ("invited", today, today), ("council", today, None)]
    assert participation.status_on(today) == ParticipationStatus.COUNCIL
    page = client.get(reverse("member_manage", args=["saitama", invited_today.code]))
    assert [change.status for change in page.context["history"]] == ["council", "invited"]  # newest first


def test_the_day_of_a_members_only_status_can_be_corrected_then_its_history_follows(client, invited_today):
    """Imported «invited, today», a member invited in 2024 and joined in 2025 could not be
    recorded: every change had to start after today."""
    corrected = post(client, invited_today, "status", {"status": "invited", "on": "2024-04-01", "note": "招待状"})
    assert corrected.status_code == 302
    participation = Participation.objects.get(body=invited_today)
    assert [(c.status, c.start_date, c.end_date, c.note) for c in participation.history.all()] == [
        ("invited", datetime.date(2024, 4, 1), None, "招待状")]
    assert post(client, invited_today, "status", {"status": "council", "on": "2025-04-01", "note": ""}).status_code == 302
    # With a step after it, a status's start stays as recorded, and the page says so.
    refused = post(client, invited_today, "status", {"status": "council", "on": "2025-01-01", "note": ""})
    assert "2025年4月1日" in " ".join(refused.context["forms"]["status"].errors["on"])
    assert [(c.status, c.start_date, c.end_date) for c in participation.history.all()] == [
        ("invited", datetime.date(2024, 4, 1), datetime.date(2025, 4, 1)), ("council", datetime.date(2025, 4, 1), None)]
