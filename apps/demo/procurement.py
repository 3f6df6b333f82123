"""Demo procurement for ``saitama``: the shared core-system procurement, awarded.

Three invented vendors answered one RFI round with indicative quotes for the 20
standardised systems in FY2026, 22–28 % below the members' FY2025 costs; two of the
secretariat scored the proposals on four criteria, scoring is closed, and
デモクラウド株式会社 was selected. Seeding again adds nothing.
"""

from __future__ import annotations

import datetime

from apps.accounts.models import User
from apps.costs.models import BusinessSystem
from apps.members.models import Consortium
from apps.procurement import services
from apps.procurement.corporate_number import check_digit
from apps.procurement.models import Stage, Vendor
from apps.procurement.selectors import current_costs

TITLE = "基幹系システム共同利用 調達"
CONTRACT_YEARS = 5
# Name, base number (registry office 9999 does not exist, so no real company has it),
# indicative quote and RFP price as a share of current costs, and each evaluator's
# points on the four criteria.
VENDORS = [
    ("デモクラウド株式会社", "999901000001", 0.74, 0.72, ([27, 17, 18, 9], [26, 18, 17, 9])),
    ("架空情報システム株式会社", "999901000002", 0.78, 0.70, ([22, 14, 15, 8], [23, 15, 14, 8])),
    ("サンプルソリューションズ株式会社", "999901000003", 0.76, 0.75, ([24, 15, 16, 7], [23, 16, 15, 8])),
]
CRITERIA = [("機能要件の充足度", 30), ("運用・保守体制", 20), ("移行計画", 20), ("セキュリティ対策", 10)]
PRICE_POINTS_MAX = 40
EVALUATORS = ("chotatsu", "jimukyoku")
STAGES = [(Stage.RFI, datetime.date(2025, 6, 1)), (Stage.RFP, datetime.date(2025, 10, 1)),
          (Stage.EVALUATION, datetime.date(2025, 12, 1))]


def seed_procurement(*, consortium: Consortium) -> None:
    if consortium.procurement_cases.filter(title=TITLE).exists():
        return
    jimukyoku = User.objects.get(username="jimukyoku")
    vendors = [_vendor(name, base) for name, base, *_rest in VENDORS]
    case = services.case_create(consortium=consortium, title=TITLE, by=jimukyoku, on=datetime.date(2025, 4, 1),
                                notes="標準準拠システムへの移行に合わせ、基幹系20業務を共同利用方式で調達する（デモデータ）。")
    for stage, on in STAGES:
        case = services.case_set_stage(case=case, stage=stage, on=on, by=jimukyoku)
    baseline = current_costs(consortium=consortium, fiscal_year=2025)
    _rfi(case, vendors, baseline)
    _evaluation(case, vendors, baseline, by=jimukyoku)


def _vendor(name: str, base: str) -> Vendor:
    number = f"{check_digit(base)}{base}"
    return (Vendor.objects.filter(corporate_number=number).first()
            or services.vendor_create(name=name, corporate_number=number, address="埼玉県さいたま市（架空）",
                                      contact="公共営業部（デモ）", email=f"sales-{base[-1]}@example.invalid"))


def _rfi(case, vendors: list[Vendor], baseline: int) -> None:
    rfi_round = services.rfi_round_create(
        case=case, title="基幹系20業務 標準準拠システム 情報提供依頼", issued_on=datetime.date(2025, 6, 2),
        due_on=datetime.date(2025, 7, 15), first_fiscal_year=2026, last_fiscal_year=2026, cost_fiscal_year=2025,
        invited=vendors)
    systems = list(BusinessSystem.objects.filter(standardised=True).order_by("sort_order"))
    weights = [1 + (index % 5) / 10 for index in range(len(systems))]
    for day, (company, (_name, _base, quote_share, _price, _points)) in enumerate(zip(vendors, VENDORS), start=10):
        response = services.rfi_response_record(rfi_round=rfi_round, vendor=company,
                                                received_on=datetime.date(2025, 7, day),
                                                summary="ガバメントクラウド上の標準準拠パッケージで全20業務に対応可能。")
        total = baseline * quote_share
        services.quotes_record(response=response, amounts={
            (system.pk, 2026): int(total * weight / sum(weights)) // 1000 * 1000
            for system, weight in zip(systems, weights)})


def _evaluation(case, vendors: list[Vendor], baseline: int, *, by: User) -> None:
    evaluators = list(User.objects.filter(username__in=EVALUATORS).order_by("username"))
    evaluation = services.evaluation_setup(case=case, price_points_max=PRICE_POINTS_MAX, evaluators=evaluators)
    criteria = [services.criterion_add(evaluation=evaluation, name=name, max_points=points)
                for name, points in CRITERIA]
    proposals = [services.proposal_add(evaluation=evaluation, vendor=company,
                                       price=int(baseline * price_share * CONTRACT_YEARS) // 1_000_000 * 1_000_000)
                 for company, (_name, _base, _quote, price_share, _points) in zip(vendors, VENDORS)]
    for evaluator_index, evaluator in enumerate(evaluators):
        services.scores_record(evaluation=evaluation, evaluator=evaluator, points={
            (proposal.pk, criterion.pk): points[evaluator_index][criterion_index]
            for proposal, (*_rest, points) in zip(proposals, VENDORS)
            for criterion_index, criterion in enumerate(criteria)})
    evaluation = services.scoring_close(evaluation=evaluation, by=by)
    services.evaluation_select(evaluation=evaluation, proposal=proposals[0], by=by,
                               reason="技術点が最も高く、価格点を加えた総合評価点でも第1位であるため。")
