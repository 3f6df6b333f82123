"""Keeps an uploaded file between its preview and the secretariat's confirmation.

The file is stored privately under MEDIA_ROOT/imports with a random token that is also
kept in the uploader's session, so nobody else can confirm or read it; and only on the
page it was uploaded to, so a preview made for one body or consortium is never written
to another.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings

SESSION_KEY = "import_stash"


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash(request, data: bytes, *, filename: str, params: dict) -> str:
    token = secrets.token_urlsafe(16)
    (_folder() / token).write_bytes(data)
    request.session[SESSION_KEY] = {"token": token, "filename": filename, "params": params, "path": request.path}
    return token


def take(request, token: str) -> tuple[bytes, str, dict] | None:
    """The stashed file if the token is this session's and this page's; it is removed either way."""
    entry = request.session.pop(SESSION_KEY, None)
    if not entry or not secrets.compare_digest(entry["token"], token or ""):
        return None
    path = _folder() / entry["token"]
    if entry.get("path") != request.path:
        path.unlink(missing_ok=True)
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    path.unlink(missing_ok=True)
    return data, entry["filename"], entry["params"]
