"""``manage.py flush`` that may also empty the append-only audit table.

Django's ``flush`` (also run by ``TransactionTestCase`` after each test) wipes every table;
the audit table's triggers refuse row deletes (SQLite) and TRUNCATE (PostgreSQL) unless
``audit.db.purge_permitted`` is on. Wiping the whole database stays possible; deleting some
audit rows does not. See ``audit.db``.
"""

from django.core.management.commands import flush

from audit.db import purge_permitted


class Command(flush.Command):
    def handle(self, **options):
        with purge_permitted(options["database"]):
            return super().handle(**options)
