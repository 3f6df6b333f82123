"""The preview refuses what the save would refuse, cell by cell: a file the preview accepts
imports on confirmation, and a confirmation never ends in a server error. Every bad cell of
a row is named, in the reader's language."""

import io

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import Role
from apps.costs.importers import parse_bodies, parse_costs
from apps.costs.models import CostRecord
from apps.members.models import MemberBody, PopulationRecord
from tests.costs.confirming import confirm
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

HEADINGS = "団体コード,団体名,都道府県,人口,人口基準日,世帯数,首長メールアドレス\n"


@pytest.fixture
def council(client):
    consortium = ConsortiumFactory(slug="saitama")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    return consortium


@pytest.fixture
def ina(council):
    return member_of(council, name="伊奈町", code="113018", prefecture="埼玉県", population=44_000)


def preview(client, content: str, kind="bodies", **fields):
    sheet = io.BytesIO(content.encode())
    sheet.name = f"{kind}.csv"
    return client.post(reverse(f"import_{kind}", args=["saitama"]), {"file": sheet, **fields})


def named(response):
    return [(error.row, error.column) for error in response.context["report"].errors]


def test_a_population_dated_ahead_or_with_more_households_than_residents_is_named_and_never_confirmed(client, ina):
    """The preview accepted both and the confirmation ended in a server error."""
    response = preview(client, HEADINGS + "113018,伊奈町,埼玉県,44000,2099-01-01,,\n"
                                          "113247,三芳町,埼玉県,38000,2025-06-01,50000,\n")
    assert response.status_code == 200
    assert named(response) == [(2, "人口基準日"), (3, "世帯数")]
    assert "token" not in response.context and 'name="token"' not in response.content.decode()
    assert PopulationRecord.objects.filter(body=ina).count() == 1


def test_an_existing_bodys_bad_mayor_address_or_overlong_name_is_named_at_the_preview(client, ina):
    """They passed the preview and failed the save (full_clean) at the confirmation: a server error."""
    long_name = "伊" * 100 + "町"
    response = preview(client, HEADINGS + f"113018,{long_name},埼玉県,,,,notanemail\n")
    assert named(response) == [(2, "団体名"), (2, "首長メールアドレス")]
    assert "token" not in response.context
    ina.refresh_from_db()
    assert ina.name == "伊奈町" and ina.mayor_email == ""


def test_a_new_body_is_held_to_the_models_limits(council):
    """A 212-character name, a 24-character prefecture, bad@@x and a population of 0 were stored as typed."""
    limits = {name: MemberBody._meta.get_field(name).max_length for name in ("name", "prefecture")}
    parsed = parse_bodies((HEADINGS + f"113247,{'三' * 211}町,{'埼' * 24},0,2025-01-01,,bad@@x\n").encode(), "new.csv")
    assert [(error.row, error.column) for error in parsed.report.errors] == [
        (2, "団体名"), (2, "都道府県"), (2, "首長メールアドレス"), (2, "人口")]
    reasons = [error.reason for error in parsed.report.errors]
    assert str(limits["name"]) in reasons[0] and "212" in reasons[0]
    assert str(limits["prefecture"]) in reasons[1] and "24" in reasons[1]
    assert not parsed.rows


def test_a_cost_rows_vendor_longer_than_the_model_keeps_is_named(council):
    ina = member_of(council)
    limit = CostRecord._meta.get_field("vendor").max_length
    sheet = f"団体コード,ソフトウェア,事業者\n{ina.code},100,{'架' * (limit + 1)}\n{ina.code},,{'架' * limit}\n"
    parsed = parse_costs(sheet.encode(), "costs.csv", consortium=council, fiscal_year=2025)
    assert [(error.row, error.column) for error in parsed.report.errors] == [(2, "事業者")]


def test_every_bad_cell_of_a_row_is_named_not_only_the_first(council):
    """With a bad date, 世帯数 1.5 or ひゃく went unreported until the date was corrected."""
    parsed = parse_bodies((HEADINGS + "113018,伊奈町,埼玉県,44000,2025-13-45,1.5,\n"
                                      "113247,三芳町,埼玉県,38000,昨日,ひゃく,\n").encode(), "bodies.csv")
    assert [(error.row, error.column) for error in parsed.report.errors] == [
        (2, "人口基準日"), (2, "世帯数"), (3, "人口基準日"), (3, "世帯数")]


def test_a_refusal_at_the_save_names_the_row_and_field_and_writes_nothing(client, ina, monkeypatch):
    """Should the preview and the save ever disagree, the confirmation says where, not a server error."""
    monkeypatch.setattr("apps.costs.importers.population_check", lambda **_kwargs: None)
    accepted = preview(client, HEADINGS + "113018,伊奈町,埼玉県,44000,2099-01-01,,\n")
    assert accepted.context["token"]
    response = confirm(client, reverse("import_bodies", args=["saitama"]), accepted.context["token"], follow=True)
    assert response.status_code == 200 and response.context["job"].status == "failed"
    assert [(error.row, error.column) for error in response.context["errors"]] == [(2, "人口基準日")]
    ina.refresh_from_db()
    assert PopulationRecord.objects.filter(body=ina).count() == 1


def test_a_population_ten_times_smaller_or_larger_is_questioned_not_refused(client, ina):
    """A digit too few in 伊奈町's population would have moved its share of the allocation unremarked."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    slip = preview(client, HEADINGS + "113018,伊奈町,埼玉県,4400,2025-06-01,,\n")
    assert slip.context["token"] and slip.context["questioned_populations"] == [("伊奈町", 4_400, 44_000)]
    assert "伊奈町: 4,400 (now 44,000)" in slip.content.decode()
    growth = preview(client, HEADINGS + "113018,伊奈町,埼玉県,45000,2025-06-01,,\n")
    assert growth.context["token"] and not growth.context["questioned_populations"]
    # An older count does not become the latest: nothing to question.
    older = preview(client, HEADINGS + "113018,伊奈町,埼玉県,4400,2020-10-01,,\n")
    assert not older.context["questioned_populations"]


def test_a_kind_read_from_the_name_says_so_when_the_name_does_not_tell(client, council):
    """区分 left blank and 名無し were reported as 「区分 し 区分は市・町・村・区のいずれかです」, as
    if «し» had been typed."""
    parsed = parse_bodies("団体コード,団体名,区分,都道府県\n113247,名無し,,埼玉県\n113018,伊奈町,,埼玉県\n".encode(),
                          "bodies.csv")
    [error] = parsed.report.errors
    assert (error.row, error.column, error.value) == (2, "区分", "")
    assert "区分が空欄で、団体名の末尾（し）から判別できません" in error.reason
    assert "kind is blank" in error.reason.en
    assert [row.values["kind"] for row in parsed.rows] == ["town"]  # 伊奈町 is read as a town
    typed = parse_bodies("団体コード,団体名,区分,都道府県\n113247,三芳町,まち,埼玉県\n".encode(), "bodies.csv")
    assert [(e.value, str(e.reason)) for e in typed.report.errors] == [("まち", "区分は市・町・村・区のいずれかです")]


def test_a_file_refused_row_by_row_lists_the_first_200_errors_and_counts_the_rest(client, ina):
    """A locked year's whole file made a 5 MB page of one message per row."""
    rows = "".join(f"113018,伊奈町,埼玉県,0,2025-06-01,,\n" for _ in range(250))
    response = preview(client, HEADINGS + rows)
    page = response.content.decode()
    assert len(response.context["report"].errors) >= 250
    assert page.count("<code>") == 200 and "data-more-errors" in page
