"""A body in two councils: one council's secretariat reads and changes the body's figures
for its own council's years only, and not the other council's while the body is only invited."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role, RoleAssignment
from apps.costs.importers import apply_costs, parse_costs
from apps.costs.models import SurveyResponse, SurveyRound
from apps.costs.selectors import survey_round_members
from apps.members.models import Participation, ParticipationStatus
from tests.factories import ConsortiumFactory, ParticipationFactory, SurveyRoundFactory, add_cost, member_of, user_with_role

pytestmark = pytest.mark.django_db

LOCKED, OPEN = SurveyRound.Status.LOCKED, SurveyRound.Status.OPEN


@pytest.fixture
def councils():
    """Nara surveys 2023, 2024 and 2026 of 香芝市, its member; Saitama surveys 2024 and 2026
    and publishes its comparison; chotatsu (Saitama's secretariat) adds 香芝市 as invited."""
    saitama = ConsortiumFactory(slug="saitama", name="埼玉県町村情報システム共同化推進協議会", comparison_published=True)
    nara = ConsortiumFactory(slug="nara", name="奈良県基幹システム共同化検討会")
    kashiba = member_of(nara, name="香芝市", population=77_000)
    for year, amount in ((2023, 310_000_000), (2024, 320_000_000), (2026, 330_000_000)):
        add_cost(kashiba, amount, fiscal_year=year)
    ina = member_of(saitama, name="伊奈町", population=45_000, cost=90_000_000, fiscal_year=2024)
    rounds = {}
    for council, years in ((nara, (2023, 2024, 2026)), (saitama, (2024, 2026))):
        for year in years:
            rounds[council.slug, year] = SurveyRoundFactory(consortium=council, fiscal_year=year,
                                                            status=OPEN if year == 2026 else LOCKED)
    SurveyResponse.objects.create(survey_round=rounds["nara", 2026], body=kashiba,
                                  status=SurveyResponse.Status.SUBMITTED)
    ParticipationFactory(body=kashiba, consortium=saitama, status=ParticipationStatus.INVITED)
    jimukyoku = user_with_role(Role.SECRETARIAT, consortium=saitama)
    RoleAssignment.objects.create(user=jimukyoku, role=Role.SECRETARIAT, consortium=nara)
    return {"saitama": saitama, "nara": nara, "kashiba": kashiba, "ina": ina, "rounds": rounds,
            "chotatsu": user_with_role(Role.SECRETARIAT, consortium=saitama), "jimukyoku": jimukyoku,
            "ina_staff": user_with_role(Role.STAFF, body=ina)}


def costs_page(client, body, year=None):
    return client.get(reverse("body_costs", args=[body.code]), {"fy": year} if year else {})


def test_an_invited_body_shows_the_inviting_secretariat_none_of_another_councils_figures_or_survey(client, councils):
    """chotatsu read 香芝市's whole cost history and Nara's survey state for it, and could edit it."""
    kashiba = councils["kashiba"]
    client.force_login(councils["chotatsu"])
    page = costs_page(client, kashiba)
    assert page.status_code == 200 and page.context["years"] == [] and page.context["records"] == []
    for year in (2023, 2024, 2026):
        assert costs_page(client, kashiba, year).status_code == 404
        assert client.get(reverse("body_costs_sheet_csv", args=[kashiba.code, year])).status_code == 404
    assert client.get(reverse("body_costs_edit", args=[kashiba.code, 2026])).status_code == 403
    body_page = client.get(reverse("body_detail", args=[kashiba.code])).content.decode()
    assert "奈良県基幹システム共同化検討会" not in body_page and "330,000,000" not in body_page
    members, _progress = survey_round_members(survey_round=councils["rounds"]["saitama", 2026])
    assert [(m.participation.body.name, m.total, m.previous_total) for m in members
            if m.participation.body == kashiba] == [("香芝市", None, None)]


def test_once_it_joins_the_secretariat_reads_its_own_councils_years_only(client, councils):
    kashiba = councils["kashiba"]
    Participation.objects.filter(body=kashiba, consortium=councils["saitama"]).update(
        status=ParticipationStatus.STUDY_GROUP)
    client.force_login(councils["chotatsu"])
    assert [year for year, _total in costs_page(client, kashiba).context["years"]] == [2026, 2024]
    assert costs_page(client, kashiba, 2024).status_code == 200
    assert costs_page(client, kashiba, 2023).status_code == 404  # Nara's year alone
    body_page = client.get(reverse("body_detail", args=[kashiba.code])).content.decode()
    assert "奈良県基幹システム共同化検討会" not in body_page  # nor Nara's survey of it


def test_the_secretariat_of_both_councils_and_the_towns_own_people_read_every_year(client, councils):
    kashiba = councils["kashiba"]
    client.force_login(councils["jimukyoku"])
    assert [year for year, _total in costs_page(client, kashiba).context["years"]] == [2026, 2024, 2023]
    client.force_login(user_with_role(Role.STAFF, body=kashiba))
    assert [year for year, _total in costs_page(client, kashiba).context["years"]] == [2026, 2024, 2023]


def test_the_named_comparison_lists_only_the_members_that_have_joined(client, councils):
    """Every Saitama member read 香芝市 ranked in the published comparison CSV as 招待."""
    client.force_login(councils["ina_staff"])
    page = client.get(reverse("cost_comparison", args=["saitama"]), {"fy": 2024}).content.decode()
    csv = client.get(reverse("cost_comparison_csv", args=["saitama"]), {"fy": 2024}).content.decode("utf-8-sig")
    assert "伊奈町" in csv and "香芝市" not in csv and "香芝市" not in page


def test_the_secretariats_import_refuses_an_invited_bodys_figures_of_a_year_it_has_not_answered(councils):
    """parse_costs took rows for 香芝市, only invited to Saitama, and overwrote Nara's survey of it."""
    saitama, kashiba, ina = councils["saitama"], councils["kashiba"], councils["ina"]
    sheet = f"団体コード,ソフトウェア\n{kashiba.code},1\n{ina.code},95000000\n".encode()
    parsed = parse_costs(sheet, "costs.csv", consortium=saitama, fiscal_year=2026)
    [error] = parsed.report.errors
    assert (error.row, error.column, error.value) == (2, "団体コード", kashiba.code)
    assert "香芝市はこの協議会では招待中で、他の協議会の構成団体です" in error.reason and "令和8年度" in error.reason
    assert "香芝市 is only invited" in error.reason.en
    assert kashiba.cost_records.filter(fiscal_year=2026).get().amount == 330_000_000
    # Once it answers Saitama's survey of the year, the year's figures are Saitama's business too.
    SurveyResponse.objects.create(survey_round=councils["rounds"]["saitama", 2026], body=kashiba)
    parsed = parse_costs(sheet, "costs.csv", consortium=saitama, fiscal_year=2026)
    assert parsed.ok
    apply_costs(parsed, fiscal_year=2026, consortium=saitama)
    assert 1 in kashiba.cost_records.filter(fiscal_year=2026).values_list("amount", flat=True)


def test_the_import_takes_an_invited_bodys_figures_when_no_other_council_has_it(councils):
    saitama = councils["saitama"]
    newcomer = member_of(saitama, name="三芳町")
    newcomer.participations.update(status=ParticipationStatus.INVITED)
    parsed = parse_costs(f"団体コード,ソフトウェア\n{newcomer.code},100\n".encode(), "costs.csv", consortium=saitama,
                         fiscal_year=2025)
    assert parsed.ok


def test_figures_one_council_accepted_stay_as_accepted_whatever_the_other_councils_survey(client, councils):
    """Saitama accepted and closed 香芝市's 2026 answer; Nara's round of 2026, still open, let
    the town rewrite them (and Saitama's accepted total moved by 13 % unremarked)."""
    kashiba, rounds = councils["kashiba"], councils["rounds"]
    Participation.objects.filter(body=kashiba, consortium=councils["saitama"]).update(
        status=ParticipationStatus.STUDY_GROUP)
    SurveyResponse.objects.filter(survey_round=rounds["nara", 2026], body=kashiba).update(
        status=SurveyResponse.Status.EDITING)  # returned by Nara
    SurveyResponse.objects.create(survey_round=rounds["saitama", 2026], body=kashiba,
                                  status=SurveyResponse.Status.ACCEPTED)
    SurveyRound.objects.filter(pk=rounds["saitama", 2026].pk).update(status=SurveyRound.Status.CLOSED)
    client.force_login(user_with_role(Role.STAFF, body=kashiba))
    refused = client.get(reverse("body_costs_edit", args=[kashiba.code, 2026]))
    assert refused.status_code == 403 and "埼玉県町村情報システム共同化推進協議会" in refused.content.decode()
