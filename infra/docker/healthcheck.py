"""Container health check of the ``web`` role: GET /healthz on this container, exit 0 on 200.

Used by the image's ``HEALTHCHECK`` and compose (the image has no curl). The request carries a
``Host`` allowed by ``DJANGO_ALLOWED_HOSTS`` (Django answers 400 to any other) and
``X-Forwarded-Proto: https`` as the TLS-terminating proxy would (no redirect to https).
``python infra/docker/healthcheck.py [PATH]`` checks another path, e.g. ``/readyz``.
"""

from __future__ import annotations

import http.client
import os
import sys


def allowed_host() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and "*" not in host:
            return host
    return "localhost"


def main(argv: list[str]) -> int:
    path = argv[0] if argv else "/healthz"
    port = int(os.environ.get("PORT", "8000"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"})
        status = conn.getresponse().status
    except OSError as exc:
        print(f"healthcheck: {path} unreachable on port {port}: {exc}", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if status != 200:
        print(f"healthcheck: {path} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
