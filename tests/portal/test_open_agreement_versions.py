"""Two versions of a council's agreement under review at once (data from before the
one-line rule): the town is not asked to sign both as if each were current, and the
secretariat's dashboard says so and where to resolve it."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.agreements import services as agreements
from apps.agreements.models import Agreement
from tests.agreements.conftest import draft_with_articles, older_version
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    consortium = ConsortiumFactory(slug="saitama")
    ina = member_of(consortium, name="伊奈町")
    first = agreements.agreement_submit_for_review(agreement=draft_with_articles(consortium),
                                                   on=datetime.date(2026, 3, 2))
    return consortium, ina, first


def test_the_towns_page_asks_it_to_wait_instead_of_signing_either_version(client, council):
    consortium, ina, first = council
    client.force_login(user_with_role(Role.STAFF, body=ina))
    page = client.get(reverse("body_detail", args=[ina.code])).content.decode()
    assert reverse("agreement_pdf", args=[first.pk]) in page and "data-rival-version" not in page
    second = older_version(consortium)
    page = client.get(reverse("body_detail", args=[ina.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("data-rival-version") == 2 and "Wait for that before signing" in page
    assert "Your signature is awaited" not in page
    for version in (first, second):  # no text offered for signing and sealing while both are open
        assert reverse("agreement_pdf", args=[version.pk]) not in page


def test_the_dashboard_names_both_open_versions_and_the_one_under_review(client, council):
    consortium, ina, first = council
    draft = older_version(consortium, status=Agreement.Status.DRAFT)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    page = client.get(reverse("consortium_dashboard", args=[consortium.slug]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = page[page.index("data-open-together"):]
    card = card[:card.index("</li>")]
    assert reverse("agreement_detail", args=[draft.pk]) in card and reverse("agreement_detail", args=[first.pk]) in card
    assert "withdraw all but one" in card
    assert "signed by 0 of 1 members" in page  # version 1's progress, though version 2 is newer


def test_the_dashboard_follows_a_version_under_review_beside_a_newer_concluded_one(client, council):
    consortium, ina, first = council
    Agreement.objects.create(consortium=consortium, title="協定書", version=2, status=Agreement.Status.CONCLUDED,
                             concluded_on=datetime.date(2026, 2, 1))
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    page = client.get(reverse("consortium_dashboard", args=[consortium.slug]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("agreement_detail", args=[first.pk]) in page and "signed by 0 of 1 members" in page
