"""The member list as a spreadsheet: the bodies import's own sheet, which the secretariat
corrects in Excel and imports back, with each member's participation beside it to read."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.costs import importers
from apps.members.models import MemberBody, ParticipationStatus, PopulationRecord
from apps.members.services import population_record
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

HEADINGS = ["団体コード", "団体名", "ふりがな", "区分", "都道府県", "郡", "人口", "人口基準日", "人口の出典", "世帯数",
            "首長名", "首長メールアドレス", "参加状況", "稼働予定日", "稼働開始日"]


@pytest.fixture
def council():
    consortium = ConsortiumFactory(slug="saitama")
    ina = member_of(consortium, code="113018", name="伊奈町", kana="いなまち", kind="town", prefecture="埼玉県",
                    district="北足立郡", mayor_name="伊奈町長（デモ）", mayor_email="mayor@town.ina.example")
    # Japanese punctuation in a name: it once came back as «伊奈町長(デモ)», changing every mayor.
    # The latest record is the population the body shows: here a census count with households.
    population_record(body=ina, population=44_442, as_of=datetime.date(2025, 10, 1),
                      source=PopulationRecord.Source.CENSUS, households=19_001)
    participation = ina.participations.get()
    participation.status, participation.planned_go_live = ParticipationStatus.LIVE, datetime.date(2026, 4, 1)
    participation.actual_go_live = datetime.date(2026, 4, 1)
    participation.save()
    member_of(consortium, code="113247", name="三芳町", kana="みよしまち", kind="town", prefecture="埼玉県",
              district="入間郡", population=38_000)
    ConsortiumFactory(slug="nara")  # another council's members never appear
    return consortium


def download(client, consortium, fmt) -> list[list[str]]:
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    response = client.get(reverse(f"members_{fmt}", args=[consortium.slug]))
    assert response.status_code == 200
    assert f'filename="{consortium.slug}-members.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM: Japanese Excel opens it as UTF-8
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [["" if value is None else value for value in row] for row in sheet.iter_rows(values_only=True)]


def test_the_sheet_has_the_import_columns_then_each_members_participation(client, council):
    headings, ina, miyoshi = download(client, council, "csv")
    assert headings == HEADINGS
    assert ina == ["113018", "伊奈町", "いなまち", "町", "埼玉県", "北足立郡", "44442", "2025-10-01", "国勢調査", "19001",
                   "伊奈町長（デモ）", "mayor@town.ina.example", "稼働", "2026-04-01", "2026-04-01"]
    assert miyoshi[:10] == ["113247", "三芳町", "みよしまち", "町", "埼玉県", "入間郡", "38000", "2025-01-01", "住民基本台帳",
                            ""]  # no households counted


def test_the_excel_sheet_keeps_codes_as_text_and_dates_as_dates(client, council):
    headings, ina, _miyoshi = download(client, council, "xlsx")
    assert headings == HEADINGS
    # A code read as a number would lose a leading zero (北海道 and the next eight prefectures).
    assert ina[0] == "113018" and ina[6] == 44442
    assert ina[7] == datetime.datetime(2025, 10, 1) and ina[14] == datetime.datetime(2026, 4, 1)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_sheet_imports_back_unchanged(client, council, fmt):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=council))
    response = client.get(reverse(f"members_{fmt}", args=[council.slug]))
    bodies = list(MemberBody.objects.order_by("pk").values_list("pk", "updated_at", "population"))
    records = PopulationRecord.objects.count()

    parsed = importers.parse_bodies(response.content, f"members.{fmt}", consortium=council)
    result = importers.apply_bodies(parsed, consortium=council)

    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 0, 0, 2)
    assert list(MemberBody.objects.order_by("pk").values_list("pk", "updated_at", "population")) == bodies
    assert PopulationRecord.objects.count() == records  # the census count stays a census count
    assert council.participations.get(body__code="113018").status == ParticipationStatus.LIVE
    # 参加状況 is read for a body joining the council; a member's, as exported, is its own.
    assert not [row.changes for row in parsed.rows if row.changes]
    assert not [warning for warning in parsed.report.warnings if "参加状況" in warning]


@pytest.mark.parametrize("edited", ["離脱", "招待"])
def test_a_members_status_edited_in_the_sheet_is_left_alone_and_said_so(client, council, edited):
    """A member's status changes on its page, dated, where it does not walk back (招待 after
    稼働): the import does not change it, and says so."""
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=council))
    sheet = client.get(reverse("members_csv", args=[council.slug])).content.decode("utf-8-sig")
    sheet = sheet.replace(",稼働,", f",{edited},")
    parsed = importers.parse_bodies(sheet.encode(), "members.csv", consortium=council)
    importers.apply_bodies(parsed, consortium=council)
    assert council.participations.get(body__code="113018").status == ParticipationStatus.LIVE
    [warning] = [warning for warning in parsed.report.warnings if "参加状況" in warning]
    assert warning.startswith("2行目: 伊奈町は既にこの協議会の構成団体のため") and "管理画面" in warning


def test_a_population_source_is_imported_and_a_wrong_one_is_named_by_row_and_column(council):
    sheet = ("団体コード,団体名,都道府県,人口,人口基準日,人口の出典\n"
             "113018,伊奈町,埼玉県,44000,2020/10/1,国勢調査\n"
             "113247,三芳町,埼玉県,38000,2025/1/1,住民票\n").encode()
    parsed = importers.parse_bodies(sheet, "bodies.csv")
    assert [(error.row, error.column, error.value) for error in parsed.report.errors] == [(3, "人口の出典", "住民票")]
    assert "住民基本台帳・国勢調査・推計" in parsed.report.errors[0].reason

    parsed = importers.parse_bodies(sheet.replace("住民票".encode(), b""), "bodies.csv")
    importers.apply_bodies(parsed, consortium=council)
    assert PopulationRecord.objects.get(body__code="113018", as_of=datetime.date(2020, 10, 1)).source == "census"
    assert PopulationRecord.objects.get(body__code="113247", as_of=datetime.date(2025, 1, 1)).source == "registry"


def test_the_member_list_offers_the_sheet_to_the_secretariat_only(client, council):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=council))
    page = client.get(reverse("member_list", args=[council.slug])).content.decode()
    assert reverse("members_csv", args=[council.slug]) in page and reverse("members_xlsx", args=[council.slug]) in page
    assert reverse("import_bodies", args=[council.slug]) in page
    # An observer reads the list but imports nothing, and the sheet carries the mayors' e-mail addresses.
    client.force_login(user_with_role(Role.OBSERVER, consortium=council))
    page = client.get(reverse("member_list", args=[council.slug])).content.decode()
    assert "伊奈町" in page and reverse("members_csv", args=[council.slug]) not in page
    assert client.get(reverse("members_xlsx", args=[council.slug])).status_code == 403


def test_a_population_that_differs_only_by_its_source_says_both_sources(council):
    """The preview read «44,442（2025-10-01） → 44,442（2025-10-01）»: a change of nothing."""
    sheet = "団体コード,団体名,都道府県,人口,人口基準日,人口の出典\n113018,伊奈町,埼玉県,44442,2025/10/1,住民基本台帳\n"
    parsed = importers.parse_bodies(sheet.encode(), "bodies.csv", consortium=council)
    [change] = [change for row in parsed.rows for change in row.changes]
    assert (change.old, change.new) == ("44,442（2025-10-01、国勢調査）", "44,442（2025-10-01、住民基本台帳）")
