"""Widgets for long menus: the members of a national council are 1,741 choices."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A ``<select>`` written out in Python, with the markup of Django's own.

    Django renders every ``<option>`` through two templates of its own, about 0.1 ms
    apiece on our 2-core machines. With 1,741 members (a national council) the reports
    page, two menus of every member, took 361 ms (172 ms with this widget, menus reading
    codes and names only), and a meeting's attendance page, a menu per member, 2.3 s
    (1.5 s). The choices, their values and the chosen one come from ``forms.Select`` as
    ever; only the writing out is done here.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            written = format_html_join("", '<option value="{}"{}>{}</option>',
                                       ((option["value"], attributes(option["attrs"]), option["label"])
                                        for option in options))
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, written)
                          if group_name else written)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], attributes(widget["attrs"]),
                           mark_safe("".join(groups)))  # noqa: S308 — each part was escaped by format_html


class FastInputMixin:
    """An ``<input>`` written out in Python, with the markup of Django's ``input.html``: for
    forms of a row per member (a meeting's attendance, a year's cost rows), where Django's
    two templates per field were a third of the page's time at 1,741 members. Values are
    formatted by the widget as ever (``format_value``: a date as the date input wants it)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_attribute = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value_attribute,
                           attributes(widget["attrs"]))


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastNumberInput(FastInputMixin, forms.NumberInput):
    pass


class FastDateInput(FastInputMixin, forms.DateInput):
    pass


class FastYenInput(FastTextInput):
    """An amount in yen for a YenField, shown as people write it (2,957,000): text, as a
    number input refuses the separators a YenField reads."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else super().format_value(value)


class FastCheckboxInput(FastInputMixin, forms.CheckboxInput):
    pass


def attributes(attrs: dict) -> str:
    """HTML attributes as Django's ``attrs.html`` writes them: in order, True as the bare
    name, False left out."""
    return mark_safe("".join(  # noqa: S308 — format_html escapes each name and value
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items() if value is not False))
