"""One agreement line per council: a version is started only when none is open, and only
the latest concluded version is amended, so members never sign two texts at once and the
history never branches."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.agreements import selectors, services
from apps.agreements.models import Agreement
from tests.agreements.conftest import draft_with_articles, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _refusals_read_in_english():
    """The refusals are matched in English, whatever the catalogue says in Japanese."""
    with translation.override("en"):
        yield


def test_no_new_agreement_while_a_version_is_a_draft(consortium):
    draft_with_articles(consortium)
    with pytest.raises(ValidationError, match="Version 1"):
        services.agreement_create(consortium=consortium, title="協定書")
    assert Agreement.objects.count() == 1


def test_no_new_agreement_while_a_version_is_under_review(consortium, under_review):
    with pytest.raises(ValidationError, match="Version 1"):
        services.agreement_create(consortium=consortium, title="協定書")
    assert Agreement.objects.count() == 1


def test_once_a_version_is_concluded_a_change_is_its_amendment_not_a_new_agreement(consortium, concluded):
    with pytest.raises(ValidationError, match="Version 1"):
        services.agreement_create(consortium=consortium, title="協定書")
    assert services.agreement_amend(agreement=concluded).version == 2


def test_another_council_starts_its_own_agreement(consortium, under_review):
    from tests.factories import ConsortiumFactory

    other = services.agreement_create(consortium=ConsortiumFactory(slug="nara"), title="協定書")
    assert other.version == 1


def test_no_amendment_while_another_version_is_open(concluded):
    amendment = services.agreement_amend(agreement=concluded)
    with pytest.raises(ValidationError, match="Version 2"):
        services.agreement_amend(agreement=concluded)
    services.agreement_submit_for_review(agreement=amendment)
    with pytest.raises(ValidationError, match="Version 2"):
        services.agreement_amend(agreement=concluded)
    assert Agreement.objects.count() == 2


def test_only_the_latest_concluded_version_is_amended(concluded, ina, miyoshi):
    second = services.agreement_submit_for_review(agreement=services.agreement_amend(agreement=concluded),
                                                  on=concluded.concluded_on)
    sign_all(second, on=concluded.concluded_on)
    second = services.agreement_conclude(agreement=second)
    with pytest.raises(ValidationError, match="Version 2"):
        services.agreement_amend(agreement=concluded)
    third = services.agreement_amend(agreement=second)
    assert (third.version, third.supersedes) == (3, second)


def test_a_version_is_not_sent_for_review_beside_another_under_review(consortium, under_review):
    # Two open versions exist only in data from before the rule.
    older_draft = Agreement.objects.create(consortium=consortium, title="協定書", version=2)
    older_draft.articles.create(number=1, heading="目的", text="…")
    with pytest.raises(ValidationError, match="Version 1"):
        services.agreement_submit_for_review(agreement=older_draft)
    older_draft.refresh_from_db()
    assert older_draft.is_draft and not older_draft.signatures.exists()


def test_starting_a_version_locks_the_council_so_a_double_submit_cannot_take_the_same_number(consortium):
    with CaptureQueriesContext(connection) as queries:
        services.agreement_create(consortium=consortium, title="協定書")
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in query["sql"] and "members_consortium" in query["sql"]
                   for query in queries.captured_queries)


def test_a_version_number_taken_meanwhile_is_a_refusal_not_a_server_error(consortium, monkeypatch):
    # What a writer that read the versions just before another's commit would meet.
    Agreement.objects.create(consortium=consortium, title="協定書", version=1)
    monkeypatch.setattr(selectors, "open_version", lambda **kwargs: None)
    monkeypatch.setattr(services, "_next_version", lambda consortium_id: 1)
    with pytest.raises(ValidationError, match="same moment"):
        services.agreement_create(consortium=consortium, title="協定書")
    assert Agreement.objects.count() == 1


def test_the_pages_offer_a_new_agreement_only_to_a_council_without_one(client, consortium, secretariat):
    client.force_login(secretariat)
    create = reverse("agreement_create", args=[consortium.slug])
    assert create in client.get(reverse("agreement_list", args=[consortium.slug])).content.decode()
    client.post(create, {"title": "協定書"})
    page = client.get(reverse("agreement_list", args=[consortium.slug])).content.decode()
    assert create not in page and "data-one-agreement-line" in page
    response = client.post(create, {"title": "二つ目の協定書"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Agreement.objects.count() == 1


def test_the_amend_button_shows_on_the_latest_concluded_version_only(client, concluded, secretariat):
    client.force_login(secretariat)
    amend = reverse("agreement_amend", args=[concluded.pk])
    assert amend in client.get(reverse("agreement_detail", args=[concluded.pk])).content.decode()
    amendment = services.agreement_amend(agreement=concluded)
    assert amend not in client.get(reverse("agreement_detail", args=[concluded.pk])).content.decode()
    client.post(amend)
    assert Agreement.objects.count() == 2
    amendment.refresh_from_db()
    assert amendment.is_draft
