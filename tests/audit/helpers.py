"""Helpers of the audit tests: the events recorded since a mark."""

from __future__ import annotations

from django.db.models import Max

from audit.models import AuditEvent


class AuditLog:
    """The audit events written after ``mark()`` (oldest first)."""

    def __init__(self):
        self.mark()

    def mark(self) -> None:
        self.start = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0

    def new(self, action: str | None = None) -> list[AuditEvent]:
        qs = AuditEvent.objects.filter(id__gt=self.start).select_related("actor", "object_type")
        if action is not None:
            qs = qs.filter(action=action)
        return list(qs.order_by("id"))

    def actions(self) -> list[str]:
        return [e.action for e in self.new()]

    def one(self, action: str) -> AuditEvent:
        found = self.new(action)
        assert len(found) == 1, (action, self.actions())
        return found[0]


def about(event: AuditEvent, obj) -> bool:
    """Whether ``event`` is about ``obj`` (its type and primary key)."""
    return (event.object_type.model_class(), event.object_id) == (type(obj), str(obj.pk))
