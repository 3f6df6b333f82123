"""The agreement on paper, read back from the PDF: what the mayors sign and seal."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.agreements import services
from apps.agreements.models import Article
from apps.reports import agreement_document
from tests.agreements.conftest import draft_with_articles
from tests.factories import member_of, user_with_role
from tests.pdf_reading import embedded_fonts, page_count, text_of

pytestmark = pytest.mark.django_db


def printed(agreement) -> str:
    """The document's text with the layout's spaces and line breaks taken out."""
    return re.sub(r"\s+", "", text_of(agreement_document.agreement_pdf(agreement=agreement).content))


def test_under_review_it_prints_every_article_and_a_blank_line_for_each_members_head(under_review, withdrawn):
    text = printed(under_review)
    assert "情報システム共同化に関する協定書" in text and "（第1版）" in text
    assert "伊奈町、三芳町は、次のとおり協定を締結する。" in text
    assert "（目的）第1条目的について定める。（構成団体）第2条構成団体について定める。" in text
    assert "本書2通を作成し、構成団体の長が記名押印の上" in text
    assert "令和年月日" in text  # the day is written in by hand when the last mayor signs
    assert "埼玉県伊奈町伊奈町長印" in text and "埼玉県三芳町三芳町長印" in text
    assert withdrawn.name not in text
    assert "案" in text


def test_under_review_it_shows_nobody_who_has_signed_already(under_review, ina):
    """A member printing its copy learns nothing of who has signed so far."""
    services.signature_record(signature=under_review.signatures.get(body=ina), signed_on=datetime.date(2026, 4, 1),
                              signed_by_name="山田太郎")
    assert "山田太郎" not in printed(under_review)


def test_concluded_it_prints_the_day_and_the_names_signed_and_no_draft_mark(under_review, ina, miyoshi):
    for body, name in ((ina, "山田太郎"), (miyoshi, "佐藤花子")):
        services.signature_record(signature=under_review.signatures.get(body=body),
                                  signed_on=datetime.date(2026, 4, 1), signed_by_name=name)
    concluded = services.agreement_conclude(agreement=under_review)
    text = printed(concluded)
    assert "令和8年4月1日埼玉県伊奈町伊奈町長山田太郎印埼玉県三芳町三芳町長佐藤花子印" in text
    assert "案" not in text


def test_a_draft_names_the_members_sending_it_now_would_ask(consortium, ina, miyoshi, withdrawn):
    text = printed(draft_with_articles(consortium, "目的"))
    assert "伊奈町、三芳町は" in text and withdrawn.name not in text
    assert "本書2通" in text and "案" in text


def test_each_line_of_an_article_is_a_paragraph_of_its_own(consortium, ina):
    draft = services.agreement_create(consortium=consortium, title="協定書")
    services.article_save(article=Article(agreement=draft, number=1, heading="経費の負担",
                                          text="経費は構成団体が負担する。\n\n2　負担の割合は協議会が定める。\n"))
    lines = text_of(agreement_document.agreement_pdf(agreement=draft).content).splitlines()
    assert "第1条　経費は構成団体が負担する。" in lines
    assert "2　負担の割合は協議会が定める。" in lines


def test_a_large_council_signs_on_as_many_pages_as_it_needs_in_the_japanese_font(consortium):
    bodies = [member_of(consortium, name=f"第{n}町", district="北足立郡") for n in range(1, 41)]
    agreement = services.agreement_submit_for_review(agreement=draft_with_articles(consortium, "目的", "構成団体"))
    content = agreement_document.agreement_pdf(agreement=agreement).content
    text = re.sub(r"\s+", "", text_of(content))
    for body in bodies:
        assert f"埼玉県北足立郡{body.name}{body.name}長印" in text
    assert "本書40通" in text
    assert page_count(content) >= 3
    fonts = embedded_fonts(content)
    assert fonts and all(re.match(r"/[A-Z]{6}\+BIZ-UDGothic", name) for name in fonts), fonts


def test_a_member_opens_it_in_the_browser_named_by_title_and_version(client, under_review, ina):
    client.force_login(user_with_role(Role.STAFF, body=ina))
    response = client.get(reverse("agreement_pdf", args=[under_review.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert unquote(disposition.split("''", 1)[1]) == "情報システム共同化に関する協定書（第1版・案）.pdf"
    assert response.content.startswith(b"%PDF")


def test_the_agreement_page_offers_the_print(client, under_review, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("agreement_detail", args=[under_review.pk])).content.decode()
    assert reverse("agreement_pdf", args=[under_review.pk]) in page


def test_a_towns_page_offers_the_print_of_the_agreement_awaiting_its_signature(client, under_review, ina):
    client.force_login(user_with_role(Role.MAYOR, body=ina))
    page = client.get(reverse("body_detail", args=[ina.code])).content.decode()
    assert reverse("agreement_pdf", args=[under_review.pk]) in page


def test_a_title_with_quotes_and_ampersands_prints_as_written_in_the_running_head(under_review):
    """The running head is a CSS string: HTML escaping printed R&amp;D &quot;共同&quot; there."""
    under_review.title = 'R&D "共同" <協定> \\ 書'
    under_review.save(update_fields=["title"])
    text = text_of(agreement_document.agreement_pdf(agreement=under_review).content)
    assert 'R&D "共同" <協定> \\ 書（第1版）' in text  # the running head; the title page has no version
    assert "&amp;" not in text and "&quot;" not in text and "&lt;" not in text
