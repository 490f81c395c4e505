"""Admin: the organization registry, certifications, and the registry overview with charts.

Certification validity is never stored: the changelist computes it per organization with
SQL (``vendors.programs.cert_status_expression``) at today's date in Asia/Seoul, so the
filter, the badge and the overview always agree and never go stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.media import private_url
from core.uploads import DOCUMENT_KINDS, UploadCheckedAdminMixin
from vendors.admin.programs import _digits_search
from vendors.districts import DISTRICTS
from vendors.models import Certification, Organization, Participation, Program, Vendor
from vendors.programs import CertStatus, cert_status_expression, registry_overview, seoul_today

BADGE_COLORS = {
    CertStatus.VALID: ("#e6f4ea", "#1e6b34"),
    CertStatus.UNVERIFIED: ("#fff4d6", "#7a5a00"),
    CertStatus.EXPIRED: ("#f1f1f1", "#555"),
    CertStatus.REVOKED: ("#fde8e8", "#a11d1d"),
    CertStatus.NOT_YET: ("#e8f0fe", "#1a4d99"),
    CertStatus.NONE: ("#f1f1f1", "#777"),
}


def _badge(status: str, label: str | None = None):
    bg, fg = BADGE_COLORS.get(status, ("#f1f1f1", "#555"))
    return format_html(
        '<span class="nuri-badge" data-status="{}" style="background:{};color:{};'
        'padding:2px 8px;border-radius:10px;font-size:11px;white-space:nowrap">{}</span>',
        status,
        bg,
        fg,
        label or CertStatus.labels.get(status, status),
    )


# --- filters -----------------------------------------------------------------------------


def _outside_seoul_q() -> Q:
    return Q(district="") & ~Q(province="") & ~Q(province__startswith="서울")


class DistrictFilter(admin.SimpleListFilter):
    title = _("자치구")
    parameter_name = "district"
    OUTSIDE = "outside"
    UNKNOWN = "unknown"

    def lookups(self, request, model_admin):
        return [
            *DISTRICTS.items(),
            (self.OUTSIDE, "서울 외 지역"),
            (self.UNKNOWN, "자치구 미지정"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == self.OUTSIDE:
            return queryset.filter(_outside_seoul_q())
        if value == self.UNKNOWN:
            return queryset.filter(district="").exclude(_outside_seoul_q())
        return queryset.filter(district=value)


class CertValidityFilter(admin.SimpleListFilter):
    """인증 유효성 today (Asia/Seoul), computed with SQL, not stored."""

    title = _("인증 유효성")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return CertStatus.choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if "cert_status" not in queryset.query.annotations:
            queryset = queryset.annotate(cert_status=cert_status_expression(seoul_today()))
        return queryset.filter(cert_status=value)


class OrganizationProgramFilter(admin.SimpleListFilter):
    title = _("참여 사업")
    parameter_name = "program"

    def lookups(self, request, model_admin):
        return list(Program.objects.order_by("id").values_list("code", "name"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        took_part = Participation.objects.filter(
            organization=OuterRef("pk"), cycle__program__code=self.value()
        )
        return queryset.filter(Exists(took_part))


# --- inlines -------------------------------------------------------------------------------


class CertificationInlineForm(forms.ModelForm):
    mark_verified = forms.BooleanField(
        label=_("확인 처리"),
        required=False,
        help_text=_("체크하면 지금 로그인한 직원이 확인한 것으로 기록합니다."),
    )

    class Meta:
        model = Certification
        fields = (
            "kind",
            "number",
            "issuer",
            "valid_from",
            "valid_until",
            "revoked_on",
            "document",
        )


class CertificationInline(UploadCheckedAdminMixin, admin.StackedInline):
    model = Certification
    upload_fields = {"document": (DOCUMENT_KINDS, "증빙 서류")}
    private_upload_fields = ("document",)
    form = CertificationInlineForm
    extra = 0
    fields = (
        ("kind", "number", "issuer"),
        ("valid_from", "valid_until", "revoked_on"),
        "document",
        ("verified_by", "verified_at", "mark_verified"),
    )
    readonly_fields = ("verified_by", "verified_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("verified_by")


class ParticipationReadonlyInline(admin.TabularInline):
    """The organization's programs; edited on the participation page (status rules)."""

    model = Participation
    fields = ("cycle", "status", "amount_granted")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("참여 사업")
    verbose_name_plural = _("참여 사업")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cycle__program")


# --- charts ---------------------------------------------------------------------------------


@dataclass
class ChartBar:
    key: str
    label: str
    count: int
    count_display: str
    y: int
    text_y: int
    width: int
    value_x: int
    share: str = ""
    href: str = ""


@dataclass
class BarChart:
    title: str
    width: int
    height: int
    label_x: int
    bar_x: int
    bar_height: int
    color: str
    bars: list[ChartBar]
    gridlines: list[dict]


