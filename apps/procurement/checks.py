"""Deployment check: OCDS releases must carry the publisher's own registered prefix."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

OCDS_PLACEHOLDER = "ocds-xxxxxx"


@register(Tags.compatibility, deploy=True)
def ocds_prefix_registered(app_configs, **kwargs):
    if settings.OCDS_PREFIX != OCDS_PLACEHOLDER:
        return []
    return [Warning(
        "OCDS_PREFIX is still the placeholder ocds-xxxxxx.",
        hint="Register a prefix with the OCDS helpdesk and set OCDS_PREFIX before publishing OCDS releases; "
             "the placeholder is fine for the demo and for tests.",
        id="procurement.W001",
    )]
