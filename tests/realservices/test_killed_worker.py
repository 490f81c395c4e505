"""A worker killed in the middle of a long task loses nothing and does nothing twice.

The task: a registry import of 2,000 generated rows (20 of them with a wrong check digit),
uploaded by staff in the admin; it commits 200 rows per chunk and runs for several seconds.
Once its progress shows it has started, we ``SIGKILL``

* the whole worker (its process group): the message stays unacknowledged in Redis and comes
  back after the visibility timeout (5 s here, ``CELERY_VISIBILITY_TIMEOUT``); a new worker
  takes it;
* or only the pool process running the task: the worker sees it lost and, with
  ``task_reject_on_worker_lost``, puts the message back at once (its visibility timeout is the
  default hour, so only that can explain the redelivery).

Either way the import must end ``done`` with its effect exactly once: every organization and
its certification once, the counters of the whole file (no row counted as "unchanged" because
the first run had written it), one e-mail to the uploader.
"""

from __future__ import annotations

import os
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from core.models import SentEmail
from tests.factories import StaffFactory
from tests.realservices.helpers import mails, wait_for
from vendors.identifiers import brn_check_digit
from vendors.models import Certification, Organization, RegistryImport

pytestmark = pytest.mark.realservices

ROWS = 2000
BAD_EVERY = 100  # every 100th row has a wrong check digit: 20 rejected rows


def big_registry_file() -> tuple[bytes, set[str], set[int]]:
    """A registry CSV of ``ROWS`` organizations: (content, valid BRNs, rejected row numbers)."""
    lines = ["기업명,사업자등록번호,기업유형,인증번호,인증일,대표자명,주소,자치구"]
    valid: set[str] = set()
    rejected: set[int] = set()
    for i in range(ROWS):
        first9 = f"21481{i + 1:04d}"
        check = brn_check_digit(first9)
        if i % BAD_EVERY == BAD_EVERY - 1:
            brn = first9 + str((check + 1) % 10)
            rejected.add(i + 2)  # the header is row 1
        else:
            brn = first9 + str(check)
            valid.add(brn)
        lines.append(
            f"사회적기업 누리{i},{brn[:3]}-{brn[3:5]}-{brn[5:]},사회적기업,제2020-{i}호,"
            f"2020-01-01,김누리,서울특별시 마포구 월드컵북로 {i + 1},마포구"
        )
    return ("\n".join(lines) + "\n").encode(), valid, rejected


@pytest.fixture
def shared_worker_paused(broker, worker):
    """The session's worker stops taking messages (remote control), so that only the
    workers a test starts get them; it takes them again afterwards."""
    replies = broker.control.cancel_consumer(
        "celery", destination=[worker.hostname], reply=True, timeout=10
    )
    assert replies, "the shared worker did not answer cancel_consumer"
    yield
    broker.control.add_consumer("celery", destination=[worker.hostname], reply=True, timeout=10)


def upload(client, content: bytes, name: str) -> RegistryImport:
    response = client.post(
        "/admin/vendors/registryimport/add/",
        {"file": SimpleUploadedFile(name, content, "text/csv")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return RegistryImport.objects.get()


def running_and_past_the_first_chunk(imp: RegistryImport):
    imp.refresh_from_db()
    return imp.status == "running" and 0 < imp.processed_rows < ROWS


def assert_imported_exactly_once(imp, valid: set[str], rejected: set[int], staff, services):
    imp.refresh_from_db()
    assert (imp.status, imp.error) == ("done", "")
    assert (imp.total_rows, imp.processed_rows) == (ROWS, ROWS)
    s = imp.summary
    assert (s["total"], s["created"], s["updated"], s["unchanged"], s["rejected"]) == (
        ROWS,
        len(valid),
        0,
        0,
        len(rejected),
    )
    assert sorted(r["row"] for r in s["rejected_rows"]) == sorted(rejected)
    assert {c for r in s["rejected_rows"] for c in r["codes"]} == {"INVALID_BRN"}

    assert set(Organization.objects.values_list("brn", flat=True)) == valid
    assert Organization.objects.count() == len(valid)
    per_org = Certification.objects.values("organization").annotate(n=Count("id"))
    assert per_org.count() == len(valid)
    assert {row["n"] for row in per_org} == {1}  # no certification written twice

    sent = [m for m in mails(services.mail) if "등록부 가져오기" in m.subject]
    subject = f"[누리] 등록부 가져오기 #{imp.pk} 완료: 생성 {len(valid):,} · 거부 {len(rejected)}"
    assert [(m.to, m.subject) for m in sent] == [([staff.email], subject)]
    assert SentEmail.objects.filter(kind="registry_import.done", object_id=str(imp.pk)).count() == 1


def test_killing_the_whole_worker_mid_import(
    broker, services, shared_worker_paused, start_worker, client
):
    content, valid, rejected = big_registry_file()
    staff = StaffFactory(email="importer@sehub.kr")
    client.force_login(staff)
    victim = start_worker("victim", CELERY_VISIBILITY_TIMEOUT="5")
    imp = upload(client, content, "registry_whole_worker.csv")

    wait_for(lambda: running_and_past_the_first_chunk(imp), what="the import to be under way")
    victim.kill()
    imp.refresh_from_db()
    assert imp.status == "running"
    assert 0 < imp.processed_rows < ROWS, "killed too late to mean anything"
    killed_at = imp.processed_rows
    redis = services.redis()
    assert redis.llen("celery") + redis.hlen("unacked") >= 1, "the message was lost"

    rescuer = start_worker("rescuer", CELERY_VISIBILITY_TIMEOUT="5")
    wait_for(
        lambda: RegistryImport.objects.filter(pk=imp.pk, status="done").exists(),
        what="the redelivered import to finish",
    )
    # Any further copy (the visibility timeout passes again while it runs) has been handled.
    wait_for(services.drained, what="the broker to have nothing queued or unacknowledged")
    wait_for(lambda: mails(services.mail), what="the uploader's e-mail")

    log = rescuer.output()
    assert "resuming after row" in log
    resumed_at = int(log.split("resuming after row ", 1)[1].split()[0])
    assert resumed_at == killed_at  # after the last committed chunk, not from row 0
    assert_imported_exactly_once(imp, valid, rejected, staff, services)


def test_killing_the_pool_process_mid_import(
    broker, services, shared_worker_paused, start_worker, client
):
    content, valid, rejected = big_registry_file()
    staff = StaffFactory(email="importer2@sehub.kr")
    client.force_login(staff)
    victim = start_worker("pool-victim")  # the default visibility timeout: one hour
    imp = upload(client, content, "registry_pool_process.csv")

    wait_for(lambda: running_and_past_the_first_chunk(imp), what="the import to be under way")
    (child,) = victim.children()
    os.kill(child, signal.SIGKILL)

    wait_for(
        lambda: RegistryImport.objects.filter(pk=imp.pk, status="done").exists(),
        what="the requeued import to finish",
    )
    wait_for(services.drained, what="the broker to have nothing queued or unacknowledged")
    wait_for(lambda: mails(services.mail), what="the uploader's e-mail")

    assert victim.alive()  # the worker itself lived on, with a new pool process
    assert child not in victim.children()
    log = victim.output()
    assert "WorkerLostError" in log or "exited with 'signal 9" in log
    assert "resuming after row" in log
    assert_imported_exactly_once(imp, valid, rejected, staff, services)
