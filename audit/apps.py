from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = _("감사 기록")

    def ready(self) -> None:
        from celery import signals as celery_signals
        from django.db import connections
        from django.db.backends.signals import connection_created

        from audit import context, db

        # SQLite's DELETE trigger calls nuri_audit_purge_allowed() (audit.db).
        connection_created.connect(db.register_sqlite_function, dispatch_uid="audit-sqlite-fn")
        for conn in connections.all(initialized_only=True):
            if conn.connection is not None:
                db.register_sqlite_function(connection=conn)
        # Celery tasks act as the system (eager ones too).
        celery_signals.task_prerun.connect(
            context.celery_task_prerun, weak=False, dispatch_uid="audit-task-prerun"
        )
        celery_signals.task_postrun.connect(
            context.celery_task_postrun, weak=False, dispatch_uid="audit-task-postrun"
        )
