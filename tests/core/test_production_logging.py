"""Logs: request ids on every line (requests and Celery tasks), JSON format, no secrets.

Lines are captured from the handler the ``LOGGING`` setting configured (its filters and
formatter included), or, for the JSON format, from the stderr of a process started with the
production settings.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from core.logging import request_id_var

BASE_DIR = Path(__file__).resolve().parents[2]

SECRET_KEY = "sk-django-" + "q7" * 30
FALLBACK_KEY = "old-django-key-" + "z3" * 30
DB_PASSWORD = "db-pass-5e1f0c"
STRIPE_KEY = "sk_live_51Habcdefghijklmnop"
WEBHOOK_SECRET = "whsec_abcdef0123456789"


@contextlib.contextmanager
def captured_logs():
    """Everything the configured console handler writes while inside (as one string)."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(old)


@pytest.fixture
def secret_settings(settings, monkeypatch):
    settings.SECRET_KEY = SECRET_KEY
    settings.SECRET_KEY_FALLBACKS = [FALLBACK_KEY]
    settings.STRIPE_SECRET_KEY = STRIPE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    monkeypatch.setitem(settings.DATABASES["default"], "PASSWORD", DB_PASSWORD)
    return settings


SECRETS = [
    SECRET_KEY,
    FALLBACK_KEY,
    DB_PASSWORD,
    STRIPE_KEY,
    WEBHOOK_SECRET,
    "redis-url-pw",
    "pg-url-pw",
    "tok_live_Zx81Qa55",
    "hunter2-form",
    "json-pw-41",
    "dict-pw-42",
    "4242 4242 4242 4242",
    "4000056655665556",
    "6011-0009-9013-9424",
    "traceback-pw-7",
    "extra-url-pw",
]


def log_every_kind_of_secret(logger: logging.Logger) -> None:
    logger.warning("signing with %s (fallback %s)", SECRET_KEY, FALLBACK_KEY)
    logger.warning("database password %s; stripe %s / %s", DB_PASSWORD, STRIPE_KEY, WEBHOOK_SECRET)
    logger.info("cache at redis://:redis-url-pw@cache:6379/1, db postgres://nuri:pg-url-pw@db/n")
    logger.info("headers: {'Authorization': 'Bearer tok_live_Zx81Qa55'}")
    logger.info("form: email=a@b.kr&password=hunter2-form&next=/")
    logger.info('body: {"email": "a@b.kr", "password": "json-pw-41"}')
    logger.info("kwargs %s", {"email": "a@b.kr", "new_password": "dict-pw-42"})
    logger.info("cards 4242 4242 4242 4242, 4000056655665556 and 6011-0009-9013-9424 paid")
    try:
        raise ValueError("could not connect with password=traceback-pw-7")
    except ValueError:
        logger.exception("import failed")
    logger.error("broker down", extra={"broker": "amqp://nuri:extra-url-pw@mq:5672//"})


def test_every_kind_of_secret_is_redacted_from_text_logs(secret_settings):
    logger = logging.getLogger("nuri.test.redaction")
    with captured_logs() as out:
        log_every_kind_of_secret(logger)
    text = out.getvalue()

    leaked = [s for s in SECRETS if s in text]
    assert leaked == []
    assert text.count("[REDACTED]") >= 15
    # The rest of each line survives.
    assert "signing with [REDACTED]" in text
    assert "redis://:[REDACTED]@cache:6379/1" in text
    assert "Bearer [REDACTED]" in text
    assert "email=a@b.kr&password=[REDACTED]&next=/" in text
    assert '"password": "[REDACTED]"' in text
    assert "ValueError: could not connect with password=[REDACTED]" in text  # traceback kept
    assert "cards [REDACTED], [REDACTED] and [REDACTED] paid" in text
    # Ordinary numbers are not cards.
    with captured_logs() as out:
        logger.info("order 20261125-000123 of 12,500원 for BRN 1208147521, phone 01012345678")
    assert "order 20261125-000123 of 12,500원 for BRN 1208147521, phone 01012345678" in (
        out.getvalue()
    )


def test_a_failed_token_create_does_not_log_the_password(gql, user, settings):
    settings.LOG_REQUESTS = True
    password = "wrong-Passw0rd-9931"
    mutation = (
        "mutation($email: String!, $password: String!) {"
        " tokenCreate(email: $email, password: $password) { token errors { field code } } }"
    )
    inline = (
        'mutation { tokenCreate(email: "' + user.email + '", password: "' + password + '")'
        " { token errors { code } } }"
    )
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        with captured_logs() as out:
            body = gql(mutation, {"email": user.email, "password": password})
            gql(inline)
            # The same request body, logged the way a debugging developer might.
            logging.getLogger("nuri.test").warning("graphql body: %s", inline)
    finally:
        root.setLevel(old_level)
    text = out.getvalue()

    assert body["data"]["tokenCreate"]["token"] is None
    assert body["data"]["tokenCreate"]["errors"]
    assert "POST /graphql/ 200" in text  # requests were logged…
    assert "graphql body: mutation { tokenCreate(" in text
    assert password not in text  # …without the password


