"""Importing bodies and costs from the files a secretariat really has: all rows or none,
every bad row named with its row, column and reason, and re-imports that change nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from apps.accounts.models import Role
from apps.costs.importers import apply_costs, parse_costs
from apps.costs.models import BodyYearCost, CostRecord
from apps.members.models import MemberBody
from tests.costs.confirming import confirm
from tests.factories import ConsortiumFactory, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db

BODIES_CSV = (
    "団体コード,団体名,ふりがな,都道府県,郡,人口,人口基準日\n"
    "113018,伊奈町,いなまち,埼玉県,北足立郡,\"44,442\",2025/1/1\n"
    "１１３２４７,三芳町,みよしまち,埼玉県,入間郡,３８，０００,令和7年1月1日\n"
)


def run(command, tmp_path, content: bytes, name="file.csv", **options):
    path = tmp_path / name
    path.write_bytes(content)
    call_command(command, str(path), **options)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def consortium():
    return ConsortiumFactory(slug="saitama")


def test_a_cp932_file_with_full_width_digits_and_thousands_separators_imports(tmp_path, consortium):
    run("import_bodies", tmp_path, BODIES_CSV.encode("cp932"), consortium="saitama")
    ina, miyoshi = MemberBody.objects.order_by("code")
    assert (ina.code, ina.name, ina.population) == ("113018", "伊奈町", 44442)
    assert (miyoshi.code, miyoshi.population) == ("113247", 38000)
    assert consortium.participations.count() == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_or_without_bom_imports(tmp_path, consortium, encoding):
    run("import_bodies", tmp_path, BODIES_CSV.encode(encoding))
    assert MemberBody.objects.count() == 2


def test_english_headings_are_accepted(tmp_path):
    run("import_bodies", tmp_path, b"code,name,kind,prefecture\n113018,Ina,town,Saitama\n")
    body = MemberBody.objects.get()
    assert (body.name, body.kind, body.prefecture) == ("Ina", "town", "Saitama")


def test_reimporting_the_same_file_changes_nothing(tmp_path, consortium, capsys):
    run("import_bodies", tmp_path, BODIES_CSV.encode(), consortium="saitama")
    before = list(MemberBody.objects.values_list("pk", "updated_at"))
    run("import_bodies", tmp_path, BODIES_CSV.encode(), consortium="saitama")
    assert list(MemberBody.objects.values_list("pk", "updated_at")) == before
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_any_bad_row_writes_nothing_and_every_error_names_row_column_and_reason(tmp_path, capsys):
    content = ("団体コード,団体名,都道府県,人口,人口基準日\n"
               "113018,伊奈町,埼玉県,44442,2025/1/1\n"      # row 2: good
               "113017,誤り町,埼玉県,100,2025/1/1\n"         # row 3: check digit
               "113247,三芳町,埼玉県,abc,2025/1/1\n"         # row 4: population
               "113263,,埼玉県,100,2025/1/1\n"               # row 5: name blank
               "113018,伊奈町,埼玉県,44442,2025/1/1\n")      # row 6: duplicate of row 2
    with pytest.raises(SystemExit) as exit_info:
        run("import_bodies", tmp_path, content.encode())
    assert exit_info.value.code == 2
    errors = capsys.readouterr().err
    for row, column in (("3", "団体コード"), ("4", "人口"), ("5", "団体名"), ("6", "団体コード")):
        assert f"{row}行目" in errors and column in errors, (row, column, errors)
    assert not MemberBody.objects.exists()


def test_a_missing_required_column_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run("import_bodies", tmp_path, "団体名,都道府県\n伊奈町,埼玉県\n".encode())
    assert "団体コード" in capsys.readouterr().err


def test_a_code_that_lost_its_leading_zero_in_excel_is_read_whole_and_said(tmp_path, consortium, capsys):
    # 札幌市 011002 saved by Excel as 11002; read as 011002 only for a body in 北海道.
    run("import_bodies", tmp_path, "団体コード,団体名,都道府県\n11002,札幌市,北海道\n".encode(), consortium="saitama")
    assert MemberBody.objects.get().code == "011002"
    assert "warning: 2行目: 団体コード「11002」を「011002」と読みました" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run("import_bodies", tmp_path, "団体コード,団体名,都道府県\n11002,札幌市,埼玉県\n".encode())
    assert "2行目 「団体コード」: 団体コードは6桁です（5桁）" in capsys.readouterr().err
    # A cost row's code is restored when the council has that member.
    run("import_costs", tmp_path, "団体コード,ソフトウェア\n11002,100000\n".encode(), consortium="saitama",
        fiscal_year=2025)
    assert CostRecord.objects.get().body.code == "011002"


def test_costs_in_thousand_yen_become_yen_from_xlsx(tmp_path, consortium):
    ina = member_of(consortium, name="伊奈町")
    content = xlsx([["団体コード", "団体名", "業務", "ソフトウェア", "保守", "事業者"],
                    [ina.code, "伊奈町", "住民基本台帳", "1,234.5", 800, "架空システム"]])
    run("import_costs", tmp_path, content, name="costs.xlsx", consortium="saitama", fiscal_year=2025,
        unit="thousand")
    amounts = dict(CostRecord.objects.values_list("category", "amount"))
    assert amounts == {"software": 1_234_500, "maintenance": 800_000}
    assert BodyYearCost.objects.get(body=ina, fiscal_year=2025).total == 2_034_500


def test_yen_marks_and_blank_cells_are_handled(tmp_path, consortium):
    ina = member_of(consortium)
    content = f"団体コード,業務,ソフトウェア,ハードウェア\n{ina.code},戸籍,\"¥1,200,000円\",\n"
    run("import_costs", tmp_path, content.encode(), consortium="saitama", fiscal_year=2025)
    assert list(CostRecord.objects.values_list("category", "amount")) == [("software", 1_200_000)]


def test_a_bad_last_cost_row_leaves_every_earlier_row_unwritten(tmp_path, consortium, capsys):
    ina = member_of(consortium)
    content = (f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,100000\n{ina.code},住民基本台帳,200000\n"
               f"{ina.code},存在しない業務,300000\n999999,戸籍,-5\n")
    with pytest.raises(SystemExit) as exit_info:
        run("import_costs", tmp_path, content.encode(), consortium="saitama", fiscal_year=2025)
    assert exit_info.value.code == 2
    errors = capsys.readouterr().err
    assert "4行目" in errors and "業務" in errors
    assert "5行目" in errors and "ソフトウェア" in errors
    assert not CostRecord.objects.exists()


def test_an_amount_or_a_population_too_large_is_named_by_row_and_column(tmp_path, consortium, capsys):
    """They failed the whole import at the database («bigint out of range»), naming nothing."""
    ina = member_of(consortium)
    content = f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,100000\n{ina.code},住民基本台帳,99999999999999999999\n"
    with pytest.raises(SystemExit):
        run("import_costs", tmp_path, content.encode(), consortium="saitama", fiscal_year=2025)
    errors = capsys.readouterr().err
    assert "3行目" in errors and "ソフトウェア" in errors and "金額が大きすぎます" in errors
    assert not CostRecord.objects.exists()
    with pytest.raises(SystemExit):
        run("import_bodies", tmp_path, "団体コード,団体名,都道府県,人口,人口基準日\n"
                                       "113018,伊奈町,埼玉県,99999999999,2025/1/1\n".encode())
    errors = capsys.readouterr().err
    assert "2行目" in errors and "人口" in errors and "数が大きすぎます" in errors


def test_a_body_outside_the_consortium_is_refused(tmp_path, consortium, capsys):
    outsider = member_of(ConsortiumFactory(slug="nara"))
    with pytest.raises(SystemExit):
        run("import_costs", tmp_path, f"団体コード,ソフトウェア\n{outsider.code},100\n".encode(),
            consortium="saitama", fiscal_year=2025)
    assert "構成団体ではありません" in capsys.readouterr().err


def test_a_mistyped_code_in_a_cost_file_is_told_its_check_digit_is_wrong(tmp_path, consortium, capsys):
    """Not that it is a body outside the council, which sends the clerk looking for the wrong thing."""
    ina = member_of(consortium, code="113018")
    with pytest.raises(SystemExit):
        run("import_costs", tmp_path, f"団体コード,ソフトウェア\n{ina.code},100\n113017,100\n".encode(),
            consortium="saitama", fiscal_year=2025)
    errors = capsys.readouterr().err
    assert "3行目" in errors and "検査数字" in errors and "構成団体ではありません" not in errors


def test_reimporting_costs_changes_nothing(tmp_path, consortium, capsys):
    ina = member_of(consortium)
    content = f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,100000\n".encode()
    run("import_costs", tmp_path, content, consortium="saitama", fiscal_year=2025)
    stamp = CostRecord.objects.get().updated_at
    run("import_costs", tmp_path, content, consortium="saitama", fiscal_year=2025)
    assert CostRecord.objects.get().updated_at == stamp
    assert "0 created, 0 updated, 1 unchanged" in capsys.readouterr().out


def test_a_figure_changed_by_an_import_says_when_it_was_last_changed(tmp_path, consortium, capsys):
    """A bulk update does not stamp ``auto_now``: the changed figure kept the time it was first imported."""
    import datetime

    from django.utils import timezone

    ina = member_of(consortium)
    run("import_costs", tmp_path, f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,100000\n".encode(),
        consortium="saitama", fiscal_year=2025)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    CostRecord.objects.update(updated_at=long_ago)
    run("import_costs", tmp_path, f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,120000\n".encode(),
        consortium="saitama", fiscal_year=2025)
    record = CostRecord.objects.get()
    assert record.amount == 120000 and record.updated_at > long_ago + datetime.timedelta(days=29)


def test_the_upload_page_previews_errors_then_imports_on_confirmation(client, consortium):
    ina = member_of(consortium)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    url = reverse("import_costs", args=["saitama"])
    bad = io.BytesIO(f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,abc\n".encode())
    bad.name = "bad.csv"
    response = client.post(url, {"file": bad, "fiscal_year": 2025, "unit": "yen"})
    assert [e.row for e in response.context["report"].errors] == [2]
    assert not CostRecord.objects.exists()
    good = io.BytesIO(f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,5000\n".encode())
    good.name = "good.csv"
    preview = client.post(url, {"file": good, "fiscal_year": 2025, "unit": "yen"})
    assert not CostRecord.objects.exists()  # the preview writes nothing
    confirm(client, url, preview.context["token"])
    assert CostRecord.objects.get().amount == 5000


def test_the_template_has_the_japanese_headings_and_a_bom(client, consortium):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    content = client.get(reverse("import_costs_template", args=["saitama"])).content
    assert content.startswith(b"\xef\xbb\xbf") and "団体コード" in content.decode("utf-8-sig")


def test_importing_a_year_without_a_survey_registers_it_closed_and_shows_it_in_the_comparison(client, consortium):
    ina = member_of(consortium)
    run_costs = io.BytesIO(f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,5000\n".encode())
    run_costs.name = "costs.csv"
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    url = reverse("import_costs", args=["saitama"])
    preview = client.post(url, {"file": run_costs, "fiscal_year": 2023, "unit": "yen"})
    confirm(client, url, preview.context["token"])
    assert consortium.survey_rounds.get().fiscal_year == 2023
    assert consortium.survey_rounds.get().status == "closed"
    assert client.get(reverse("cost_comparison", args=["saitama"])).context["years"] == [2023]


def test_the_secretariats_preview_names_the_members_whose_total_would_change_tenfold(client, consortium):
    """A file in 円 read as 千円 (or the reverse) turned 1,234,000 円 into 1,234 円 unremarked."""
    ina = member_of(consortium, name="伊奈町", cost=1_234_000, fiscal_year=2024)
    miyoshi = member_of(consortium, name="三芳町", cost=1_000_000, fiscal_year=2024)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    sheet = io.BytesIO(f"団体コード,業務,ソフトウェア\n{ina.code},住民基本台帳,1234\n{miyoshi.code},住民基本台帳,1100000\n"
                       .encode())
    sheet.name = "costs.csv"
    page = client.post(reverse("import_costs", args=["saitama"]), {"file": sheet, "fiscal_year": 2025,
                                                                   "unit": "yen"}).content.decode()
    assert "伊奈町: 1,234 円（前年度 1,234,000 円）" in page and "三芳町:" not in page


@pytest.mark.django_db(transaction=True)
def test_an_import_that_fails_after_writing_its_rows_leaves_nothing_behind(consortium, monkeypatch):
    """The rows are written before the yearly summaries: a failure between them must not
    leave figures the comparison does not count (the import ran outside a transaction)."""
    business_system()  # the catalogue: a transactional test before this one (two clicks at once) flushed it
    ina = member_of(consortium)
    parsed = parse_costs(f"団体コード,業務,ソフトウェア\n{ina.code},戸籍,5000\n".encode(), "costs.csv",
                         consortium=consortium, fiscal_year=2025, unit="yen")

    def fail(**_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("apps.costs.importers.cost_summaries_refresh", fail)
    with pytest.raises(RuntimeError):
        apply_costs(parsed, fiscal_year=2025, consortium=consortium)
    assert not CostRecord.objects.exists() and not consortium.survey_rounds.exists()


def test_a_row_of_another_year_is_refused_for_its_year_alone_not_as_a_duplicate_of_the_next(consortium):
    from apps.costs.importers import parse_costs

    content = ("団体コード,業務,年度,ソフトウェア\n"
               "113018,住民基本台帳,2024,100000\n"
               "113018,住民基本台帳,2025,120000\n").encode()
    member_of(consortium, name="伊奈町", code="113018")
    parsed = parse_costs(content, "c.csv", consortium=consortium, fiscal_year=2025, unit="yen")
    assert [(error.row, error.column) for error in parsed.report.errors] == [(2, "年度")]
