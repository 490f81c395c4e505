"""Snack bundles (햇음 다과꾸러미): components from one or many vendors.

A bundle's availability is derived from its components' stock, never stored. Its price is
the sum of component prices less an optional discount, or a fixed price; the difference is
spread over the component lines at checkout so every vendor order reconciles to the won.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.uploads import random_name


class Occasion(models.TextChoices):
    MEETING = "meeting", _("회의")
    EVENT = "event", _("행사")
    RECEPTION = "reception", _("접대")
    OFFICE_SNACK = "office_snack", _("사무실 간식")


class PriceRule(models.TextChoices):
    SUM = "sum", _("구성품 합계")
    SUM_DISCOUNT = "sum_discount", _("구성품 합계에서 할인")
    FIXED = "fixed", _("고정 가격")


def bundle_image_upload_to(instance, filename: str) -> str:
    return f"bundles/{instance.slug}/{random_name(filename)}"


class Bundle(models.Model):
    name = models.CharField(_("이름"), max_length=200)
    slug = models.SlugField(_("주소 이름"), max_length=220, unique=True, allow_unicode=True)
    description = models.TextField(_("설명"), blank=True)
    occasion = models.CharField(_("용도"), max_length=20, choices=Occasion.choices)
    serves = models.PositiveIntegerField(_("인원"), default=10)
    image = models.ImageField(_("이미지"), upload_to=bundle_image_upload_to, blank=True)
    price_rule = models.CharField(
        _("가격 방식"), max_length=20, choices=PriceRule.choices, default=PriceRule.SUM
    )
    discount_amount = models.PositiveIntegerField(_("할인 금액(원)"), default=0)
    discount_percent = models.PositiveSmallIntegerField(_("할인율(%)"), default=0)
    fixed_price = models.PositiveIntegerField(_("고정 가격(원)"), null=True, blank=True)
    is_published = models.BooleanField(_("공개"), default=False, db_index=True)
    # Curated by centre staff (vendor empty) or by one vendor.
    curator_vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="curated_bundles",
        verbose_name=_("구성 판매처"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("다과꾸러미")
        verbose_name_plural = _("다과꾸러미")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__lte=100), name="bundle_discount_percent_lte_100"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BundleComponent(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="components")
    variant = models.ForeignKey(
        "shop.ProductVariant", on_delete=models.PROTECT, related_name="bundle_components"
    )
    quantity = models.PositiveIntegerField(_("수량"), default=1)
    note = models.CharField(_("메모"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("꾸러미 구성품")
        verbose_name_plural = _("꾸러미 구성품")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "variant"], name="uniq_bundle_variant")
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} × {self.quantity}"


class SubscriptionFrequency(models.TextChoices):
    WEEKLY = "weekly", _("매주")
    MONTHLY = "monthly", _("매월")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("진행 중")
    PAUSED = "paused", _("일시 중지")
    CANCELED = "canceled", _("해지")


class Subscription(models.Model):
    """An office's standing order (정기배송) of a bundle."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bundle_subscriptions"
    )
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="subscriptions")
    quantity = models.PositiveIntegerField(_("꾸러미 수"), default=1)
    frequency = models.CharField(_("주기"), max_length=10, choices=SubscriptionFrequency.choices)
    status = models.CharField(
        _("상태"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
    )
    gateway = models.CharField(_("결제 수단"), max_length=40, default="invoice")
    email = models.EmailField(_("이메일"))
    recipient_name = models.CharField(_("받는 분"), max_length=100)
    phone = models.CharField(_("연락처"), max_length=20)
    postcode = models.CharField(_("우편번호"), max_length=5)
    road_address = models.CharField(_("도로명 주소"), max_length=300)
    detail_address = models.CharField(_("상세 주소"), max_length=200, blank=True)
    next_delivery_on = models.DateField(_("다음 배송일"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("정기배송")
        verbose_name_plural = _("정기배송")
        ordering = ["next_delivery_on", "id"]

    def __str__(self) -> str:
        return f"{self.bundle} × {self.quantity} ({self.get_frequency_display()})"


class SubscriptionRunStatus(models.TextChoices):
    ORDERED = "ordered", _("주문 생성")
    SKIPPED = "skipped", _("재고 부족으로 건너뜀")
    FAILED = "failed", _("실패")


class SubscriptionRun(models.Model):
    """One period of a subscription: the order it created, or why it was skipped."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="runs")
    period_date = models.DateField(_("배송 예정일"))
    status = models.CharField(_("결과"), max_length=10, choices=SubscriptionRunStatus.choices)
    order = models.ForeignKey(
        "shop.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_date"], name="uniq_subscription_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_date} {self.status}"