def bar_chart(
    title: str,
    buckets,
    *,
    color: str = "#417690",
    width: int = 600,
    label_width: int = 170,
    row: int = 26,
    href=None,
) -> BarChart:
    """Geometry of a horizontal bar chart (rendered as inline SVG by the template).

    ``buckets`` are objects with ``key``, ``label`` and ``count``; ``href(bucket)`` may give
    a link for each bar (e.g. the changelist filtered on it).
    """
    top, bottom, value_room = 8, 24, 56
    bar_x = label_width + 10
    span = width - bar_x - value_room
    peak = max((b.count for b in buckets), default=0) or 1
    total = sum(b.count for b in buckets)
    bars = []
    for i, b in enumerate(buckets):
        y = top + i * row
        w = round(span * b.count / peak)
        bars.append(
            ChartBar(
                key=b.key,
                label=b.label,
                count=b.count,
                count_display=f"{b.count:,}",
                y=y + 4,
                text_y=y + row // 2 + 5,
                width=w,
                value_x=bar_x + w + 6,
                share=f"{b.count * 100 / total:.1f}%" if total else "—",
                href=href(b) if href else "",
            )
        )
    height = top + len(bars) * row + bottom
    step = _nice_step(peak)
    gridlines = []
    v = 0
    while v <= peak:
        x = bar_x + round(span * v / peak)
        gridlines.append({"x": x, "label": f"{v:,}", "y2": height - bottom})
        v += step
    return BarChart(
        title=title,
        width=width,
        height=height,
        label_x=label_width,
        bar_x=bar_x,
        bar_height=row - 8,
        color=color,
        bars=bars,
        gridlines=gridlines,
    )


