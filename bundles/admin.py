"""Admin: bundles (with their components; price, vendor shares and availability shown,
never stored) and office subscriptions (with their runs, read-only).

Staff curate bundles here; vendors use the API (``bundleCreate``/``bundleUpdate``), whose
service checks they only use their own products. Subscriptions change through
``bundles.subscriptions`` (actions: run due periods now, pause, resume, cancel).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from bundles import subscriptions
from bundles.models import Bundle, BundleComponent, Subscription, SubscriptionRun
from bundles.pricing import bundle_availability, bundle_price, bundle_vendor_shares
from bundles.selectors import components_prefetch
from bundles.services import BUNDLE_IMAGE_KINDS
from core.errors import DomainError, DomainErrors, as_error_list
from core.money import format_krw
from core.uploads import UploadCheckedAdminMixin


class BundleComponentInline(admin.TabularInline):
    model = BundleComponent
    extra = 1
    raw_id_fields = ("variant",)
    fields = ("variant", "quantity", "note", "sort_order")
    ordering = ("sort_order", "id")


@admin.register(Bundle)
class BundleAdmin(UploadCheckedAdminMixin, admin.ModelAdmin):
    upload_fields = {"image": (BUNDLE_IMAGE_KINDS, "이미지")}
    list_display = (
        "name",
        "occasion",
        "serves",
        "price_display",
        "availability_display",
        "curator_vendor",
        "is_published",
        "created_at",
    )
    list_filter = ("is_published", "occasion", "price_rule", "curator_vendor")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [BundleComponentInline]
    readonly_fields = (
        "price_display",
        "vendor_shares_display",
        "availability_display",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "occasion", "serves", "image")}),
        (
            _("가격"),
            {
                "fields": (
                    "price_rule",
                    "discount_amount",
                    "discount_percent",
                    "fixed_price",
                    "price_display",
                    "vendor_shares_display",
                )
            },
        ),
        (
            _("공개와 재고"),
            {"fields": ("is_published", "curator_vendor", "availability_display")},
        ),
        (_("기록"), {"fields": ("created_by", "created_at", "updated_at")}),
    )
    actions = ("publish", "unpublish")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("curator_vendor")
            .prefetch_related(components_prefetch())
        )

    @admin.display(description=_("가격"))
    def price_display(self, obj):
        if obj.pk is None:
            return "-"
        price = bundle_price(obj)
        if price.discount:
            return (
                f"{format_krw(price.price)} (합계 {format_krw(price.undiscounted)}, "
                f"할인 {format_krw(price.discount)})"
            )
        return format_krw(price.price)

    @admin.display(description=_("판매처별 몫"))
    def vendor_shares_display(self, obj):
        if obj.pk is None:
            return "-"
        return format_html(
            "<ul style='margin:0;padding-left:1rem'>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                ((s.vendor.store_name, format_krw(s.amount)) for s in bundle_vendor_shares(obj)),
            ),
        )

    @admin.display(description=_("지금 만들 수 있는 수"))
    def availability_display(self, obj):
        if obj.pk is None:
            return "-"
        availability = bundle_availability(obj)
        if availability.available:
            return f"{availability.count}개"
        return f"0개 ({', '.join(availability.reasons)})"

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("공개"))
    def publish(self, request, queryset):
        queryset.update(is_published=True)

    @admin.action(description=_("비공개"))
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)


class SubscriptionRunInline(admin.TabularInline):
    model = SubscriptionRun
    extra = 0
    fields = ("period_date", "status", "order", "message", "created_at")
    readonly_fields = fields
    ordering = ("-period_date",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = (
        "bundle",
        "user",
        "quantity",
        "frequency",
        "status",
        "next_delivery_on",
        "gateway",
    )
    list_filter = ("status", "frequency", "gateway")
    search_fields = ("user__email", "email", "recipient_name", "bundle__name")
    date_hierarchy = "next_delivery_on"
    list_select_related = ("bundle", "user")
    raw_id_fields = ("user", "bundle")
    readonly_fields = ("token", "status", "created_at", "updated_at")
    inlines = [SubscriptionRunInline]
    actions = ("run_now", "pause", "resume", "cancel")

    def _each(self, request, queryset, function, done: str):
        ok = 0
        for subscription in queryset:
            try:
                function(subscription=subscription, actor=request.user)
                ok += 1
            except (DomainError, DomainErrors) as exc:
                for err in as_error_list(exc):
                    self.message_user(request, f"{subscription}: {err.message}", messages.ERROR)
        if ok:
            self.message_user(request, f"{ok}건 {done}")

    @admin.action(description=_("지금 배송일이 된 주문 만들기"))
    def run_now(self, request, queryset):
        runs = [r for s in queryset if (r := subscriptions.subscription_run_period(s)) is not None]
        self.message_user(request, f"{len(runs)}건 처리했습니다.")

    @admin.action(description=_("일시 중지"))
    def pause(self, request, queryset):
        self._each(request, queryset, subscriptions.subscription_pause, "일시 중지했습니다.")

    @admin.action(description=_("다시 시작"))
    def resume(self, request, queryset):
        self._each(request, queryset, subscriptions.subscription_resume, "다시 시작했습니다.")

    @admin.action(description=_("해지"))
    def cancel(self, request, queryset):
        self._each(request, queryset, subscriptions.subscription_cancel, "해지했습니다.")
