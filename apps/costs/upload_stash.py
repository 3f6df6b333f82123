"""Keeps an uploaded file between its preview and the secretariat's confirmation.

The file is stored privately under MEDIA_ROOT/imports with a random token that is also
kept in the uploader's session, so nobody else can confirm or read it; and only on the
page it was uploaded to, so a preview made for one body or consortium is never written
to another. A confirmation that a worker writes (apps.costs.import_jobs) leaves the file
here for the worker: MEDIA_ROOT must be the same folder for the web server and the workers
(docker-compose.yml mounts one volume in both).
"""

from __future__ import annotations

import re
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
    entry = _entry(request, token)
    if entry is None:
        return None
    data = read(entry["token"])
    discard(entry["token"])
    if data is None:
        return None
    return data, entry["filename"], entry["params"]


def hand_over(request, token: str) -> tuple[str, dict] | None:
    """The stashed file's name and the form's other fields if the token is this session's
    and this page's; the file stays, for whoever writes it to ``read`` and then ``discard``."""
    entry = _entry(request, token)
    if entry is None or not kept(entry["token"]):
        return None
    return entry["filename"], entry["params"]


def read(token: str) -> bytes | None:
    try:
        return _path(token).read_bytes()
    except (OSError, ValueError):
        return None


def kept(token: str) -> bool:
    try:
        return _path(token).exists()
    except ValueError:
        return False


def discard(token: str) -> None:
    try:
        _path(token).unlink(missing_ok=True)
    except ValueError:
        pass


def _path(token: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", token or ""):  # as secrets.token_urlsafe makes them
        raise ValueError("not a stash token")
    return _folder() / token


def _entry(request, token: str) -> dict | None:
    """The session's stash entry if ``token`` is its token, on the page it was made on; the
    session forgets it either way (and the file, when the page is another)."""
    entry = request.session.pop(SESSION_KEY, None)
    if not entry or not secrets.compare_digest(entry["token"], token or ""):
        return None
    if entry.get("path") != request.path:
        discard(entry["token"])
        return None
    return entry
