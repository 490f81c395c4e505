"""The backup CronJob's own script, run against the local PostgreSQL, and a restore drill.

The script is taken from ``infra/k8s/postgres-backup-cronjob.yaml`` as it is; the dump is
restored with ``pg_restore`` into a fresh database (what infra/README.md's restore drill does)
and the rows, Korean text included, come back. Skipped when PostgreSQL on 127.0.0.1:5432 or
the client tools are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import pytest

from tests.infra.conftest import K8S, load_yaml_docs

PG = "postgres://postgres@127.0.0.1:5432"


def _pg_ready() -> bool:
    if not all(shutil.which(t) for t in ("pg_dump", "pg_restore", "psql", "pg_isready")):
        return False
    return (
        subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], timeout=10).returncode
        == 0
    )


pytestmark = pytest.mark.skipif(
    not _pg_ready(), reason="no PostgreSQL on 127.0.0.1:5432 or no pg_dump/pg_restore/psql"
)


def psql(dbname: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", f"{PG}/{dbname}", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def databases():
    suffix = uuid.uuid4().hex[:8]
    source, restored = f"nuri_infra_backup_{suffix}", f"nuri_infra_restore_{suffix}"
    for name in (source, restored):
        psql("postgres", f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
    yield source, restored
    for name in (source, restored):
        psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_backup_script_dumps_and_the_dump_restores(tmp_path, databases):
    source, restored = databases
    psql(
        source,
        "CREATE TABLE organization (id serial PRIMARY KEY, name text NOT NULL);"
        "INSERT INTO organization (name)"
        " SELECT '사회적협동조합 ' || g FROM generate_series(1, 500) g;",
    )
    (cron,) = load_yaml_docs(K8S / "postgres-backup-cronjob.yaml")
    container = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["bash", "-c"]
    script = container["args"][0]
    env_defaults = {e["name"]: e.get("value") for e in container["env"]}

    backups = tmp_path / "backups"
    backups.mkdir()
    # An old dump past the retention and a recent one.
    old, recent = backups / "nuri-20200101T000000Z.dump", backups / "nuri-recent.dump"
    old.write_bytes(b"old")
    recent.write_bytes(b"recent")
    month_ago = time.time() - 30 * 24 * 3600
    os.utime(old, (month_ago, month_ago))

    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"{PG}/{source}",
        "BACKUP_DIR": str(backups),
        "BACKUP_KEEP_DAYS": env_defaults["BACKUP_KEEP_DAYS"],
    }
    out = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "backup written:" in out.stdout

    dumps = sorted(p for p in backups.glob("nuri-*.dump") if p not in {recent})
    assert len(dumps) == 1, list(backups.iterdir())
    assert not old.exists(), "dumps older than BACKUP_KEEP_DAYS are deleted"
    assert recent.exists()
    assert not list(backups.glob("*.partial"))
    assert dumps[0].read_bytes()[:5] == b"PGDMP"  # custom format

    # The restore drill.
    restore = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={PG}/{restored}", dumps[0]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert restore.returncode == 0, restore.stderr
    assert psql(restored, "SELECT count(*) FROM organization") == "500"
    assert psql(restored, "SELECT name FROM organization WHERE id = 42") == "사회적협동조합 42"


def test_backup_script_fails_loudly_and_leaves_no_partial_dump(tmp_path):
    (cron,) = load_yaml_docs(K8S / "postgres-backup-cronjob.yaml")
    script = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"][0]
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"{PG}/nuri_infra_no_such_database",
        "BACKUP_DIR": str(tmp_path),
        "BACKUP_KEEP_DAYS": "14",
    }
    out = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode != 0
    assert "nuri_infra_no_such_database" in out.stderr
    assert not list(tmp_path.glob("nuri-*"))
