"""Production settings: ``DJANGO_SETTINGS_MODULE=config.settings.production``.

Everything of ``base``, hardened: HTTPS only behind a TLS-terminating proxy, secure cookies,
HSTS, strict security headers, hashed static files, persistent health-checked database
connections, JSON logs. It refuses to start (``ImproperlyConfigured``) without a real secret
key, allowed hosts, a shared cache (``REDIS_URL``) and a Celery broker
(``CELERY_BROKER_URL``): each would silently degrade the service. ``manage.py check
--deploy`` passes with no warning (tests/core/test_production_settings.py).
"""

from django.core.exceptions import ImproperlyConfigured

from core.logging import logging_config

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, DATABASES, DEFAULT_FROM_EMAIL, LOG_LEVEL, env


def _missing(name: str, hint: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"{name} is required with config.settings.production: {hint} (see README, Configuration)."
    )


DEBUG = False

# --- Secrets and hosts --------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise _missing(
        "DJANGO_SECRET_KEY",
        "set a long random value, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`",
    )
if SECRET_KEY.startswith(("dev-insecure-", "django-insecure-")):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is the development key: production needs its own long random "
        "value (it also derives the key that encrypts bank accounts; rotate with "
        "DJANGO_SECRET_KEY_FALLBACKS)."
    )
# Previous keys, still accepted for signatures, sessions and bank-account decryption while
# rotating (comma-separated; newest first).
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise _missing("DJANGO_ALLOWED_HOSTS", "the comma-separated host names the site answers to")
# Origins allowed to POST across origins (scheme included: https://nuri.seoul.kr).
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- HTTPS (TLS ends at the reverse proxy, which sets X-Forwarded-Proto) --------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Probes over plain HTTP (paths without the leading slash).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = env("SECURE_REFERRER_POLICY", default="strict-origin-when-cross-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = env("SECURE_CROSS_ORIGIN_OPENER_POLICY", default="same-origin")
X_FRAME_OPTIONS = "DENY"
# No GraphiQL in production: the CSP covers every path.
CONTENT_SECURITY_POLICY = {**CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": []}
# One reverse proxy in front by default (it appends the client to X-Forwarded-For).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=1)

# --- Static files: hashed names (collectstatic writes the manifest; the proxy serves them) --
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

# --- Database: persistent connections, checked before reuse, bounded connects --------------
for _db in DATABASES.values():
    _db["CONN_HEALTH_CHECKS"] = True
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )

# --- Cache and broker: shared services, required ------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if not REDIS_URL:
    raise _missing(
        "REDIS_URL",
        "a shared cache (e.g. redis://redis:6379/1); a per-process memory cache would split "
        "search caches and sessions between web processes",
    )
_REDIS_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2.0)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": _REDIS_TIMEOUT, "socket_timeout": _REDIS_TIMEOUT},
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
if not CELERY_BROKER_URL:
    raise _missing(
        "CELERY_BROKER_URL",
        "a Celery broker (e.g. redis://redis:6379/0 or amqp://…); without one, e-mails and "
        "imports would run inside web requests",
    )
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- E-mail over SMTP ---------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Logs and error tracking --------------------------------------------------------------
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=True)
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
