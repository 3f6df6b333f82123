"""The standard outline of a council's agreement (協定書): the six articles every shared
cloud agreement carries (the product's domain, and the Saitama agreement of the seeds).

A secretariat drafting a council's first agreement starts from these and edits them;
the text names the council, so a fresh draft reads as that council's own.
"""

from __future__ import annotations

STANDARD_ARTICLES: tuple[tuple[str, str], ...] = (
    ("目的", "この協定は、構成団体が基幹系情報システムを共同で調達し、共同で利用すること（以下「共同化」という。）"
             "により、経費の削減及び住民サービスの向上を図ることを目的とする。"),
    ("構成団体", "共同化に参加する団体（以下「構成団体」という。）は、{consortium}（以下「協議会」という。）"
                 "の会員のうち、参加を表明した団体とする。"),
    ("カスタマイズを行わない原則", "構成団体は、共同利用するシステムをパッケージの標準機能のまま利用し、"
                                   "カスタマイズを行わないことを原則とする。ただし、法令改正への対応その他"
                                   "協議会が特に必要と認めたものについては、この限りでない。"),
    ("経費の負担", "共同化に要する経費は、均等割及び人口割により構成団体が負担する。負担の割合その他必要な事項は、"
                   "協議会が別に定める。"),
    ("加入及び脱退", "新たに共同化に加入しようとする団体は、協議会の承認を得て加入することができる。"
                     "構成団体が脱退しようとするときは、脱退しようとする日の1年前までに協議会に申し出なければならない。"
                     "この場合において、脱退に伴い生じる経費は、脱退する構成団体が負担する。"),
    ("有効期間", "この協定の有効期間は、締結の日から5年間とする。ただし、期間満了の3月前までにいずれの構成団体からも"
                 "申出がないときは、更に5年間延長するものとし、以後も同様とする。"),
)


def standard_articles(*, consortium_name: str) -> list[tuple[int, str, str]]:
    """(number, heading, text) of each standard article, numbered from 1."""
    return [(number, heading, text.format(consortium=consortium_name))
            for number, (heading, text) in enumerate(STANDARD_ARTICLES, start=1)]
