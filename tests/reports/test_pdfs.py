"""Both reports, read back from the PDF: names, totals, font, pages, size."""

import datetime
import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import override
from pypdf import PdfReader

from apps.allocation.selectors import MemberShare, published_shares
from apps.reports import services
from apps.reports.models import Kind
from apps.members.models import ParticipationStatus
from apps.accounts.models import Role
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role
from tests.pdf_reading import embedded_fonts, structure_of, text_of
from apps.reports.selectors import Options, briefing_context, chart_peers, side_by_side_context

pytestmark = pytest.mark.django_db


def render(council, kind, body=None, **options):
    return services.render_pdf(kind=kind, consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
                               body=body, options=Options(**options))


def digits(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_comparison_names_every_member_and_its_totals_equal_the_plans(council):
    content = render(council, Kind.SIDE_BY_SIDE)
    text = digits(text_of(content))
    for body in council["bodies"]:
        assert body.name in text
    assert "150,000,001" in text  # the plan's total, in the totals row
    assert "デモデータ" in text
    assert len(PdfReader(io.BytesIO(content)).pages) >= 2  # cover page, then the table


def test_the_plans_line_adds_up_when_the_council_counts_members_the_plan_gives_no_share(council):
    """A member outside the plan (withdrawn, or joined after it) is in the council's total
    but not in the shares: current cost − shares = saving holds on the plan's own line."""
    member_of(council["consortium"], name="毛呂山町", population=30000, cost=70_000_000)
    member_of(council["consortium"], name="上尾市", population=20000)  # no cost reported
    context = side_by_side_context(consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
                                   options=Options())
    totals = context["totals"]
    assert totals["plan_members"] == len(council["bodies"])
    assert totals["shown_plan_current_cost"] - totals["shown_share"] == totals["shown_saving"]
    assert totals["shown_current_cost"] == totals["shown_plan_current_cost"] + 70_000_000
    assert "上尾市" not in [bar["name"] for bar in context["chart"]]  # no «0 円» bar for a member yet to report
    text = digits(text_of(render(council, Kind.SIDE_BY_SIDE)))
    assert f"うち按分対象（{len(council['bodies'])}団体）{totals['shown_plan_current_cost']:,}" in text


def test_the_comparison_is_landscape_and_reads_one_member_per_line(council):
    """Code, name, population and cost side by side on one line, even for one of the
    longest names of a Japanese municipality; in portrait a name broke after each character."""
    long_named = member_of(council["consortium"], name="いちき串木野市", population=26000, cost=48_000_000)
    content = render(council, Kind.SIDE_BY_SIDE)
    reader = PdfReader(io.BytesIO(content))
    assert all(page.mediabox.width > page.mediabox.height for page in reader.pages)
    lines = text_of(content).splitlines()
    for body in [*council["bodies"], long_named]:
        population = f"{body.populations.get().population:,}"
        assert any(re.match(rf"\d+ {body.code} {body.name} {population} [\d,]+ ", line) for line in lines), body.name


def test_the_font_is_embedded_subset_and_japanese(council):
    content = render(council, Kind.SIDE_BY_SIDE)
    fonts = embedded_fonts(content)
    assert fonts and all(re.match(r"/[A-Z]{6}\+BIZ-UDGothic", name) for name in fonts), fonts


def test_in_thousand_yen_the_rows_still_add_up_to_the_printed_total(council):
    from apps.reports.selectors import side_by_side_context

    context = side_by_side_context(consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
                                   options=Options(unit="thousand"))
    for column in ("current_cost", "share"):
        assert sum(row.shown[column] for row in context["rows"]) == context["totals"][f"shown_{column}"]
    assert context["totals"]["shown_share"] == 150_000  # 150,000,001 yen in 千円


def test_the_comparison_dates_its_data_and_marks_every_page_provisional_until_the_survey_is_locked(council):
    survey = council["consortium"].survey_rounds.get(fiscal_year=2025)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(render(council, Kind.SIDE_BY_SIDE))).pages]
    assert "現行経費調査（受付中）。調査は確定前のため、数値は暫定です" in digits(pages[0])
    assert "人口：2025年1月1日時点" in digits(pages[0])  # every member counted on the same day
    assert all("経費比較表（2025年度・暫定）" in text for text in pages[1:])  # every page after the cover
    survey.status = survey.Status.LOCKED
    survey.save()
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(render(council, Kind.SIDE_BY_SIDE))).pages]
    assert "現行経費調査（確定）" in digits(pages[0]) and not any("暫定" in text for text in pages)


