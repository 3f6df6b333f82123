"""The customisation register: no customisation unless explicitly approved, and every
decision kept with who, when and why."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import Role
from apps.agreements import selectors, services
from apps.agreements.models import Customisation
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    # The refusals are matched by their English wording; the UI default is Japanese.
    with translation.override("en"):
        yield


def request(consortium, *, body=None, cost=2_000_000, payer=Customisation.Payer.REQUESTING_MEMBER, **fields):
    scope = Customisation.Scope.ONE if body else Customisation.Scope.ALL
    return services.customisation_save(customisation=Customisation(
        consortium=consortium, title=fields.pop("title", "独自帳票の追加"), scope=scope, body=body, cost=cost,
        payer=payer, requested_on=fields.pop("requested_on", datetime.date(2026, 5, 1)), **fields))


def test_an_individual_customisation_is_not_approved_without_a_reason(consortium, ina, secretariat):
    customisation = request(consortium, body=ina)
    with pytest.raises(ValidationError) as refusal:
        services.customisation_decide(customisation=customisation, approve=True, reason="  ", by=secretariat)
    assert list(refusal.value.message_dict) == ["reason"]
    assert Customisation.objects.get().status == Customisation.Status.REQUESTED


def test_a_decision_is_kept_with_who_when_and_why_and_is_audited(consortium, ina, secretariat):
    customisation = request(consortium, body=ina)
    decided = services.customisation_decide(customisation=customisation, approve=True, by=secretariat,
                                            reason="条例改正への対応で他に手段がないため", on=datetime.date(2026, 6, 1))
    assert (decided.status, decided.decided_by, decided.decided_on) == (
        Customisation.Status.APPROVED, secretariat, datetime.date(2026, 6, 1))
    entry = LogEntry.objects.get_for_object(decided).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["status"] == ["requested", "approved"]


def test_nothing_is_built_unless_approved(consortium, ina, secretariat):
    customisation = request(consortium, body=ina)
    with pytest.raises(ValidationError, match="approved"):
        services.customisation_complete(customisation=customisation)
    services.customisation_decide(customisation=customisation, approve=False, reason="全体の標準で対応可能", by=secretariat)
    with pytest.raises(ValidationError, match="approved"):
        services.customisation_complete(customisation=customisation)
    assert Customisation.objects.get().status == Customisation.Status.REJECTED


def test_a_decision_is_taken_once_and_then_the_request_no_longer_changes(consortium, ina, secretariat):
    customisation = request(consortium, body=ina)
    services.customisation_decide(customisation=customisation, approve=True, reason="理由", by=secretariat)
    with pytest.raises(ValidationError, match="decided already"):
        services.customisation_decide(customisation=customisation, approve=False, reason="理由", by=secretariat)
    customisation.cost = 1
    with pytest.raises(ValidationError, match="awaiting its decision"):
        services.customisation_save(customisation=customisation)
    assert Customisation.objects.get().cost == 2_000_000


@pytest.mark.parametrize("scope, with_body", [(Customisation.Scope.ALL, True), (Customisation.Scope.ONE, False)])
def test_the_scope_and_the_member_agree(consortium, ina, scope, with_body):
    with pytest.raises(ValidationError, match="names"):
        services.customisation_save(customisation=Customisation(
            consortium=consortium, title="x", scope=scope, body=ina if with_body else None, cost=1,
            payer=Customisation.Payer.VENDOR, requested_on=datetime.date(2026, 5, 1)))
    assert not Customisation.objects.exists()


def test_a_customisation_names_a_member_of_its_own_consortium(consortium):
    stranger = member_of(ConsortiumFactory(slug="nara"), name="香芝市")
    with pytest.raises(ValidationError, match="香芝市"):
        request(consortium, body=stranger)


def test_the_totals_count_only_what_was_approved_or_built(consortium, ina, miyoshi, secretariat):
    for body, cost, approve in ((ina, 2_000_000, True), (miyoshi, 5_000_000, False), (None, 3_000_000, True)):
        customisation = request(consortium, body=body, cost=cost,
                                payer=Customisation.Payer.ALL_MEMBERS if body is None else
                                Customisation.Payer.REQUESTING_MEMBER)
        services.customisation_decide(customisation=customisation, approve=approve, reason="理由", by=secretariat)
    request(consortium, body=ina, cost=9_000_000, title="未決定")
    totals = selectors.customisation_totals(Customisation.objects.all())
    assert [(row["scope"], row["payer"], row["count"], row["total"]) for row in totals] == [
        ("all", "all_members", 1, 3_000_000), ("one", "requesting_member", 1, 2_000_000)]


def test_members_read_the_all_member_ones_and_their_own_only(client, consortium, ina, miyoshi):
    everyone = request(consortium, title="全体の改修")
    own = request(consortium, body=ina, title="伊奈町の帳票")
    other = request(consortium, body=miyoshi, title="三芳町の帳票")
    client.force_login(user_with_role(Role.STAFF, body=ina))
    page = client.get(reverse("customisation_list", args=[consortium.slug])).content.decode()
    assert everyone.title in page and own.title in page and other.title not in page
    assert client.get(reverse("customisation_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("customisation_decide", args=[own.pk]),
                       {"approve": "yes", "reason": "自分で承認"}).status_code == 403
    assert Customisation.objects.get(pk=own.pk).status == Customisation.Status.REQUESTED


def test_the_secretariat_records_a_request_and_its_decision_on_the_pages(client, consortium, ina, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("customisation_create", args=[consortium.slug]), {
        "title": "住民票の独自様式", "scope": "one", "body": ina.pk, "cost": "1500000",
        "payer": "requesting_member", "requested_on": "2026-05-01"})
    customisation = Customisation.objects.get()
    assert response["Location"] == reverse("customisation_detail", args=[customisation.pk])
    refused = client.post(reverse("customisation_decide", args=[customisation.pk]), {"approve": "yes", "reason": ""})
    assert refused.status_code == 200 and Customisation.objects.get().status == Customisation.Status.REQUESTED
    client.post(reverse("customisation_decide", args=[customisation.pk]),
                {"approve": "yes", "reason": "法改正対応のため例外として承認"})
    client.post(reverse("customisation_done", args=[customisation.pk]))
    customisation.refresh_from_db()
    assert customisation.status == Customisation.Status.DONE
    assert customisation.decision_reason == "法改正対応のため例外として承認"
    assert client.get(reverse("customisation_edit", args=[customisation.pk])).status_code == 403


def test_a_request_dated_in_the_future_is_refused_under_its_date(consortium, ina):
    # As a signature or a vendor's RFI response is: what is recorded has happened.
    with pytest.raises(ValidationError) as refusal:
        request(consortium, body=ina, requested_on=timezone.localdate() + datetime.timedelta(days=1))
    assert list(refusal.value.message_dict) == ["requested_on"]
    assert not Customisation.objects.exists()
    assert request(consortium, body=ina, requested_on=timezone.localdate()).requested_on == timezone.localdate()


def test_a_decision_dated_in_the_future_is_refused(consortium, ina, secretariat):
    customisation = request(consortium, body=ina)
    with pytest.raises(ValidationError):
        services.customisation_decide(customisation=customisation, approve=True, reason="例外として承認",
                                      by=secretariat, on=timezone.localdate() + datetime.timedelta(days=1))
    assert Customisation.objects.get().status == Customisation.Status.REQUESTED


def test_the_request_page_shows_a_future_date_refused_under_the_date(client, consortium, ina, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("customisation_create", args=[consortium.slug]), {
        "title": "住民票の独自様式", "scope": "one", "body": ina.pk, "cost": "1500000",
        "payer": "requesting_member", "requested_on": "2030-01-01"})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["requested_on"]
    assert not Customisation.objects.exists()


def test_a_decision_dated_before_its_request_is_refused_under_the_decision_date(consortium, ina, secretariat):
    customisation = request(consortium, body=ina, requested_on=datetime.date(2026, 5, 1))
    with pytest.raises(ValidationError) as refusal:
        services.customisation_decide(customisation=customisation, approve=True, reason="例外として承認",
                                      by=secretariat, on=datetime.date(2026, 4, 30))
    assert list(refusal.value.message_dict) == ["decided_on"]
    assert "decision date" in refusal.value.message_dict["decided_on"][0]
    assert Customisation.objects.get().status == Customisation.Status.REQUESTED
    decided = services.customisation_decide(customisation=customisation, approve=True, reason="例外として承認",
                                            by=secretariat, on=datetime.date(2026, 5, 1))
    assert decided.decided_on == decided.requested_on


def test_the_decision_page_says_the_decision_cannot_predate_the_request(client, consortium, ina, secretariat):
    # A request dated ahead in data written before the register refused it.
    customisation = request(consortium, body=ina)
    Customisation.objects.filter(pk=customisation.pk).update(
        requested_on=timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(secretariat)
    response = client.post(reverse("customisation_decide", args=[customisation.pk]),
                           {"approve": "yes", "reason": "例外として承認"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any("decision date" in error for error in response.context["decision_form"].non_field_errors())
    assert Customisation.objects.get().status == Customisation.Status.REQUESTED


def test_a_decided_request_is_not_moved_after_its_decision(consortium, ina, secretariat):
    customisation = request(consortium, body=ina, requested_on=datetime.date(2026, 5, 1))
    decided = services.customisation_decide(customisation=customisation, approve=True, reason="例外として承認",
                                            by=secretariat, on=datetime.date(2026, 6, 1))
    decided.requested_on = datetime.date(2026, 6, 2)
    with pytest.raises(ValidationError, match="awaiting its decision"):
        services.customisation_save(customisation=decided)
    # Whatever path changes it, the record itself keeps the order of the two dates.
    with pytest.raises(ValidationError) as refusal:
        decided.full_clean()
    assert list(refusal.value.message_dict) == ["requested_on"]
    assert "request date" in refusal.value.message_dict["requested_on"][0]
    decided.requested_on = datetime.date(2026, 6, 1)
    decided.full_clean()
    assert Customisation.objects.get().requested_on == datetime.date(2026, 5, 1)
