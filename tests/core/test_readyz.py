"""``/readyz`` (readiness) and ``/healthz`` (liveness) over HTTP.

Healthy on the embedded configuration; 503 naming the dependency when the cache, the broker or
Elasticsearch points at a closed port, with a short error and no password in the body. The
probes answer over plain HTTP with any Host header, without login, even where every other
page redirects to HTTPS.
"""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local TCP port nobody listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readyz_ok_on_the_embedded_configuration(client):
    resp = client.get("/readyz")

    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache"}  # eager tasks, database search
    for check in body["checks"].values():
        assert check["ok"] is True
        assert check["ms"] >= 0
    assert resp["Cache-Control"].startswith("max-age=0")
    assert resp["X-Request-ID"]


def test_healthz_checks_nothing_and_stays_up_when_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 503


def test_readyz_503_names_the_cache_when_redis_is_unreachable(client, settings):
    port = closed_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://:cache-pass-9f3a@127.0.0.1:{port}/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    resp = client.get("/readyz")

    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "fail"
    assert body["checks"]["cache"]["ok"] is False
    assert "Connection" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert "cache-pass-9f3a" not in resp.content.decode()


@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_readyz_503_names_the_broker_when_it_is_unreachable(client, settings, scheme):
    port = closed_port()
    settings.CELERY_BROKER_URL = f"{scheme}://nuri:broker-pass-77c1@127.0.0.1:{port}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False

    resp = client.get("/readyz")

    assert resp.status_code == 503
    body = resp.json()
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert "broker-pass-77c1" not in resp.content.decode()


def test_broker_is_not_checked_when_tasks_run_eagerly(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = True

    resp = client.get("/readyz")

    assert resp.status_code == 200
    assert "broker" not in resp.json()["checks"]


def test_readyz_503_names_search_when_elasticsearch_is_unreachable(client, settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://elastic:es-pass-31d0@127.0.0.1:{closed_port()}"

    resp = client.get("/readyz")

    assert resp.status_code == 503
    body = resp.json()
    assert body["checks"]["search"]["ok"] is False
    assert body["checks"]["search"]["error"]
    assert "es-pass-31d0" not in resp.content.decode()


def test_probes_answer_plain_http_for_any_host_where_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    settings.ALLOWED_HOSTS = ["nuri.example.org"]

    # A kubelet probing the pod by its IP, over HTTP, without a session.
    for path in ("/healthz", "/readyz"):
        resp = client.get(path, HTTP_HOST="10.42.0.17:8000")
        assert resp.status_code == 200, (path, resp.status_code)
        assert resp.json()["status"] == "ok"

    # Any other page: a wrong host is refused, the right one is sent to HTTPS.
    assert client.get("/", HTTP_HOST="10.42.0.17:8000").status_code == 400
    resp = client.get("/categories/", HTTP_HOST="nuri.example.org")
    assert resp.status_code == 301
    assert resp["Location"] == "https://nuri.example.org/categories/"
