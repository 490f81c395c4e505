"""Rendering documents in the background, cached by their data.

* ``render_document(kind, object_type, object_id)`` — Celery task: loads the data from the
  registered provider, renders the PDF unless the file for exactly that data already exists, and
  returns the absolute path. Idempotent and ``acks_late`` (a killed worker loses nothing; two
  workers rendering the same document write the same bytes atomically).
* ``schedule_render(...)`` — enqueue it after the current transaction commits (e.g. when an order
  is confirmed), so the worker sees the committed rows.
* ``get_or_render(kind, object_type, object_id)`` — for a view: the cached file if present, else
  render now, in-process (a user waiting for a download should not wait for a queue).

Cache key: see ``purchasing.documents.storage`` (a digest of the data itself, so a cached PDF
always shows the numbers currently in the database).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from .data import DocumentKind, DocumentTotalsError
from .pdf import render_pdf, tax_invoice_csv
from .registry import (
    UnknownDocumentSource,
    load_document_data,
    register_provider,
    unregister_provider,
)
from .storage import (
    StoredDocument,
    document_digest,
    document_name,
    download_filename,
    media_path,
    write_atomic,
)

__all__ = [
    "document_csv",
    "get_or_render",
    "register_provider",
    "render_and_store",
    "render_document",
    "schedule_render",
    "unregister_provider",
]


def render_and_store(
    kind: str, object_type: str, object_id: Any, *, force: bool = False
) -> StoredDocument:
    """Load, and render unless the file for this exact data exists (or ``force``)."""
    kind = DocumentKind(kind).value
    document_name(kind, object_type, object_id, "0")  # refuse unsafe ids before any lookup
    data = load_document_data(kind, object_type, object_id)
    digest = document_digest(data, kind)
    name = document_name(kind, object_type, object_id, digest)
    path = media_path(name)
    rendered = False
    if force or not path.is_file():
        write_atomic(path, render_pdf(data, kind))
        rendered = True
    return StoredDocument(
        kind=kind,
        object_type=object_type,
        object_id=str(object_id),
        digest=digest,
        name=name,
        path=path,
        filename=download_filename(data, kind),
        rendered=rendered,
    )


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    # Bad data or an unknown object will not get better by retrying.
    dont_autoretry_for=(
        UnknownDocumentSource,
        ObjectDoesNotExist,
        DocumentTotalsError,
        ValueError,
        TypeError,
    ),
    retry_backoff=True,
    max_retries=5,
)
def render_document(kind: str, object_type: str, object_id: Any) -> str:
    """Render (or find cached) ``kind`` of ``object_type`` #``object_id``; returns the path."""
    return str(render_and_store(kind, object_type, object_id).path)


def schedule_render(kind: str, object_type: str, object_id: Any) -> None:
    """Queue ``render_document`` once the current transaction has committed."""
    transaction.on_commit(lambda: render_document.delay(kind, object_type, object_id))


def get_or_render(kind: str, object_type: str, object_id: Any) -> StoredDocument:
    """The cached PDF for the object's current data, rendering it synchronously if missing.
    ``.rendered`` tells whether this call rendered; serve ``.path`` as ``.filename``."""
    return render_and_store(kind, object_type, object_id)


def document_csv(object_type: str, object_id: Any) -> str:
    """Tax-invoice data of an object as CSV text (UTF-8 BOM included); cheap, not cached."""
    kind = DocumentKind.TAX_INVOICE.value
    return tax_invoice_csv(load_document_data(kind, object_type, object_id))
