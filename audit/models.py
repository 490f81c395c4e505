"""The audit log: one row per write that matters, never changed or removed.

Append-only on three levels:

1. ``AuditEvent.save()`` refuses to update a stored row and ``delete()`` refuses;
2. the manager's queryset refuses ``update()``, ``delete()`` and ``bulk_update()`` (the
   model's base manager is that manager, so Django's own update paths hit it too);
3. the database refuses ``UPDATE`` and ``DELETE`` of the table (triggers installed by
   migration ``0002``; see ``audit.db``), so raw SQL cannot change history either.

Rows are written by ``audit.services.record`` inside the transaction of the write they
describe. Retention (archiving or purging old rows) is out of scope: today nothing removes a
row except wiping the whole database (``manage.py flush``; see ``audit.db``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import context


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit event."""

    def __init__(self, what: str = "changed"):
        super().__init__(f"audit log is append-only: events cannot be {what}")


class ActorKind(models.TextChoices):
    USER = context.USER, _("사용자")
    STAFF = context.STAFF, _("센터 직원")
    SYSTEM = context.SYSTEM, _("시스템")
    WEBHOOK = context.WEBHOOK, _("웹훅")
    ANONYMOUS = context.ANONYMOUS, _("비회원")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("updated")

    def delete(self):
        raise AppendOnlyError("deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("updated")

    def _raw_delete(self, using):
        raise AppendOnlyError("deleted")

    _raw_delete.queryset_only = True

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("updated")

    def for_object(self, obj) -> AuditEventQuerySet:
        """Events about ``obj``, newest first."""
        return self.filter(
            object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).order_by("-occurred_at", "-id")


AuditEventManager = models.Manager.from_queryset(AuditEventQuerySet)


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("일시"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("행위자"),
        null=True,
        blank=True,
        # An account that acted keeps its history: deactivate it instead of deleting it.
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # audit_actor_time_idx starts with it
    )
    actor_label = models.CharField(_("행위자 이메일"), max_length=254, blank=True)
    actor_kind = models.CharField(_("행위자 구분"), max_length=16, choices=ActorKind.choices)
    action = models.CharField(_("동작"), max_length=64)  # audit_action_time_idx
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("대상 종류"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # audit_object_idx starts with it
    )
    object_id = models.CharField(_("대상 ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("대상"), max_length=200, blank=True)
    changes = models.JSONField(_("변경 내용"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(_("요청 ID"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP 주소"), null=True, blank=True)
    reason = models.TextField(_("사유"), blank=True)

    objects = AuditEventManager()

    class Meta:
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        base_manager_name = "objects"
        ordering = ("-occurred_at", "-id")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time_idx"),
            models.Index(fields=["action", "occurred_at"], name="audit_action_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("deleted")
