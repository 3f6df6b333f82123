"""The system check that names a missing HarfBuzz subsetter, and the detection it relies on."""

import logging

import weasyprint.pdf.fonts as weasyprint_pdf_fonts
from weasyprint.text import ffi

from apps.core import log_filters
from apps.reports import checks, pdf

MINIMAL = ("<!doctype html><html lang='ja'><style>"
           "@font-face { font-family: J; src: url(fonts/BIZUDGothic-Regular.ttf) } body { font-family: J }"
           "</style><p>伊奈町</p></html>")


def test_no_warning_while_harfbuzz_subsets_the_fonts(monkeypatch):
    monkeypatch.setattr(pdf, "font_subsetter", lambda: "harfbuzz")
    assert checks.harfbuzz_subsetter_present(None) == []


def test_a_missing_harfbuzz_subsetter_is_named_with_the_package_to_install(monkeypatch):
    monkeypatch.setattr(pdf, "font_subsetter", lambda: "fonttools")
    [warning] = checks.harfbuzz_subsetter_present(None)
    assert warning.id == "reports.W001"
    assert "libharfbuzz-subset0" in warning.hint


def _subsets_with_fonttools(monkeypatch) -> bool:
    """Render a small PDF and report whether WeasyPrint took its fontTools path."""
    calls = []
    original = weasyprint_pdf_fonts.Font._fonttools_subset
    monkeypatch.setattr(weasyprint_pdf_fonts.Font, "_fonttools_subset",
                        lambda font, *args: calls.append(font) or original(font, *args))
    pdf.html_to_pdf(MINIMAL)
    return bool(calls)


def test_the_detection_agrees_with_what_weasyprint_does_when_it_subsets(monkeypatch):
    assert _subsets_with_fonttools(monkeypatch) == (pdf.font_subsetter() == "fonttools")

    # Without the library (as in a container without libharfbuzz-subset0).
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    monkeypatch.setattr(weasyprint_pdf_fonts, "harfbuzz_subset", None)
    assert pdf.font_subsetter() == "fonttools"
    assert _subsets_with_fonttools(monkeypatch)


def test_the_fonttools_notice_is_logged_once_per_process_not_once_per_render(monkeypatch):
    monkeypatch.setattr(log_filters, "_harfbuzz_notice_logged", False)
    notice = logging.LogRecord("weasyprint", logging.WARNING, __file__, 1,
                               'Using fontTools instead of HarfBuzz-Subset for font "%s".', ("BIZ UDGothic",), None)
    other = logging.LogRecord("weasyprint", logging.WARNING, __file__, 1, "Ignored `foo: bar`", (), None)
    assert [log_filters.harfbuzz_subset_notice_once(r) for r in (notice, other, notice, other)] == [
        True, True, False, True]
