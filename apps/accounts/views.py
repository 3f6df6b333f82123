from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

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
