"""The briefing's list of what is pending, when the council has two versions of its
agreement under review at once (data from before the one-line rule): the mayor is told to
wait for the secretariat to withdraw one, not asked to sign both."""

import datetime
import re

import pytest

from apps.agreements import services as agreements
from apps.agreements.models import Article
from apps.reports import services
from apps.reports.models import Kind
from apps.reports.selectors import Options, _pending
from tests.agreements.conftest import older_version
from tests.pdf_reading import text_of

pytestmark = pytest.mark.django_db


def sent_for_review(consortium):
    draft = agreements.agreement_create(consortium=consortium, title="協定書")
    agreements.article_save(article=Article(agreement=draft, number=1, heading="目的", text="共同化を推進する。"))
    return agreements.agreement_submit_for_review(agreement=draft, on=datetime.date(2026, 3, 2))


def briefing_text(council, body) -> str:
    return re.sub(r"\s+", "", text_of(services.render_pdf(
        kind=Kind.BRIEFING, consortium=council["consortium"], fiscal_year=2025, plan=council["plan"], body=body,
        options=Options())))


def test_one_version_under_review_awaits_the_towns_signature(council):
    ina = council["bodies"][0]
    first = sent_for_review(council["consortium"])
    assert _pending(consortium=council["consortium"], body=ina, options=Options())["unsigned"] == [(first, None)]
    assert "（第1版）：貴団体の署名をお待ちしています" in briefing_text(council, ina)


def test_two_versions_under_review_ask_the_mayor_to_wait_for_one_to_be_withdrawn(council):
    ina = council["bodies"][0]
    first = sent_for_review(council["consortium"])
    second = older_version(council["consortium"])
    pending = _pending(consortium=council["consortium"], body=ina, options=Options())["unsigned"]
    assert pending == [(first, 2), (second, 1)]
    text = briefing_text(council, ina)
    assert "署名をお待ちしています" not in text
    assert "（第1版）：第2版も同時に審査中のため、事務局がいずれかを取り下げるまで署名をお待ちください" in text
    assert "（第2版）：第1版も同時に審査中のため" in text


def test_a_version_the_town_signed_still_holds_the_other_back(council):
    ina = council["bodies"][0]
    first = sent_for_review(council["consortium"])
    older_version(council["consortium"]).signatures.filter(body=ina).update(signed_on=datetime.date(2026, 4, 1))
    assert _pending(consortium=council["consortium"], body=ina, options=Options())["unsigned"] == [(first, 2)]
