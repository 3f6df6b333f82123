"""The agreement as the paper the mayors sign (協定書): its articles, then a line for each
member's head to write their name and set the seal (記名押印).

Made when asked for, in the request, not by a worker into the archive like the cost
reports: it is a few pages of text (the demo's 18 members: 2 pages, 0.3 s on our 2-core
machines; Hokkaido's 179 municipalities, the most of any prefecture: 11 pages, 1.3–1.8 s), and every
word of it is frozen once the agreement is sent for review (articles change only in a draft,
a concluded version never changes), so a version prints the same words whenever it is
printed (only the print date at the foot of each page moves).
A version not yet concluded is marked 案 and leaves the names and the day blank, so a
member printing its copy learns nothing of who has signed so far.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from apps.agreements.models import Agreement
from apps.agreements.selectors import agreement_signatories
from apps.core.formatting import era_name, japanese_date
from apps.reports import pdf

TEMPLATE = "reports/pdf/agreement.html"


def paragraphs(text: str) -> list[str]:
    """An article's paragraphs (項), one per line of its text; blank lines are not paragraphs."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def document_context(*, agreement: Agreement) -> dict:
    today = timezone.localdate()
    return {
        "agreement": agreement,
        "consortium": agreement.consortium,
        "articles": [(article, paragraphs(article.text)) for article in agreement.articles.order_by("number")],
        "signatories": agreement_signatories(agreement=agreement),
        "draft": not agreement.is_concluded,
        "concluded_on": japanese_date(agreement.concluded_on, "era") if agreement.concluded_on else "",
        "era": era_name(today),  # the blank date the mayors fill in: 令和　　年　　月　　日
        "made_on": japanese_date(today, "era"),
        "demo": agreement.consortium.is_demo,
    }


def agreement_html(*, agreement: Agreement) -> str:
    # A Japanese document whatever language the reader's screen uses.
    with override("ja"):
        return render_to_string(TEMPLATE, document_context(agreement=agreement))


def agreement_pdf(*, agreement: Agreement) -> pdf.Pdf:
    return pdf.report_pdf(agreement_html(agreement=agreement))


def file_name(agreement: Agreement) -> str:
    """``協定書（第2版）.pdf``; ``協定書（第2版・案）.pdf`` until it is concluded."""
    draft = "" if agreement.is_concluded else "・案"
    return f"{agreement.title}（第{agreement.version}版{draft}）.pdf"
