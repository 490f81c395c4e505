"""``config.settings.production``: passes ``check --deploy``, refuses to start half-configured,
and pages served with its values carry the security headers and secure cookies.

The deploy check and the refusals run ``manage.py`` in a subprocess with a production
environment. The header tests load the production module with a complete environment and
apply its security values over the test settings (test database, local cache, plain static
storage: collectstatic is not run here).
"""

from __future__ import annotations

import importlib
import io
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "pw-12345678"
DEV_KEY = "dev-insecure-nuri-secret-key-change-me-in-production-0123456789"  # base's default


def production_env(tmp_path: Path, **overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "SENTRY_", "SECURE_", "LOG_", "EMAIL_"))
        and key not in {"REDIS_URL", "DATABASE_URL", "CSRF_TRUSTED_ORIGINS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECRET_KEY_FALLBACKS=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="nuri.seoul.example,www.nuri.seoul.example",
        CSRF_TRUSTED_ORIGINS="https://nuri.seoul.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_passes_with_no_warning(tmp_path):
    proc = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)." in proc.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is required"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY is required"),
        ({"DJANGO_SECRET_KEY": DEV_KEY}, "DJANGO_SECRET_KEY is the development key"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS is required"),
        ({"REDIS_URL": None}, "REDIS_URL is required"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL is required"),
    ],
)
def test_refuses_to_start_half_configured(tmp_path, overrides, message):
    proc = manage(production_env(tmp_path, **overrides), "check", "--deploy")

    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert message in proc.stderr


def test_a_weak_setting_fails_the_deploy_check(tmp_path):
    """The check is not silenced: turning HSTS off shows up as a warning that fails it."""
    proc = manage(
        production_env(tmp_path, SECURE_HSTS_SECONDS="0"),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert proc.returncode != 0
    assert "security.W004" in proc.stderr + proc.stdout


# --- headers of pages served with the production values -----------------------------------

SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "TRUSTED_PROXY_COUNT",
    "ALLOWED_HOSTS",
    "DEBUG",
]


@pytest.fixture
def production(settings, monkeypatch, tmp_path):
    """The test settings with the production module's security values on top."""
    for key, value in production_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    for key in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_TRUSTED_PROXY_COUNT"):
        monkeypatch.delenv(key, raising=False)
    name = "config.settings.production"
    sys.modules.pop(name, None)
    try:
        module = importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)
    for key in SECURITY_SETTINGS:
        setattr(settings, key, getattr(module, key))
    return settings


HTTPS = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "nuri.seoul.example"}


@pytest.mark.django_db
def test_pages_carry_the_security_headers_and_secure_cookies(client, production):
    resp = client.get("/accounts/login/", **HTTPS)

    assert resp.status_code == 200
    assert resp["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert resp["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = resp["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    csrf_cookie = resp.cookies["csrftoken"]
    assert csrf_cookie["secure"] is True

    user = UserFactory(email="secure@nuri.example")
    resp = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD}, **HTTPS)
    assert resp.status_code == 302
    session_cookie = resp.cookies["sessionid"]
    assert session_cookie["secure"] is True
    assert session_cookie["httponly"] is True


@pytest.mark.django_db
def test_plain_http_is_sent_to_https_but_probes_are_not(client, production):
    resp = client.get("/accounts/login/", HTTP_HOST="nuri.seoul.example")
    assert resp.status_code == 301
    assert resp["Location"] == "https://nuri.seoul.example/accounts/login/"

    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.0.3.7").status_code == 200


def _access_log(client, **headers) -> str:
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        client.get("/healthz", **headers)
    finally:
        handler.setStream(old)
    return buffer.getvalue()


@pytest.mark.django_db
def test_x_forwarded_for_is_trusted_for_the_proxy_hop_only(client, production):
    production.LOG_REQUESTS = True
    assert production.TRUSTED_PROXY_COUNT == 1  # the production default

    # The proxy appended the client's address; what the client sent itself stands left.
    spoofed = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9", "REMOTE_ADDR": "10.0.0.2"}
    assert "client=203.0.113.9" in _access_log(client, **spoofed)
    # Straight from the proxy.
    direct = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.2"}
    assert "client=198.51.100.7" in _access_log(client, **direct)
    # Garbage in the header: the peer stays.
    assert "client=10.0.0.2" in _access_log(
        client, HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.2"
    )


@pytest.mark.django_db
def test_without_trusted_proxies_the_header_is_ignored(client, settings):
    settings.LOG_REQUESTS = True
    settings.TRUSTED_PROXY_COUNT = 0
    log = _access_log(client, HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="192.0.2.10")
    assert "client=192.0.2.10" in log


@pytest.mark.django_db
def test_trusted_proxy_networks_peel_only_trusted_hops(client, settings):
    settings.LOG_REQUESTS = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    chain = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5, 10.1.2.3", "REMOTE_ADDR": "10.0.0.2"}
    assert "client=203.0.113.5" in _access_log(client, **chain)
    # A peer outside the trusted networks is the client, whatever the header says.
    outside = {"HTTP_X_FORWARDED_FOR": "6.6.6.6", "REMOTE_ADDR": "192.0.2.44"}
    assert "client=192.0.2.44" in _access_log(client, **outside)


@pytest.mark.django_db
def test_login_throttling_records_the_real_client_not_the_spoofed_one(client, production):
    user = UserFactory(email="victim@nuri.example")
    for spoof in ("1.1.1.1", "2.2.2.2"):
        client.post(
            "/accounts/login/",
            {"username": user.email, "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=f"{spoof}, 203.0.113.77",
            REMOTE_ADDR="10.0.0.2",
            **HTTPS,
        )

    attempts = AccessAttempt.objects.filter(username=user.email)
    assert {a.ip_address for a in attempts} == {"203.0.113.77"}
    assert sum(a.failures_since_start for a in attempts) == 2