def test_every_page_of_the_table_says_its_unit_in_its_headings(council):
    """A page photocopied alone still says whether 69,580 is yen or thousand yen."""
    for body in range(40):  # enough members for the table to run over two pages
        member_of(council["consortium"], name=f"試験町{body}", population=5000, cost=30_000_000)
    for unit, label in (("thousand", "千円"), ("yen", "円")):
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(render(council, Kind.SIDE_BY_SIDE, unit=unit))).pages]
        table_pages = [text for text in pages if "団体コード" in text]
        assert len(table_pages) >= 2
        for text in table_pages:
            assert f"現行経費（{label}）" in text and f"負担額（{label}）" in text and "住民一人当たり（円）" in digits(text)


def test_the_briefing_gives_the_towns_cost_share_saving_and_place_on_one_small_page(council):
    body = council["bodies"][0]
    content = render(council, Kind.BRIEFING, body=body, calendar="era")
    text = digits(text_of(content))
    share = published_shares(council["plan"])[body.code]
    assert body.name in text and f"{share.share:,}" in text and f"{share.saving:,}" in text
    assert "令和8年度" in text and "位" in text
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    assert len(content) < 200_000


def test_the_briefing_is_tagged_for_a_screen_reader_in_japanese(council):
    content = render(council, Kind.BRIEFING, body=council["bodies"][0], calendar="era")
    language, elements = structure_of(content)
    roles = [role for role, _alt in elements]
    assert language == "ja"
    assert roles.count("/H1") == 1 and roles.count("/H2") >= 3
    # The key figures as a table: each figure read with its heading.
    assert "/Table" in roles and roles.count("/TH") == roles.count("/TD") >= 4
    assert "/L" in roles and "/LI" in roles
    assert ("/Figure", "構成団体の削減率") in elements  # the chart, described


def test_the_comparison_is_tagged_as_a_table_with_its_headings(council):
    language, elements = structure_of(render(council, Kind.SIDE_BY_SIDE))
    roles = [role for role, _alt in elements]
    assert language == "ja" and "/Table" in roles and "/THead" in roles and "/TH" in roles
    assert roles.count("/TR") > len(council["bodies"])  # a row a member, the headings and the totals


def test_an_archived_report_keeps_its_hash_and_never_changes(council):
    job = services.job_create(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                              plan=council["plan"], body=council["bodies"][1], requested_by=council["secretariat"],
                              enqueue=False)
    report = services.job_run(job.pk)
    assert hashlib.sha256(services.report_content(report)).hexdigest() == report.sha256
    comparison = services.job_run(services.job_create(
        kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
        requested_by=council["secretariat"], enqueue=False).pk)
    for archived in (report, comparison):  # the page count recorded is the file's
        assert archived.pages == len(PdfReader(io.BytesIO(services.report_content(archived))).pages)
    assert comparison.pages >= 2
    assert report.params == {"unit": "yen", "calendar": "western"} and report.plan == council["plan"]
    with pytest.raises(ValidationError):
        report.save()
    with pytest.raises(ValidationError):
        report.delete()


def test_the_briefing_says_what_is_pending_the_next_meeting_and_the_towns_own_actions(council):
    from django.utils import timezone

    from apps.meetings import services as meetings

    consortium, ina, miyoshi = council["consortium"], council["bodies"][0], council["bodies"][1]
    meeting = meetings.meeting_save(consortium=consortium, title="第4回 協議会", venue="伊奈町役場",
                                    starts_at=timezone.now() + datetime.timedelta(days=20))
    meetings.action_add(meeting=meeting, text="協定書への押印", owner=ina, due_on=datetime.date(2027, 1, 15))
    meetings.action_add(meeting=meeting, text="人口の確認", owner=miyoshi)
    text = digits(text_of(render(council, Kind.BRIEFING, body=ina)))
    assert "第4回協議会" in text and "伊奈町役場" in text
    assert "協定書への押印" in text and "2027年1月15日" in text
    assert "人口の確認" not in text  # another town's action


