"""``record``: append one audit event for a write, inside that write's transaction.

Call it from the service function that makes the write, after the write, with what changed::

    audit.record("vendor_order.shipped", vendor_order, actor=actor,
                 changes={"status": ["unfulfilled", "shipped"], "tracking_number": [None, "123"]})

- ``changes``: ``{"field": [old, new], ...}`` for a change, or a payload for a creation or a
  movement (``stock_changes``). Model instances become their primary keys, dates ISO strings.
- The actor: ``actor`` when given (an anonymous user counts as none), else the user of the
  request being served (``audit.context``). The kind: ``system``/``webhook`` inside a Celery
  task or ``acting_as``; otherwise ``staff`` or ``user`` from the actor, ``anonymous`` for a
  request without a signed-in user, ``system`` outside any request.
- ``request_id`` comes from ``core.logging`` (the X-Request-ID), ``ip`` from ``REMOTE_ADDR``.

The row is written with the caller's connection and transaction: when the write rolls back,
so does its event; when it commits, the event is there.

Actions recorded today (object in brackets; the service that records it):

- ``order.created`` [Order] checkout completion, accepted quote; ``order.cancelled`` [Order];
  ``vendor_order.cancelled|shipped|tracking_updated|delivered`` [VendorOrder];
  ``return.requested|accepted|rejected`` [ReturnRequest] (``shop.orders.services``,
  ``shop.checkout.services``, ``purchasing.ordering``);
- ``payment.<status>`` [Transaction] every status change (``charged``, ``failed``,
  ``canceled``, ``invoiced``, ``action_required``…, by the gateway or Stripe's webhook),
  ``payment.transfer_recorded``, ``payment.refunded_externally``; ``refund.created`` [Refund]
  (``shop.payments.services``);
- ``stock.allocated`` [Order] at checkout (one event per order listing each variant),
  ``stock.released|shipped|restocked`` [VendorOrder], ``stock.adjusted`` [ProductVariant]
  (dashboard, GraphQL, bulk import; ``shop.catalog.services``);
- ``application.approved|rejected|changes_requested`` [VendorApplication],
  ``certification.added`` [Certification], ``buyer.approved|rejected`` [Buyer];
- ``quote_request.created|cancelled`` [QuoteRequest],
  ``quote.submitted|withdrawn|rejected|expired|accepted`` [Quote],
  ``delivery.completed|payment_recorded|paid|cancelled`` and
  ``inspection.passed|failed`` [Delivery] (``purchasing.services``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import ipaddress
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit import context
from audit.models import AuditEvent


def _jsonable(value: Any, depth: int = 0) -> Any:
    if depth > 10:
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return _jsonable(value.value, depth + 1)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v, depth + 1) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [_jsonable(v, depth + 1) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "url"):  # a file field
        return value.name or None
    return str(value)


def _request_id() -> str:
    try:
        from core.logging import current_request_id
    except ImportError:  # pragma: no cover - request ids not installed
        return ""
    return (current_request_id() or "")[:64]


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _actor(actor) -> tuple[Any, str]:
    """(user or None, kind) of the event being recorded."""
    ctx = context.current()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if user is None and actor is None and ctx is not None and not ctx.kind:
        user = ctx.user
    if ctx is not None and ctx.kind:
        return user, ctx.kind  # a task or webhook (possibly on behalf of ``user``)
    if user is not None:
        return user, context.STAFF if user.is_staff else context.USER
    if ctx is not None and ctx.request is not None:
        return None, context.ANONYMOUS
    return None, context.ANONYMOUS if actor is not None else context.SYSTEM


def record(
    action: str,
    obj: models.Model | None,
    *,
    actor=None,
    changes: Mapping | None = None,
    reason: str = "",
    label: str | None = None,
) -> AuditEvent:
    """Append an event (see the module docstring); returns it."""
    user, kind = _actor(actor)
    ctx = context.current()
    object_type = object_id = None
    if obj is not None:
        object_type = ContentType.objects.get_for_model(obj)
        object_id = str(obj.pk)
    return AuditEvent.objects.create(
        actor=user,
        actor_label=(getattr(user, "email", "") or "")[:254] if user is not None else "",
        actor_kind=kind,
        action=action,
        object_type=object_type,
        object_id=object_id or "",
        object_repr=(label if label is not None else str(obj) if obj is not None else "")[:200],
        changes=_jsonable(dict(changes or {})),
        request_id=_request_id(),
        ip=_ip(ctx.ip if ctx is not None else None),
        reason=(reason or "").strip(),
    )


def stock_changes(units: Mapping[int, int], **signs: int) -> dict:
    """The payload of a stock movement: ``{"stock": [{"variant_id": 7, "allocated": -2}]}``
    for ``units={7: 2}, allocated=-1`` (each keyword is a Stock column and the sign of its
    change)."""
    return {
        "stock": [
            {
                "variant_id": variant_id,
                **{field: sign * units[variant_id] for field, sign in signs.items()},
            }
            for variant_id in sorted(units)
        ]
    }


def record_stock(action: str, obj, units: Mapping[int, int], *, actor=None, **signs: int):
    """``record(action, obj, changes=stock_changes(units, **signs))``, or nothing when no
    units moved."""
    if not units:
        return None
    return record(action, obj, actor=actor, changes=stock_changes(units, **signs))


def diff(before: Mapping[str, Any], obj, fields=None) -> dict:
    """``{field: [old, new]}`` for the fields of ``before`` (a snapshot) that ``obj`` changed."""
    out = {}
    for field in fields or before:
        new = getattr(obj, field)
        if before.get(field) != new:
            out[field] = [before.get(field), new]
    return out
