"""Structured logs: request ids, secret redaction and the JSON formatter.

* ``request_id_var`` holds the id of the request (or Celery task) being served. The
  ``RequestIdMiddleware`` sets it per request; the Celery signal hooks below carry it from the
  web process into the task headers and restore it in the worker.
* ``RequestIdFilter`` puts it on every record (``record.request_id``).
* ``RedactingFilter`` and both formatters remove secrets: the values of secret settings,
  passwords inside URLs, bearer tokens, ``password=…`` / ``"password": "…"`` pairs and card
  numbers. ``redact()`` is the one function doing it; Sentry's ``before_send`` reuses it.

Nothing here imports models: the module is loaded while logging is configured.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REDACTED = "[REDACTED]"

request_id_var: ContextVar[str | None] = ContextVar("nuri_request_id", default=None)

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Settings whose values are secrets wherever they appear.
SECRET_SETTING_NAMES = (
    "SECRET_KEY",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "EMAIL_HOST_PASSWORD",
    "AWS_SECRET_ACCESS_KEY",
)
# Values shorter than this are not redacted literally (too likely to hit ordinary words).
_MIN_SECRET_LENGTH = 6

# scheme://user:password@host  →  scheme://user:[REDACTED]@host
_URL_PASSWORD_RE = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\s]*:)[^@/\s]+(?=@)")
# Authorization: Bearer <token> / Basic <credentials> / Token <token>
_AUTH_RE = re.compile(r"(?i)(?P<head>\b(?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=-]{6,}")
# password=…, "password": "…", 'new_password': '…', secret: …, api_key=…, token=…
_PAIR_RE = re.compile(
    r"""(?ix)
    (?P<head>
        ["']?
        \b[a-z0-9_]*(?:password|passwd|secret|api[_-]?key|token|sessionid)
        ["']?\s*[:=]\s*
    )
    (?!["']?\[REDACTED\])    # already redacted (filter, then formatter)
    (?:
        "(?:[^"\\]|\\.)*"      # a double-quoted value
      | '(?:[^'\\]|\\.)*'      # a single-quoted value
      | [^\s,;&}\]"']+         # a bare value
    )
    """
)
# PAN-like: 13–19 digits in a run, or in card groups (4-4-4-1..7, Amex 4-6-5) separated by
# single spaces or dashes, bounded by non-word characters (hex ids keep their digits), and
# passing the Luhn check every real card number passes (timestamps, order numbers do not).
_PAN_RE = re.compile(
    r"(?<![\w.])"
    r"(?:\d{13,19}|\d{4}(?:([ -])\d{4}\1\d{4}\1\d{1,7}|([ -])\d{6}\2\d{5}))"
    r"(?![\w]|[ -]\d)"
)


def _pair_sub(match: re.Match) -> str:
    value = match.group(0)[len(match.group("head")) :]
    quote = value[0] if value[:1] in {'"', "'"} else ""
    return f"{match.group('head')}{quote}{REDACTED}{quote}"


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _pan_sub(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return REDACTED if _luhn_ok(digits) else match.group(0)


def _url_passwords(url: str) -> list[str]:
    match = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^:@/\s]*:([^@/\s]+)@", url or "")
    return [match.group(1)] if match else []


_secret_values_cache: list[str] | None = None


def _forget_secret_values(**kwargs) -> None:
    """Receiver of ``setting_changed``: the next ``secret_values()`` reads the settings again."""
    global _secret_values_cache
    _secret_values_cache = None


def secret_values() -> list[str]:
    """The literal secret values of the running configuration (longest first).

    Computed once per configuration (every log record is redacted, so this is a hot path);
    ``setting_changed`` (tests' ``override_settings``) forgets it.
    """
    global _secret_values_cache
    if _secret_values_cache is None:
        values = _collect_secret_values()
        if values is None:
            return []
        _secret_values_cache = values
    return _secret_values_cache


def _collect_secret_values() -> list[str] | None:
    try:
        from django.conf import settings

        if not settings.configured:
            return None
        values: list[str] = []
        for name in SECRET_SETTING_NAMES:
            value = getattr(settings, name, "")
            if isinstance(value, str):
                values.append(value)
        values.extend(str(v) for v in getattr(settings, "SECRET_KEY_FALLBACKS", []) or [])
        for db in getattr(settings, "DATABASES", {}).values():
            values.append(str(db.get("PASSWORD") or ""))
        for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SENTRY_DSN"):
            values.extend(_url_passwords(str(getattr(settings, name, "") or "")))
        for cache in getattr(settings, "CACHES", {}).values():
            location = cache.get("LOCATION")
            for loc in location if isinstance(location, list | tuple) else [location]:
                values.extend(_url_passwords(str(loc or "")))
    except Exception:  # settings not importable yet: nothing literal to hide
        return None
    unique = {v for v in values if len(v) >= _MIN_SECRET_LENGTH}
    return sorted(unique, key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` with every secret it contains replaced by ``[REDACTED]``."""
    if not text:
        return text
    for value in secret_values():
        if value in text:
            text = text.replace(value, REDACTED)
    text = _URL_PASSWORD_RE.sub(lambda m: m.group("head") + REDACTED, text)
    text = _AUTH_RE.sub(lambda m: m.group("head") + REDACTED, text)
    text = _PAIR_RE.sub(_pair_sub, text)
    return _PAN_RE.sub(_pan_sub, text)


def redact_data(value: Any, _depth: int = 0) -> Any:
    """``redact`` applied to every string inside nested dicts/lists (for Sentry events)."""
    if _depth > 20:
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(key, str) and _is_sensitive_key(key) and isinstance(item, str | bytes):
                out[key] = REDACTED
            else:
                out[key] = redact_data(item, _depth + 1)
        return out
    if isinstance(value, list | tuple):
        return type(value)(redact_data(item, _depth + 1) for item in value)
    return value


_SENSITIVE_KEY_RE = re.compile(
    r"(?i)(password|passwd|secret|api[_-]?key|authorization|cookie|csrf|session|token|card)"
)


def _is_sensitive_key(key: str) -> bool:
    return bool(_SENSITIVE_KEY_RE.search(key))


# --- request ids --------------------------------------------------------------------------


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str | None:
    """``value`` when it is a sane token (≤ 64 chars of ``[A-Za-z0-9._-]``), else None."""
    if value and _REQUEST_ID_RE.match(value):
        return value
    return None


def current_request_id() -> str | None:
    return request_id_var.get()


# --- filters and formatters ---------------------------------------------------------------

_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "request_id", "taskName"}
)


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