def test_the_briefing_says_live_since_once_live_and_planned_before(council):
    ina = council["bodies"][0]
    participation = ina.participations.get()
    participation.planned_go_live = datetime.date(2027, 1, 4)
    participation.save()
    assert "稼働予定令和9年1月4日" in digits(text_of(render(council, Kind.BRIEFING, body=ina, calendar="era")))
    participation.actual_go_live = datetime.date(2027, 1, 4)
    participation.save()
    text = digits(text_of(render(council, Kind.BRIEFING, body=ina, calendar="era")))
    assert "稼働開始令和9年1月4日" in text and "稼働予定" not in text


def _share(code: str, ratio: str | None) -> MemberShare:
    return MemberShare(code=code, name=code, pools={}, base=0, adjustment=0, share=0, current_cost=None, saving=None,
                       saving_ratio=None if ratio is None else Decimal(ratio))


def test_a_large_councils_briefing_charts_the_town_among_its_nearest_peers():
    shares = {f"{n:06d}": _share(f"{n:06d}", f"0.{n:03d}") for n in range(100)}  # ratio grows with the code
    ranked = sorted(shares.values(), key=lambda share: -share.saving_ratio)
    place = next(index for index, share in enumerate(ranked, start=1) if share.code == "000050")
    peers = chart_peers(shares, ranked=ranked, place=place, limit=10)
    assert [share.code for share in peers] == [f"{n:06d}" for n in range(55, 45, -1)]
    top = chart_peers(shares, ranked=ranked, place=1, limit=10)
    assert top == ranked[:10]  # the window stays inside the council at either end
    assert chart_peers(shares, ranked=ranked, place=100, limit=10) == ranked[-10:]
    few = {code: shares[code] for code in ("000002", "000001")}
    assert [s.code for s in chart_peers(few, ranked=ranked, place=1, limit=10)] == ["000001", "000002"]


def test_the_briefing_says_when_its_chart_shows_only_the_nearest_peers(council, comparison_published, monkeypatch):
    monkeypatch.setattr("apps.reports.selectors.BRIEFING_CHART_LIMIT", 3)
    plan, body = council["plan"], council["bodies"][0]
    content = services.render_pdf(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=2025, plan=plan,
                                  body=body, options=Options())
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "全 5 団体のうち、削減率が貴団体に近い 3 団体" in text, text
    chart = text.split("作成：")[1]  # the chart's names, placed beside its bars, are drawn after the page's text
    assert body.name in chart and sum(town.name in chart for town in council["bodies"]) == 3


def test_before_the_comparison_is_published_the_briefing_charts_the_town_among_unnamed_members(council):
    """The mayor's briefing gives away no more than the town's own plan page: the other
    members' saving ratios, which with their published shares give their current costs,
    are drawn without their names."""
    plan, body = council["plan"], council["bodies"][2]
    content = services.render_pdf(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=2025, plan=plan,
                                  body=body, options=Options())
    text = text_of(content)
    assert body.name in text and "他団体の名称は、経費比較表が構成団体に公表されるまで伏せています" in digits(text)
    assert not any(town.name in text for town in council["bodies"] if town != body)
    with override("ja"):
        context = briefing_context(consortium=plan.consortium, body=body, fiscal_year=2025, plan=plan,
                                   options=Options())
    ratios = [float(bar["value"].rstrip("%")) for bar in context["chart"]["bars"]]
    assert ratios == sorted(ratios, reverse=True) and len(ratios) == len(council["bodies"])
    assert len(PdfReader(io.BytesIO(content)).pages) == 1


