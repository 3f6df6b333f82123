import re

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@login_not_required
def healthz(request):
    """For the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


# Django's get_object_or_404 says «No MemberBody matches the given query.»: the name of a
# table, nothing a town's officer can act on. Messages we raise ourselves are written for
# the user and shown.
QUERY_NOT_FOUND = re.compile(r"^No .+ matches the given query\.$")


def page_not_found(request, exception):
    message = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    if QUERY_NOT_FOUND.match(message):
        message = ""
    return render(request, "error.html", {
        "heading": _("Page not found"),
        "message": message or _("There is no such page, or it is not one your account may see.")}, status=404)


def permission_denied(request, exception):
    """Our refusals say why (「提出済みです…事務局に差し戻しを依頼してください」): shown."""
    message = str(exception.args[0]) if exception.args else ""
    return render(request, "error.html", {
        "heading": _("Not permitted"),
        "message": message or _("Your account may not open this page or do this.")}, status=403)
