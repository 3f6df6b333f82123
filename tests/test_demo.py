"""The demo as a visitor meets it: seeded twice, every account lands and sees its pages."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.agreements.models import Agreement, Contract, SlaItem
from apps.agreements.selectors import pending_signatures
from apps.allocation.models import AllocationPlan
from apps.allocation.selectors import published_shares
from apps.members.models import MemberBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # running it twice changes nothing


def test_seeding_twice_keeps_one_of_everything(demo):
    assert AllocationPlan.objects.filter(consortium__slug="saitama").count() == 2
    published = AllocationPlan.objects.get(status="published")
    assert published.guarantee is not None and published.cost_fiscal_year == 2025 and published.fiscal_year == 2026
    assert any(m["adjustment"] < 0 for m in published.frozen_results["members"])  # the guarantee caps someone
    assert AllocationPlan.objects.get(status="draft").scenarios.count() == 3


def test_the_demo_agreement_is_concluded_once_and_amended_with_two_signatures_awaited(demo):
    first, amendment = Agreement.objects.filter(consortium__slug="saitama").order_by("version")
    assert first.is_concluded and first.articles.count() == 6
    assert not first.signatures.filter(signed_on__isnull=True).exists()
    assert amendment.is_under_review and amendment.supersedes == first
    awaited = set(amendment.signatures.filter(signed_on__isnull=True).values_list("body__code", flat=True))
    assert awaited == {"113018", "113247"}
    assert pending_signatures(body=MemberBody.objects.get(code="113018")).get().agreement == amendment


def test_each_demo_member_has_one_contract_priced_at_its_published_share(demo):
    contracts = Contract.objects.filter(consortium__slug="saitama").select_related("body")
    assert contracts.count() == 18  # the 23 in the council less the 5 that withdrew
    shares = published_shares(AllocationPlan.objects.get(status="published"))
    for contract in contracts:
        assert abs(contract.annual_amount - shares[contract.body.code].share) < 1000
        assert contract.total_amount == 5 * contract.annual_amount
    assert SlaItem.objects.filter(contract__consortium__slug="saitama").count() == 6 * 18


ACCOUNT_PAGES = {
    "jimukyoku": ["/c/saitama/", "/c/saitama/members/", "/c/saitama/costs/", "/c/saitama/plans/",
                  "/c/nara/costs/", "/c/saitama/import/costs/",
                  "/c/saitama/agreements/", "/c/saitama/contracts/"],
    "observer": ["/c/saitama/", "/c/saitama/costs/", "/c/saitama/plans/"],
    "ina-staff": ["/bodies/113018/", "/bodies/113018/costs/", "/c/saitama/costs/", "/c/saitama/agreements/",
                  "/c/saitama/contracts/"],
    "ina-mayor": ["/bodies/113018/"],
}


def test_each_demo_account_lands_and_reaches_its_pages(client, demo):
    for username, pages in ACCOUNT_PAGES.items():
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("home")).status_code == 302
        for page in pages:
            assert client.get(page).status_code == 200, (username, page)
    response = client.get("/bodies/113018/")  # as the mayor
    assert len(response.context["shares"]) == 1


def test_demo_costs_are_labelled_as_invented(client, demo):
    client.force_login(User.objects.get(username="jimukyoku"))
    for page in ("/c/saitama/costs/", f"/plans/{AllocationPlan.objects.get(status='published').pk}/"):
        assert "data-demo-notice" in client.get(page).content.decode(), page
