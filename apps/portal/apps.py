from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The overview pages: a member body's page and a council's dashboard — what every
    other app knows about one body or one council, in one place.

    It sits at the top of the import order (like reports), so it may read the other apps
    through their selectors.
    """

    name = "apps.portal"
    verbose_name = _("Member portal")
