"""The demo as a visitor meets it: seeded twice, every account lands and sees its pages."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from apps.accounts.models import User
from apps.agreements.models import Agreement, Contract, Customisation, SlaItem
from apps.meetings.models import Meeting
from apps.agreements.selectors import pending_signatures
from apps.allocation.models import AllocationPlan
from apps.allocation.selectors import published_shares
from apps.members.models import Consortium, MemberBody
from apps.procurement.models import ProcurementCase
from apps.procurement.selectors import evaluation_results, quote_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once for the whole module (it takes seconds): in a transaction
    rolled back after the last test, each test running in a savepoint inside it, as
    Django's setUpTestData does. Its files stay in one folder for the module."""
    files = tmp_path_factory.mktemp("demo")
    with (override_settings(MEDIA_ROOT=files / "media", REPORTS_ROOT=files / "reports",
                            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
          django_db_blocker.unblock(), transaction.atomic()):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)  # running it twice changes nothing
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """The module's demo keeps its files where it was seeded (see ``demo``)."""


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
    for version in (first, amendment):  # signed after it was sent for review
        first_signed = min(version.signatures.exclude(signed_on=None).values_list("signed_on", flat=True))
        assert version.sent_for_review_on <= first_signed


def test_each_demo_member_has_one_contract_priced_at_its_published_share(demo):
    contracts = Contract.objects.filter(consortium__slug="saitama").select_related("body")
    assert contracts.count() == 18  # the 23 in the council less the 5 that withdrew
    shares = published_shares(AllocationPlan.objects.get(status="published"))
    for contract in contracts:
        assert abs(contract.annual_amount - shares[contract.body.code].share) < 1000
        assert contract.total_amount == 5 * contract.annual_amount
    assert SlaItem.objects.filter(contract__consortium__slug="saitama").count() == 6 * 18


def test_the_demo_register_has_an_approved_a_rejected_and_an_awaited_customisation(demo):
    statuses = dict(Customisation.objects.filter(consortium__slug="saitama").values_list("title", "status"))
    assert sorted(statuses.values()) == ["approved", "rejected", "requested"]


def test_the_demo_meetings_put_the_next_one_ahead_with_its_material(demo):
    from apps.meetings.selectors import next_meeting

    upcoming = next_meeting(consortium=Consortium.objects.get(slug="saitama"))
    assert upcoming is not None and upcoming.agenda.filter(document__gt="").count() == 1
    assert Meeting.objects.filter(consortium__slug="saitama").count() == 3


def test_the_demo_mayors_find_their_own_briefing_waiting(client, demo):
    from apps.reports.models import Report

    assert Report.objects.filter(kind="briefing").count() == 2  # seeding twice rendered no more
    client.force_login(User.objects.get(username="ina-mayor"))
    [versions] = client.get("/bodies/113018/").context["reports"]
    briefing = versions.latest
    assert briefing.body.code == "113018"
    download = client.get(reverse("report_download", args=[briefing.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    # A council of 18 gets its mayors' briefing on one A4 page, everything on it.
    assert briefing.pages == len(PdfReader(io.BytesIO(download.getvalue())).pages) == 1
    text = "".join(PdfReader(io.BytesIO(download.getvalue())).pages[0].extract_text().split())
    assert all(heading in text for heading in ("1.貴団体の経費", "2.構成団体の削減率", "3.按分の考え方",
                                               "4.今後の予定と未了事項", "杉戸町"))


ACCOUNT_PAGES = {
    "jimukyoku": ["/c/saitama/", "/c/saitama/members/", "/c/saitama/costs/", "/c/saitama/plans/",
                  "/c/nara/costs/", "/c/saitama/import/costs/",
                  "/c/saitama/agreements/", "/c/saitama/contracts/", "/c/saitama/customisations/",
                  "/c/saitama/meetings/"],
    "observer": ["/c/saitama/", "/c/saitama/costs/", "/c/saitama/plans/"],
    "ina-staff": ["/bodies/113018/", "/bodies/113018/costs/", "/c/saitama/costs/", "/c/saitama/agreements/",
                  "/c/saitama/contracts/", "/c/saitama/customisations/", "/c/saitama/meetings/"],
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


def test_the_demo_procurement_is_awarded_to_demo_cloud_on_quotes_20_to_30_percent_below_current_costs(client, demo):
    jimukyoku = User.objects.get(username="jimukyoku")
    case = ProcurementCase.objects.select_related("consortium", "evaluation").get(consortium__slug="saitama")
    assert case.stage == "awarded" and case.title == "基幹系システム共同利用 調達"
    evaluation = case.evaluation
    assert evaluation.is_closed and evaluation.selected_proposal.vendor.name == "デモクラウド株式会社"
    assert evaluation.criteria.count() == 4 and evaluation.evaluator_rows.count() == 2
    assert evaluation_results(user=jimukyoku, evaluation=evaluation)[0].proposal == evaluation.selected_proposal
    comparison = quote_comparison(user=jimukyoku, rfi_round=case.rfi_rounds.get(), consortium=case.consortium)
    assert len(comparison.responses) == 3
    assert len([row for row in comparison.rows if all(row.quotes)]) == 20  # every vendor quoted every system
    assert sum(row.current for row in comparison.rows) == comparison.baseline
    assert all(0.20 <= saving.ratio <= 0.30 for saving in comparison.year_rows[0][1])
    for username in ("jimukyoku", "observer"):
        client.force_login(User.objects.get(username=username))
        for page in ("/c/saitama/procurement/", f"/procurement/{case.pk}/", f"/evaluations/{evaluation.pk}/",
                     f"/rfi/{case.rfi_rounds.get().pk}/", f"/c/saitama/procurement/{case.pk}/ocds.json"):
            assert client.get(page).status_code == 200, (username, page)
