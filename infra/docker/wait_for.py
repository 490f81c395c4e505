"""Wait until the services a process needs accept connections, then exit 0.

Usage: ``python infra/docker/wait_for.py [db] [broker] [cache] [search] [migrations]``
(``entrypoint.sh`` calls it before ``web``, ``worker``, ``beat``, ``migrate`` and
``reindex``). The total wait is bounded by ``WAIT_FOR_TIMEOUT`` seconds (default 60); on
timeout it prints which service did not answer, where (password masked) and the last error,
and exits 69 (EX_UNAVAILABLE). Configuration errors (e.g. a worker without a broker) exit 78.

Each check uses the client the application itself uses, configured from the Django settings
(``DJANGO_SETTINGS_MODULE``), so it waits for exactly what the process will connect to:

- ``db``: Django's database backend (psycopg for PostgreSQL) with a short connect timeout;
- ``broker``, ``cache``, ``search``: the same checks as ``/readyz`` (``core.health``), each
  attempt bounded by ``READYZ_TIMEOUT_SECONDS``; the cache is skipped without ``REDIS_URL``
  and search unless ``SEARCH_BACKEND`` is ``elasticsearch``;
- ``migrations``: no migration of this code is left unapplied (the init container of the web
  and worker pods: a new release starts only once the migrate Job has run).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

EX_UNAVAILABLE = 69
EX_CONFIG = 78
EX_USAGE = 64
ATTEMPT_TIMEOUT = 3  # seconds for one connection attempt


class ConfigError(Exception):
    """The service cannot be waited for because it is not configured."""


def _log(message: str) -> None:
    print(f"wait_for: {message}", file=sys.stderr, flush=True)


def mask(url: str) -> str:
    """The URL with its password replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def _attempt_timeout(deadline: float) -> int:
    return max(1, min(ATTEMPT_TIMEOUT, int(deadline - time.monotonic()) or 1))


def check_db(deadline: float) -> tuple[str, Callable[[], None]]:
    from django.db import connections

    connection = connections["default"]
    settings_dict = connection.settings_dict
    where = f"{connection.vendor} {settings_dict.get('HOST') or ''}"
    if settings_dict.get("PORT"):
        where += f":{settings_dict['PORT']}"
    where += f"/{settings_dict.get('NAME')}"

    def attempt() -> None:
        params = connection.get_connection_params()
        if connection.vendor == "postgresql":
            params["connect_timeout"] = _attempt_timeout(deadline)
        raw = connection.get_new_connection(params)
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        finally:
            raw.close()

    return where, attempt


def check_migrations(deadline: float) -> tuple[str, Callable[[], None]]:
    """Every migration of the code is applied (web pods of a new release wait for the Job)."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    def attempt() -> None:
        connection = connections["default"]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        finally:
            connection.close()
        if plan:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:3])
            more = f" and {len(plan) - 3} more" if len(plan) > 3 else ""
            raise RuntimeError(f"{len(plan)} migrations not applied yet ({names}{more})")

    return "the default database", attempt


def check_broker(deadline: float) -> tuple[str, Callable[[], None]]:
    from django.conf import settings

    from core.health import check_broker as attempt

    url = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if not url:
        raise ConfigError("CELERY_BROKER_URL is not set: workers and beat need a broker")
    return mask(url), attempt


def check_cache(deadline: float) -> tuple[str, Callable[[], None]] | None:
    from django.conf import settings

    from core.health import check_cache

    url = getattr(settings, "REDIS_URL", "") or ""
    if not url:
        return None
    return mask(url), lambda: check_cache("default")


def check_search(deadline: float) -> tuple[str, Callable[[], None]] | None:
    from django.conf import settings

    from core.health import check_search as attempt
    from core.health import search_enabled

    if not search_enabled():
        return None
    url = getattr(settings, "ELASTICSEARCH_URL", "") or ""
    if not url:
        raise ConfigError("SEARCH_BACKEND=elasticsearch but ELASTICSEARCH_URL is not set")
    return mask(url), attempt


CHECKS = {
    "db": check_db,
    "broker": check_broker,
    "cache": check_cache,
    "search": check_search,
    "migrations": check_migrations,
}
NAMES = {
    "db": "database",
    "broker": "broker",
    "cache": "cache",
    "search": "Elasticsearch",
    "migrations": "migrations",
}


def wait_for(targets: list[str], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    for target in targets:
        try:
            prepared = CHECKS[target](deadline)
        except ConfigError as exc:
            _log(f"{NAMES[target]}: {exc}")
            return EX_CONFIG
        if prepared is None:
            continue
        where, attempt = prepared
        tries = 0
        while True:
            tries += 1
            try:
                attempt()
            except Exception as exc:  # any client error means "not ready yet"
                last_error = f"{type(exc).__name__}: {' '.join(str(exc).split()) or repr(exc)}"
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    _log(
                        f"{NAMES[target]} at {where} not ready after {timeout:g}s "
                        f"({tries} attempts); last error: {last_error}"
                    )
                    return EX_UNAVAILABLE
                if tries == 1 or tries % 10 == 0:
                    _log(f"waiting for the {NAMES[target]} at {where} ({last_error})")
                time.sleep(min(1.0, remaining))
                continue
            if tries > 1:
                _log(f"{NAMES[target]} at {where} is up")
            break
    return 0


def main(argv: list[str]) -> int:
    targets = argv or ["db"]
    unknown = [t for t in targets if t not in CHECKS]
    if unknown:
        _log(f"unknown service {', '.join(unknown)}; choose from {', '.join(CHECKS)}")
        return EX_USAGE
    raw_timeout = os.environ.get("WAIT_FOR_TIMEOUT", "60")
    try:
        timeout = float(raw_timeout)
    except ValueError:
        _log(f"WAIT_FOR_TIMEOUT must be a number of seconds, not {raw_timeout!r}")
        return EX_USAGE

    app_dir = os.environ.get("APP_DIR") or str(Path(__file__).resolve().parents[2])
    if app_dir not in sys.path:
        sys.path.insert(0, app_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    return wait_for(targets, timeout)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
