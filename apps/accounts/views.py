from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from apps.accounts import services
from apps.accounts.access import access_for
from apps.accounts.audit import AuditFilter, AuditTable, audit_entries
from apps.accounts.audit_changes import describe


@require_GET
def audit_trail(request):
    """Who changed what, when, before and after; nobody can edit it here."""
    access = access_for(request.user)
    if not (access.is_admin or access.secretariat_of):
        raise PermissionDenied
    filterset = AuditFilter(request.GET, queryset=audit_entries(user=request.user))
    table = AuditTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    table.described = describe([row.record for row in table.paginated_rows])
    return render(request, "accounts/audit_trail.html", {"filter": filterset, "table": table})


class ChooseNewPasswordView(auth_views.PasswordResetConfirmView):
    """The e-mailed link's page (forgotten password, invitation). A password chosen here
    also lifts a lockout: the locked-out page sends users to this very link."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.login_lock_lift(user=form.user)
        return response


class LogOutView(auth_views.LogoutView):
    """Logging out is the menu's button, a POST. The address itself, opened from a bookmark
    or typed in, gets a page with that button (Django's answer was a blank 405): a GET must
    not log anyone out, or any link or image could do it to them."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "registration/logout_confirm.html")
