"""An import's errors and warnings are shown in the reader's language: Japanese first, and
English with the file's own headings beside the columns' English names."""

import io

import pytest
from django.conf import settings
from django.urls import reverse

from apps.accounts.models import Role
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

HEADINGS = "団体コード,団体名,都道府県,人口,人口基準日,備考\n"


@pytest.fixture
def council(client):
    consortium = ConsortiumFactory(slug="saitama")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    return consortium


def preview(client, content: str, kind="bodies", **fields) -> str:
    sheet = io.BytesIO(content.encode())
    sheet.name = f"{kind}.csv"
    return client.post(reverse(f"import_{kind}", args=["saitama"]), {"file": sheet, **fields}).content.decode()


def test_an_english_reader_gets_the_reasons_and_warnings_in_english(client, council):
    """RowError kept only the Japanese, so the English written beside it was thrown away."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = preview(client, HEADINGS + "113018,伊奈町,埼玉県,abc,2025-01-01,メモ\n")
    assert "population (人口)" in page and "not a number" in page and "数値として読めません" not in page
    assert "column 「備考」 is not one this import reads" in page and "取込みの対象ではない" not in page
    missing = preview(client, "団体名\n伊奈町\n")
    assert "required columns are missing: local government code (団体コード), prefecture (都道府県)" in missing


def test_a_file_refused_as_a_whole_or_a_code_read_anew_is_said_in_english_too(client, council):
    ina = member_of(council)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    no_category = preview(client, f"団体コード,事業者\n{ina.code},架空\n", kind="costs", fiscal_year=2025, unit="yen")
    assert "there is no column for a cost category" in no_category and "費目の列がありません" not in no_category
    restored = preview(client, "団体コード,団体名,都道府県\n11002,札幌市,北海道\n")
    assert "the local government code 11002 was read as 011002" in restored


def test_a_japanese_reader_keeps_the_japanese(client, council):
    page = preview(client, HEADINGS + "113018,伊奈町,埼玉県,abc,2025-01-01,メモ\n")
    assert "数値として読めません" in page and "列「備考」は取込みの対象ではないため読み込みません" in page
    assert "not a number" not in page and "population (人口)" not in page
