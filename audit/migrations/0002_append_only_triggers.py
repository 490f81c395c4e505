"""Database triggers that make ``audit_auditevent`` append-only (see ``audit.db``)."""

from django.db import migrations


def install(apps, schema_editor):
    from audit import db

    db.install(schema_editor)


def uninstall(apps, schema_editor):
    from audit import db

    db.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
