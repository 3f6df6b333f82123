"""What a secretariat and a member's IT officer do, in a real browser."""

import re

import pytest

from apps.demo.seed import DEMO_VENDORS
from tests.e2e.browsing import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_opens_the_named_side_by_side_table(page, demo, screenshot):
    log_in(page, demo, "jimukyoku")
    page.goto(f"{demo}/c/saitama/costs/")
    table = page.locator("table.table").first
    assert table.locator("tbody tr").count() == 23
    assert "伊奈町" in table.inner_text() and "東秩父村" in table.inner_text()
    assert page.locator("[data-demo-notice]").count() == 1
    screenshot("secretariat-side-by-side")
    page.goto(f"{demo}/c/saitama/")
    screenshot("secretariat-dashboard")


def test_a_member_officer_edits_its_survey_sees_its_share_and_no_other_body(page, demo, screenshot):
    log_in(page, demo, "ina-staff")
    assert page.url.rstrip("/").endswith("/bodies/113018")
    assert "伊奈町" in page.inner_text("h1")
    share_card = page.locator(".card.border-success")
    assert "円" in share_card.inner_text()
    screenshot("member-portal")

    page.goto(f"{demo}/bodies/113018/costs/2026/edit/")
    page.select_option("select[name=costs-0-business_system]", label="住民基本台帳")
    page.select_option("select[name=costs-0-category]", value="software")
    page.fill("input[name=costs-0-amount]", "3210000")
    page.fill("input[name=costs-0-vendor]", "架空システム株式会社")
    page.click("main form:has(input[name=costs-TOTAL_FORMS]) button[type=submit]")  # not the offer to copy last year
    page.wait_for_url("**/bodies/113018/costs/?fy=2026")
    assert "3,210,000" in page.inner_text("main table")
    screenshot("member-survey-saved")

    response = page.goto(f"{demo}/bodies/113247/")
    assert response.status == 404


def test_a_member_officer_opens_the_next_meeting_and_downloads_its_material(page, demo, screenshot):
    log_in(page, demo, "ina-staff")
    page.click("text=第3回 協議会")
    assert "協定書（第2版）改正案について" in page.inner_text("main")
    screenshot("member-meeting")
    with page.expect_download() as download:
        page.click("text=資料1_協定書改正案の概要.pdf")
    assert download.value.suggested_filename == "資料1_協定書改正案の概要.pdf"
    with open(download.value.path(), "rb") as material:
        assert material.read(5) == b"%PDF-"


def test_the_secretariat_reviews_the_procurement_and_the_customisation_register(page, demo, screenshot):
    log_in(page, demo, "jimukyoku")
    page.goto(f"{demo}/c/saitama/procurement/")
    page.click("text=基幹系システム共同利用 調達")
    assert "デモクラウド株式会社" in page.inner_text("main")
    screenshot("secretariat-procurement")
    page.goto(f"{demo}/c/saitama/customisations/")
    register = page.inner_text("main")
    assert "住民票の写しの独自様式" in register and "不承認" in register
    screenshot("secretariat-customisations")


def test_a_town_uploads_its_sheet_and_the_secretariat_returns_it_with_a_note(page, demo, screenshot, tmp_path):
    from openpyxl import load_workbook

    log_in(page, demo, "ina-staff")
    page.goto(f"{demo}/bodies/113018/costs/?fy=2026")
    page.click("text=ファイルから取込")
    with page.expect_download() as download:
        page.click("text=Excel (XLSX)")
    with open(download.value.path(), "rb") as downloaded:  # saved without an extension
        sheet = load_workbook(downloaded)
    rows = list(sheet.active.iter_rows(min_row=2, values_only=True))
    assert rows and all(row[0] == "113018" for row in rows)  # one row per system in scope, the town's own
    sheet.active["E2"] = "3,210,000"
    filled = tmp_path / "令和8年度_伊奈町.xlsx"
    sheet.save(filled)
    page.set_input_files("input[name=file]", str(filled))
    page.click("button:has-text('ファイルを確認')")
    screenshot("member-upload-preview")
    page.click("button:has-text('取込を実行')")
    page.wait_for_url("**/bodies/113018/costs/?fy=2026")
    assert "3,210,000" in page.inner_text("main table")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("button:has-text('確認依頼')")  # asks first: the figures are then fixed until returned
    page.wait_for_load_state()
    assert asked and "事務局が差し戻すまで" in asked[0]

    page.context.clear_cookies()
    log_in(page, demo, "jimukyoku")
    page.goto(f"{demo}/c/saitama/surveys/")
    page.click("text=令和8年度")
    row = page.locator("tr", has_text="伊奈町")
    assert "3,210,000" in row.inner_text() and "伊奈町 情報担当" in row.inner_text()  # who submitted
    screenshot("secretariat-survey-round")
    row.locator("input[name=note]").fill("ソフトウェア費は千円単位ではありませんか")
    row.locator("button[value=return]").click()
    page.wait_for_load_state()

    page.context.clear_cookies()
    log_in(page, demo, "ina-staff")
    page.goto(f"{demo}/bodies/113018/costs/?fy=2026")
    assert "ソフトウェア費は千円単位ではありませんか" in page.inner_text("main")


