"""Admin: agencies and departments, buyer approval, report categories, plans, and read-only
views of quote requests, quotes, deliveries (with overdue filters) and the event log.

Writes that matter go through ``purchasing.services`` (approve/reject buyers, record a bank
transfer); quote requests, quotes and deliveries are never edited behind the services.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, DomainErrors, as_error_list
from core.money import format_krw
from purchasing import services
from purchasing.models import (
    Agency,
    Buyer,
    BuyerStatus,
    Delivery,
    DeliveryStatus,
    Department,
    Inspection,
    PlanTarget,
    PurchaseCategory,
    PurchasePlan,
    PurchasingEvent,
    Quote,
    QuoteLine,
    QuoteRequest,
    QuoteRequestItem,
)


def money(field: str, label: str):
    def show(_admin, obj):
        return format_krw(getattr(obj, field))

    show.short_description = label
    show.admin_order_field = field
    return show


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _report(request, exc) -> None:
    for err in as_error_list(exc):
        messages.error(request, str(err.message))


# ---------------------------------------------------------------------------------------------
# Agencies and buyers
# ---------------------------------------------------------------------------------------------


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 1


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "district", "is_active", "created_at")
    list_filter = ("kind", "district", "is_active")
    search_fields = ("name", "code", "brn")
    inlines = [DepartmentInline]


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "department", "position", "status", "created_at")
    list_filter = ("status", "agency__kind", "agency")
    search_fields = ("user__email", "user__name", "agency__name")
    list_select_related = ("user", "agency", "department")
    autocomplete_fields = ("agency",)
    raw_id_fields = ("user",)
    readonly_fields = ("approved_by", "approved_at", "created_at", "updated_at")
    actions = ["approve", "reject"]

    @admin.action(description=_("선택한 구매 담당자 승인"))
    def approve(self, request, queryset):
        done = 0
        for buyer in queryset.exclude(status=BuyerStatus.APPROVED):
            try:
                services.buyer_approve(buyer=buyer, actor=request.user)
                done += 1
            except (DomainError, DomainErrors) as exc:
                _report(request, exc)
        messages.success(request, f"{done}명을 승인했습니다.")

    @admin.action(description=_("선택한 구매 담당자 반려"))
    def reject(self, request, queryset):
        done = 0
        for buyer in queryset.filter(status=BuyerStatus.PENDING):
            try:
                services.buyer_reject(buyer=buyer, actor=request.user, reason="센터 확인 결과 반려")
                done += 1
            except (DomainError, DomainErrors) as exc:
                _report(request, exc)
        messages.success(request, f"{done}명을 반려했습니다.")


# ---------------------------------------------------------------------------------------------
# Categories and plans
# ---------------------------------------------------------------------------------------------


@admin.register(PurchaseCategory)
class PurchaseCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kinds", "statutory", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("statutory", "is_active")


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0


@admin.register(PurchasePlan)
class PurchasePlanAdmin(admin.ModelAdmin):
    list_display = ("agency", "year", "budget_display", "updated_at")
    list_filter = ("year", "agency__kind")
    search_fields = ("agency__name",)
    autocomplete_fields = ("agency",)
    readonly_fields = ("updated_by", "updated_at")
    inlines = [PlanTargetInline]
    budget_display = money("total_budget", _("총구매액 계획"))


# ---------------------------------------------------------------------------------------------
# Requests, quotes, deliveries (read-only)
# ---------------------------------------------------------------------------------------------


class ItemInline(ReadOnlyMixin, admin.TabularInline):
    model = QuoteRequestItem
    extra = 0
    fields = ("name", "spec", "unit", "quantity", "variant", "bundle", "note")


class QuoteInline(ReadOnlyMixin, admin.TabularInline):
    model = Quote
    extra = 0
    show_change_link = True
    fields = ("number", "vendor", "status", "valid_until", "supply_total", "tax_total", "total")


@admin.register(QuoteRequest)
class QuoteRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "title",
        "agency",
        "status",
        "deadline",
        "delivery_date",
        "created_at",
    )
    list_filter = ("status", "open_to_all", "agency")
    search_fields = ("number", "title", "agency__name")
    list_select_related = ("agency",)
    date_hierarchy = "created_at"
    inlines = [ItemInline, QuoteInline]


class QuoteLineInline(ReadOnlyMixin, admin.TabularInline):
    model = QuoteLine
    extra = 0
    fields = ("name", "spec", "quantity", "unit_price", "tax_type", "supply", "tax", "total")


@admin.register(Quote)
class QuoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("number", "request", "vendor", "status", "total_display", "valid_until")
    list_filter = ("status",)
    search_fields = ("number", "vendor__store_name", "request__number", "request__title")
    list_select_related = ("request", "vendor")
    inlines = [QuoteLineInline]
    total_display = money("total", _("합계"))


class OverdueFilter(admin.SimpleListFilter):
    title = _("기한")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("inspection", _("검수 기한 경과")), ("payment", _("지급 기한 경과"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "inspection":
            return queryset.filter(status=DeliveryStatus.DELIVERED, inspection_due__lt=today)
        if self.value() == "payment":
            return queryset.filter(status=DeliveryStatus.ACCEPTED, payment_due__lt=today)
        return queryset


class InspectionInline(ReadOnlyMixin, admin.TabularInline):
    model = Inspection
    extra = 0
    fields = ("result", "reason", "inspected_by", "inspected_at")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "order",
        "agency",
        "vendor",
        "status",
        "ordered_on",
        "inspection_due",
        "payment_due",
        "amount_display",
        "paid_display",
    )
    list_filter = ("status", OverdueFilter, "agency")
    search_fields = ("order__number", "agency__name", "vendor__store_name", "request__title")
    list_select_related = ("order", "agency", "vendor")
    date_hierarchy = "ordered_on"
    inlines = [InspectionInline]
    actions = ["record_full_payment"]
    amount_display = money("amount", _("계약 금액"))
    paid_display = money("paid_amount", _("지급액"))

    @admin.action(description=_("미지급액 전액 입금 기록 (계좌이체 확인)"))
    def record_full_payment(self, request, queryset):
        done = 0
        for delivery in queryset.filter(status=DeliveryStatus.ACCEPTED):
            try:
                services.delivery_payment_record(
                    delivery=delivery, actor=request.user, reference="관리자 입금 확인"
                )
                done += 1
            except (DomainError, DomainErrors) as exc:
                _report(request, exc)
        messages.success(request, f"{done}건의 입금을 기록했습니다.")


@admin.register(PurchasingEvent)
class PurchasingEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "agency", "type", "actor", "message")
    list_filter = ("type", "agency")
    search_fields = ("message", "request__number", "quote__number")
    list_select_related = ("agency", "actor")
    date_hierarchy = "created_at"
