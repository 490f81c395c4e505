"""Pick the search backend from settings and the database vendor, once per process.

``SEARCH_BACKEND = "database"`` (default): SQLite FTS5 or PostgreSQL by the database vendor;
``SEARCH_BACKEND = "elasticsearch"``: ``ELASTICSEARCH_URL`` / ``ELASTICSEARCH_INDEX``.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection

from shop.search.base import SearchBackend

_cache: dict[tuple, SearchBackend] = {}
_lock = threading.Lock()


def _key() -> tuple:
    kind = getattr(settings, "SEARCH_BACKEND", "database") or "database"
    if kind == "elasticsearch":
        return (kind, settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX)
    return (kind, connection.vendor)


def _build(key: tuple) -> SearchBackend:
    kind = key[0]
    if kind == "elasticsearch":
        from shop.search.elastic import ElasticsearchBackend

        if not settings.ELASTICSEARCH_URL:
            raise ImproperlyConfigured("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL.")
        return ElasticsearchBackend(url=key[1], index=key[2])
    if kind == "database":
        from shop.search.database import PostgresBackend, SQLiteBackend

        vendor = key[1]
        if vendor == "sqlite":
            return SQLiteBackend()
        if vendor == "postgresql":
            return PostgresBackend()
        raise ImproperlyConfigured(f"No database search backend for {vendor!r} databases.")
    raise ImproperlyConfigured(
        f"Unknown SEARCH_BACKEND {kind!r}: use 'database' or 'elasticsearch'."
    )


def get_backend() -> SearchBackend:
    """The configured backend (one instance per process and configuration)."""
    key = _key()
    backend = _cache.get(key)
    if backend is None:
        with _lock:
            backend = _cache.get(key)
            if backend is None:
                backend = _cache[key] = _build(key)
    return backend


def reset_backends(**kwargs) -> None:
    _cache.clear()


def _on_setting_changed(setting, **kwargs):
    if setting in {"SEARCH_BACKEND", "ELASTICSEARCH_URL", "ELASTICSEARCH_INDEX"}:
        reset_backends()


setting_changed.connect(_on_setting_changed, dispatch_uid="shop.search.registry")
