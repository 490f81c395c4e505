"""Helpers for the deployment-artefact tests: parse infra/ and run its scripts for real.

Docker is not available here, so the images are not built; what runs in them is run directly:
``infra/docker/entrypoint.sh`` with ``PYTHON`` pointing at this interpreter, nginx with
``infra/nginx/nginx.conf``, the backup CronJob's script against the local PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.processes import free_port  # noqa: F401  (re-exported to the infra tests)

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
K8S = INFRA / "k8s"
ENTRYPOINT = INFRA / "docker" / "entrypoint.sh"


def load_yaml_docs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [doc for doc in yaml.safe_load_all(fh) if doc is not None]


def k8s_files() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def k8s_objects(include_examples: bool = False) -> list[tuple[Path, dict]]:
    objects = []
    for path in k8s_files():
        if path.name.endswith(".example.yaml") and not include_examples:
            continue
        objects.extend((path, doc) for doc in load_yaml_docs(path))
    return objects


def compose() -> dict:
    (doc,) = load_yaml_docs(INFRA / "compose.yaml")
    return doc


def base_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment (nothing leaks from the test run, e.g. CI's DATABASE_URL)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHON": sys.executable,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def run_entrypoint(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ENTRYPOINT), *args],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextlib.contextmanager
def background(cmd: list[str], env: dict[str, str], log: Path):
    """Run a long-lived process (own session), stop it with SIGTERM on exit."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, env=env, cwd="/", stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_until(predicate, *, what: str, proc=None, log: Path | None = None, limit: float = 60):
    """Poll ``predicate`` until true; fail with the process log if it dies or never gets there."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            output = log.read_text() if log else ""
            pytest.fail(f"process exited ({proc.returncode}) before {what}:\n{output}")
        time.sleep(0.2)
    output = log.read_text() if log else ""
    pytest.fail(f"gave up waiting for {what}:\n{output}")


def entrypoint_roles() -> set[str]:
    """The roles the entrypoint's ``case`` accepts."""
    text = ENTRYPOINT.read_text()
    body = text[text.index('case "${role}" in') :]
    roles: set[str] = set()
    for match in re.finditer(r"^\s{4}([a-z][a-z\- |]*)\)\s*$", body, re.M):
        roles.update(part.strip() for part in match.group(1).split("|"))
    return roles
