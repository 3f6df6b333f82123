"""Addresses of the costs pages that several views, imports and e-mails link to."""

from django.urls import reverse


def body_costs_path(code: str, fiscal_year: int) -> str:
    """A town's cost page for one fiscal year: where a reminder, a review or an import of
    that year's figures takes the reader."""
    return f"{reverse('body_costs', args=[code])}?fy={fiscal_year}"
