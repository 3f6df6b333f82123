"""HTML → PDF with WeasyPrint and the Japanese font shipped in static/fonts.

No queries here: callers pass finished HTML. Fonts are referenced by @font-face from
the static folder, so PDFs look the same on any machine, fonts embedded and subset.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = (Path(settings.BASE_DIR) / "static").resolve()
REPORT_STYLESHEET = STATIC_DIR / "css" / "pdf-report.css"


class StaticFilesOnly(URLFetcher):
    """What a PDF may fetch: the files under static/ (its fonts and stylesheet) and data:
    URLs (its charts), nothing else. The HTML carries what users typed: a meeting's title
    that broke out of the running head's CSS string made WeasyPrint fetch the address
    the title named, from inside the council's network."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(parts.path)).resolve()  # «..» and links resolved before the check
            if path.is_relative_to(STATIC_DIR) and path.is_file():
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})
        # WeasyPrint logs the refusal and leaves the resource out; the PDF is still made.
        raise ValueError(f"a PDF fetches only the static files and data: URLs, not {url}")


@cache
def font_config() -> FontConfiguration:
    # One per process: WeasyPrint caches fonts in it, which makes the second render fast.
    return FontConfiguration()


@cache
def report_stylesheet() -> CSS:
    """The reports' stylesheet, parsed and its fonts registered once per process: a
    briefing would otherwise spend a twentieth of its time reading it again."""
    return CSS(filename=str(REPORT_STYLESHEET), font_config=font_config(), url_fetcher=StaticFilesOnly())


def font_subsetter() -> str:
    """Which library WeasyPrint will subset the embedded fonts with.

    "harfbuzz" when the system's libharfbuzz-subset (≥ 4.1) is loadable, else "fonttools".
    It matters: fontTools re-reads the whole Japanese font on every render, 0.15–0.3 s
    more per PDF on our 2-core machines against a few milliseconds for HarfBuzz, and
    WeasyPrint has announced it will drop that path. The library has to be the same
    HarfBuzz build that Pango shapes with, so it comes from the system (Debian:
    libharfbuzz-subset0), not from PyPI.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return "harfbuzz" if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0) else "fonttools"


def _html(html: str) -> HTML:
    return HTML(string=html, base_url=str(STATIC_DIR) + "/", url_fetcher=StaticFilesOnly())


def html_to_pdf(html: str) -> bytes:
    """Any document that brings its own style (meeting materials, benchmark baselines)."""
    return _html(html).write_pdf(font_config=font_config())


@dataclass(frozen=True)
class Pdf:
    content: bytes
    pages: int  # from the laid-out document, so the archive need not read the file back


def report_document(html: str) -> Document:
    """A report made from templates/reports/pdf/base.html, styled by the reports'
    stylesheet and laid out, not yet written."""
    return _html(html).render(
        stylesheets=[report_stylesheet()], font_config=font_config())


def report_pdf(html: str) -> Pdf:
    """The reports are tagged PDFs: a screen reader reads a briefing's headings, its table
    (each figure with its heading), its lists and the chart's description in order, in
    Japanese, as it reads the pages on screen. The tags cost about a tenth more time, and
    the national comparison twice the bytes (1.3 MB against 0.6 MB; measured)."""
    document = report_document(html)
    return Pdf(content=document.write_pdf(pdf_tags=True), pages=len(document.pages))


def report_to_pdf(html: str) -> bytes:
    return report_pdf(html).content
