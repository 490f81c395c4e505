"""``/readyz`` of a real gunicorn against a private PostgreSQL and Redis, through outages.

The test starts its own ``redis-server`` and PostgreSQL cluster on free ports (nothing shared
with the machine's services), then ``gunicorn config.wsgi`` with the production settings
pointing at them (persistent, health-checked database connections; Redis cache and broker).
It stops and restarts each service and follows ``/readyz``: 200 → 503 naming the dead
dependency → 200 once it is back, including a database restart that the persistent connection
only survives thanks to ``CONN_HEALTH_CHECKS``. Skipped when the binaries are missing, except
in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

from tests.processes import free_port, poll

pytestmark = pytest.mark.realservices

BASE_DIR = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
START_DEADLINE = 60  # seconds a service may take to come up (not an assertion on speed)


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true makes this an error.")
    pytest.skip(reason)


def wait_until(predicate, what: str):
    return poll(predicate, what=what, timeout=START_DEADLINE)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- Redis ---------------------------------------------------------------------------------


class Redis:
    def __init__(self, binary: str, port: int, workdir: Path):
        self.binary, self.port, self.workdir = binary, port, workdir
        self.proc: subprocess.Popen | None = None

    def options(self) -> list[str]:
        options = {
            "port": str(self.port),
            "bind": "127.0.0.1",
            "save": "",
            "appendonly": "no",
            "dir": str(self.workdir),
        }
        return [arg for key, value in options.items() for arg in (f"--{key}", value)]

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, *self.options()],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), f"redis-server on {self.port}")

    def shutdown(self):
        """``SHUTDOWN NOSAVE``, as an operator would, then wait for the process to end."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n")
            with contextlib.suppress(OSError):
                sock.recv(64)
        self.proc.wait(timeout=30)
        self.proc = None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


# --- PostgreSQL ----------------------------------------------------------------------------


class Postgres:
    def __init__(self, bindir: Path, port: int, workdir: Path):
        self.bindir, self.port, self.workdir = bindir, port, workdir
        self.data = workdir / "data"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str):
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")

    def init(self):
        if self.as_postgres:
            shutil.chown(self.workdir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self):
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.workdir / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def stop_quietly(self):
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(AssertionError):
                self.stop("immediate")


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def binaries():
    redis_server = shutil.which("redis-server")
    if not redis_server:
        _unavailable("redis-server not found (install Debian's redis-server package)")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: p.split("/"))
    if not found:
        _unavailable("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        _unavailable("running as root without runuser: cannot run initdb as postgres")
    if not GUNICORN.exists():
        _unavailable(f"gunicorn not found at {GUNICORN}")
    return redis_server, Path(found[-1]).parent


@pytest.fixture(scope="module")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="nuri-readyz-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def redis(binaries, workdir):
    server = Redis(binaries[0], free_port(), workdir)
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def postgres(binaries, workdir):
    pgdir = workdir / "pg"
    pgdir.mkdir()
    server = Postgres(binaries[1], free_port(), pgdir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop_quietly()


@pytest.fixture(scope="module")
def web(redis, postgres, workdir):
    """``gunicorn config.wsgi`` with the production settings, one sync worker."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "SENTRY_", "SEARCH_", "ELASTICSEARCH_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "nuri.example.org",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{postgres.port}/postgres",
            "DATABASE_CONN_MAX_AGE": "600",
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/1",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis.port}/0",
            "LOG_FORMAT": "json",
        }
    )
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "-t", "60"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"

    def healthy():
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log_path.read_text()[-4000:]}")
        try:
            return requests.get(f"{base}/healthz", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(healthy, "gunicorn to answer /healthz")
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def readyz(base: str) -> tuple[int, dict]:
    # Plain HTTP and the pod's address as Host, as a kubelet probes.
    resp = requests.get(f"{base}/readyz", headers={"Host": "10.42.0.17"}, timeout=30)
    return resp.status_code, resp.json()


def failing(body: dict) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}


# --- tests ---------------------------------------------------------------------------------


def test_readyz_follows_a_redis_outage(web, redis):
    status, body = readyz(web)
    assert (status, failing(body)) == (200, set()), body
    assert set(body["checks"]) == {"database", "cache", "broker"}

    redis.shutdown()
    status, body = readyz(web)
    assert status == 503, body
    assert failing(body) == {"cache", "broker"}
    assert body["status"] == "fail"

    redis.start()
    status, body = readyz(web)
    assert (status, failing(body)) == (200, set()), body


def test_readyz_follows_a_postgres_outage_and_reconnects(web, postgres):
    status, body = readyz(web)
    assert (status, failing(body)) == (200, set()), body

    postgres.stop("fast")
    status, body = readyz(web)
    assert status == 503, body
    assert failing(body) == {"database"}
    assert body["checks"]["database"]["error"].startswith("OperationalError")

    postgres.start()
    status, body = readyz(web)
    assert (status, failing(body)) == (200, set()), body

    # A restart between two probes: the worker's persistent connection is dead; the health
    # check before reuse (CONN_HEALTH_CHECKS) replaces it, so the very next probe passes.
    postgres.stop("fast")
    postgres.start()
    status, body = readyz(web)
    assert (status, failing(body)) == (200, set()), body
