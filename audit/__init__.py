"""Append-only audit log: who changed what, when, from where (see ``audit.services``).

``audit.record(action, obj, actor=…, changes=…, reason=…)`` is the one way to write it
(``record_stock`` for a stock movement, ``diff`` for ``{field: [old, new]}``);
``audit.acting_as(audit.WEBHOOK)`` marks a block as a webhook's (or the system's) doing.
"""

from audit.context import ANONYMOUS, STAFF, SYSTEM, USER, WEBHOOK, acting_as


def record(*args, **kwargs):
    from audit.services import record as _record

    return _record(*args, **kwargs)


def record_stock(*args, **kwargs):
    from audit.services import record_stock as _record_stock

    return _record_stock(*args, **kwargs)


def diff(*args, **kwargs):
    from audit.services import diff as _diff

    return _diff(*args, **kwargs)


__all__ = [
    "ANONYMOUS",
    "STAFF",
    "SYSTEM",
    "USER",
    "WEBHOOK",
    "acting_as",
    "diff",
    "record",
    "record_stock",
]
