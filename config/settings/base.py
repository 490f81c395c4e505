"""Nuri settings, read from the environment (django-environ).

The defaults are the *embedded* configuration: SQLite under ``var/``, Celery eager,
local-memory cache, console e-mail. Every production service is switched on by an
environment variable (see README "Configuration").
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.utils.translation import gettext_lazy as _

from core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="dev-insecure-nuri-secret-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "graphene_django",
    "axes",
    "core",
    "accounts",
    "vendors",
    "shop",
    "bundles",
    "purchasing",
    "audit",
]

MIDDLEWARE = [
    # First: the request id every log line of the request (and its Celery tasks) carries.
    "core.middleware.RequestIdMiddleware",
    # REMOTE_ADDR = the client behind DJANGO_TRUSTED_PROXY_COUNT proxies (rate limits, audit).
    "core.middleware.TrustedProxyMiddleware",
    # /healthz and /readyz answered before host checks, SSL redirect, sessions, rate limits.
    "core.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below); early, so request.csp_nonce
    # is there for every template.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.KoreanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.BearerTokenMiddleware",
    # After both ways of signing in: who acts, for the audit log (audit.services.record).
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login locked out by django-axes into the 429 page (accounts.ratelimit).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'nuri.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt (even with the right password) while locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# API tokens (tokenCreate) live this many seconds.
API_TOKEN_TTL_SECONDS = env.int("API_TOKEN_TTL_SECONDS", default=60 * 60 * 24 * 30)
# Login throttling (django-axes): web login, admin login and GraphQL ``tokenCreate``. After
# AXES_FAILURE_LIMIT failures of one e-mail from one IP address, that pair is refused (HTTP 429
# / TOO_MANY_ATTEMPTS) for AXES_COOLOFF_TIME hours, even with the right password. Another
# account from the same address is not affected. See accounts/ratelimit.py.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIME", default=0.25)  # hours (0.25 = 15 minutes)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "accounts.ratelimit.attempt_username"
AXES_RESET_ON_SUCCESS = True
# The lockout lasts AXES_COOLOFF_TIME from the failure that caused it; attempts made while
# locked out are refused without being counted (so the message's "15분 후" holds).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.ratelimit.lockout_response"
# The client address is REMOTE_ADDR (corrected behind trusted proxies by the proxy
# middleware); X-Forwarded-For sent by a client is never trusted here.
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimit.client_ip"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- i18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "ko-kr"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded documents larger than this are refused.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Folder of django.core.mail.backends.filebased.EmailBackend (one file per connection).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="누리 <no-reply@nuri.seoul.kr>")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
# Absolute base URL used in e-mail links.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Who is told of new vendor applications (default: every active staff user).
ONBOARDING_REVIEW_EMAILS = env.list("ONBOARDING_REVIEW_EMAILS", default=[])
EMAIL_PORT = env.int("EMAIL_PORT", default=25)

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Redis broker: a message a worker took but never acknowledged (the worker was killed) goes
# back to the queue after this many seconds; keep it above the longest task. Workers look for
# such messages every tenth of it (at least every second, at most every minute).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(60, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE: dict = {
    # Monthly settlement of the previous month, on the 1st at 03:00 (Asia/Seoul).
    "settlement-previous-month": {
        "task": "shop.settlement.tasks.settlement_run_previous_month",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    },
    # Office snack subscriptions: create each due period's order every morning at 06:00.
    "bundles-run-subscriptions": {
        "task": "bundles.tasks.bundles_run_subscriptions",
        "schedule": crontab(hour=6, minute=0),
    },
    # Procurement: expire lapsed quotes nightly; inspection/payment reminders every morning.
    "purchasing-expire-quotes": {
        "task": "purchasing.tasks.purchasing_expire_quotes",
        "schedule": crontab(hour=0, minute=10),
    },
    "purchasing-reminders": {
        "task": "purchasing.tasks.purchasing_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- GraphQL ------------------------------------------------------------------------------
GRAPHENE = {
    "SCHEMA": "config.schema.schema",
    "SCHEMA_OUTPUT": "schema.graphql",
    "SCHEMA_INDENT": 2,
    "RELAY_CONNECTION_MAX_LIMIT": 100,
    "RELAY_CONNECTION_ENFORCE_FIRST_OR_LAST": False,
}
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=12)
GRAPHQL_MAX_COST = env.int("GRAPHQL_MAX_COST", default=10_000)
GRAPHQL_DEFAULT_PAGE_SIZE = 20
GRAPHQL_MAX_PAGE_SIZE = 100
# Longest list argument (``ids``, ``lines``…) and largest document (lexical tokens) accepted;
# see core/graphql/limits.py for every limit and its error code.
GRAPHQL_MAX_LIST_LENGTH = env.int("GRAPHQL_MAX_LIST_LENGTH", default=100)
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", default=20_000)

# Korean font shipped with the project (Nanum Gothic, OFL) for generated images and PDFs.
KOREAN_FONT_PATH = BASE_DIR / "core" / "fonts" / "NanumGothic.ttf"
KOREAN_FONT_BOLD_PATH = BASE_DIR / "core" / "fonts" / "NanumGothicBold.ttf"

# --- Search -------------------------------------------------------------------------------
# "database" picks SQLite FTS5 or PostgreSQL (tsvector + pg_trgm) from DATABASE_URL;
# "elasticsearch" uses ELASTICSEARCH_URL (nori analyzer).
SEARCH_BACKEND = env("SEARCH_BACKEND", default="database")
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX = env("ELASTICSEARCH_INDEX", default="nuri-products")
# Seconds a search result is cached (keyed by an index version bumped on every index write);
# 0 turns the cache off. With several web processes, use a shared cache (REDIS_URL).
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=300)

# --- Payments -----------------------------------------------------------------------------
# Enabled gateways (test, stripe, invoice). Empty: test + invoice, plus stripe when a key is set.
PAYMENT_GATEWAYS = env.list("PAYMENT_GATEWAYS", default=[])
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Only for a local stand-in of Stripe's API (tests); empty means api.stripe.com.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")

# --- Domain rules (numbers that change by decree live here) -------------------------------
# Certification kinds whose holders count for public agencies' priority purchase (우선구매).
# 사회적기업 (사회적기업육성법 §12), 사회적협동조합 (협동조합기본법 §95-2),
# 자활기업 (국민기초생활보장법 §18-2), 마을기업 (counted by Seoul's own program).
PRIORITY_PURCHASE_KINDS = env.list(
    "PRIORITY_PURCHASE_KINDS",
    default=["social_enterprise", "social_coop", "self_sufficiency", "village_enterprise"],
)
# Certification kinds that allow an organization to sell on Nuri (all but prospective groups).
SELLING_KINDS = env.list(
    "SELLING_KINDS",
    default=[
        "social_enterprise",
        "prelim_regional",
        "prelim_ministry",
        "social_coop",
        "coop",
        "village_enterprise",
        "self_sufficiency",
        "social_venture",
    ],
)
DEFAULT_COMMISSION_RATE = env("DEFAULT_COMMISSION_RATE", default="0.0800")

# Public procurement (지방계약법 시행령 §25, §30; DOMAIN.md). Thresholds apply to the estimated
# price excluding VAT; "up to" includes the limit. Read only by purchasing.rules.
PROCUREMENT = {
    # Any supplier: one quote up to this; two or more quotes up to the next; bidding above.
    "GENERAL_SINGLE_QUOTE_LIMIT": env.int("PROCUREMENT_GENERAL_SINGLE_QUOTE_LIMIT", 20_000_000),
    "GENERAL_PRIVATE_CONTRACT_LIMIT": env.int(
        "PROCUREMENT_GENERAL_PRIVATE_CONTRACT_LIMIT", 50_000_000
    ),
    # Certified 사회적기업, 사회적협동조합, 자활기업, 마을기업 (not 예비사회적기업, 협동조합).
    "PRIVILEGED_SINGLE_QUOTE_LIMIT": env.int(
        "PROCUREMENT_PRIVILEGED_SINGLE_QUOTE_LIMIT", 50_000_000
    ),
    "PRIVILEGED_PRIVATE_CONTRACT_LIMIT": env.int(
        "PROCUREMENT_PRIVILEGED_PRIVATE_CONTRACT_LIMIT", 100_000_000
    ),
    "PRIVILEGED_KINDS": [
        "social_enterprise",
        "social_coop",
        "self_sufficiency",
        "village_enterprise",
    ],
    # A written contract may be skipped up to this (local government rules).
    "CONTRACT_DOCUMENT_EXEMPT_LIMIT": 50_000_000,
    # Inspection within 14 days of the completion notice; payment within 5 days of the claim.
    "INSPECTION_DAYS": 14,
    "PAYMENT_DAYS": 5,
    "REMINDER_DAYS_BEFORE": 2,
}
# Delivery surcharges by 5-digit postcode (ranges, inclusive). Jeju is 63000–63644; the remote
# islands (도서산간) list follows the couriers' published ranges (Ongjin, Ulleung, Shinan…).
SHIPPING_JEJU_POSTCODES = [("63000", "63644")]
SHIPPING_REMOTE_POSTCODES = [
    ("23004", "23010"),  # 인천 옹진군 (연평·대청·백령)
    ("23100", "23136"),  # 인천 옹진군 (덕적·자월·영흥 도서)
    ("32133", "32133"),  # 충남 태안 (가의도)
    ("33411", "33411"),  # 충남 보령 (외연도·호도)
    ("40200", "40240"),  # 경북 울릉군
    ("52570", "52571"),  # 경남 사천 (신수도)
    ("53031", "53033"),  # 경남 통영 (욕지·한산 도서)
    ("53089", "53104"),  # 경남 통영 (사량·매물도)
    ("54000", "54000"),  # 전북 군산 (어청도)
    ("56347", "56349"),  # 전북 부안 (위도)
    ("57068", "57069"),  # 전남 영광 (안마도)
    ("58760", "58762"),  # 전남 목포 (달리도)
    ("58800", "58866"),  # 전남 신안군
    ("58953", "58958"),  # 전남 진도 (조도)
    ("59102", "59103"),  # 전남 완도 (보길·노화)
    ("59127", "59127"),  # 전남 완도 (청산도)
    ("59137", "59166"),  # 전남 완도 도서
    ("59421", "59421"),  # 전남 보성 (장도)
    ("59531", "59531"),  # 전남 고흥 (거문도 인근)
    ("59551", "59551"),  # 전남 여수 (거문도)
    ("59563", "59568"),  # 전남 여수 (초도·손죽도)
    ("59650", "59650"),  # 전남 여수 (금오도)
    ("59766", "59766"),  # 전남 여수 (화정 도서)
    ("59781", "59790"),  # 전남 여수 (개도·화태)
]

# --- Security headers, proxies --------------------------------------------------------------
# Content-Security-Policy (django-csp). Scripts: same-origin files plus inline scripts that
# carry the request's nonce ({{ request.csp_nonce }}); no 'unsafe-inline' for scripts, so no
# inline event handlers (core/static/core/nuri.js handles data-confirm / data-autosubmit).
# Styles keep 'unsafe-inline': style="" attributes and <style> blocks are used throughout.
CONTENT_SECURITY_POLICY = {
    # GraphiQL (DEBUG only) loads its scripts from a CDN.
    "EXCLUDE_URL_PREFIXES": ["/graphql/"] if DEBUG else [],
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}
# Reverse proxies in front of the app that append to X-Forwarded-For: either how many (the
# client is the N-th address from the right) or which addresses/networks. 0 and empty: the
# header is ignored and REMOTE_ADDR is the direct peer (core.middleware.TrustedProxyMiddleware).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
# Django's error reports (mail_admins, the debug page) also hide these (core.error_reporting).
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.error_reporting.NuriExceptionReporterFilter"

# --- Health, logs, error tracking ---------------------------------------------------------
# Bound of each /readyz check against a dead service (broker, Elasticsearch; the database
# and Redis use their own connect timeouts).
READYZ_TIMEOUT_SECONDS = env.float("READYZ_TIMEOUT_SECONDS", default=2.0)
# "text" (development) or "json" (one object per line: time, level, logger, message,
# request_id, extras). Secrets are redacted from every line (core.logging).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# One "nuri.access" line per request (method, path, status, duration, client address).
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=False)
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)
# Celery workers log through LOGGING too (format, request ids, redaction).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Sentry, only when SENTRY_DSN is set (initialized in core.apps; no PII, secrets scrubbed).
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="development")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
