"""gunicorn settings for the ``web`` role (``entrypoint.sh web``), all from the environment.

| variable | default | meaning |
|---|---|---|
| ``PORT`` | ``8000`` | port bound on 0.0.0.0 |
| ``WEB_CONCURRENCY`` | 2 × cores + 1, at most ``WEB_CONCURRENCY_MAX`` (8) | worker processes |
| ``GUNICORN_THREADS`` | ``1`` | threads per worker (> 1 switches to the gthread worker) |
| ``GUNICORN_TIMEOUT`` | ``30`` | seconds a request may take before its worker is killed |
| ``GUNICORN_GRACEFUL_TIMEOUT`` | ``25`` | seconds in-flight requests get after SIGTERM |
| ``GUNICORN_KEEPALIVE`` | ``5`` | keep-alive seconds (behind nginx; longer than nginx's) |
| ``GUNICORN_MAX_REQUESTS`` | ``2000`` | recycle a worker after this many requests (0: never) |
| ``FORWARDED_ALLOW_IPS`` | ``127.0.0.1`` | proxies whose X-Forwarded-* headers are trusted |

Each worker loads the Korean analyzer (kiwi, ~400 MB) on first search, so size
``WEB_CONCURRENCY`` by memory as well as cores: in a container, the core count is the node's,
not the CPU limit's; set it explicitly there (the Kubernetes ConfigMap does).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _default_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(2 * cores + 1, _int("WEB_CONCURRENCY_MAX", 8)))


wsgi_app = "config.wsgi:application"
bind = [f"0.0.0.0:{_int('PORT', 8000)}"]
workers = _int("WEB_CONCURRENCY", 0) or _default_workers()
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files on tmpfs: the root filesystem is read-only in Kubernetes.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Request and error logs to stdout/stderr; the request id set by nginx is logged too.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'
)
proc_name = "nuri-web"
# No control socket (gunicorn >= 25 puts one under $HOME, which is read-only in the image).
control_socket_disable = True
