"""Who is acting, without passing a request around: the audit context.

One ``ContextVar`` holds the current ``AuditContext``:

- ``audit.middleware.AuditContextMiddleware`` sets it for each web request (the request,
  whose ``user`` is read when an event is recorded, and ``REMOTE_ADDR``);
- Celery's ``task_prerun``/``task_postrun`` (connected in ``audit.apps``) set it to
  ``system`` for the duration of every task, eager ones included;
- ``acting_as(kind)`` (a context manager and a decorator) forces a kind for a block, e.g. the
  Stripe webhook handler runs ``acting_as(WEBHOOK)``.

Outside all of these (management commands, a shell) the actor is ``system``. Nothing here
imports models.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

# Actor kinds (``AuditEvent.actor_kind``).
USER = "user"
STAFF = "staff"
SYSTEM = "system"
WEBHOOK = "webhook"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class AuditContext:
    request: Any = None  # the HttpRequest being served (its ``user`` is read lazily)
    kind: str = ""  # a forced kind (system, webhook); "" = from the acting user
    ip: str | None = None

    @property
    def user(self):
        user = getattr(self.request, "user", None) if self.request is not None else None
        return user if user is not None and getattr(user, "is_authenticated", False) else None


_current: ContextVar[AuditContext | None] = ContextVar("nuri_audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


def enter(context: AuditContext) -> Token:
    return _current.set(context)


def leave(token: Token) -> None:
    try:
        _current.reset(token)
    except ValueError:  # set in another context (a thread pool hop): just clear it
        _current.set(None)


@contextmanager
def acting_as(kind: str) -> Iterator[AuditContext]:
    """Record events of the block as ``kind`` (system, webhook), with no acting user but the
    request's address kept. Usable as a decorator (each call gets its own scope)."""
    outer = _current.get()
    token = enter(AuditContext(kind=kind, ip=outer.ip if outer is not None else None))
    try:
        yield _current.get()
    finally:
        leave(token)


# --- Celery: every task runs as the system ---------------------------------------------------

_TOKEN_ATTR = "_nuri_audit_token"


def celery_task_prerun(task_id=None, task=None, **kwargs) -> None:
    if task is None:
        return
    setattr(task.request, _TOKEN_ATTR, enter(AuditContext(kind=SYSTEM)))


def celery_task_postrun(task_id=None, task=None, **kwargs) -> None:
    if task is None:
        return
    token = getattr(task.request, _TOKEN_ATTR, None)
    if token is not None:
        leave(token)
        setattr(task.request, _TOKEN_ATTR, None)
