"""Admin: transactions (with their events), refunds and provider webhooks, read-only.

Money moves only through ``shop.payments.services`` (and the gateways); these pages are the
record staff look things up in (by order number, PSP reference, event id).
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shop.orders.admin import ReadOnlyMixin, money
from shop.payments.models import Refund, Transaction, TransactionEvent, WebhookEvent


def _order_link(order):
    if order is None:
        return "—"
    url = reverse("admin:shop_order_change", args=[order.pk])
    return format_html('<a href="{}">{}</a>', url, order.number)


class TransactionEventInline(ReadOnlyMixin, admin.TabularInline):
    model = TransactionEvent
    extra = 0
    fields = ("created_at", "type", "amount_display", "psp_reference", "message", "actor")
    readonly_fields = fields
    ordering = ("created_at", "id")
    amount_display = money("amount", _("금액"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "token",
        "order_link",
        "gateway",
        "status",
        "amount_display",
        "charged_display",
        "refunded_display",
        "psp_reference",
        "created_at",
    )
    list_filter = ("gateway", "status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=psp_reference", "=token", "=order__number", "order__email")
    date_hierarchy = "created_at"
    list_select_related = ("order",)
    show_full_result_count = False
    inlines = (TransactionEventInline,)
    fields = (
        "token",
        "order_link",
        "checkout",
        "gateway",
        "status",
        "currency",
        "amount_display",
        "charged_display",
        "refunded_display",
        "psp_reference",
        "idempotency_key",
        "client_data",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    amount_display = money("amount", _("요청 금액"))
    charged_display = money("charged", _("결제된 금액"))
    refunded_display = money("refunded", _("환불된 금액"))

    @admin.display(description=_("주문"), ordering="order__number")
    def order_link(self, obj):
        return _order_link(obj.order)


@admin.register(Refund)
class RefundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "vendor_order",
        "vendor",
        "amount_display",
        "gateway",
        "psp_reference",
        "created_by",
    )
    list_filter = (("created_at", admin.DateFieldListFilter), "transaction__gateway")
    search_fields = ("=vendor_order__number", "=vendor_order__order__number", "=psp_reference")
    date_hierarchy = "created_at"
    list_select_related = ("vendor_order__vendor", "transaction", "created_by")
    show_full_result_count = False
    fields = (
        "vendor_order",
        "transaction",
        "amount_display",
        "reason",
        "psp_reference",
        "created_by",
        "created_at",
    )
    readonly_fields = fields
    amount_display = money("amount", _("환불 금액"))

    @admin.display(description=_("판매처"), ordering="vendor_order__vendor__store_name")
    def vendor(self, obj):
        return obj.vendor_order.vendor

    @admin.display(description=_("결제 수단"), ordering="transaction__gateway")
    def gateway(self, obj):
        return obj.transaction.gateway if obj.transaction_id else "—"


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("event_id", "provider", "type", "received_at", "processed_at")
    list_filter = ("provider", "type", ("received_at", admin.DateFieldListFilter))
    search_fields = ("=event_id", "type")
    date_hierarchy = "received_at"
    show_full_result_count = False
    fields = ("provider", "event_id", "type", "payload", "received_at", "processed_at")
    readonly_fields = fields
