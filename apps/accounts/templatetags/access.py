"""What a page may offer the user, asked of apps.accounts.access (the views check again)."""

from django import template

register = template.Library()


@register.filter
def manages(access, consortium) -> bool:
    """``{% if user_access|manages:consortium %}``: the secretariat's own pages."""
    return access.manages(consortium.pk)


@register.filter
def oversees(access, consortium) -> bool:
    """``{% if user_access|oversees:consortium %}``: pages read by the secretariat and observers."""
    return access.oversees(consortium.pk)
