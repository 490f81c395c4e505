"""``infra/docker/entrypoint.sh`` run for real, as the container runs it (without Docker).

``PYTHON`` points at this interpreter and ``DATABASE_URL`` at a temporary SQLite file; the
roles that need a broker use the local Redis and are skipped with a reason when it is down.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.infra.conftest import (
    K8S,
    ROOT,
    background,
    base_env,
    compose,
    free_port,
    load_yaml_docs,
    run_entrypoint,
    wait_until,
)

PRODUCTION = (ROOT / "config" / "settings" / "production.py").exists()
needs_production = pytest.mark.skipif(
    not PRODUCTION, reason="config/settings/production.py is not written yet"
)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One ``entrypoint.sh migrate`` on a fresh SQLite file, shared by this module's tests."""
    tmp_path = tmp_path_factory.mktemp("migrated")
    env = base_env(tmp_path)
    return tmp_path, env, run_entrypoint(["migrate"], env)


def test_migrate_creates_the_schema(migrated):
    tmp_path, env, out = migrated
    assert out.returncode == 0, out.stderr
    db = sqlite3.connect(tmp_path / "x.sqlite3")
    applied = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    apps = {row[0] for row in db.execute("SELECT DISTINCT app FROM django_migrations")}
    db.close()
    assert applied > 20
    assert {"accounts", "vendors", "shop", "purchasing", "bundles"} <= apps

    # Once migrated, "wait-for migrations" (the web pods' init container) passes at once.
    out = run_entrypoint(["wait-for", "db", "migrations"], {**env, "WAIT_FOR_TIMEOUT": "5"})
    assert out.returncode == 0, out.stderr


def test_wait_for_migrations_refuses_an_unmigrated_database(tmp_path):
    env = base_env(tmp_path, WAIT_FOR_TIMEOUT="1")
    out = run_entrypoint(["wait-for", "db", "migrations"], env)
    assert out.returncode == 69
    assert "migrations not applied yet" in out.stderr
    assert "not ready after 1s" in out.stderr


def test_unknown_role_exits_64_with_usage(tmp_path):
    out = run_entrypoint(["bogus"], base_env(tmp_path))
    assert out.returncode == 64
    assert "unknown role 'bogus'" in out.stderr
    assert "usage: entrypoint.sh ROLE" in out.stderr
    out = run_entrypoint([], base_env(tmp_path))
    assert out.returncode == 64
    assert "usage:" in out.stderr


def test_unreachable_database_fails_clearly_and_hides_the_password(tmp_path):
    env = base_env(
        tmp_path,
        DATABASE_URL="postgres://nuri:s3cret-pw@127.0.0.1:1/nuri",
        WAIT_FOR_TIMEOUT="2",
    )
    out = run_entrypoint(["web"], env)
    assert out.returncode == 69
    assert "database at postgresql 127.0.0.1:1/nuri not ready after 2s" in out.stderr
    assert "Connection refused" in out.stderr
    assert "s3cret-pw" not in out.stderr + out.stdout


@pytest.mark.parametrize(
    "broker", ["redis://:s3cret-pw@127.0.0.1:1/0", "amqp://nuri:s3cret-pw@127.0.0.1:1//"]
)
def test_unreachable_broker_fails_clearly(tmp_path, broker):
    env = base_env(tmp_path, CELERY_BROKER_URL=broker, WAIT_FOR_TIMEOUT="2")
    out = run_entrypoint(["worker"], env)
    assert out.returncode == 69
    assert "broker at" in out.stderr
    assert "not ready after 2s" in out.stderr
    assert "***@127.0.0.1:1" in out.stderr
    assert "s3cret-pw" not in out.stderr + out.stdout


def test_beat_without_a_broker_is_a_configuration_error(tmp_path):
    out = run_entrypoint(["beat"], base_env(tmp_path, WAIT_FOR_TIMEOUT="2"))
    assert out.returncode == 78
    assert "CELERY_BROKER_URL is not set" in out.stderr


def test_manage_passes_arguments_through(migrated):
    _tmp_path, env, _out = migrated
    out = run_entrypoint(["manage", "check", "--database", "default"], env)
    assert out.returncode == 0, out.stderr
    assert "System check identified no issues" in out.stdout


def test_web_serves_healthz_and_stops_cleanly_on_sigterm(tmp_path):
    port = free_port()
    env = base_env(tmp_path, PORT=str(port), WEB_CONCURRENCY="1", LOG_LEVEL="INFO")
    log = tmp_path / "web.log"

    def healthz_ok() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.status == 200 and json.loads(r.read())["status"] == "ok"
        except OSError:
            return False

    with background([str(ROOT / "infra/docker/entrypoint.sh"), "web"], env, log) as proc:
        wait_until(healthz_ok, what="/healthz answering 200", proc=proc, log=log)
        # Kubelet probes send the pod IP as Host, which DJANGO_ALLOWED_HOSTS does not list.
        for path in ("/healthz", "/readyz"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Host": "10.42.0.17:8000"}
            )
            with urllib.request.urlopen(request, timeout=10) as resp:
                assert resp.status == 200, path
        proc.terminate()
        assert proc.wait(timeout=30) == 0
    output = log.read_text()
    assert "Booting worker" in output
    assert '"GET /healthz HTTP/1.1" 200' in output  # access log on stdout
    assert "Shutting down: Master" in output


