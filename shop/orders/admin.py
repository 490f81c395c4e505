"""Admin: orders and vendor orders, read-only.

Orders change only through ``shop.orders.services`` (cancel, ship, refund…), which check
permissions and record events; the admin shows them (with their vendor orders, lines and the
event log) and lets staff filter and search, but never edits an order behind those services.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.money import format_krw
from shop.orders.models import Order, OrderEvent, OrderLine, VendorOrder


def money(field: str, label: str):
    """A list/detail column showing an integer KRW field as ``₩12,000``."""

    def show(_admin, obj):
        return format_krw(getattr(obj, field))

    show.short_description = label
    show.admin_order_field = field
    return show


class ReadOnlyMixin:
    """View only: no add, change or delete (the services do the writes)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VendorOrderInline(ReadOnlyMixin, admin.TabularInline):
    model = VendorOrder
    extra = 0
    show_change_link = True
    fields = (
        "number",
        "vendor",
        "status",
        "subtotal_display",
        "shipping_display",
        "total_display",
        "refunded_display",
        "carrier",
        "tracking_number",
        "shipped_at",
        "delivered_at",
        "canceled_at",
    )
    readonly_fields = fields
    subtotal_display = money("subtotal", _("상품 합계"))
    shipping_display = money("shipping_fee", _("배송비"))
    total_display = money("total", _("합계"))
    refunded_display = money("refunded", _("환불 금액"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("vendor")


class OrderEventInline(ReadOnlyMixin, admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = ("created_at", "type", "vendor_order", "actor", "message", "data")
    readonly_fields = fields
    ordering = ("created_at", "id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "vendor_order")


class OrderLineInline(ReadOnlyMixin, admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = (
        "product_name",
        "variant_name",
        "sku",
        "tax_type",
        "unit_price",
        "quantity",
        "discount",
        "total",
        "supply",
        "tax",
        "quantity_refunded",
        "refunded",
    )
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "email",
        "status",
        "charge_status",
        "gateway",
        "total_display",
        "charged_display",
        "refunded_display",
        "created_at",
    )
    list_filter = ("status", "charge_status", "gateway", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=number", "email", "=vendor_orders__number", "recipient_name", "phone")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    show_full_result_count = False  # no COUNT(*) over every order on each page
    inlines = (VendorOrderInline, OrderEventInline)
    fieldsets = (
        (None, {"fields": ("number", "status", "charge_status", "gateway", "created_at")}),
        (
            _("구매자"),
            {"fields": ("user", "email", "agency_ref", "channel", "checkout_token")},
        ),
        (
            _("배송지"),
            {"fields": ("recipient_name", "phone", "postcode", "road_address", "detail_address")},
        ),
        (
            _("금액"),
            {
                "fields": (
                    "subtotal_display",
                    "shipping_total_display",
                    "discount_total_display",
                    "tax_total_display",
                    "total_display",
                    "charged_display",
                    "refunded_display",
                )
            },
        ),
    )
    readonly_fields = (
        "number",
        "status",
        "charge_status",
        "gateway",
        "created_at",
        "user",
        "email",
        "agency_ref",
        "channel",
        "checkout_token",
        "recipient_name",
        "phone",
        "postcode",
        "road_address",
        "detail_address",
        "subtotal_display",
        "shipping_total_display",
        "discount_total_display",
        "tax_total_display",
        "total_display",
        "charged_display",
        "refunded_display",
    )
    subtotal_display = money("subtotal", _("상품 합계"))
    shipping_total_display = money("shipping_total", _("배송비 합계"))
    discount_total_display = money("discount_total", _("할인 합계"))
    tax_total_display = money("tax_total", _("부가세"))
    total_display = money("total", _("총 결제 금액"))
    charged_display = money("total_charged", _("결제된 금액"))
    refunded_display = money("total_refunded", _("환불된 금액"))


@admin.register(VendorOrder)
class VendorOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "order_link",
        "vendor",
        "status",
        "subtotal_display",
        "shipping_display",
        "total_display",
        "refunded_display",
        "created_at",
    )
    list_filter = ("status", ("created_at", admin.DateFieldListFilter), "vendor")
    search_fields = ("=number", "=order__number", "order__email", "tracking_number")
    date_hierarchy = "created_at"
    list_select_related = ("order", "vendor")
    show_full_result_count = False
    inlines = (OrderLineInline,)
    fields = (
        "number",
        "order_link",
        "vendor",
        "status",
        "subtotal_display",
        "shipping_display",
        "discount_display",
        "tax_display",
        "total_display",
        "refunded_display",
        "carrier",
        "tracking_number",
        "created_at",
        "shipped_at",
        "delivered_at",
        "canceled_at",
    )
    readonly_fields = fields
    subtotal_display = money("subtotal", _("상품 합계"))
    shipping_display = money("shipping_fee", _("배송비"))
    discount_display = money("discount", _("할인"))
    tax_display = money("tax", _("부가세"))
    total_display = money("total", _("합계"))
    refunded_display = money("refunded", _("환불 금액"))

    @admin.display(description=_("주문"), ordering="order__number")
    def order_link(self, obj):
        url = reverse("admin:shop_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.number)
