"""The only module that knows every app."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from apps.core.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language can be switched on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.members.urls")),
    path("", include("apps.costs.urls")),
    path("", include("apps.meetings.urls")),
    path("", include("apps.procurement.urls")),
    path("", include("apps.allocation.urls")),
    path("", include("apps.agreements.urls")),
    path("", include("apps.reports.urls")),
    path("", include("apps.portal.urls")),
]

# Pages of ours, in the user's language, with the menu and the reason when we gave one
# (500.html is a template of its own: it must render when nothing else does).
handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
