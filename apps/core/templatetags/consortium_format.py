"""Template filters for money and dates; they only delegate to apps.core.formatting."""

from django import template

from apps.core import formatting

register = template.Library()


@register.filter
def yen(value, unit="yen"):
    return formatting.yen(value, unit)


@register.filter
def fiscal_year(value, style="western"):
    if value in (None, ""):
        return ""
    return formatting.fiscal_year(int(value), style)


@register.filter
def jdate(value, style="western"):
    if not value:
        return ""
    return formatting.japanese_date(value, style)


@register.filter
def percent(value, places=1):
    return formatting.ratio_percent(value, int(places))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (keeps filters on links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
