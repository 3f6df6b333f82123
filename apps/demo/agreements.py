"""Demo agreement and contracts for ``saitama``.

Version 1 of the agreement was concluded in 2013 and signed by every member; version 2,
an amendment that writes the allocation rule of the published plan into the cost
article, is under review with 伊奈町 and 三芳町 still to sign. Each member has one
contract with an invented vendor; its annual amount is the member's share in the
published plan.
"""

from __future__ import annotations

import datetime

from apps.agreements import services
from apps.accounts.models import User
from apps.agreements.models import Agreement, Article, Contract, Customisation, SlaItem
from apps.allocation.selectors import latest_published_plan, published_shares
from apps.costs.models import BusinessSystem
from apps.members.models import Consortium, MemberBody, Participation, ParticipationStatus

DEMO_VENDOR = "デモクラウド株式会社"
TITLE = "埼玉県町村情報システム共同化に関する協定書"
ARTICLES = [
    ("目的", "この協定は、埼玉県内の町村が情報システムを共同で調達し、共同で利用すること（以下「共同化」という。）"
             "により、経費の削減及び住民サービスの向上を図ることを目的とする。"),
    ("構成団体", "共同化に参加する町村（以下「構成団体」という。）は、埼玉県町村情報システム共同化推進協議会"
                 "（以下「協議会」という。）の会員のうち、参加を表明した町村とする。"),
    ("カスタマイズを行わない原則", "構成団体は、共同利用するシステムをパッケージの標準機能のまま利用し、"
                                   "カスタマイズを行わないことを原則とする。ただし、法令改正への対応その他"
                                   "協議会が特に必要と認めたものについては、この限りでない。"),
    ("経費の負担", "共同化に要する経費は、均等割及び人口割により構成団体が負担する。負担の割合その他必要な事項は、"
                   "協議会が別に定める。"),
    ("加入及び脱退", "新たに共同化に加入しようとする町村は、協議会の承認を得て加入することができる。"
                     "構成団体が脱退しようとするときは、脱退しようとする日の1年前までに協議会に申し出なければならない。"
                     "この場合において、脱退に伴い生じる経費は、脱退する構成団体が負担する。"),
    ("有効期間", "この協定の有効期間は、締結の日から平成30年3月31日までとする。ただし、期間満了の3月前までに"
                 "いずれの構成団体からも申出がないときは、更に5年間延長するものとし、以後も同様とする。"),
]
AMENDED_COSTS = ("共同化に要する経費は、その3割を均等割により、7割を人口割により構成団体が負担する。ただし、"
                 "各構成団体の負担額は、共同化前の経費から1割以上削減された額を上限とし、"
                 "これにより生じる不足額は他の構成団体が人口割により負担する。")
FIRST_SENT, FIRST_SIGNED = datetime.date(2013, 3, 4), datetime.date(2013, 3, 18)
AMENDMENT_SENT, AMENDMENT_SIGNED = datetime.date(2026, 1, 19), datetime.date(2026, 2, 2)
NOT_YET_SIGNED = {"113018", "113247"}  # 伊奈町, 三芳町
CONTRACT_TERM = (datetime.date(2026, 4, 1), datetime.date(2031, 3, 31))
CONTRACT_YEARS = 5
FALLBACK_ANNUAL = 10_000_000


def sla_items(contract: Contract) -> list[SlaItem]:
    return [SlaItem(contract=contract, kind=kind, target=target, note=note) for kind, target, note in (
        (SlaItem.Kind.AVAILABILITY, "99.9%", "月間稼働率（計画停止を除く）"),
        (SlaItem.Kind.SUPPORT_HOURS, "平日 8:30–17:15", "年末年始を除く"),
        (SlaItem.Kind.RTO, "24時間", "障害発生から業務再開まで"),
        (SlaItem.Kind.RPO, "前日分", "前日の業務終了時点のデータまで復旧"),
        (SlaItem.Kind.BACKUP, "毎日", f"{contract.body.name}庁舎内のバックアップサーバへ日次で複製"),
        (SlaItem.Kind.DATA_RETURN, "CSV形式", "契約終了時に全データをCSV形式で返還し、事業者側のデータは消去"),
    )]


