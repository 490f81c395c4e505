"""Helpers of the real-services tests: processes, polling, e-mails written by the workers."""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

from tests.processes import poll

BASE_DIR = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
WAIT = 60.0  # seconds any single awaited outcome may take


def services_required() -> bool:
    return (
        os.environ.get("CI", "").lower() == "true" or os.environ.get("NURI_REQUIRE_SERVICES") == "1"
    )


def wait_for(predicate: Callable[[], object], *, what: str, timeout: float = WAIT):
    """``tests.processes.poll`` with this group's bound."""
    return poll(predicate, what=what, timeout=timeout)


@dataclass
class Services:
    """The Redis database claimed by this test run and the folders shared by its processes."""

    redis_db: int
    root: Path
    token: str

    @property
    def broker_url(self) -> str:
        return f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.redis_db}"

    @property
    def media(self) -> Path:
        return self.root / "media"

    @property
    def mail(self) -> Path:
        return self.root / "mail"

    def redis(self):
        import redis

        return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=self.redis_db)

    def drained(self, queue: str = "celery") -> bool:
        """Nothing queued and nothing taken-but-unacknowledged on our broker database."""
        client = self.redis()
        return client.llen(queue) == 0 and client.hlen("unacked") == 0


def shared_database_url() -> str:
    """The test database as a URL for another process (once the test database exists)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(s["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.fail("the SQLite test database is in memory; see config/settings/test.py")
        return f"sqlite:///{name}"
    if connection.vendor == "postgresql":
        user = s.get("USER") or "postgres"
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        host = s.get("HOST") or "127.0.0.1"
        port = s.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"
    pytest.fail(f"no database URL for a {connection.vendor} database")


# What the test run's environment may set that the processes must not inherit.
OVERRIDDEN = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_MEDIA_ROOT",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "ONBOARDING_REVIEW_EMAILS",
}


def process_env(services: Services, **extra: str) -> dict[str, str]:
    """Environment of a worker or beat: base settings, the test database, our broker."""
    env = {
        k: v for k, v in os.environ.items() if k not in OVERRIDDEN and not k.startswith("CELERY_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="false",
        DATABASE_URL=shared_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        CELERY_BROKER_URL=services.broker_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(services.mail),
        DJANGO_MEDIA_ROOT=str(services.media),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


def _terminate_with_parent() -> None:
    """In the child, before exec: SIGTERM when the test run dies without its teardown
    (killed, timed out), so that no worker outlives it (Linux ``PR_SET_PDEATHSIG``)."""
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGTERM)


@dataclass
class Process:
    """A real subprocess in its own process group; its output goes to ``log``."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    hostname: str = ""
    proc: subprocess.Popen | None = None
    _log_file: object = field(default=None, repr=False)

    def start(self) -> Process:
        self._log_file = self.log.open("ab")
        self.proc = subprocess.Popen(
            self.args,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_terminate_with_parent if sys.platform == "linux" else None,
        )
        return self

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_output(self, text: str, *, timeout: float = WAIT, after: int = 0) -> None:
        """Wait until ``text`` appears in the log (past its first ``after`` characters)."""

        def seen():
            if not self.alive():
                tail = self.output()[-4000:]
                pytest.fail(f"{self.name} exited ({self.proc.returncode}):\n{tail}")
            return text in self.output()[after:]

        wait_for(seen, timeout=timeout, what=f"{text!r} in the log of {self.name}")

    def signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and its pool children."""
        self.signal_group(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self, timeout: float = 30) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=timeout)
        self.signal_group(signal.SIGKILL)  # whatever is left of the group
        self.proc.wait(timeout=30)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def children(self) -> list[int]:
        """Pids of the direct children (a prefork worker's pool processes)."""
        pids: list[int] = []
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            pids.extend(int(p) for p in (task / "children").read_text().split())
        return pids

    def task_result(self, task_id: str) -> str | None:
        """The worker's log line telling how task ``task_id`` ended, if it has."""
        for line in self.output().splitlines():
            if f"[{task_id}]" in line and (" succeeded in " in line or " raised " in line):
                return line
        return None


def start_worker_process(services: Services, name: str, **env: str) -> Process:
    """``celery -A config worker -P prefork -c 1`` named ``<name>-<run>@<host>``, ready."""
    hostname = f"{name}-{services.token[:8]}@{os.uname().nodename}"
    worker = Process(
        name=name,
        args=[
            CELERY,
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "-n",
            hostname,
            "-Q",
            "celery",
            "--loglevel=INFO",
        ],
        env=process_env(services, **env),
        log=services.root / f"{name}.log",
        hostname=hostname,
    ).start()
    worker.wait_output(" ready.")
    return worker


# --- e-mails written by the file backend ----------------------------------------------------

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass
class Mail:
    subject: str
    to: list[str]
    body: str


def mails(folder: Path) -> list[Mail]:
    """Every complete message the file e-mail backend has written into ``folder``."""
    found = []
    for path in sorted(folder.glob("*.log")):
        chunks = path.read_bytes().split(SEPARATOR)
        for raw in chunks[:-1]:  # the last chunk is empty, or a message being written
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain",))
            found.append(
                Mail(
                    subject=str(msg["Subject"]).strip(),
                    to=[a.addr_spec for a in msg["To"].addresses],
                    body=body.get_content() if body is not None else "",
                )
            )
    return found
