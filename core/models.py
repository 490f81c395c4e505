"""Shared models of the core app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SentEmailStatus(models.TextChoices):
    SENDING = "sending", _("보내는 중")
    SENT = "sent", _("보냄")


class SentEmail(models.Model):
    """An e-mail a background task sent (or is sending), keyed by what it is about.

    Tasks are ``acks_late``: a message whose worker died is delivered again, so an e-mail task
    may run twice for the same thing. ``core.emails.send_once`` claims ``(kind, object_id)``
    here before sending (the unique constraint lets one delivery win) and marks it sent after,
    so a redelivered task does not send it again.
    """

    kind = models.CharField(_("종류"), max_length=80)
    object_id = models.CharField(_("대상 ID"), max_length=64)
    status = models.CharField(
        _("상태"), max_length=10, choices=SentEmailStatus.choices, default=SentEmailStatus.SENDING
    )
    subject = models.CharField(_("제목"), max_length=300, blank=True)
    recipients = models.JSONField(_("받는 사람"), default=list, blank=True)
    claimed_at = models.DateTimeField(_("발송 시작"))
    sent_at = models.DateTimeField(_("발송 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("보낸 이메일")
        verbose_name_plural = _("보낸 이메일")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="core_sentemail_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.status})"