def seed_agreements() -> None:
    consortium = Consortium.objects.get(slug="saitama")
    if not Agreement.objects.filter(consortium=consortium).exists():
        _agreements(consortium)
    if not Contract.objects.filter(consortium=consortium, vendor=DEMO_VENDOR).exists():
        _contracts(consortium)
    if not Customisation.objects.filter(consortium=consortium).exists():
        _customisations(consortium)


def _customisations(consortium: Consortium) -> None:
    """One all-member change approved, one town's request rejected, one awaiting."""
    secretariat = User.objects.get(username="jimukyoku")
    bodies = {body.code: body for body in MemberBody.objects.filter(code__in=NOT_YET_SIGNED)}

    def request(title, body, cost, payer, requested_on):
        return services.customisation_save(customisation=Customisation(
            consortium=consortium, title=title, scope=Customisation.Scope.ONE if body else Customisation.Scope.ALL,
            body=body, cost=cost, payer=payer, requested_on=requested_on,
            business_system=BusinessSystem.objects.filter(code="resident_registry").first()))

    law = request("住民記録システム標準仕様書の改定への対応", None, 0, Customisation.Payer.VENDOR,
                  datetime.date(2026, 6, 1))
    services.customisation_decide(customisation=law, approve=True, by=secretariat, on=datetime.date(2026, 6, 20),
                                  reason="法令改正への対応（協定書第3条ただし書）。費用は事業者負担で標準機能に取り込む。")
    form = request("住民票の写しの独自様式", bodies["113247"], 1_800_000, Customisation.Payer.REQUESTING_MEMBER,
                   datetime.date(2026, 7, 10))
    services.customisation_decide(customisation=form, approve=False, by=secretariat, on=datetime.date(2026, 8, 5),
                                  reason="標準様式で必要な記載事項を満たすため、カスタマイズを行わない原則に従う。")
    request("窓口発行帳票への町独自の注意書き", bodies["113018"], 600_000, Customisation.Payer.REQUESTING_MEMBER,
            datetime.date(2026, 10, 1))


def _sign(agreement: Agreement, first_day: datetime.date, skip: set[str] = frozenset()) -> None:
    signatures = agreement.signatures.select_related("body").order_by("body__code")
    for index, signature in enumerate(signatures):
        if signature.body.code not in skip:
            services.signature_record(signature=signature, signed_on=first_day + datetime.timedelta(days=index % 8),
                                      signed_by_name=signature.body.mayor_name)


def _agreements(consortium: Consortium) -> None:
    first = services.agreement_create(consortium=consortium, title=TITLE)
    Article.objects.bulk_create([Article(agreement=first, number=number, heading=heading, text=text)
                                 for number, (heading, text) in enumerate(ARTICLES, start=1)])
    first = services.agreement_submit_for_review(agreement=first, on=FIRST_SENT)
    _sign(first, FIRST_SIGNED)
    first = services.agreement_conclude(agreement=first)

    amendment = services.agreement_amend(agreement=first)
    costs = amendment.articles.get(heading="経費の負担")
    costs.text = AMENDED_COSTS
    services.article_save(article=costs)
    amendment = services.agreement_submit_for_review(agreement=amendment, on=AMENDMENT_SENT)
    _sign(amendment, AMENDMENT_SIGNED, skip=NOT_YET_SIGNED)


def _contracts(consortium: Consortium) -> None:
    plan = latest_published_plan(consortium=consortium)
    shares = published_shares(plan) if plan else {}
    members = (Participation.objects.filter(consortium=consortium).exclude(status=ParticipationStatus.WITHDRAWN)
               .select_related("body").order_by("body__code"))
    starts_on, ends_on = CONTRACT_TERM
    contracts = []
    for body in (participation.body for participation in members):
        share = shares.get(body.code)
        annual = round(share.share, -3) if share else FALLBACK_ANNUAL
        contracts.append(Contract(
            consortium=consortium, body=body, vendor=DEMO_VENDOR, title=f"基幹系業務システム クラウド利用契約（{body.name}）",
            service_type=Contract.ServiceType.SHARED_HOSTING, starts_on=starts_on, ends_on=ends_on,
            annual_amount=annual, total_amount=annual * CONTRACT_YEARS,
        ))
    Contract.objects.bulk_create(contracts)
    SlaItem.objects.bulk_create([item for contract in contracts for item in sla_items(contract)])
