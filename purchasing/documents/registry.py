"""Data providers: how the documents package gets ``DocumentData`` for an object without knowing
its model. The purchasing app registers one function per object type (and optionally per kind)::

    from purchasing.documents.registry import register_provider

    register_provider("quote", quote_document_data)  # fn(object_id) -> DocumentData
    register_provider("order", order_statement_data, kind="statement")
    register_provider("order", order_tax_invoice_data, kind="tax_invoice")

A provider registered for a specific kind wins over the object type's general provider. Register
in the app's ``AppConfig.ready()`` so that web processes and Celery workers both have it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .data import DocumentData, DocumentKind

Provider = Callable[[Any], DocumentData]

_PROVIDERS: dict[tuple[str, str | None], Provider] = {}


class UnknownDocumentSource(LookupError):
    """No provider registered for that object type (and kind)."""


def register_provider(object_type: str, fn: Provider | None = None, *, kind: str | None = None):
    """Register ``fn(object_id) -> DocumentData`` for ``object_type``; usable as a decorator.
    Registering again replaces the previous provider (idempotent under autoreload)."""
    key_kind = DocumentKind(kind).value if kind else None

    def decorator(func: Provider) -> Provider:
        _PROVIDERS[(object_type, key_kind)] = func
        return func

    return decorator(fn) if fn is not None else decorator


def unregister_provider(object_type: str, *, kind: str | None = None) -> None:
    _PROVIDERS.pop((object_type, DocumentKind(kind).value if kind else None), None)


def get_provider(object_type: str, kind: str | None = None) -> Provider:
    key_kind = DocumentKind(kind).value if kind else None
    provider = _PROVIDERS.get((object_type, key_kind)) or _PROVIDERS.get((object_type, None))
    if provider is None:
        raise UnknownDocumentSource(f"no document provider for {object_type!r} (kind {kind!r})")
    return provider


def registered_object_types() -> list[str]:
    return sorted({object_type for object_type, _ in _PROVIDERS})


def load_document_data(kind: str, object_type: str, object_id: Any) -> DocumentData:
    """Call the provider; the returned data is rendered as ``kind`` (its ``kind`` field is set
    to the requested one, so one provider can serve an order's statement and tax invoice)."""
    kind = DocumentKind(kind).value
    data = get_provider(object_type, kind)(object_id)
    if not isinstance(data, DocumentData):
        raise TypeError(f"provider for {object_type!r} returned {type(data).__name__}")
    if data.kind != kind:
        data = dataclasses.replace(data, kind=kind)
    return data
