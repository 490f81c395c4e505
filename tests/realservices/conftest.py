"""Real services: real Celery workers (prefork) on the real Redis broker at 127.0.0.1:6379.

* ``services`` (session): Redis is reachable; one Redis database is claimed for this test run
  (a lock key in one of the databases 8-11, 14, 15 that nobody is connected to: parallel runs
  never share one) and emptied;
  a temporary folder holds ``media/`` (``DJANGO_MEDIA_ROOT`` of every process) and ``mail/``
  (``EMAIL_FILE_PATH`` of the file e-mail backend the workers use).
* ``worker`` (session): ``celery -A config worker -P prefork -c 1`` in its own process group,
  on that database, with ``DATABASE_URL`` pointing at the test database (the SQLite test file,
  see ``config/settings/test.py``, or PostgreSQL's ``test_<name>``).
* ``start_worker(name, **env)``: more workers, stopped at the end of the test.
* ``broker`` (function): this process queues to the same broker too (Django settings and the
  live Celery app reconfigured, then restored, so the eager rest of the suite is unaffected),
  with the shared ``MEDIA_ROOT``. It uses ``transactional_db``: what a test writes is
  committed, so the worker sees it.

Without Redis the group is skipped with the reason, except when ``CI=true`` or
``NURI_REQUIRE_SERVICES=1``: then a missing service fails the tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.realservices.helpers import (
    REDIS_HOST,
    REDIS_PORT,
    Process,
    Services,
    services_required,
    start_worker_process,
)

# Databases 0-1 are the documented defaults and 12-13 belong to `make load` (which flushes them).
REDIS_DBS = (8, 9, 10, 11, 14, 15)
LOCK_KEY = "nuri:realservices:lock"


def _others_connected(client, db: int) -> bool:
    """Whether any connection but ours uses database ``db`` (e.g. a worker left running)."""
    me = client.client_id()
    return any(c.get("db") == str(db) and c.get("id") != str(me) for c in client.client_list())


def _claim_redis_db(token: str) -> int:
    import redis

    for db in REDIS_DBS:
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db)
        if _others_connected(client, db):
            continue
        if client.set(LOCK_KEY, token, nx=True, ex=1800):
            # Leftovers of a crashed run (queued or unacknowledged messages) go; the lock stays.
            for key in client.scan_iter(count=500):
                if key != LOCK_KEY.encode():
                    client.delete(key)
            return db
    pytest.fail(f"every Redis database of {REDIS_DBS} is in use by another test run")


@pytest.fixture(scope="session")
def services(tmp_path_factory) -> Iterator[Services]:
    import redis

    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        reason = f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT} ({exc})"
        if services_required():
            pytest.fail(f"{reason}; CI=true or NURI_REQUIRE_SERVICES=1 requires it")
        pytest.skip(f"{reason}: start redis-server to run the real-services tests")
    token = uuid.uuid4().hex
    svc = Services(redis_db=_claim_redis_db(token), root=tmp_path_factory.mktemp("rs"), token=token)
    svc.media.mkdir()
    svc.mail.mkdir()
    yield svc
    client = svc.redis()
    if client.get(LOCK_KEY) == token.encode():
        client.flushdb()


@pytest.fixture(scope="session")
def worker(services, django_db_setup, django_db_blocker) -> Iterator[Process]:
    """The worker most tests share (the default visibility timeout: one hour)."""
    with django_db_blocker.unblock():
        proc = start_worker_process(services, "worker")
    yield proc
    proc.stop()


@pytest.fixture
def start_worker(services, django_db_blocker) -> Iterator[Callable[..., Process]]:
    """``start_worker(name, **env)`` starts one more real worker (stopped after the test)."""
    started: list[Process] = []

    def start(name: str, **env: str) -> Process:
        with django_db_blocker.unblock():
            proc = start_worker_process(services, name, **env)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


def _reset_connections(app) -> None:
    from kombu import pools

    pools.reset()  # closes and forgets kombu's process-wide connection and producer pools
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def broker(services, worker, settings, transactional_db):
    """Queue to the real broker from this process; restored after the test. Empties the
    shared mail folder first, so that a test sees only its own e-mails."""
    from config.celery import app

    for path in services.mail.iterdir():
        path.unlink()
    # Read first: the app loads its configuration from the Django settings lazily, on first use.
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_BROKER_URL = services.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = str(services.media)
    app.conf.update(broker_url=services.broker_url, task_always_eager=False)
    _reset_connections(app)
    yield app
    app.conf.update(saved)
    _reset_connections(app)
