"""Confirming a secretariat's import as its page's button does."""

from django.test import TestCase


def confirm(client, url: str, token: str, *, follow: bool = False):
    """Post the preview's token; the import job it makes runs as the request commits
    (in-process: the tests have no broker), and ``follow`` then opens the page it leads to."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"token": token})
    return client.get(response["Location"]) if follow and response.status_code == 302 else response