def _nice_step(peak: int) -> int:
    """A round gridline step giving about four to eight lines."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 8:
            return step
    return max(peak // 5, 1)


# --- admins ---------------------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    change_list_template = "admin/vendors/organization/change_list.html"
    list_display = (
        "name",
        "org_type",
        "district_col",
        "brn_col",
        "cert_col",
        "vendor_col",
    )
    list_filter = (
        "org_type",
        DistrictFilter,
        CertValidityFilter,
        OrganizationProgramFilter,
    )
    search_fields = ("name", "representative", "brn")
    readonly_fields = ("created_at", "updated_at")
    inlines = [CertificationInline, ParticipationReadonlyInline]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "org_type", "description")}),
        (
            _("등록 정보"),
            {"fields": ("brn", "crn", "representative", "business_category", "business_item")},
        ),
        (
            _("연락처·소재지"),
            {
                "fields": (
                    "phone",
                    "email",
                    "homepage",
                    "postcode",
                    "address",
                    "district",
                    "province",
                )
            },
        ),
        (_("기록"), {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                cert_status=cert_status_expression(seoul_today()),
                has_vendor=Exists(Vendor.objects.filter(organization=OuterRef("pk"))),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        return _digits_search(self, request, queryset, search_term, "brn")

    @admin.display(description=_("자치구"), ordering="district")
    def district_col(self, obj):
        if obj.district:
            return obj.district_name
        return obj.province if obj.province and not obj.province.startswith("서울") else "—"

    @admin.display(description=_("사업자등록번호"), ordering="brn")
    def brn_col(self, obj):
        return obj.brn_display or "—"

    @admin.display(description=_("인증 유효성"), ordering="cert_status")
    def cert_col(self, obj):
        return _badge(obj.cert_status)

    @admin.display(description=_("입점"), boolean=True, ordering="has_vendor")
    def vendor_col(self, obj):
        return obj.has_vendor

    def save_formset(self, request, form, formset, change):
        if formset.model is not Certification:
            return super().save_formset(request, form, formset, change)
        # "확인 처리" ticked in the inline: record who verified, and when.
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for f in formset.forms:
            data = getattr(f, "cleaned_data", None) or {}
            if data.get("mark_verified") and not data.get("DELETE") and not f.instance.verified_at:
                f.instance.verified_by = request.user
                f.instance.verified_at = timezone.now()
                if f.instance not in instances:
                    instances.append(f.instance)
        for obj in instances:
            obj.save()
        formset.save_m2m()
        return None

    # The overview page: /admin/vendors/organization/overview/

    def get_urls(self):
        urls = super().get_urls()
        custom = [
            path(
                "overview/",
                self.admin_site.admin_view(self.overview_view),
                name="vendors_organization_overview",
            )
        ]
        return custom + urls

    def overview_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = registry_overview()
        changelist = reverse("admin:vendors_organization_changelist")

        def link(**params):
            return f"{changelist}?{urlencode(params)}"

        district_buckets = list(data.by_district)
        district_buckets.append(_Extra("outside", "서울 외 지역", data.outside_seoul))
        if data.district_unknown:
            district_buckets.append(_Extra("unknown", "자치구 미지정", data.district_unknown))
        sections = [
            {
                "id": "by-type",
                "heading": "조직 유형별",
                "chart": bar_chart(
                    "조직 유형별 조직 수",
                    data.by_type,
                    color="#417690",
                    href=lambda b: link(org_type__exact=b.key),
                ),
                "show_share": True,
            },
            {
                "id": "by-district",
                "heading": "자치구별",
                "chart": bar_chart(
                    "자치구별 조직 수",
                    district_buckets,
                    color="#2f8f5b",
                    href=lambda b: link(district=b.key),
                ),
                "show_share": True,
            },
            {
                "id": "by-validity",
                "heading": f"인증 유효성 ({data.on:%Y-%m-%d} 기준)",
                "chart": bar_chart(
                    "인증 유효성별 조직 수",
                    data.by_validity,
                    color="#b7791f",
                    href=lambda b: link(validity=b.key),
                ),
                "show_share": True,
                "note": "유효: 오늘(서울 시간) 유효하고 센터가 확인한 인증이 있는 조직. "
                "미확인: 유효하지만 서류 확인 전. 취소·만료·시작 전: 유효한 인증이 없는 조직.",
            },
            {
                "id": "by-program",
                "heading": "사업별 참여 조직",
                "chart": bar_chart(
                    "사업별 참여 조직 수",
                    data.by_program,
                    color="#7b4fa0",
                    label_width=300,
                    width=820,
                    href=lambda b: link(program=b.key),
                ),
                "show_share": False,
                "records": data.participations_by_program,
                "note": "한 조직이 여러 사업에 참여할 수 있어 합계가 전체 조직 수와 다릅니다.",
            },
        ]
        for section in sections:
            records = section.get("records")
            if records is not None:
                for bar in section["chart"].bars:
                    bar.share = f"{records.get(bar.key, 0):,}건"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "등록부 현황",
            "overview": data,
            "sections": sections,
            "changelist_url": changelist,
        }
        return TemplateResponse(request, "admin/vendors/organization_overview.html", context)


@dataclass
class _Extra:
    key: str
    label: str
    count: int


class CertificationValidityFilter(admin.SimpleListFilter):
    title = _("유효성")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            (CertStatus.VALID, "유효"),
            (CertStatus.EXPIRED, "만료"),
            (CertStatus.REVOKED, "취소"),
            (CertStatus.NOT_YET, "시작 전"),
        ]

    def queryset(self, request, queryset):
        on = seoul_today()
        not_revoked = Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
        match self.value():
            case CertStatus.VALID:
                return queryset.filter(
                    not_revoked,
                    Q(valid_until__isnull=True) | Q(valid_until__gte=on),
                    valid_from__lte=on,
                )
            case CertStatus.EXPIRED:
                return queryset.filter(not_revoked, valid_until__lt=on)
            case CertStatus.REVOKED:
                return queryset.filter(revoked_on__lte=on)
            case CertStatus.NOT_YET:
                return queryset.filter(not_revoked, valid_from__gt=on)
        return queryset


class VerifiedFilter(admin.SimpleListFilter):
    title = _("확인 여부")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", "확인됨"), ("no", "미확인")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(verified_at__isnull=True)
        return queryset


@admin.register(Certification)
class CertificationAdmin(UploadCheckedAdminMixin, admin.ModelAdmin):
    upload_fields = {"document": (DOCUMENT_KINDS, "증빙 서류")}
    private_upload_fields = ("document",)
    list_display = (
        "organization",
        "kind",
        "number",
        "valid_from",
        "valid_until",
        "revoked_on",
        "validity_col",
        "verified_col",
        "verified_by",
        "document_col",
    )
    list_filter = ("kind", CertificationValidityFilter, VerifiedFilter)
    list_select_related = ("organization", "verified_by")
    search_fields = ("organization__name", "organization__brn", "number")
    autocomplete_fields = ("organization",)
    readonly_fields = ("verified_by", "verified_at", "created_at")
    actions = ["mark_verified"]
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        return _digits_search(self, request, queryset, search_term, "organization__brn")

    @admin.display(description=_("유효성"))
    def validity_col(self, obj):
        on = seoul_today()
        if obj.is_valid_on(on):
            return _badge(CertStatus.VALID)
        if obj.revoked_on is not None and obj.revoked_on <= on:
            return _badge(CertStatus.REVOKED)
        if obj.valid_until is not None and obj.valid_until < on:
            return _badge(CertStatus.EXPIRED)
        return _badge(CertStatus.NOT_YET)

    @admin.display(description=_("확인"), boolean=True, ordering="verified_at")
    def verified_col(self, obj):
        return obj.verified_at is not None

    @admin.display(description=_("증빙 서류"))
    def document_col(self, obj):
        if not obj.document:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">보기</a>', private_url(obj.document.name)
        )

    @admin.action(description=_("확인 처리"))
    def mark_verified(self, request, queryset):
        pending = queryset.filter(verified_at__isnull=True)
        count = pending.update(verified_by=request.user, verified_at=timezone.now())
        skipped = queryset.count() - count
        message = f"{count}건을 확인 처리했습니다."
        if skipped:
            message += f" ({skipped}건은 이미 확인된 인증입니다.)"
        self.message_user(request, message)
