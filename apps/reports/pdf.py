"""HTML → PDF with WeasyPrint and the Japanese font shipped in static/fonts.

No queries here: callers pass finished HTML. The font is referenced by @font-face from
the static folder (base_url), so PDFs look the same on any machine, fonts embedded and
subset.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

STATIC_DIR = Path(settings.BASE_DIR) / "static"
_font_config: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    # One per process: WeasyPrint caches fonts in it, which makes the second render fast.
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=str(STATIC_DIR) + "/").write_pdf(font_config=font_config())
