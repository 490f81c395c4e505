"""Uploaded import files waiting between preview and apply.

They live in a private directory (mode 0700, files 0600), never under MEDIA_ROOT and never in the
database, named by a random token that only the uploader's session knows. The directory is
``settings.BULK_IMPORT_DIR`` when set (a volume shared by every web host when there are several),
else ``<tmp>/nuri-bulk-imports``. Files older than ``MAX_AGE_SECONDS`` are purged on each upload.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 60 * 60
SESSION_KEY = "dashboard_bulk_import"
_TOKEN_RE = re.compile(r"^[0-9a-f]{48}$")


def _directory() -> Path:
    base = getattr(settings, "BULK_IMPORT_DIR", "") or os.path.join(
        tempfile.gettempdir(), "nuri-bulk-imports"
    )
    path = Path(base)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _path(token: str) -> Path | None:
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        return None
    return _directory() / f"{token}.upload"


def save(data: bytes) -> str:
    purge_stale()
    token = secrets.token_hex(24)
    path = _path(token)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return token


def load(token: str) -> bytes | None:
    path = _path(token)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def purge_stale(max_age: int = MAX_AGE_SECONDS) -> None:
    cutoff = time.time() - max_age
    for path in _directory().glob("*.upload"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


# --- The session side: one pending file per vendor --------------------------------------------


def remember(session, vendor_id: int, *, token: str, filename: str) -> None:
    pending = dict(session.get(SESSION_KEY) or {})
    old = pending.get(str(vendor_id))
    if old and old.get("token") != token:
        discard(old.get("token", ""))
    pending[str(vendor_id)] = {"token": token, "filename": filename}
    session[SESSION_KEY] = pending


def recall(session, vendor_id: int) -> tuple[str, str, bytes] | None:
    """(token, filename, bytes) of the vendor's pending upload, if it is still there."""
    entry = (session.get(SESSION_KEY) or {}).get(str(vendor_id))
    if not entry:
        return None
    data = load(entry.get("token", ""))
    if data is None:
        forget(session, vendor_id)
        return None
    return entry["token"], entry.get("filename", ""), data


def forget(session, vendor_id: int) -> None:
    pending = dict(session.get(SESSION_KEY) or {})
    entry = pending.pop(str(vendor_id), None)
    if entry:
        discard(entry.get("token", ""))
    session[SESSION_KEY] = pending
