from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """A member body's page: what every other app knows about one body, in one place.

    It sits at the top of the import order (like reports), so it may read members,
    costs and allocation through their selectors.
    """

    name = "apps.portal"
    verbose_name = _("Member portal")
