import logging
import re

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.core import health

logger = logging.getLogger(__name__)


@login_not_required
def healthz(request):
    """For the container health check: the app answers and reaches each part it needs, or
    names those it cannot (503). What went wrong, with addresses, goes to the log only:
    the page is open to anyone."""
    failed = []
    for part, check in health.checks().items():
        try:
            check()
        except Exception:
            logger.exception("Health check: the %s does not answer", part)
            failed.append(f"{part}: unreachable")
    if failed:
        return HttpResponse("\n".join(failed), content_type="text/plain", status=503)
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


def bad_request(request, exception):
    """Django's was a bare «Bad Request (400)»: most often an address the site is not served
    at (its Host header), or a request too large to read. The exception's text (the host)
    is for the log, which Django's security logger writes, not for the page."""
    return render(request, "error.html", {
        "heading": _("Bad request"),
        "message": _("This site could not accept the request. Check the address, or go back, reload the page "
                     "and try again.")}, status=400)


def csrf_failure(request, reason=""):
    """A form sent with a token that is no longer the session's: most often the login form
    open in two tabs (the first login replaced the token), or a page left open across a log
    out and in. Django's page spoke of CSRF and DEBUG=True; the reason goes to its log."""
    return render(request, "error.html", {
        "heading": _("The form could not be sent"),
        "message": _("The page was out of date: you may have logged in or out in another tab since it was "
                     "opened. Reload the page and try again; if it happens again, allow this site's cookies "
                     "in your browser.")}, status=403)
