"""Template filters for money and dates; they only delegate to apps.core.formatting."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.core import formatting

register = template.Library()


@register.filter
def yen(value, unit="yen"):
    return formatting.yen(value, unit)


@register.filter
def yen_signed(value):
    return formatting.yen_signed(value)


@register.filter
def with_yen(amount):
    """An amount already written (``yen``, ``yen_signed``) with its unit in the reader's
    language: 69,580,000円, or 69,580,000 yen on English pages."""
    return _("%(amount)s yen") % {"amount": amount}


@register.filter
def joined_names(items, attribute=""):
    """Names in a sentence as the reader lists them (伊奈町、三芳町 / 伊奈町, 三芳町); with an
    ``attribute`` path such as "body.name", that of each item."""
    def name(item):
        for part in attribute.split(".") if attribute else ():
            item = getattr(item, part)
        return item

    return formatting.names_joined(name(item) for item in items)


@register.simple_tag
def names_separator():
    """Between the items of a list written out in a loop, as joined_names joins names."""
    return formatting.names_separator()


@register.filter(needs_autoescape=True)
def bracketed(text, autoescape=True):
    """An aside after a name, in the reader's brackets: （第1条） / " (Article 1)"."""
    opening, closing = formatting.brackets()
    return mark_safe(opening + (conditional_escape(text) if autoescape else str(text)) + closing)


@register.simple_tag
def open_bracket():
    """The opening of an aside that holds markup (a link): see ``bracketed``."""
    return formatting.brackets()[0]


@register.simple_tag
def close_bracket():
    return formatting.brackets()[1]


# Escaped as hex, «\c » (the space ends the escape): a CSS string ends at a line feed, a
# carriage return or a form feed, and what follows is read as rules. A form feed in a
# meeting's title ended the running head's string, and the rest of the title, read as
# a rule, made WeasyPrint fetch an address it named. Every control character is
# escaped alike; backslash and quote so as to stay in the string, < so as not to close
# the <style> element it sits in.
_CSS_STRING_ESCAPES = {code: f"\\{code:x} " for code in (*range(0x20), *range(0x7F, 0xA0), ord("<"))}
_CSS_STRING_ESCAPES.update({ord("\\"): "\\\\", ord('"'): '\\"'})


@register.filter(is_safe=False)
def css_string(text):
    """Text to stand between double quotes in a stylesheet (a PDF's running head)."""
    return mark_safe(str(text).translate(_CSS_STRING_ESCAPES))


@register.filter
def fiscal_year(value, style="western"):
    """令和7年度 / 2025年度 in Japanese; FY2025 (R7) / FY2025 in English."""
    if value in (None, ""):
        return ""
    return formatting.fiscal_year_on_screen(int(value), style)


@register.filter
def jdate(value, style="western"):
    """令和7年4月1日 / 2025年4月1日 in Japanese; the language's own date format otherwise."""
    if not value:
        return ""
    return formatting.date_on_screen(value, style)


@register.filter
def duration(value):
    """A ``timedelta`` in words (15分 / 15 minutes): formatting.duration_on_screen."""
    if value is None or value == "":
        return ""
    return formatting.duration_on_screen(value)


@register.filter
def in_reader_language(text):
    """An import's message (a ``Bilingual`` from apps.core.tabular) in the reader's language:
    Japanese, or its English for a reader who chose English."""
    return text if formatting.reader_reads_japanese() else getattr(text, "en", text)


@register.filter
def percent(value, places=1):
    return formatting.ratio_percent(value, int(places))


@register.filter
def stated_percent(value):
    """A ratio the plan states, in percent as stated (33.33%, 30%): formatting.ratio_as_stated."""
    return formatting.ratio_as_stated(value)


@register.filter
def share_percent(value):
    return formatting.share_percent(value)


@register.filter
def percent_signed(value, places=1):
    return formatting.ratio_percent_signed(value, int(places))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


_LABELS: dict[tuple, dict] = {}


@register.filter
def display(instance, field_name):
    """``{{ record|display:"status" }}``: the choice label, like get_status_display(),
    but from a per-language table built once, not by hashing every lazy label per row."""
    model = type(instance)
    key = (model, field_name, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        field = model._meta.get_field(field_name)
        labels = _LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(instance, field_name)
    return labels.get(value, value)
