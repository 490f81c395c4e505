"""Checkout: one cart across many vendors, before it becomes an order."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AddressFields(models.Model):
    """A Korean delivery address (recipient, mobile phone, 5-digit postcode, road address)."""

    recipient_name = models.CharField(_("받는 분"), max_length=100, blank=True)
    phone = models.CharField(_("연락처"), max_length=20, blank=True)
    postcode = models.CharField(_("우편번호"), max_length=5, blank=True)
    road_address = models.CharField(_("도로명 주소"), max_length=300, blank=True)
    detail_address = models.CharField(_("상세 주소"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def has_address(self) -> bool:
        return bool(self.recipient_name and self.postcode and self.road_address)


class Checkout(AddressFields):
    token = models.UUIDField(_("토큰"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checkouts",
    )
    email = models.EmailField(_("이메일"), blank=True)
    channel = models.CharField(max_length=40, default="default-channel")
    delivery_method = models.CharField(_("배송 방법"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("장바구니")
        verbose_name_plural = _("장바구니")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return str(self.token)


class CheckoutLine(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "shop.ProductVariant", on_delete=models.CASCADE, related_name="checkout_lines"
    )
    quantity = models.PositiveIntegerField(_("수량"))
    # A component line of a bundle in the cart: ``bundle_quantity`` bundles, each holding
    # ``quantity / bundle_quantity`` units of this variant.
    bundle = models.ForeignKey(
        "bundles.Bundle", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    bundle_quantity = models.PositiveIntegerField(_("꾸러미 수"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("장바구니 상품")
        verbose_name_plural = _("장바구니 상품")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkout", "variant"],
                condition=models.Q(bundle__isnull=True),
                name="uniq_checkout_variant",
            ),
            models.UniqueConstraint(
                fields=["checkout", "variant", "bundle"],
                condition=models.Q(bundle__isnull=False),
                name="uniq_checkout_bundle_variant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"
