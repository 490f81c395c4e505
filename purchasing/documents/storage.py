"""Where rendered documents live, and the cache key.

Files go to ``MEDIA_ROOT/private/documents/<object_type>/<object_id>/<kind>-<digest>.pdf`` (private:
served only through a permission-checking view, never from the public media URL).

Cache key choice: ``digest`` is a SHA-256 of the document's *data* (every field of
``DocumentData``, lines included, canonical JSON) plus the kind and ``RENDER_VERSION``. So the
file name says exactly which numbers it shows: when an order's quantities, prices, parties or
notes change, the digest changes and a new file is rendered, and a stale cached PDF can never be
served (no invalidation to forget). Bump ``RENDER_VERSION`` when the layout changes. Older files
of the same object are kept (a quote as it was sent stays retrievable); they are never returned
for current data. The price of the scheme: a cache lookup calls the data provider (one small
query) to know the digest; the rendering, which is the expensive part, is what is cached.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from .data import KIND_TITLES, DocumentData, DocumentKind

RENDER_VERSION = "1"
DIGEST_LENGTH = 24  # hex characters (96 bits)
ROOT = "private/documents"

_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not serializable in a document digest: {value!r}")


def document_digest(data: DocumentData, kind: str | None = None) -> str:
    """SHA-256 (truncated) of everything the document shows; see the module docstring."""
    payload = {
        "version": RENDER_VERSION,
        "kind": DocumentKind(kind or data.kind).value,
        "data": dataclasses.asdict(data),
    }
    canonical = json.dumps(
        payload, default=_json_default, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def _segment(value: Any, what: str) -> str:
    text = str(value)
    if not _SAFE_SEGMENT.match(text):
        raise ValueError(f"{what} {value!r} is not usable in a file path")
    return text


def document_name(kind: str, object_type: str, object_id: Any, digest: str) -> str:
    """The storage name relative to MEDIA_ROOT."""
    kind = DocumentKind(kind).value
    return (
        f"{ROOT}/{_segment(object_type, 'object_type')}/{_segment(object_id, 'object_id')}/"
        f"{kind}-{_segment(digest, 'digest')}.pdf"
    )


def media_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def write_atomic(path: Path, content: bytes) -> None:
    """Write to a temporary file in the same directory, then rename: a reader (or a second
    worker rendering the same document) never sees a half-written PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def download_filename(data: DocumentData, kind: str | None = None) -> str:
    """``견적서_Q-2025-0001.pdf`` — for Content-Disposition (use RFC 5987 encoding)."""
    title = KIND_TITLES[DocumentKind(kind or data.kind)]
    number = _UNSAFE_FILENAME.sub("_", data.number).strip("_.") or "document"
    return f"{title}_{number}.pdf"


@dataclass(frozen=True)
class StoredDocument:
    kind: str
    object_type: str
    object_id: str
    digest: str
    name: str  # relative to MEDIA_ROOT
    path: Path  # absolute
    filename: str  # suggested download name
    rendered: bool  # False when served from the cache

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()
