from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django_tables2 import RequestConfig

from apps.accounts.access import access_for
from apps.core.pagination import query_without_page
from apps.members import selectors
from apps.members.filters import MemberFilter
from apps.members.forms import BulkStatusForm
from apps.members.models import Consortium, MemberBody
from apps.members.tables import MemberTable


def consortium_for(request, slug: str, *, manage: bool = False, oversee: bool = True) -> Consortium:
    """The consortium if the user may reach it: unknown to the user → 404; no right → 403."""
    consortium = get_object_or_404(Consortium.objects.for_user(request.user).distinct(), slug=slug)
    access = access_for(request.user)
    if manage and not access.manages(consortium.pk):
        raise PermissionDenied
    if oversee and not access.oversees(consortium.pk):
        raise PermissionDenied
    return consortium


def home(request):
    """Member staff and mayors land on their own body; everyone else on the consortia."""
    access = access_for(request.user)
    if access.is_member_user:
        body = MemberBody.objects.only("code").get(pk=access.body_id)
        return redirect("body_detail", code=body.code)
    consortia = list(selectors.consortium_list(user=request.user)[:2])
    if len(consortia) == 1:
        return redirect("consortium_dashboard", slug=consortia[0].slug)
    return redirect("consortium_list")


def member_list(request, slug):
    consortium = consortium_for(request, slug)
    manages = access_for(request.user).manages(consortium.pk)
    filterset = MemberFilter(request.GET, queryset=selectors.member_rows(consortium=consortium))
    table = MemberTable(filterset.qs, exclude=() if manages else ("choose", "manage"))
    table.consortium_slug = consortium.slug if manages else ""
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "members/member_list.html", {
        "consortium": consortium, "table": table, "manages": manages, "filter": filterset,
        # The secretariat's change of status for the chosen members, or all the filter matches.
        # Its own ids: the filter bar above has a «status» field too.
        "bulk_form": BulkStatusForm(initial={"filter": query_without_page(request.GET)}, auto_id="bulk_%s")
        if manages else None})
