"""Settlement (정산): what each vendor is owed for a period."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class SettlementStatement(models.Model):
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="settlements"
    )
    period_start = models.DateField(_("기간 시작"))
    period_end = models.DateField(_("기간 종료"))
    gross_sales = models.BigIntegerField(_("총 판매액"), default=0)
    shipping = models.BigIntegerField(_("배송비"), default=0)
    refunds = models.BigIntegerField(_("환불액"), default=0)
    commission_rate = models.DecimalField(
        _("수수료율"), max_digits=5, decimal_places=4, default=Decimal("0")
    )
    commission = models.BigIntegerField(_("수수료"), default=0)
    payout = models.BigIntegerField(_("지급액"), default=0)
    order_count = models.PositiveIntegerField(_("주문 수"), default=0)
    generated_at = models.DateTimeField(_("생성 일시"), auto_now=True)

    class Meta:
        verbose_name = _("정산서")
        verbose_name_plural = _("정산서")
        ordering = ["-period_start", "vendor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "period_start", "period_end"], name="uniq_settlement_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.period_start:%Y-%m}"
