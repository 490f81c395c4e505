"""Database-level append-only guard of ``audit_auditevent`` (installed by migration 0002).

PostgreSQL: one plpgsql function behind two triggers, ``BEFORE UPDATE OR DELETE … FOR EACH
ROW`` and ``BEFORE TRUNCATE … FOR EACH STATEMENT``; every one raises ``restrict_violation``
(Django: ``IntegrityError``), except a TRUNCATE while the session setting
``nuri.audit_purge`` is ``on``.

SQLite: ``BEFORE UPDATE`` always aborts; ``BEFORE DELETE`` aborts unless the SQL function
``nuri_audit_purge_allowed()`` returns 1. Django registers that function on each of its
connections (``register_sqlite_function``, from ``connection_created``); elsewhere (the
``sqlite3`` shell) it does not exist, and a DELETE fails with "no such function".

Why a permit at all: wiping the *whole* database must keep working. ``manage.py flush``
(which ``TransactionTestCase``/``transactional_db`` run after each test) empties every
table, with TRUNCATE on PostgreSQL and ``DELETE FROM`` on SQLite. ``audit``'s own ``flush``
command (it overrides Django's) wraps the flush in ``purge_permitted()``, which turns the
permit on for that connection only while it runs: on SQLite a process-local flag the
function reads, on PostgreSQL the session setting. Nothing else turns it on, so a row-level
UPDATE or DELETE is refused on both databases, always; removing rows takes wiping the whole
database, or a deliberate DROP TRIGGER by someone who owns the schema.

A later migration that rebuilds the table on SQLite (most ``AlterField``s do) drops its
triggers: run ``install(schema_editor)`` again at its end.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, connections

TABLE = "audit_auditevent"
MESSAGE = "audit log is append-only"
PURGE_SETTING = "nuri.audit_purge"
SQLITE_FUNCTION = "nuri_audit_purge_allowed"

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND current_setting('{PURGE_SETTING}', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused',
            ERRCODE = 'restrict_violation';
    END
    $$;
    """,
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE};",
    f"""
    CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();
    """,
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
    f"""
    CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only();
    """,
]
POSTGRES_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only();",
]

SQLITE_INSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"""
    CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
    f"""
    CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT {SQLITE_FUNCTION}()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
]


def _statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_UNINSTALL
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_UNINSTALL
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def install(schema_editor) -> None:
    """Create (or re-create) the triggers on the schema editor's database."""
    for sql in _statements(schema_editor.connection.vendor, install=True):
        schema_editor.execute(sql)


def uninstall(schema_editor) -> None:
    for sql in _statements(schema_editor.connection.vendor, install=False):
        schema_editor.execute(sql)


# --- The purge permit (whole-database flush only) -----------------------------------------------

_sqlite_purge_depth = 0


def _sqlite_purge_allowed() -> int:
    return 1 if _sqlite_purge_depth > 0 else 0


def register_sqlite_function(sender=None, connection=None, **kwargs) -> None:
    """``connection_created``: give a new SQLite connection ``nuri_audit_purge_allowed()``."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, _sqlite_purge_allowed)


@contextmanager
def purge_permitted(using: str = "default"):
    """Allow wiping the table for the block (only ``manage.py flush`` uses this)."""
    global _sqlite_purge_depth
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [PURGE_SETTING])
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'off', false)", [PURGE_SETTING])
            except DatabaseError:  # a broken connection: do not let it keep the permit
                connection.close()
    else:
        _sqlite_purge_depth += 1
        try:
            yield
        finally:
            _sqlite_purge_depth -= 1
