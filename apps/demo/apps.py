from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and scale data sets, and the page benchmarks that use them."""

    name = "apps.demo"
    verbose_name = _("Demo data")