def test_the_chart_marks_the_town_itself_even_beside_a_namesake(council, comparison_published):
    """Two towns of one name (美里町 is in Saitama and in Kumamoto) are two bars; one is marked."""
    plan, body, namesake = council["plan"], council["bodies"][0], council["bodies"][1]
    namesake.name = body.name
    namesake.save()
    with override("ja"):
        context = briefing_context(consortium=plan.consortium, body=body, fiscal_year=2025, plan=plan,
                                   options=Options())
    chart = render_to_string("reports/pdf/_savings_chart.html", context)
    names = chart.split('<div class="chart-labels">')[1].split("</div>")[0].split("&#10;")
    assert names.count(body.name) + names.count(f'<span class="own">{body.name}</span>') == 2
    assert names.count(f'<span class="own">{body.name}</span>') == 1
    bars = render_to_string("reports/pdf/_savings_bars.svg", context)
    marked = bars.split('fill="#d9480f" d="')[1].split('"')[0]
    assert marked.count("z") == 1  # one bar drawn in the town's colour


def test_the_charts_names_and_ratios_sit_level_with_their_bars(council):
    """Names and ratios are lines of text beside a picture of the bars: one line per bar,
    each as tall as a bar's row on paper."""
    plan, body = council["plan"], council["bodies"][0]
    with override("ja"):
        context = briefing_context(consortium=plan.consortium, body=body, fiscal_year=2025, plan=plan,
                                   options=Options())
    chart, sizes = context["chart"], context["chart_on_paper"]
    html = render_to_string("reports/pdf/_savings_chart.html", context)
    for column in ("chart-labels", "chart-values"):
        lines = html.split(f'<div class="{column}">')[1].split("</div>")[0].split("&#10;")
        assert len(lines) == len(chart["bars"]) == len(council["bodies"])
    assert sizes["height"] == pytest.approx(sizes["row"] * len(chart["bars"]), abs=0.01)
    bars = render_to_string("reports/pdf/_savings_bars.svg", context)
    assert f'viewBox="{chart["label_width"]} 0 {chart["bar_area"]} {chart["rows_height"]}"' in bars
    # The picture keeps its proportions at the size the style gives it, so rows stay level.
    assert sizes["bars_width"] / sizes["height"] == pytest.approx(chart["bar_area"] / chart["rows_height"], rel=1e-3)


def test_the_comparison_prints_a_member_without_figures_as_not_reported(council):
    silent = member_of(council["consortium"], name="毛呂山町（未回答）", population=30000)
    with override("ja"):
        context = side_by_side_context(consortium=council["consortium"], fiscal_year=2025, plan=council["plan"],
                                       options=Options())
    [row] = [row for row in context["rows"] if row.code == silent.code]
    assert (row.reported, row.rank, row.per_resident) == (False, None, None)
    assert sorted(r.rank for r in context["rows"] if r.reported) == [1, 2, 3, 4, 5]
    html = render_to_string("reports/pdf/side_by_side.html", context)
    name_at = html.index("毛呂山町（未回答）")
    row_html = html[html.rindex("<tr>", 0, name_at):html.index("</tr>", name_at)]
    assert row_html.startswith('<tr><td class="num">—</td>')  # no rank
    assert '<td class="num">30,000</td><td class="num">—</td><td class="num">—</td>' in row_html  # cost, per resident


def test_the_briefing_works_out_the_towns_own_share_and_what_the_guarantee_changed(council):
    """Section 3 in the town's own yen: equal part + population part = its share of the pool,
    then what the guarantee's re-allocation took off (the smallest town, capped) or added on."""
    from apps.allocation import services as allocation

    council["consortium"].survey_rounds.update(status="locked")
    plan = allocation.plan_publish(plan=allocation.plan_create(
        consortium=council["consortium"], name="保証が働く按分案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=Decimal("0.10"),
        pools=[{"name": "基幹系", "amount": 260_000_000, "equal_ratio": Decimal("0.5"),
                "population_ratio": Decimal("0.5")}]), by=council["secretariat"])
    shares = published_shares(plan)
    smallest, largest = council["bodies"][-1], council["bodies"][0]
    lowered, raised = shares[smallest.code], shares[largest.code]
    assert lowered.adjustment < 0 < raised.adjustment

    def briefing(body):
        return digits(text_of(services.render_pdf(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=2025,
                                                  plan=plan, body=body, options=Options())))

    text = briefing(smallest)
    equal = 260_000_000 // 2 // 5
    assert f"均等割{equal:,}円＋人口割{lowered.base - equal:,}円" in text and f"＝{lowered.base:,}円です" in text
    assert "50%を全5団体で均等に" in text and "（人口12,000人、対象団体の人口の9.2%）" in text
    assert f"この再按分により{-lowered.adjustment:,}円減額され、負担額は{lowered.share:,}円です" in text
    assert f"再按分{raised.adjustment:,}円が含まれています（負担額{raised.share:,}円）" in briefing(largest)


