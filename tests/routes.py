"""Which route an address of the app is: the page walks visit one page of each."""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve


def route_of(url: str) -> str | None:
    """The URL pattern's name for ``url`` (its query ignored), or None if none matches."""
    try:
        return resolve(urlsplit(url).path).url_name
    except Resolver404:
        return None
