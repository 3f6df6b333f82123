"""Deployment check: links in e-mails sent by background tasks need the site's address."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


@register(Tags.compatibility, deploy=True)
def site_url_set(app_configs, **kwargs):
    if settings.SITE_URL != DEVELOPMENT_SITE_URL:
        return []
    return [Warning(
        "CONSORTIUM_SITE_URL is the development address http://127.0.0.1:8000.",
        hint="Set CONSORTIUM_SITE_URL to the address users reach the app at (e.g. https://kyogikai.example.jp): "
             "the daily survey reminders link each town to its own figures with it.",
        id="costs.W001",
    )]
