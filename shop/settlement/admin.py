"""Admin: settlement statements (정산서) for centre staff.

Statements are computed, never typed in: the pages are read-only, "다시 계산" regenerates the
selected statements from the orders, "월 정산 실행" (a button above the list) generates a
month for every vendor with activity, and "지급 목록 CSV" exports the selected statements
with the vendors' (masked) bank accounts for the transfer.
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.money import format_krw
from shop.settlement import services
from shop.settlement.models import SettlementStatement
from shop.settlement.tasks import settlement_run_month_task


def _money(field: str, label: str):
    def show(_admin, obj):
        return format_krw(getattr(obj, field))

    show.short_description = label
    show.admin_order_field = field
    return show


class PeriodMonthFilter(admin.SimpleListFilter):
    """Monthly periods present in the table, newest first (plus "월 단위가 아닌 기간")."""

    title = _("정산 월")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = (
            SettlementStatement.objects.order_by("-period_start")
            .values_list("period_start", flat=True)
            .distinct()[:36]
        )
        seen = []
        for start in months:
            key = f"{start:%Y-%m}"
            if key not in seen:
                seen.append(key)
        return [(k, k) for k in seen]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            year, month = (int(p) for p in value.split("-"))
            start, end = services.month_period(year, month)
        except (ValueError, TypeError, DomainError):
            return queryset.none()
        return queryset.filter(period_start=start, period_end=end)


@admin.register(SettlementStatement)
class SettlementStatementAdmin(admin.ModelAdmin):
    list_display = (
        "vendor",
        "period",
        "gross_display",
        "shipping_display",
        "refunds_display",
        "rate_display",
        "commission_display",
        "payout_display",
        "order_count",
        "generated_at",
    )
    list_filter = (PeriodMonthFilter, "period_start", "vendor")
    list_select_related = ("vendor",)
    search_fields = ("vendor__store_name", "vendor__slug", "vendor__organization__brn")
    date_hierarchy = "period_start"
    ordering = ("-period_start", "vendor__store_name")
    actions = ("regenerate", "export_payouts")
    list_per_page = 100
    readonly_fields = (
        "vendor",
        "period_start",
        "period_end",
        "gross_display",
        "shipping_display",
        "refunds_display",
        "rate_display",
        "commission_display",
        "payout_display",
        "order_count",
        "generated_at",
        "dashboard_links",
    )
    fields = readonly_fields

    gross_display = _money("gross_sales", _("총 판매액"))
    shipping_display = _money("shipping", _("배송비"))
    refunds_display = _money("refunds", _("환불액"))
    commission_display = _money("commission", _("수수료"))
    payout_display = _money("payout", _("지급액"))

    @admin.display(description=_("기간"), ordering="period_start")
    def period(self, obj):
        if services.is_month(obj.period_start, obj.period_end):
            return f"{obj.period_start:%Y-%m}"
        return f"{obj.period_start:%Y-%m-%d} ~ {obj.period_end:%Y-%m-%d}"

    @admin.display(description=_("수수료율"), ordering="commission_rate")
    def rate_display(self, obj):
        return f"{obj.commission_rate * 100:.2f}%"

    @admin.display(description=_("판매자 화면"))
    def dashboard_links(self, obj):
        try:
            detail = reverse("dashboard:settlement_detail", args=[obj.vendor.slug, obj.pk])
            csv_url = reverse("dashboard:settlement_csv", args=[obj.vendor.slug, obj.pk])
        except NoReverseMatch:  # the dashboard's settlement pages are not wired
            return "—"
        return format_html(
            '<a href="{}">정산서 보기</a> · <a href="{}">CSV (주문·환불 내역)</a>', detail, csv_url
        )

    # --- read-only ----------------------------------------------------------------------------

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- actions ------------------------------------------------------------------------------

    @admin.action(description=_("다시 계산"), permissions=["view"])
    def regenerate(self, request, queryset):
        if not request.user.is_staff:
            raise PermissionDenied
        count = 0
        for st in queryset.select_related("vendor").order_by("pk"):
            services.settlement_generate(
                vendor=st.vendor, period_start=st.period_start, period_end=st.period_end
            )
            count += 1
        self.message_user(
            request, f"정산서 {count}건을 주문 자료로 다시 계산했습니다.", messages.SUCCESS
        )

    @admin.action(description=_("지급 목록 CSV"), permissions=["view"])
    def export_payouts(self, request, queryset):
        out = io.StringIO()
        out.write(services.CSV_BOM)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [
                "판매처",
                "사업자등록번호",
                "정산 시작",
                "정산 종료",
                "총 판매액",
                "배송비",
                "환불액",
                "수수료율(%)",
                "수수료",
                "지급액",
                "주문 수",
                "은행",
                "예금주",
                "계좌(끝자리)",
            ]
        )
        rows = queryset.select_related("vendor__organization").order_by(
            "period_start", "vendor__store_name"
        )
        for st in rows:
            v = st.vendor
            writer.writerow(
                [
                    v.store_name,
                    v.organization.brn or "",
                    st.period_start.isoformat(),
                    st.period_end.isoformat(),
                    st.gross_sales,
                    st.shipping,
                    st.refunds,
                    f"{st.commission_rate * 100:.2f}",
                    st.commission,
                    st.payout,
                    st.order_count,
                    v.bank_name,
                    v.bank_account_holder,
                    v.bank_account_masked,
                ]
            )
        response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv")
        name = f"지급목록_{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    # --- the "월 정산 실행" page: /admin/shop/settlementstatement/run-month/ --------------------

    def get_urls(self):
        custom = [
            path(
                "run-month/",
                self.admin_site.admin_view(self.run_month_view),
                name="shop_settlementstatement_run_month",
            )
        ]
        return custom + super().get_urls()

    def run_month_view(self, request):
        if not (request.user.is_staff and self.has_view_permission(request)):
            raise PermissionDenied
        year, month = services.previous_month()
        form = RunMonthForm(request.POST or None, initial={"year": year, "month": month})
        if request.method == "POST" and form.is_valid():
            y, m = form.cleaned_data["year"], form.cleaned_data["month"]
            settlement_run_month_task.delay(y, m)
            self.message_user(
                request,
                f"{y}년 {m}월 정산을 실행했습니다 (활동이 있는 모든 판매처). "
                "작업자가 처리하는 동안 잠시 뒤 목록을 새로 고치세요.",
                messages.SUCCESS,
            )
            url = reverse("admin:shop_settlementstatement_changelist")
            return HttpResponseRedirect(f"{url}?month={y:04d}-{m:02d}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("월 정산 실행"),
            "form": form,
        }
        return TemplateResponse(request, "admin/shop/settlementstatement/run_month.html", context)


class RunMonthForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=2014, max_value=2100)
    month = forms.IntegerField(label=_("월"), min_value=1, max_value=12)

    def clean(self):
        data = super().clean()
        y, m = data.get("year"), data.get("month")
        if y and m:
            today = timezone.localdate()
            if (y, m) > (today.year, today.month):
                raise forms.ValidationError(_("아직 오지 않은 달은 정산할 수 없습니다."))
        return data
