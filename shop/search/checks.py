"""System check: PostgreSQL databases whose ctype breaks pg_trgm for Hangul fail loudly.

In a database created with ``LC_CTYPE=C``, pg_trgm treats Hangul as non-word characters and
``show_trgm('쌀과자')`` is ``{}``: typo and substring search silently find nothing. The
check runs with ``manage.py check``/``runserver``/``migrate``; the PostgreSQL backend also
raises ``ImproperlyConfigured`` on its first search in such a database (gunicorn runs no
checks).
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections


@checks.register()
def check_pg_trgm_ctype(app_configs=None, databases=None, **kwargs):
    # Not tagged "database": runserver and a plain `manage.py check` must fail too, so the
    # default database is always looked at (one cheap query).
    return _check(sorted({"default", *(databases or [])}))


def _check(databases) -> list[checks.CheckMessage]:
    from shop.search.database import postgres_trgm_problem

    if getattr(settings, "SEARCH_BACKEND", "database") != "database":
        return []
    errors = []
    for alias in databases or []:
        conn = connections[alias]
        if conn.vendor != "postgresql":
            continue
        try:
            problem = postgres_trgm_problem(conn)
        except DatabaseError as exc:
            # No pg_trgm yet (before migrate) or no server: nothing to judge here.
            if "show_trgm" in str(exc):
                continue
            return [
                checks.Warning(
                    f"Could not check pg_trgm on database {alias!r}: {exc}",
                    id="shop.search.W001",
                )
            ]
        if problem:
            errors.append(
                checks.Error(
                    problem,
                    hint="Recreate the database with LC_CTYPE 'C.UTF-8' (or another UTF-8 "
                    "locale) and migrate.",
                    id="shop.search.E001",
                )
            )
    return errors
