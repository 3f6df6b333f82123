"""A council whose data predate the one-line rule can hold two versions open at once. The
pages say so plainly and how to resolve it — withdraw all but one, the secretariat's call —
and nothing is concluded while the members are asked to sign another text too."""


import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Role
from apps.agreements import selectors, services
from apps.agreements.models import Agreement, Signature
from tests.agreements.conftest import older_version, sign_all
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the pages, as the messages read here
    with translation.override("en"):
        yield


def test_the_list_and_each_page_tell_the_secretariat_both_versions_are_open_and_offer_to_withdraw(
        client, consortium, under_review, secretariat):
    second = older_version(consortium)
    client.force_login(secretariat)
    page = client.get(reverse("agreement_list", args=[consortium.slug])).content.decode()
    assert "data-open-together" in page and "withdraw the others" in page
    for version in (under_review, second):
        assert reverse("agreement_detail", args=[version.pk]) in page
        detail = client.get(reverse("agreement_detail", args=[version.pk])).content.decode()
        assert "data-open-together" in detail and reverse("agreement_withdraw", args=[version.pk]) in detail


def test_a_draft_beside_a_version_under_review_is_open_too(client, consortium, under_review, secretariat):
    draft = older_version(consortium, status=Agreement.Status.DRAFT)
    assert selectors.versions_open_together(user=secretariat, consortium_id=consortium.pk) == [draft, under_review]
    client.force_login(secretariat)
    assert reverse("agreement_withdraw", args=[draft.pk]) in client.get(
        reverse("agreement_detail", args=[draft.pk])).content.decode()


def test_a_member_reads_that_it_waits_for_the_secretariat_and_gets_no_withdraw_button(
        client, consortium, under_review, ina):
    second = older_version(consortium)
    client.force_login(user_with_role(Role.STAFF, body=ina))
    page = client.get(reverse("agreement_detail", args=[second.pk])).content.decode()
    assert "wait for that before signing" in page
    assert reverse("agreement_withdraw", args=[second.pk]) not in page


def test_a_single_open_version_says_nothing_and_cannot_be_withdrawn(client, consortium, under_review, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("agreement_detail", args=[under_review.pk])).content.decode()
    assert "data-open-together" not in page and reverse("agreement_withdraw", args=[under_review.pk]) not in page
    with pytest.raises(ValidationError, match="only open version"):
        services.agreement_withdraw(agreement=under_review)
    client.post(reverse("agreement_withdraw", args=[under_review.pk]))
    assert Agreement.objects.filter(pk=under_review.pk).exists()


def test_withdrawing_one_deletes_it_with_its_articles_and_signatures_in_the_audit_trail(
        client, consortium, under_review, secretariat):
    second = older_version(consortium)
    client.force_login(secretariat)
    response = client.post(reverse("agreement_withdraw", args=[second.pk]))
    assert response["Location"] == reverse("agreement_detail", args=[under_review.pk])
    assert list(Agreement.objects.values_list("version", flat=True)) == [1]
    assert not Signature.objects.filter(agreement_id=second.pk).exists()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(second.pk),
                                   content_type__model="agreement").exists()
    page = client.get(reverse("agreement_detail", args=[under_review.pk])).content.decode()
    assert "data-open-together" not in page


def test_a_concluded_version_is_not_withdrawn(consortium, concluded):
    older_version(consortium)
    with pytest.raises(ValidationError, match="concluded"):
        services.agreement_withdraw(agreement=concluded)
    assert Agreement.objects.count() == 2


def test_neither_of_two_versions_under_review_is_concluded_until_one_is_withdrawn(
        consortium, under_review, ina, miyoshi):
    second = older_version(consortium)
    sign_all(under_review)
    with pytest.raises(ValidationError, match="Version 2 is under review too"):
        services.agreement_conclude(agreement=under_review)
    assert Agreement.objects.get(pk=under_review.pk).is_under_review
    services.agreement_withdraw(agreement=second)
    assert services.agreement_conclude(agreement=under_review).is_concluded


@pytest.mark.parametrize("role", [Role.STAFF, Role.OBSERVER])
def test_only_the_secretariat_withdraws_a_version(client, consortium, under_review, ina, role):
    second = older_version(consortium)
    user = user_with_role(role, body=ina) if role == Role.STAFF else user_with_role(role, consortium=consortium)
    client.force_login(user)
    assert client.post(reverse("agreement_withdraw", args=[second.pk])).status_code == 403
    assert Agreement.objects.count() == 2