def test_a_member_officer_starts_the_new_year_from_last_years_figures(page, demo):
    log_in(page, demo, "ina-staff")
    page.goto(f"{demo}/bodies/113018/costs/2026/edit/")
    page.get_by_role("button", name="令和7年度の数値を写す").click()
    page.wait_for_url("**/bodies/113018/costs/2026/edit/")
    assert "件を写しました" in page.inner_text(".alert-success")
    copied = page.locator("input[name$=-amount]").evaluate_all("inputs => inputs.filter(input => input.value).length")
    assert copied >= 20
    page.fill("input[name=costs-0-amount]", "1")  # what changed this year
    page.click("main form:has(input[name=costs-TOTAL_FORMS]) button[type=submit]")
    page.wait_for_url("**/bodies/113018/costs/?fy=2026")
    assert any(vendor in page.inner_text("main table") for vendor in DEMO_VENDORS)  # last year's, now this year's
    page.goto(f"{demo}/bodies/113018/costs/2026/edit/")
    assert page.get_by_role("button", name="令和7年度の数値を写す").count() == 0  # offered once, to an empty year


# Line boxes of an element's text: a Range over its contents gives one rectangle per line.
LINES = "element => { const range = document.createRange(); range.selectNodeContents(element);" \
        " return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; }"


def test_japanese_lines_break_between_phrases_not_inside_a_word(page, demo):
    """Narrow columns read 「令和7年／度」 (the archive's fiscal years) and 「オブザー／バー」 (a
    user's role); Chromium and Edge now break Japanese between phrases."""
    log_in(page, demo, "jimukyoku")
    for path, text, at_least in (("/c/saitama/reports/", r"令和\d+年度", 2), ("/c/saitama/people/", "オブザーバー", 1)):
        page.goto(demo + path)
        cells = page.locator("main table td").filter(has_text=re.compile(rf"^\s*{text}\s*$")).all()
        assert len(cells) >= at_least, path
        assert [cell.inner_text() for cell in cells if cell.evaluate(LINES) != 1] == [], path


def test_the_secretariat_previews_a_draft_under_a_guarantee_to_four_places_and_under_none(page, demo):
    """The browser refused 0.5079 (the largest guarantee the engine itself reports) in a
    field stepping by 0.01, and an empty field kept the plan's guarantee: «none» was not
    to be had."""
    from apps.allocation.models import AllocationPlan
    from apps.demo.plans import DRAFT_NAME

    draft = AllocationPlan.objects.get(name=DRAFT_NAME)
    log_in(page, demo, "jimukyoku")
    page.goto(f"{demo}/plans/{draft.pk}/")
    page.fill("#id_guarantee", "0.0123")
    page.wait_for_selector('[data-previewed-guarantee="0.0123"]')
    page.check("#id_no_guarantee")
    page.wait_for_selector('[data-previewed-guarantee="none"]')
    assert page.is_disabled("#id_guarantee")  # the figure left in it is not what was tried
    page.uncheck("#id_no_guarantee")
    page.wait_for_selector('[data-previewed-guarantee="0.0123"]')
    first_share = "#result tr[data-member] td.fw-bold"
    before = page.inner_text(first_share)
    page.fill("#id_equal_ratio", "0.3333")  # the other field previews as it is typed, too
    page.wait_for_function(f"before => document.querySelector('{first_share}').textContent !== before", arg=before)