def test_request_id_is_taken_when_sane_generated_otherwise_and_on_every_line(client, settings):
    settings.LOG_REQUESTS = True
    with captured_logs() as out:
        resp = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.91_c-2")
    assert resp["X-Request-ID"] == "lb-7f3a.91_c-2"
    assert "[lb-7f3a.91_c-2] GET /healthz 200" in out.getvalue()

    for bad in ["has spaces", "x" * 65, "<script>", "a/b"]:
        resp = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
        assert re.fullmatch(r"[0-9a-f]{32}", resp["X-Request-ID"]), bad
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second
    assert request_id_var.get() is None  # nothing leaks out of the request


def test_celery_tasks_log_under_the_request_id_that_queued_them():
    """A real worker (thread) consumes the message: the id travels in the task headers."""
    from celery import Celery, _state
    from celery.contrib.testing.worker import start_worker

    # start_worker makes its app the current and default one: the project's app comes back
    # afterwards, or every shared task of the later tests would go to this memory broker.
    project_app = _state.get_current_app()
    root_level = logging.getLogger().level  # the worker sets its own
    app = Celery(
        "nuri-request-id-test",
        broker="memory://",
        backend="cache+memory://",
        set_as_current=False,
        fixups=[],  # no Django fixup: it would set Django up again and touch the database
    )
    app.conf.task_always_eager = False
    app.conf.worker_hijack_root_logger = False  # as config.settings (LOGGING stays)

    @app.task(name="nuri_test.report_request_id")
    def report_request_id():
        logging.getLogger("nuri.test.task").info("task running")
        return request_id_var.get()

    try:
        worker = start_worker(app, perform_ping_check=False, pool="solo", loglevel="INFO")
        with worker, captured_logs() as out:
            token = request_id_var.set("web-req-4d2e")
            try:
                result = report_request_id.delay()
            finally:
                request_id_var.reset(token)
            assert result.get(timeout=30) == "web-req-4d2e"
            # A task queued outside any request gets an id of its own.
            orphan = report_request_id.delay().get(timeout=30)
    finally:
        project_app.set_current()
        project_app.set_default()
        # The worker thread marks this process as "inside a worker" (a race with start_worker's
        # own reset): later in-process `.get()` calls would refuse to block. Undo it.
        _state._set_task_join_will_block(False)
        logging.getLogger().setLevel(root_level)
    assert orphan
    assert orphan != "web-req-4d2e"
    assert "[web-req-4d2e] task running" in out.getvalue()


JSON_SCRIPT = textwrap.dedent(
    """
    import logging
    import django
    django.setup()
    from core.logging import request_id_var
    request_id_var.set("req-json-1")
    log = logging.getLogger("nuri.orders")
    log.info("order %s placed", "N-1001", extra={"order_id": 1001, "amount": 12500})
    try:
        raise RuntimeError("cannot reach redis://:json-redis-pw@cache:6379/0")
    except RuntimeError:
        log.exception("payment for card 4242424242424242 failed")
    """
)


def production_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SENTRY_", "CELERY_", "LOG_")) and k != "REDIS_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="nuri.example.org",
        DATABASE_URL="sqlite:////tmp/nuri-production-logging.sqlite3",
        REDIS_URL="redis://127.0.0.1:6379/1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    env.update(extra)
    return env


def test_production_logs_are_json_lines_with_request_id_and_extras():
    proc = subprocess.run(
        [sys.executable, "-c", JSON_SCRIPT],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    ours = [line for line in lines if line["logger"] == "nuri.orders"]
    assert len(ours) == 2, proc.stderr

    placed, failed = ours
    assert list(placed)[:5] == ["time", "level", "logger", "message", "request_id"]
    assert datetime.fromisoformat(placed["time"]).tzinfo is not None
    assert placed["level"] == "INFO"
    assert placed["message"] == "order N-1001 placed"
    assert placed["request_id"] == "req-json-1"
    assert (placed["order_id"], placed["amount"]) == (1001, 12500)

    assert failed["level"] == "ERROR"
    assert failed["message"] == "payment for card [REDACTED] failed"
    assert "RuntimeError: cannot reach redis://:[REDACTED]@cache:6379/0" in failed["exc_info"]
    assert "json-redis-pw" not in proc.stderr
    assert "4242424242424242" not in proc.stderr


def test_django_error_reports_hide_secrets(rf, secret_settings):
    """What mail_admins and the debug page show of a failing request."""
    from django.views.debug import ExceptionReporter

    request = rf.post(
        "/checkout/",
        {"email": "a@b.kr", "password": "form-pw-551", "card_number": "4242424242424242"},
        HTTP_AUTHORIZATION="Bearer tok_report_77aa99",
    )
    api_token = "local-token-9d8c7b"  # a frame variable named like a secret

    try:
        raise RuntimeError("checkout failed")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()

    assert api_token  # (used)
    for secret in [
        "form-pw-551",
        "4242424242424242",
        "tok_report_77aa99",
        "local-token-9d8c7b",
        SECRET_KEY,
        STRIPE_KEY,
        WEBHOOK_SECRET,
    ]:
        assert secret not in report, secret
    assert "checkout failed" in report
    assert "a@b.kr" in report
