"""Celery tasks: registry imports uploaded by staff (``RegistryImport``).

The task is a thin entry point around ``vendors.registry_import.registry_import``:
it loads the import by id, runs it with progress written to the row, and stores the
summary. It is idempotent: an import that is done (or failed) is not run again; one
found ``running`` is taken to be a redelivery after a lost worker (``acks_late``) and
runs again, which is safe because the import itself is an idempotent upsert.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from vendors.models import ImportStatus, RegistryImport
from vendors.registry_import import ImportFileError, registry_import

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 200  # rows between progress writes (also the import's chunk size)


def _finish(import_id: int, *, status: str, **fields) -> None:
    RegistryImport.objects.filter(pk=import_id).update(
        status=status, finished_at=timezone.now(), **fields
    )


@shared_task(bind=True, acks_late=True, max_retries=3)
def registry_import_run(self, import_id: int) -> dict:
    """Run one uploaded registry import; return its summary (as stored)."""
    claimed = RegistryImport.objects.filter(
        pk=import_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).update(status=ImportStatus.RUNNING, error="", processed_rows=0)
    if not claimed:
        imp = RegistryImport.objects.filter(pk=import_id).first()
        if imp is None:
            logger.warning("registry import %s does not exist", import_id)
            return {}
        logger.info("registry import %s is %s; not run again", import_id, imp.status)
        return imp.summary
    imp = RegistryImport.objects.get(pk=import_id)

    def on_progress(done: int, total: int) -> None:
        if done == 0 or done == total or done % PROGRESS_EVERY == 0:
            RegistryImport.objects.filter(pk=import_id).update(
                processed_rows=done, total_rows=total
            )

    try:
        with imp.file.open("rb") as fh:
            summary = registry_import(source=fh, on_progress=on_progress, chunk_size=PROGRESS_EVERY)
    except ImportFileError as exc:
        _finish(import_id, status=ImportStatus.FAILED, error=f"{exc.code}: {exc.message}")
        return {}
    except OperationalError as exc:  # the database went away: try again later
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries)
        _finish(import_id, status=ImportStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}")
        raise
    except Exception as exc:
        _finish(import_id, status=ImportStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}")
        raise
    data = summary.as_dict()
    data["file"] = imp.file.name
    _finish(
        import_id,
        status=ImportStatus.DONE,
        summary=data,
        total_rows=summary.total,
        processed_rows=summary.total,
    )
    return data
