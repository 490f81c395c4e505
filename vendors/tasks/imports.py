"""Celery tasks: registry imports uploaded by staff (``RegistryImport``).

The task is a thin entry point around ``vendors.registry_import.registry_import``: it
loads the import by id, runs it chunk by chunk and stores the summary, then tells the
member of staff who uploaded the file by e-mail. Its effect happens once even when the
message is delivered again (``acks_late``: the worker was killed half-way, or a second
worker got the message after the broker's visibility timeout):

* ``pending`` → ``running`` is a conditional UPDATE; an import found ``done`` or
  ``failed`` is not run again (its e-mail is sent if it was not yet);
* each chunk's transaction begins by checking, with a conditional UPDATE that also locks
  the row, that ``processed_rows`` is still where this run left it, and ends by storing
  ``processed_rows`` and the summary so far: a checkpoint committed with the chunk's rows.
  A redelivered task finds the import ``running`` and resumes after the last committed
  chunk with its counters, so ``created``/``updated``/``rejected`` count every row once;
  of two runs at once, the one that finds the checkpoint moved stops (its chunk rolled
  back) and leaves the import to the other;
* ``running`` → ``done`` is conditional too, and the e-mail goes through
  ``core.emails.send_once`` (one per import).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from core.emails import send_once
from vendors.models import ImportStatus, RegistryImport
from vendors.registry_import import ImportFileError, ImportSummary, registry_import
from vendors.tasks.onboarding import site_url

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 200  # rows per chunk: one transaction, one progress write (a checkpoint)


class ImportSuperseded(Exception):
    """Another run of the same import has moved its checkpoint: this run stops."""


def _finish(import_id: int, *, status: str, **fields) -> bool:
    """``running`` → ``status``; False when the import was no longer running."""
    return bool(
        RegistryImport.objects.filter(pk=import_id, status=ImportStatus.RUNNING).update(
            status=status, finished_at=timezone.now(), **fields
        )
    )


def notify_finished(imp: RegistryImport) -> int:
    """E-mail the uploader that the import is done or failed (once per import)."""
    user = imp.created_by
    if user is None or not user.email or imp.status not in (ImportStatus.DONE, ImportStatus.FAILED):
        return 0
    name = imp.file.name.rsplit("/", 1)[-1]
    link = site_url(reverse("admin:vendors_registryimport_change", args=[imp.pk]))
    if imp.status == ImportStatus.DONE:
        s = imp.summary or {}
        subject = (
            f"[누리] 등록부 가져오기 #{imp.pk} 완료: "
            f"생성 {s.get('created', 0):,} · 거부 {s.get('rejected', 0):,}"
        )
        lines = [
            f"등록부 파일({name})을 가져왔습니다.",
            "",
            f"전체 {s.get('total', 0):,}행 · 생성 {s.get('created', 0):,} · "
            f"수정 {s.get('updated', 0):,} · 변경 없음 {s.get('unchanged', 0):,} · "
            f"거부 {s.get('rejected', 0):,}",
        ]
        if s.get("rejected"):
            lines.append("거부된 행과 그 사유는 가져오기 기록에서 볼 수 있습니다.")
    else:
        subject = f"[누리] 등록부 가져오기 #{imp.pk} 실패"
        lines = [f"등록부 파일({name})을 가져오지 못했습니다.", "", imp.error]
    lines += ["", f"가져오기 기록: {link}"]
    return send_once(
        f"registry_import.{imp.status}",
        imp.pk,
        subject=subject,
        body="\n".join(lines) + "\n",
        recipients=[user.email],
    )


@shared_task(bind=True, acks_late=True, max_retries=3)
def registry_import_run(self, import_id: int) -> dict:
    """Run (or resume) one uploaded registry import; return its summary (as stored)."""
    RegistryImport.objects.filter(pk=import_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, error="", processed_rows=0, summary={}
    )
    imp = RegistryImport.objects.select_related("created_by").filter(pk=import_id).first()
    if imp is None:
        logger.warning("registry import %s does not exist", import_id)
        return {}
    if imp.status != ImportStatus.RUNNING:
        logger.info("registry import %s is %s; not run again", import_id, imp.status)
        notify_finished(imp)  # in case the run that finished it died before e-mailing
        return imp.summary
    # Running: a new import (just claimed), or one whose worker died (resume after the
    # last committed chunk, with the counters stored with it).
    resume_rows = imp.processed_rows
    if resume_rows:
        logger.info("registry import %s: resuming after row %s", import_id, resume_rows)

    def chunk_begin(done: int, total: int) -> None:
        moved_on = not RegistryImport.objects.filter(
            pk=import_id, status=ImportStatus.RUNNING, processed_rows=done
        ).update(total_rows=total)
        if moved_on:
            raise ImportSuperseded(import_id)

    def chunk_end(done: int, total: int, summary: ImportSummary) -> None:
        RegistryImport.objects.filter(pk=import_id).update(
            processed_rows=done, total_rows=total, summary=summary.as_dict()
        )

    try:
        with imp.file.open("rb") as fh:
            summary = registry_import(
                source=fh,
                chunk_size=PROGRESS_EVERY,
                on_chunk_begin=chunk_begin,
                on_chunk_end=chunk_end,
                resume_rows=resume_rows,
                resume_summary=imp.summary if resume_rows else None,
            )
    except ImportSuperseded:
        logger.info("registry import %s is being run by another delivery; stopping", import_id)
        return {}
    except ImportFileError as exc:
        _finish(import_id, status=ImportStatus.FAILED, error=f"{exc.code}: {exc.message}")
        imp.refresh_from_db()
        notify_finished(imp)
        return {}
    except OperationalError as exc:  # the database went away: try again later (resumes)
        if self.request.retries < self.max_retries and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries)
        _finish(import_id, status=ImportStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}")
        raise
    except Exception as exc:
        _finish(import_id, status=ImportStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}")
        raise
    data = summary.as_dict()
    data["file"] = imp.file.name
    finished = _finish(
        import_id,
        status=ImportStatus.DONE,
        summary=data,
        total_rows=summary.total,
        processed_rows=summary.total,
    )
    if not finished:  # another delivery finished it meanwhile
        imp.refresh_from_db()
        return imp.summary
    imp.refresh_from_db()
    notify_finished(imp)
    return data
