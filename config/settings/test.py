"""Settings for the test suite: the embedded defaults, made fast and isolated."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="nuri-test-media-")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEBUG = False

# SQLite: the test database is a file (WAL, see base), not pytest-django's in-memory default,
# so that real processes started by a test (tests/realservices: a Celery worker) can open it.
# One file per test run (the pid), so parallel runs never share it; it is deleted at the end,
# and the files of runs that were killed before their end are deleted by the next run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _tmp = Path(tempfile.gettempdir())
    for _stale in _tmp.glob("nuri-test-*.sqlite3*"):
        _pid = _stale.name.removeprefix("nuri-test-").split(".", 1)[0].split("_", 1)[0]
        if _pid.isdigit() and Path("/proc").is_dir() and not Path(f"/proc/{_pid}").exists():
            _stale.unlink(missing_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / f"nuri-test-{os.getpid()}.sqlite3")}
