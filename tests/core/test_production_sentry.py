"""Sentry: initialized only with ``SENTRY_DSN``; events carry the request id and no secrets.

A stand-in Sentry (an HTTP server on 127.0.0.1 accepting envelopes) receives what a Django
process sends when a view fails. The process runs the real settings with ``SENTRY_DSN``
pointing at the stand-in; its failing view logs and raises with secrets all around (a Stripe
key in the exception message, a card number, a password in the form and in a local variable,
a bearer token in a forwarded header).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
STRIPE_KEY = "sk_live_sentry_4f9a8b7c6d5e"


class StandInSentry:
    """Collects the envelopes POSTed to ``/api/<project>/envelope/``."""

    def __init__(self):
        self.envelopes: list[str] = []
        received = self.envelopes

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":
                    import brotli

                    body = brotli.decompress(body)
                received.append(body.decode("utf-8"))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def events(self) -> list[dict]:
        events = []
        for envelope in self.envelopes:
            lines = envelope.split("\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    events.append(json.loads(payload))
        return events


@pytest.fixture
def sentry():
    stand_in = StandInSentry()
    stand_in.thread.start()
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


SCRIPT = textwrap.dedent(
    """
    import logging, sys, threading, types
    from wsgiref.simple_server import WSGIRequestHandler, make_server
    import django
    django.setup()
    import requests
    import sentry_sdk
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.test import override_settings
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def boom(request):
        password = "local-frame-pw-1"
        logging.getLogger("nuri.payments").warning("retrying with password=%s", "crumb-pw-2")
        raise RuntimeError(
            f"charge refused for key {settings.STRIPE_SECRET_KEY}, card 4242424242424242"
        )

    urls = types.ModuleType("sentry_stand_in_urls")
    urls.urlpatterns = [path("pay/", boom)]
    sys.modules["sentry_stand_in_urls"] = urls

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    print("active", sentry_sdk.get_client().is_active())
    with override_settings(ROOT_URLCONF="sentry_stand_in_urls"):
        server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
        threading.Thread(target=server.handle_request, daemon=True).start()
        response = requests.post(
            f"http://127.0.0.1:{server.server_port}/pay/?token=query-tok-3",
            data={"email": "a@b.kr", "password": "form-pw-4"},
            headers={
                "X-Request-ID": "sentry-req-91",
                "X-Upstream-Auth": "Bearer header-tok-5abcdef",  # a header Sentry keeps
                "Cookie": "sessionid=cookie-sess-6",
            },
            timeout=30,
        )
    print("status", response.status_code)
    sentry_sdk.flush(timeout=10)
    """
)

SECRETS = [
    STRIPE_KEY,
    "4242424242424242",
    "local-frame-pw-1",
    "crumb-pw-2",
    "query-tok-3",
    "form-pw-4",
    "header-tok-5abcdef",
    "cookie-sess-6",
]


def run_django(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", STRIPE_SECRET_KEY=STRIPE_KEY)
    env.update(env_extra)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def test_a_failing_view_reaches_sentry_with_request_id_and_without_secrets(sentry):
    proc = run_django(
        {
            "SENTRY_DSN": f"http://public@127.0.0.1:{sentry.port}/1",
            "SENTRY_ENVIRONMENT": "ci-test",
            "SENTRY_RELEASE": "nuri@1.2.3",
        }
    )

    assert "active True" in proc.stdout
    assert "status 500" in proc.stdout
    events = sentry.events()
    assert len(events) == 1, sentry.envelopes
    event = events[0]
    assert event["tags"]["request_id"] == "sentry-req-91"
    assert event["environment"] == "ci-test"
    assert event["release"] == "nuri@1.2.3"
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "charge refused for key [REDACTED], card [REDACTED]"
    request = event["request"]
    assert request["url"].endswith("/pay/")
    assert request["headers"]["X-Upstream-Auth"] == "Bearer [REDACTED]"
    assert request["data"] == {"email": "a@b.kr", "password": "[REDACTED]"}
    assert [c["message"] for c in event["breadcrumbs"]["values"]] == [
        "retrying with password=[REDACTED]"
    ]
    assert "user" not in event or "ip_address" not in event.get("user", {})
    raw = "\n".join(sentry.envelopes)
    assert [s for s in SECRETS if s in raw] == []


def test_sentry_stays_off_without_a_dsn(sentry):
    proc = run_django({})

    assert "active False" in proc.stdout
    assert "status 500" in proc.stdout
    assert sentry.envelopes == []
