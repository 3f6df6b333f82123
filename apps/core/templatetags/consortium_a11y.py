"""What the pages share for screen readers and keyboards: the rows of a formset that have
errors (for the summary at its top) and scroll regions a keyboard can reach."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def error_rows(formset) -> list[tuple[int, object]]:
    """(row number counted from 1, form) for each form of the formset with an error."""
    return [(number, form) for number, form in enumerate(formset, start=1) if form.errors]


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist, label, look):
        self.nodelist, self.label, self.look = nodelist, label, look

    def render(self, context):
        look = self.look.resolve(context) if self.look else "table-responsive"
        return format_html('<div class="{}" tabindex="0" role="region" aria-label="{}">{}</div>',
                           look, self.label.resolve(context), self.nodelist.render(context))


@register.tag
def scroll_region(parser, token):
    """``{% scroll_region _("Label") [look="chart-frame"] %}…{% end_scroll_region %}``: a box
    that scrolls sideways on a phone (Bootstrap's table-responsive by default), focusable and
    named, so that a keyboard can scroll it (axe's scrollable-region-focusable) and a screen
    reader says what it holds. Every wide table and chart goes in one (tests/core)."""
    bits = token.split_contents()
    if len(bits) not in (2, 3) or (len(bits) == 3 and not bits[2].startswith("look=")):
        raise template.TemplateSyntaxError('scroll_region takes a label and optionally look="…"')
    label = parser.compile_filter(bits[1])
    look = parser.compile_filter(bits[2].removeprefix("look=")) if len(bits) == 3 else None
    nodelist = parser.parse(("end_scroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, label, look)
