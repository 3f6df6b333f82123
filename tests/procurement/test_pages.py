"""Who reaches the procurement pages, and the case as an OCDS release package."""

import pytest
from django.urls import reverse

from apps.procurement import services
from tests.procurement.conftest import respond, rfi_round_in, score_all

pytestmark = pytest.mark.django_db


def case_pages(case, evaluation) -> list[str]:
    return [reverse("procurement_list", args=["a"]), reverse("vendor_list", args=["a"]),
            reverse("procurement_detail", args=[case.pk]), reverse("evaluation_detail", args=[evaluation.pk]),
            reverse("procurement_ocds", args=["a", case.pk])]


def test_members_of_the_consortium_are_refused_every_procurement_page(client, world, case, evaluation):
    for member in ("staff_x", "mayor_x"):
        client.force_login(world[member])
        for url in case_pages(case, evaluation):
            assert client.get(url).status_code == 403, (member, url)


def test_another_consortiums_secretariat_does_not_learn_that_the_case_exists(client, world, case, evaluation):
    client.force_login(world["secretariat_b"])
    for url in case_pages(case, evaluation):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("procurement_list", args=["b"])).status_code == 200


def test_observers_read_but_do_not_write(client, world, case, evaluation):
    client.force_login(world["observer"])
    for url in case_pages(case, evaluation):
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("procurement_create", args=["a"]), {"title": "x"}).status_code == 403
    assert client.post(reverse("vendor_create", args=["a"]), {"name": "x"}).status_code == 403


def test_the_secretariat_opens_a_case_which_starts_at_the_market_survey(client, world):
    client.force_login(world["secretariat"])
    response = client.post(reverse("procurement_create", args=["a"]), {"title": "内部情報系 調達", "notes": ""})
    case = world["a"].procurement_cases.get()
    assert response["Location"] == reverse("procurement_detail", args=[case.pk])
    assert case.stage == "market_survey" and case.stage_history.get().recorded_by == world["secretariat"]
    assert "内部情報系 調達" in client.get(reverse("procurement_list", args=["a"])).content.decode()


@pytest.fixture
def awarded(world, case, evaluation):
    rfi_round = rfi_round_in(case, [world["demo"], world["kaku"]])
    respond(rfi_round, world["demo"], {"resident_registry": 1_000_000, "family_register": 2_000_000})
    for evaluator in ("evaluator_1", "evaluator_2"):
        score_all(evaluation, world[evaluator], {"デモクラウド株式会社": [40, 30], "架空情報システム株式会社": [20, 20]})
    closed = services.scoring_close(evaluation=evaluation, by=world["secretariat"])
    return services.evaluation_select(evaluation=closed, proposal=closed.proposals.get(vendor=world["demo"]),
                                      reason="総合評価点が最も高い", by=world["secretariat"])


def test_the_case_exports_as_an_ocds_release_package(client, world, case, awarded, settings):
    settings.OCDS_PREFIX = "ocds-abc123"
    client.force_login(world["observer"])
    url = reverse("procurement_ocds", args=["a", case.pk])
    response = client.get(url)
    assert response["Content-Type"] == "application/json"
    package = response.json()
    assert {"uri", "publishedDate", "releases", "version"} <= set(package)
    assert package["uri"].endswith(url) and package["version"] == "1.1"
    [release] = package["releases"]
    assert {"ocid", "id", "date", "tag", "initiationType"} <= set(release)
    assert release["ocid"] == f"ocds-abc123-a-{case.pk}" and release["id"].startswith(release["ocid"])
    assert release["tag"] == ["tender", "award"] and release["initiationType"] == "tender"
    assert [item["id"] for item in release["tender"]["items"]] == ["resident_registry", "family_register"]
    [award] = release["awards"]
    assert award["value"] == {"amount": 100_000_000, "currency": "JPY"} and award["status"] == "active"
    supplier_id = f"JP-JCN-{world['demo'].corporate_number}"
    assert award["suppliers"] == [{"id": supplier_id, "name": "デモクラウド株式会社"}]
    roles = {party["id"]: party["roles"] for party in release["parties"]}
    assert roles["consortium-a"] == ["buyer", "procuringEntity"]
    assert roles[supplier_id] == ["tenderer", "supplier"]
    assert roles[f"JP-JCN-{world['kaku'].corporate_number}"] == ["tenderer"]
    # In the release's own language: it says «language": "ja"».
    assert release["language"] == "ja" and "最低提案価格" in release["tender"]["awardCriteriaDetails"]


def test_a_case_still_in_the_market_survey_exports_as_planning_without_awards(client, world, case):
    client.force_login(world["secretariat"])
    release = client.get(reverse("procurement_ocds", args=["a", case.pk])).json()["releases"][0]
    assert release["tag"] == ["planning"] and release["tender"]["status"] == "planning"
    assert "awards" not in release and release["tender"]["items"] == []


def test_the_case_page_links_its_rfi_rounds_and_evaluation(client, world, case, awarded):
    client.force_login(world["secretariat"])
    html = client.get(reverse("procurement_detail", args=[case.pk])).content.decode()
    assert reverse("rfi_detail", args=[case.rfi_rounds.get().pk]) in html
    assert reverse("evaluation_detail", args=[awarded.pk]) in html and "デモクラウド株式会社" in html


def test_the_evaluation_page_states_the_price_formula_in_words(client, world, evaluation):
    client.force_login(world["evaluator_1"])
    page = client.get(reverse("evaluation_detail", args=[evaluation.pk])).content.decode()
    assert "価格点の満点 × 最低提案価格 ÷ 当該提案価格" in page and "price_points_max" not in page