def test_a_pool_shared_only_equally_or_only_by_population_is_told_in_one_part():
    from fractions import Fraction

    from apps.allocation.selectors import PoolBasis

    def told(**fields):
        pool = PoolBasis(name="税務", amount=1_000_001, members=2, every_member=False, population=12_000,
                         population_share=Fraction(12, 50), **fields)
        return render_to_string("reports/pdf/_pool_basis.html", {"pool": pool, "basis_date": "令和7年1月1日"})

    assert told(equal_ratio=Decimal("1"), population_ratio=Decimal("0"), equal=500_001, by_population=0,
                share=500_001) == ("<li>・税務（年額 1,000,001 円）：対象の 2 団体で均等に分担します。"
                                   "貴団体は 500,001 円です。</li>\n")
    assert "人口（令和7年1月1日 時点）に応じて分担します。貴団体は人口 12,000 人（対象団体の人口の 24.0%）で 240,000 円です。" in told(
        equal_ratio=Decimal("0"), population_ratio=Decimal("1"), equal=0, by_population=240_000, share=240_000)


def test_a_briefing_for_a_town_the_plan_leaves_out_says_so_and_gives_the_rule_in_general(council):
    """The reports page and the command refuse such a briefing; rendered all the same, it
    must not read as if no plan were published."""
    newcomer = member_of(council["consortium"], name="ときがわ町", population=11_000)
    html = services.render_html(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                                plan=council["plan"], body=newcomer, options=Options())
    assert "「令和8年度 按分」は貴団体の負担額を定めていないため、負担額は未定です。" in html
    assert "・基幹系（年額 150,000,001 円）：30% を均等に、70% を人口" in html
    assert "公表済みの按分案がまだない" not in html


def test_a_chart_of_more_than_twenty_rows_is_packed_tighter_to_stay_about_as_tall():
    from apps.reports.selectors import briefing_chart_row

    assert [briefing_chart_row(rows) for rows in (5, 18, 20, 22, 25, 60)] == [14, 14, 14, 12, 11, 11]


def test_a_large_councils_briefing_stays_on_one_page_with_its_25_nearest_peers():
    from apps.allocation import services as allocation

    consortium = ConsortiumFactory(slug="large", name="広域協議会", comparison_published=True)
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")
    bodies = [member_of(consortium, name=f"第{number}町", population=5_000 + 300 * number,
                        cost=60_000_000 + 1_000_000 * number) for number in range(40)]
    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    plan = allocation.plan_publish(plan=allocation.plan_create(
        consortium=consortium, name="按分", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=None,
        pools=[{"name": "基幹系", "amount": 1_500_000_000, "equal_ratio": Decimal("0.3"),
                "population_ratio": Decimal("0.7")}]), by=secretariat)
    content = services.render_pdf(kind=Kind.BRIEFING, consortium=consortium, fiscal_year=2025, plan=plan,
                                  body=bodies[20], options=Options())
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert "全 40 団体のうち、削減率が貴団体に近い 25 団体" in text
    assert sum(f"第{number}町\n" in text for number in range(40)) == 25


def _plan_with_a_member_yet_to_report(council):
    """A plan that gives a share to a member with no current cost: it has no saving."""
    from apps.allocation import services as allocation

    silent = member_of(council["consortium"], name="上尾市", population=20000)
    council["consortium"].survey_rounds.update(status="locked")  # locked without its answer
    plan = allocation.plan_publish(plan=allocation.plan_create(
        consortium=council["consortium"], name="未回答を含む按分案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=None,
        pools=[{"name": "基幹系", "amount": 150_000_001, "equal_ratio": Decimal("0.3"),
                "population_ratio": Decimal("0.7")}]), by=council["secretariat"])
    assert published_shares(plan)[silent.code].saving is None
    return plan, silent


