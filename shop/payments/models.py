"""Payments in the shape of Saleor's transactions: one transaction per payment attempt."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransactionStatus(models.TextChoices):
    PENDING = "pending", _("대기")
    ACTION_REQUIRED = "action_required", _("추가 인증 필요")
    CHARGED = "charged", _("결제 완료")
    FAILED = "failed", _("실패")
    CANCELED = "canceled", _("취소")
    INVOICED = "invoiced", _("계산서 발행(후불)")


class Transaction(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    checkout = models.ForeignKey(
        "shop.Checkout",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transactions",
    )
    order = models.ForeignKey(
        "shop.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    gateway = models.CharField(_("결제 수단"), max_length=40)
    psp_reference = models.CharField(_("PG 참조"), max_length=255, blank=True, db_index=True)
    status = models.CharField(
        _("상태"), max_length=20, choices=TransactionStatus.choices, default="pending"
    )
    currency = models.CharField(max_length=3, default="KRW")
    amount = models.BigIntegerField(_("요청 금액"))
    charged = models.BigIntegerField(_("결제된 금액"), default=0)
    refunded = models.BigIntegerField(_("환불된 금액"), default=0)
    idempotency_key = models.CharField(max_length=100, unique=True)
    client_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("결제")
        verbose_name_plural = _("결제")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.gateway} {self.amount} {self.status}"


class TransactionEvent(models.Model):
    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40)
    amount = models.BigIntegerField(default=0)
    psp_reference = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.type} {self.amount}"


class WebhookEvent(models.Model):
    """A provider's event, recorded once by its id so that replays change nothing."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="uniq_webhook_event")
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"


class Refund(models.Model):
    """Money returned for (part of) one vendor order."""

    vendor_order = models.ForeignKey(
        "shop.VendorOrder", on_delete=models.PROTECT, related_name="refunds"
    )
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    amount = models.BigIntegerField(_("환불 금액"))
    reason = models.TextField(_("사유"), blank=True)
    psp_reference = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("환불 일시"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("환불")
        verbose_name_plural = _("환불")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.vendor_order} -{self.amount}"
