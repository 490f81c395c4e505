"""The registry import task under redelivery (acks_late): an interrupted run is resumed after
its last committed chunk with its counters, a run whose checkpoint moved on stops, and a
finished import is neither run nor announced twice. (The same with real, killed worker
processes: tests/realservices/test_killed_worker.py.)"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from tests.factories import StaffFactory
from vendors.identifiers import brn_check_digit
from vendors.models import Certification, Organization, RegistryImport
from vendors.tasks import imports
from vendors.tasks.imports import registry_import_run

pytestmark = pytest.mark.django_db

ROWS = 650  # four chunks of 200, the last one partial


def registry_csv() -> tuple[bytes, set[str]]:
    lines = ["기업명,사업자등록번호,기업유형,인증번호,인증일"]
    valid = set()
    for i in range(ROWS):
        first9 = f"21481{i + 1:04d}"
        check = brn_check_digit(first9)
        brn = first9 + str(check if i % 50 else (check + 1) % 10)  # every 50th: rejected
        if i % 50:
            valid.add(brn)
        lines.append(f"사회적기업 누리{i},{brn},사회적기업,제2020-{i}호,2020-01-01")
    return ("\n".join(lines) + "\n").encode(), valid


class WorkerDied(BaseException):
    """Stands for SIGKILL: not an ``Exception``, so nothing in the task handles it."""


@pytest.fixture
def uploaded():
    content, valid = registry_csv()
    staff = StaffFactory(email="importer@sehub.kr")
    imp = RegistryImport.objects.create(
        file=SimpleUploadedFile("registry.csv", content, "text/csv"), created_by=staff
    )
    return imp, valid


def die_in_chunk_starting_at(monkeypatch, row: int):
    real = imports.registry_import

    def dying(**kwargs):
        begin = kwargs["on_chunk_begin"]

        def begin_or_die(done, total):
            if done >= row:
                raise WorkerDied
            begin(done, total)

        return real(**{**kwargs, "on_chunk_begin": begin_or_die})

    monkeypatch.setattr(imports, "registry_import", dying)


def test_a_redelivered_import_resumes_after_the_last_chunk_with_its_counters(monkeypatch, uploaded):
    imp, valid = uploaded
    die_in_chunk_starting_at(monkeypatch, 400)
    with pytest.raises(WorkerDied):
        registry_import_run(imp.pk)
    imp.refresh_from_db()
    assert (imp.status, imp.processed_rows, imp.total_rows) == ("running", 400, ROWS)
    assert imp.summary["created"] + imp.summary["rejected"] == 400  # the checkpoint
    assert Organization.objects.count() == imp.summary["created"]
    assert mail.outbox == []

    monkeypatch.undo()
    registry_import_run.delay(imp.pk)  # the message, delivered again
    imp.refresh_from_db()
    assert (imp.status, imp.processed_rows) == ("done", ROWS)
    s = imp.summary
    assert (s["created"], s["updated"], s["unchanged"], s["rejected"]) == (
        len(valid),
        0,
        0,
        ROWS - len(valid),
    )
    assert len(s["rejected_rows"]) == ROWS - len(valid)
    assert set(Organization.objects.values_list("brn", flat=True)) == valid
    per_org = Certification.objects.values("organization").annotate(n=Count("id"))
    assert {row["n"] for row in per_org} == {1}
    assert per_org.count() == len(valid)
    (sent,) = mail.outbox
    assert sent.to == ["importer@sehub.kr"]
    assert sent.subject == f"[누리] 등록부 가져오기 #{imp.pk} 완료: 생성 {len(valid)} · 거부 13"

    registry_import_run.delay(imp.pk)  # and once more: nothing is run or sent again
    assert len(mail.outbox) == 1
    imp.refresh_from_db()
    assert imp.summary == s


def test_a_run_whose_checkpoint_moved_on_stops_without_writing(monkeypatch, uploaded):
    imp, _ = uploaded
    real = imports.registry_import

    def other_delivery_got_there_first(**kwargs):
        # Between this run's start and its first chunk, another delivery committed one.
        RegistryImport.objects.filter(pk=imp.pk).update(processed_rows=200)
        return real(**kwargs)

    monkeypatch.setattr(imports, "registry_import", other_delivery_got_there_first)
    assert registry_import_run.delay(imp.pk).get() == {}
    imp.refresh_from_db()
    assert (imp.status, imp.processed_rows) == ("running", 200)  # left to the other run
    assert not Organization.objects.exists()
    assert mail.outbox == []


def test_a_bad_file_fails_once_and_is_announced_once():
    staff = StaffFactory(email="importer@sehub.kr")
    bad = SimpleUploadedFile("bad.csv", "이름,전화\n누리,02-1\n".encode())
    imp = RegistryImport.objects.create(file=bad, created_by=staff)
    registry_import_run.delay(imp.pk)
    registry_import_run.delay(imp.pk)
    imp.refresh_from_db()
    assert imp.status == "failed"
    (sent,) = mail.outbox
    assert sent.subject == f"[누리] 등록부 가져오기 #{imp.pk} 실패"
    assert "MISSING_COLUMNS" in sent.body