class RedactingFilter(logging.Filter):
    """Removes secrets from the message, its arguments and string extras of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_nuri_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw parts, redacted
            message = f"{record.msg} {record.args!r}"
        if not isinstance(record.msg, dict):
            record.msg = redact(message)
            record.args = None
        else:
            record.msg = redact_data(record.msg)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value))
        record._nuri_redacted = True
        return True


class RedactingTextFormatter(logging.Formatter):
    """Plain text lines (development); the whole line, traceback included, is redacted."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        return redact(super().format(record))


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time (ISO 8601), level, logger, message, request_id, extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        super().add_fields(log_data, record, message_dict)
        log_data.pop("_nuri_redacted", None)
        log_data.pop("taskName", None)
        # "time" first, in ISO 8601 with the offset.
        time = log_data.pop("time", None)
        if time is not None:
            log_data["time"] = time.isoformat(timespec="milliseconds")

    def process_log_record(self, log_data):
        out = {}
        for key in ("time", "level", "logger", "message", "request_id"):
            if key in log_data:
                out[key] = log_data.pop(key)
        for key, value in log_data.items():
            if key == "request_id":
                out[key] = value
                continue
            if not isinstance(value, str | int | float | bool | type(None) | dict | list):
                value = str(value)
            out[key] = redact_data(value)
        out["message"] = redact(str(out.get("message", "")))
        return out


# --- Celery: carry the request id into tasks ----------------------------------------------

_TASK_TOKEN_ATTR = "_nuri_request_id_token"


def celery_before_task_publish(headers=None, **kwargs):
    """``before_task_publish``: the current request id travels in the task's headers."""
    request_id = request_id_var.get()
    if request_id and isinstance(headers, dict):
        headers.setdefault("request_id", request_id)


def celery_task_prerun(task_id=None, task=None, **kwargs):
    """``task_prerun``: the worker logs under the request id that queued the task."""
    if task is None:
        return
    request = task.request
    if getattr(request, "is_eager", False) and request_id_var.get():
        return  # eager: already inside the request that runs it
    request_id = clean_request_id(getattr(request, "request_id", None))
    if request_id is None:
        request_id = clean_request_id(str(task_id or "")) or new_request_id()
    setattr(request, _TASK_TOKEN_ATTR, request_id_var.set(request_id))


def celery_task_postrun(task_id=None, task=None, **kwargs):
    if task is None:
        return
    token = getattr(task.request, _TASK_TOKEN_ATTR, None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context: just clear it
            request_id_var.set(None)
        setattr(task.request, _TASK_TOKEN_ATTR, None)


def connect_celery_signals() -> None:
    from celery import signals

    signals.before_task_publish.connect(celery_before_task_publish, weak=False)
    signals.task_prerun.connect(celery_task_prerun, weak=False)
    signals.task_postrun.connect(celery_task_postrun, weak=False)


# --- LOGGING setting ----------------------------------------------------------------------


def logging_config(*, fmt: str = "text", level: str = "INFO") -> dict:
    """The ``LOGGING`` dict: one console handler, ``text`` or ``json``, secrets redacted."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "core.logging.RequestIdFilter"},
            "redact": {"()": "core.logging.RedactingFilter"},
        },
        "formatters": {
            "text": {
                "()": "core.logging.RedactingTextFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            },
            "json": {"()": "core.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if fmt == "json" else "text",
                "filters": ["request_id", "redact"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # Django's default config gives these handlers of their own (without our filters
            # and format); empty them so their records reach the root handler only.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
        },
    }