@pytest.mark.parametrize("unit", ["yen", "thousand"])
def test_a_member_with_a_share_but_no_current_cost_has_no_saving_and_the_plans_lines_add_up(council, unit):
    plan, silent = _plan_with_a_member_yet_to_report(council)
    with override("ja"):
        context = side_by_side_context(consortium=council["consortium"], fiscal_year=2025, plan=plan,
                                       options=Options(unit=unit))
    [row] = [row for row in context["rows"] if row.code == silent.code]
    assert row.shown["share"] > 0 and row.shown["saving"] is None and row.shown["saving_ratio"] is None
    totals = context["totals"]
    assert totals["plan_members"] == 6 and totals["saving_members"] == 5
    assert totals["shown_saving_current_cost"] - totals["shown_saving_share"] == totals["shown_saving"]
    assert totals["shown_plan_current_cost"] is None  # the plan's line has no current cost of only some
    for reported in (r for r in context["rows"] if r.shown["saving"] is not None):
        assert reported.shown["current_cost"] - reported.shown["share"] == reported.shown["saving"]
    text = digits(text_of(services.render_pdf(kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"],
                                              fiscal_year=2025, plan=plan, body=None, options=Options(unit=unit))))
    shown_share = f"{row.shown['share']:,}"
    assert f"上尾市20,000—" in text and f"{shown_share}——" in text  # cost, and saving and ratio, not 0
    assert (f"うち現行経費の報告がある団体（5団体）{totals['shown_saving_current_cost']:,}"
            f"{totals['shown_saving_share']:,}{totals['shown_saving']:,}") in text
    assert f"うち按分対象（6団体）{totals['shown_share']:,}" in text


def test_a_comparison_of_a_year_nobody_reported_prints_no_total_and_no_chart(council):
    with override("ja"):
        context = side_by_side_context(consortium=council["consortium"], fiscal_year=2030, plan=None,
                                       options=Options())
    assert context["totals"]["shown_current_cost"] is None and context["chart"] == []
    content = services.render_pdf(kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"], fiscal_year=2030,
                                  plan=None, body=None, options=Options())
    text = digits(text_of(content))
    assert "合計（5団体）130,000——" in text  # population, then no cost and no cost per resident
    assert "2030年度の現行経費を報告した構成団体がまだないため" in text
    assert "住民一人当たり現行経費（" not in text and len(PdfReader(io.BytesIO(content)).pages) == 2


def test_the_comparison_says_why_a_member_has_no_share(council):

    left = member_of(council["consortium"], name="嵐山町", population=18000, cost=50_000_000)
    left.participations.update(status=ParticipationStatus.WITHDRAWN)
    text = digits(text_of(render(council, Kind.SIDE_BY_SIDE)))
    assert "嵐山町" in text and "按分対象外（離脱）" in text


def briefing_text(council, body, plan, **options) -> str:
    return digits(text_of(services.render_pdf(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                                              plan=plan, body=body, options=Options(**options))))


def test_a_briefing_without_a_plan_gives_the_towns_current_cost_and_says_no_plan_was_chosen(council):
    body = council["bodies"][1]  # costs 77,654,322 yen in FY2025
    text = briefing_text(council, body, None)
    assert "現行経費（2025年度）77,654,322円" in text
    assert "按分案を指定せずに作成したため、負担額は記載していません" in text
    assert "公表済みの按分案がまだない" not in text and "調査値" not in text
    assert "現行経費（2025年度）77,654千円" in briefing_text(council, body, None, unit="thousand")


def test_a_briefing_of_a_town_yet_to_report_says_so_and_when_no_plan_is_published_says_that(council):
    silent = member_of(council["consortium"], name="ときがわ町", population=11_000)
    text = briefing_text(council, silent, council["plan"])
    assert "貴団体の2025年度の現行経費は、まだ報告されていません" in text and "調査値" not in text
    assert "「令和8年度按分」は貴団体の負担額を定めていないため、負担額は未定です" in text
    consortium = ConsortiumFactory(slug="planless", name="按分案のない協議会")
    town = member_of(consortium, name="長瀞町", population=7_000, cost=40_000_000)
    text = digits(text_of(services.render_pdf(kind=Kind.BRIEFING, consortium=consortium, fiscal_year=2025,
                                              plan=None, body=town, options=Options())))
    assert "公表済みの按分案がまだないため、負担額は未定です" in text and "現行経費（2025年度）40,000,000円" in text