def _env_from_k8s(tmp_path: Path) -> dict[str, str]:
    (configmap,) = load_yaml_docs(K8S / "configmap.yaml")
    (secret,) = load_yaml_docs(K8S / "secret.example.yaml")
    env = {**configmap["data"], **secret["stringData"]}
    # The placeholders are replaced in a real deployment; so here.
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    return env


@needs_production
def test_check_deploy_passes_with_the_kubernetes_configuration(tmp_path):
    env = base_env(tmp_path, **_env_from_k8s(tmp_path))
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    out = run_entrypoint(["check", "--fail-level", "WARNING"], env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues" in out.stdout


@needs_production
def test_check_deploy_passes_with_the_compose_configuration(tmp_path):
    import re

    example = (ROOT / "infra" / "env.example").read_text()
    env = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", example, re.M))
    env.update(compose()["services"]["web"]["environment"])
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    out = run_entrypoint(["check", "--fail-level", "WARNING"], base_env(tmp_path, **env))
    assert out.returncode == 0, out.stdout + out.stderr


@needs_production
def test_check_deploy_fails_without_a_secret_key(tmp_path):
    env = base_env(tmp_path, **_env_from_k8s(tmp_path))
    env["DJANGO_SECRET_KEY"] = ""
    out = run_entrypoint(["check"], env)
    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in out.stderr


@needs_production
def test_collectstatic_and_export_static(tmp_path):
    """What the image build and the static init container do: hashed files, then a copy."""
    collected = tmp_path / "collected"
    env = base_env(tmp_path, **_env_from_k8s(tmp_path), DJANGO_STATIC_ROOT=str(collected))
    out = run_entrypoint(["manage", "collectstatic", "--noinput"], env)
    assert out.returncode == 0, out.stderr
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    assert manifest, "ManifestStaticFilesStorage wrote no hashed names"

    target = tmp_path / "srv" / "static"
    out = run_entrypoint(["export-static", str(target)], env)
    assert out.returncode == 0, out.stderr
    for original, hashed in manifest.items():
        assert (target / hashed).is_file(), hashed
        assert (target / original).is_file(), original

    out = run_entrypoint(["export-static"], env)
    assert out.returncode == 64
    empty = base_env(tmp_path, DJANGO_STATIC_ROOT=str(tmp_path / "nothing"))
    out = run_entrypoint(["export-static", str(tmp_path / "out")], empty)
    assert out.returncode == 1
    assert "was collectstatic run?" in out.stderr


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_worker_and_beat_answer_their_pings_and_stop_cleanly(tmp_path):
    """The liveness probes of the worker and beat pods, against real processes."""
    node = f"infra-test-{uuid.uuid4().hex[:8]}"
    env = base_env(
        tmp_path,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/12",
        CELERY_QUEUES=f"infra-test-{node}",
        CELERY_CONCURRENCY="1",
        CELERY_BEAT_SCHEDULE_DIR=str(tmp_path / "beat"),
        HOSTNAME=node,
        LOG_LEVEL="INFO",
        PING_TIMEOUT="3",
    )
    entry = str(ROOT / "infra/docker/entrypoint.sh")
    # Nobody answers yet: the probe fails.
    assert run_entrypoint(["worker-ping"], {**env, "PING_TIMEOUT": "1"}).returncode != 0

    with (
        background(
            [entry, "worker", "--hostname", f"celery@{node}"], env, tmp_path / "w.log"
        ) as worker,
        background(
            [entry, "beat", "--hostname", f"celerybeat@{node}"], env, tmp_path / "b.log"
        ) as beat,
    ):
        for role, proc in (("worker-ping", worker), ("beat-ping", beat)):
            log = tmp_path / ("w.log" if role == "worker-ping" else "b.log")
            wait_until(
                lambda role=role: run_entrypoint([role], env).returncode == 0,
                what=role,
                proc=proc,
                log=log,
            )
        out = run_entrypoint(["worker-ping"], env)
        assert f"celery@{node}: OK" in out.stdout
        worker.terminate()
        beat.terminate()
        assert worker.wait(timeout=30) == 0, (tmp_path / "w.log").read_text()
        assert beat.wait(timeout=30) == 0, (tmp_path / "b.log").read_text()
    assert (tmp_path / "beat" / "celerybeat-schedule").exists() or list(
        (tmp_path / "beat").glob("celerybeat-schedule*")
    )
