"""``infra/nginx/nginx.conf`` run by a real nginx in front of the real ``entrypoint.sh web``.

Only the addresses change (the volumes' /srv → a temporary directory, ``web:8000`` → the
gunicorn port, 8080 → a free port, /tmp → a temporary directory): caching of hashed static
files, private media never served, headers passed on, the upload size limit. Skipped when
nginx is not installed (Debian package ``nginx``).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import urllib.request

import pytest

from tests.infra.conftest import INFRA, ROOT, background, base_env, free_port, wait_until

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if shutil.which("/usr/sbin/nginx") else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def _config(tmp_path, nginx_port: int, web_port: int) -> str:
    conf = (INFRA / "nginx" / "nginx.conf").read_text()
    for old, new in (
        ("/tmp/", f"{tmp_path / 'nginx-tmp'}/"),  # first: tmp_path itself is under /tmp
        ("root /srv;", f"root {tmp_path / 'srv'};"),
        ("server web:8000;", f"server 127.0.0.1:{web_port};"),
        ("listen 8080 ", f"listen 127.0.0.1:{nginx_port} "),
    ):
        assert old in conf, old
        conf = conf.replace(old, new)
    return conf


def _get(port: int, path: str, headers: dict | None = None, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_nginx_serves_static_hides_private_media_and_proxies_to_gunicorn(tmp_path):
    static = tmp_path / "srv" / "static"
    (static / "core").mkdir(parents=True)
    (static / "core" / "nuri.0123456789ab.js").write_text("console.log('hashed');")
    (static / "core" / "nuri.js").write_text("console.log('plain');")
    products = tmp_path / "srv" / "media" / "products" / "7"
    products.mkdir(parents=True)
    (products / "photo.jpg").write_bytes(b"\xff\xd8jpeg")
    private = tmp_path / "srv" / "media" / "private" / "certifications" / "7"
    private.mkdir(parents=True)
    (private / "cert.pdf").write_bytes(b"%PDF-secret")
    (tmp_path / "nginx-tmp").mkdir()

    web_port, nginx_port = free_port(), free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(_config(tmp_path, nginx_port, web_port))
    test = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-e", "stderr"], capture_output=True, text=True
    )
    assert test.returncode == 0, test.stderr

    env = base_env(tmp_path, PORT=str(web_port), WEB_CONCURRENCY="1", LOG_LEVEL="INFO")
    web_log, nginx_log = tmp_path / "web.log", tmp_path / "nginx.log"
    # As root, nginx's workers would switch to "nobody", who cannot read pytest's tmp dirs;
    # in the image nginx runs as uid 10001 from the start.
    globals_ = "daemon off; user root;" if os.geteuid() == 0 else "daemon off;"
    nginx_cmd = [NGINX, "-c", str(conf), "-e", "stderr", "-g", globals_]
    with (
        background([str(ROOT / "infra/docker/entrypoint.sh"), "web"], env, web_log) as web,
        background(nginx_cmd, env, nginx_log) as nginx,
    ):

        def through_nginx_ok() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{nginx_port}/healthz") as r:
                    return r.status == 200
            except OSError:
                return False

        wait_until(through_nginx_ok, what="/healthz through nginx", proc=web, log=web_log)

        # Hashed static names are cached for good; others for an hour.
        status, headers, body = _get(nginx_port, "/static/core/nuri.0123456789ab.js")
        assert status == 200
        assert body == b"console.log('hashed');"
        assert "immutable" in headers["Cache-Control"]
        assert headers["Expires"] == "Thu, 31 Dec 2037 23:55:55 GMT"  # expires max
        status, headers, _ = _get(nginx_port, "/static/core/nuri.js")
        assert status == 200
        assert headers["Cache-Control"] == "max-age=3600"
        assert _get(nginx_port, "/static/core/missing.js")[0] == 404

        # Public uploads are served; private documents never are.
        status, _, body = _get(nginx_port, "/media/products/7/photo.jpg")
        assert (status, body) == (200, b"\xff\xd8jpeg")
        for path in (
            "/media/private/certifications/7/cert.pdf",
            "/media/products/../private/certifications/7/cert.pdf",
            "/media/%70rivate/certifications/7/cert.pdf",
            "/media/vendors/../private/certifications/7/cert.pdf",
        ):
            status, _, body = _get(nginx_port, path)
            assert status == 404, path
            assert b"%PDF" not in body

        # The app sees the client's request id and address through the proxy.
        status, headers, body = _get(
            nginx_port,
            "/healthz",
            headers={"X-Request-ID": "infra-test-req-1", "X-Forwarded-Proto": "https"},
        )
        assert status == 200
        assert headers.get("X-Request-ID", "infra-test-req-1") == "infra-test-req-1"

        # Uploads larger than MAX_UPLOAD_BYTES plus the envelope are refused by nginx.
        status, _, _ = _get(
            nginx_port,
            "/accounts/login/",
            method="POST",
            body=b"x" * (12 * 1024 * 1024),
            headers={"Content-Type": "application/octet-stream"},
        )
        assert status == 413
        assert nginx.poll() is None

    access = nginx_log.read_text()
    assert re.search(r'"uri":"/healthz","status":200', access), access
    assert '"request_id":"infra-test-req-1"' in access
    assert "request_id=infra-test-req-1" in web_log.read_text()
