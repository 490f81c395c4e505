"""Readiness checks behind ``/readyz``: can this process serve traffic right now?

Each check is a plain function that raises when its dependency is unusable; ``run_checks``
times them and turns failures into short, secret-free messages. Every check is bounded:
PostgreSQL by ``connect_timeout`` (set in the production settings), Redis by
``socket_connect_timeout``/``socket_timeout`` (cache OPTIONS), the broker and Elasticsearch by
``READYZ_TIMEOUT_SECONDS`` passed to their clients. ``/healthz`` (liveness) checks nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connections

from core.logging import redact


def _timeout() -> float:
    return float(getattr(settings, "READYZ_TIMEOUT_SECONDS", 2.0))


def check_database(alias: str) -> None:
    """``SELECT 1`` on one configured database (reconnecting if the old link died)."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except Exception:
        # Drop the broken connection now, so the next probe opens a fresh one.
        connection.close()
        raise
    if not row or row[0] != 1:
        raise RuntimeError("SELECT 1 returned an unexpected row")


def check_cache(alias: str) -> None:
    """A round trip through one configured cache: set a key, read it back, delete it."""
    cache = caches[alias]
    key = f"nuri:readyz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    got = cache.get(key)
    cache.delete(key)
    if got != value:
        raise RuntimeError("the value written was not read back")


def broker_enabled() -> bool:
    return bool(getattr(settings, "CELERY_BROKER_URL", "")) and not getattr(
        settings, "CELERY_TASK_ALWAYS_EAGER", False
    )


def check_broker() -> None:
    """One connection to the Celery broker (no retries beyond one, short timeout)."""
    from kombu import Connection

    timeout = _timeout()
    transport_options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    # Redis: bound the socket operations too; amqp reads connect_timeout.
    if str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://")):
        transport_options.setdefault("socket_timeout", timeout)
        transport_options.setdefault("socket_connect_timeout", timeout)
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=timeout,
        transport_options=transport_options,
    ) as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=timeout
        )
        if conn.transport.driver_type == "redis":
            # A connection pool may hand out a lazy connection: make it talk.
            conn.default_channel.client.ping()


def search_enabled() -> bool:
    return getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch"


def check_search() -> None:
    """Elasticsearch answers a cluster-health request and the cluster is not red."""
    from elasticsearch import Elasticsearch

    if not settings.ELASTICSEARCH_URL:
        raise RuntimeError("SEARCH_BACKEND=elasticsearch without ELASTICSEARCH_URL")
    timeout = _timeout()
    client = Elasticsearch(
        settings.ELASTICSEARCH_URL, request_timeout=timeout, max_retries=0, retry_on_timeout=False
    )
    try:
        health = client.cluster.health(timeout=f"{max(int(timeout), 1)}s")
    finally:
        client.close()
    if health.get("status") == "red":
        raise RuntimeError("cluster status is red")


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The checks that apply to the running configuration, by name."""
    checks: dict[str, Callable[[], None]] = {}
    for alias in settings.DATABASES:
        name = "database" if alias == "default" else f"database:{alias}"
        checks[name] = lambda alias=alias: check_database(alias)
    for alias in settings.CACHES:
        name = "cache" if alias == "default" else f"cache:{alias}"
        checks[name] = lambda alias=alias: check_cache(alias)
    if broker_enabled():
        checks["broker"] = check_broker
    if search_enabled():
        checks["search"] = check_search
    return checks


def _short_error(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or "failed"
    return redact(f"{type(exc).__name__}: {text}")[:200]


def run_checks() -> tuple[bool, dict[str, dict]]:
    """Runs every applicable check: (all ok, {name: {"ok", "ms"[, "error"]}})."""
    results: dict[str, dict] = {}
    for name, check in readiness_checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            results[name] = {"ok": False, "error": _short_error(exc)}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results