def test_in_thousand_yen_the_briefings_saving_is_its_printed_cost_less_its_printed_share(council):
    body = council["bodies"][0]
    # 12,346,600 − 1,609,400 = 10,737,200 yen: 12,347 − 1,609 printed, so 10,738 (not 10,737) 千円.
    own = MemberShare(code=body.code, name=body.name, pools={}, base=1_609_400, adjustment=0, share=1_609_400,
                      current_cost=12_346_600, saving=10_737_200, saving_ratio=Decimal("0.8696"))
    shares = {**published_shares(council["plan"]), body.code: own}
    options = Options(unit="thousand")
    with override("ja"):
        shown = briefing_context(consortium=council["consortium"], body=body, fiscal_year=2025, plan=council["plan"],
                                 options=options, shares=shares)["shown"]
    assert shown == {"current_cost": 12_347, "share": 1_609, "saving": 10_738}
    html = services.render_html(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                                plan=council["plan"], body=body, options=options, shares=shares)
    assert '<td class="num key">10,738 千円</td>' in html


def test_members_of_one_saving_ratio_share_a_place(council):
    shares = published_shares(council["plan"])
    codes = sorted(shares)
    ratios = dict(zip(codes, ["0.30", "0.10", "0.10", "0.10", "0.05"], strict=True))
    tied = {code: MemberShare(**{**share.__dict__, "saving_ratio": Decimal(ratios[code])})
            for code, share in shares.items()}
    body = next(b for b in council["bodies"] if b.code == codes[3])
    with override("ja"):
        context = briefing_context(consortium=council["consortium"], body=body, fiscal_year=2025,
                                   plan=council["plan"], options=Options(), shares=tied)
    assert context["place"] == 2 and context["members_ranked"] == 5
    bottom = next(b for b in council["bodies"] if b.code == codes[4])
    with override("ja"):
        assert briefing_context(consortium=council["consortium"], body=bottom, fiscal_year=2025,
                                plan=council["plan"], options=Options(), shares=tied)["place"] == 5


def test_a_withdrawn_members_briefing_lists_no_survey_awaiting_its_answer(council):

    staying, leaving = council["bodies"][0], council["bodies"][1]
    assert "現行経費調査：回答受付中" in briefing_text(council, staying, council["plan"])
    leaving.participations.update(status=ParticipationStatus.WITHDRAWN)
    assert "現行経費調査" not in briefing_text(council, leaving, council["plan"])


def test_a_briefing_of_a_member_with_a_share_but_no_current_cost_says_why_it_has_no_saving(council):
    plan, silent = _plan_with_a_member_yet_to_report(council)
    text = digits(text_of(services.render_pdf(kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025,
                                              plan=plan, body=silent, options=Options())))
    assert "現行経費が報告されていないため、削減額と削減率は算出していません" in text


def test_the_comparison_counts_a_withdrawn_member_only_in_a_year_it_reported(council):
    left = member_of(council["consortium"], name="離脱町", population=5000, cost=10_000_000, fiscal_year=2024)
    left.participations.update(status=ParticipationStatus.WITHDRAWN)
    text = digits(text_of(render(council, Kind.SIDE_BY_SIDE)))
    assert "離脱町" not in text and "構成団体5団体、実名" in text and "合計（5団体）" in text
    SurveyRoundFactory(consortium=council["consortium"], fiscal_year=2024)
    earlier = digits(text_of(services.render_pdf(kind=Kind.SIDE_BY_SIDE, consortium=council["consortium"],
                                                 fiscal_year=2024, plan=None, body=None, options=Options())))
    assert "離脱町" in earlier and "構成団体5団体、ほかに離脱前に報告した離脱団体1団体" in earlier
    assert "合計（6団体、うち離脱団体1）" in earlier
