"""Pages are drawn in the device's own Japanese font (Yu Gothic, Hiragino, Meiryo, Noto,
BIZ UD…): the 4.6 MB TrueType files in static/fonts are for the PDFs. A stylesheet pointing
browsers at them as a fallback had a page download 9 MB of fonts for one missing glyph."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

FONT_FILE = re.compile(r"url\([^)]*\.(ttf|otf|woff2?)\b", re.IGNORECASE)


def stylesheets(page: str) -> list[str]:
    paths = re.findall(r'rel="stylesheet" href="/static/([^"]+)"', page)
    return [Path(finders.find(path)).read_text() for path in paths]


def test_pages_use_the_devices_japanese_fonts_and_never_download_the_pdf_fonts(client):
    sheets = stylesheets(client.get(reverse("login")).content.decode())
    assert len(sheets) >= 2  # Bootstrap's and the app's
    assert not [match.group(0) for sheet in sheets for match in FONT_FILE.finditer(sheet)]
    families = re.search(r"body \{ font-family: ([^;]+);", "\n".join(sheets)).group(1)
    for japanese in ("Hiragino Sans", "Yu Gothic UI", "Meiryo", "Noto Sans JP", "BIZ UDPGothic"):
        assert f'"{japanese}"' in families
