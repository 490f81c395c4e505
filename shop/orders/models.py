"""Orders: one per checkout, split into one vendor order per vendor.

Lines keep a snapshot of names, prices and tax types at purchase time; every amount is
integer KRW and reconciles: supply + tax == total per line, per vendor order and overall.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import TaxType
from shop.checkout.models import AddressFields


class OrderStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("결제 대기")
    UNFULFILLED = "unfulfilled", _("배송 준비")
    PARTIALLY_FULFILLED = "partially_fulfilled", _("일부 발송")
    FULFILLED = "fulfilled", _("발송 완료")
    DELIVERED = "delivered", _("배송 완료")
    CANCELED = "canceled", _("취소")


class ChargeStatus(models.TextChoices):
    NONE = "none", _("미결제")
    PARTIAL = "partial", _("일부 결제")
    FULL = "full", _("결제 완료")
    OVERCHARGED = "overcharged", _("초과 결제")
    REFUNDED = "refunded", _("환불")
    INVOICE = "invoice", _("후불(계산서)")


class Order(AddressFields):
    number = models.CharField(_("주문 번호"), max_length=20, unique=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    checkout_token = models.UUIDField(
        _("장바구니 토큰"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("checkoutComplete 멱등성"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    email = models.EmailField(_("이메일"))
    channel = models.CharField(max_length=40, default="default-channel")
    status = models.CharField(
        _("상태"), max_length=24, choices=OrderStatus.choices, default=OrderStatus.UNFULFILLED
    )
    charge_status = models.CharField(
        _("결제 상태"), max_length=16, choices=ChargeStatus.choices, default=ChargeStatus.NONE
    )
    gateway = models.CharField(_("결제 수단"), max_length=40, blank=True)
    subtotal = models.BigIntegerField(_("상품 합계"), default=0)
    shipping_total = models.BigIntegerField(_("배송비 합계"), default=0)
    discount_total = models.BigIntegerField(_("할인 합계"), default=0)
    tax_total = models.BigIntegerField(_("부가세"), default=0)
    total = models.BigIntegerField(_("총 결제 금액"), default=0)
    total_charged = models.BigIntegerField(_("결제된 금액"), default=0)
    total_refunded = models.BigIntegerField(_("환불된 금액"), default=0)
    agency_ref = models.CharField(_("기관 참조"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("주문 일시"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("주문")
        verbose_name_plural = _("주문")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class VendorOrderStatus(models.TextChoices):
    UNFULFILLED = "unfulfilled", _("배송 준비")
    SHIPPED = "shipped", _("발송")
    DELIVERED = "delivered", _("배송 완료")
    CANCELED = "canceled", _("취소")


class VendorOrder(models.Model):
    """One vendor's part of an order: its lines, its shipping fee, its fulfilment."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="vendor_orders")
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="vendor_orders"
    )
    number = models.CharField(_("판매처 주문 번호"), max_length=24, unique=True)
    status = models.CharField(
        _("상태"),
        max_length=16,
        choices=VendorOrderStatus.choices,
        default=VendorOrderStatus.UNFULFILLED,
    )
    subtotal = models.BigIntegerField(_("상품 합계"), default=0)
    shipping_fee = models.BigIntegerField(_("배송비"), default=0)
    discount = models.BigIntegerField(_("할인"), default=0)
    tax = models.BigIntegerField(_("부가세"), default=0)
    total = models.BigIntegerField(_("합계"), default=0)
    refunded = models.BigIntegerField(_("환불 금액"), default=0)
    carrier = models.CharField(_("택배사"), max_length=50, blank=True)
    tracking_number = models.CharField(_("운송장 번호"), max_length=50, blank=True)
    shipped_at = models.DateTimeField(_("발송 일시"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("배송 완료 일시"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("취소 일시"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("판매처 주문")
        verbose_name_plural = _("판매처 주문")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["vendor", "created_at"])]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    vendor_order = models.ForeignKey(VendorOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "shop.ProductVariant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order_lines",
    )
    # Snapshot at purchase time.
    product_name = models.CharField(_("상품명"), max_length=200)
    variant_name = models.CharField(_("옵션명"), max_length=100, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    tax_type = models.CharField(_("과세 유형"), max_length=12, choices=TaxType.choices)
    unit_price = models.BigIntegerField(_("단가(부가세 포함)"))
    quantity = models.PositiveIntegerField(_("수량"))
    discount = models.BigIntegerField(_("할인"), default=0)
    total = models.BigIntegerField(_("합계(부가세 포함)"))
    supply = models.BigIntegerField(_("공급가액"))
    tax = models.BigIntegerField(_("세액"))
    quantity_refunded = models.PositiveIntegerField(_("환불 수량"), default=0)
    refunded = models.BigIntegerField(_("환불 금액"), default=0)
    # Snapshot of the bundle this line was bought in (empty for single products).
    bundle = models.ForeignKey(
        "bundles.Bundle", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bundle_name = models.CharField(_("꾸러미명"), max_length=200, blank=True)
    bundle_quantity = models.PositiveIntegerField(_("꾸러미 수"), default=0)

    class Meta:
        verbose_name = _("주문 상품")
        verbose_name_plural = _("주문 상품")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.product_name} × {self.quantity}"


class OrderEvent(models.Model):
    """Who did what, when, to an order (append-only)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    vendor_order = models.ForeignKey(
        VendorOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    type = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("주문 이력")
        verbose_name_plural = _("주문 이력")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.type}"


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("요청")
    ACCEPTED = "accepted", _("승인")
    REJECTED = "rejected", _("거절")


class ReturnRequest(models.Model):
    """Withdrawal (청약철회) within 7 days of delivery: the buyer asks, the vendor accepts."""

    vendor_order = models.ForeignKey(
        VendorOrder, on_delete=models.CASCADE, related_name="return_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("사유"))
    lines = models.JSONField(_("반품 상품"), default=list, help_text=_("[{line_id, quantity}]"))
    status = models.CharField(
        _("상태"), max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("청약철회 요청")
        verbose_name_plural = _("청약철회 요청")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.vendor_order} {self.get_status_display()}"
