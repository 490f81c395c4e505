"""Admin: vendor applications (review), vendors (staff, masked settlement account), vendor staff.

Review goes through ``vendors.onboarding``: the change page of an application has buttons for
approve / reject / ask for changes, each with an intermediate form (reason, note, commission and
settlement account); the list has the same three as bulk actions. Domain errors such as
``NOT_ELIGIBLE`` come back as Korean admin messages.
"""

from __future__ import annotations

import os
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.errors import DomainError, DomainErrors, as_error_list
from core.uploads import UploadCheckedAdminMixin
from vendors import onboarding
from vendors.banking import bank_account_normalize, vendor_set_bank_account
from vendors.eligibility import organization_can_sell
from vendors.identifiers import brn_normalize
from vendors.models import (
    ApplicationStatus,
    Vendor,
    VendorApplication,
    VendorApplicationEvent,
    VendorStaff,
)

REVIEW_TEMPLATE = "vendors/onboarding/admin/review_form.html"

# --- Review forms ---------------------------------------------------------------------------


class AccountNumberInput(forms.TextInput):
    """A bank account number is typed in clear but never sent back: a form shown again after
    a mistake leaves it empty (pages show only the masked ``****1234``)."""

    def format_value(self, value):
        return None


class ApproveForm(forms.Form):
    commission_rate = forms.DecimalField(
        label="수수료율",
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("0.9999"),
        help_text="소수로 입력합니다. 0.08 = 8%",
    )
    shipping_base_fee = forms.IntegerField(label="기본 배송비(원)", min_value=0, initial=3000)
    shipping_free_over = forms.IntegerField(
        label="무료 배송 기준 금액(원)",
        min_value=0,
        required=False,
        initial=50000,
        help_text="비워 두면 무료 배송이 없습니다.",
    )
    bank_name = forms.CharField(label="정산 은행", max_length=50, required=False)
    bank_account_holder = forms.CharField(label="예금주", max_length=100, required=False)
    bank_account_number = forms.CharField(
        label="계좌번호",
        max_length=40,
        required=False,
        help_text=(
            "암호화되어 저장되고 끝 4자리만 표시됩니다. 나중에 입점 기업 화면에서 넣어도 됩니다."
        ),
        widget=AccountNumberInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(
        label="심사 의견 (신청자에게 보임)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commission_rate"].initial = Decimal(str(settings.DEFAULT_COMMISSION_RATE))

    def clean(self):
        data = super().clean()
        if data.get("bank_account_number") and not data.get("bank_name"):
            self.add_error("bank_name", "계좌번호를 넣으려면 정산 은행을 입력하세요.")
        return data

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="반려 사유 (신청자에게 보임)",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        error_messages={"required": "반려 사유를 입력하세요."},
    )


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label="보완 요청 내용 (신청자에게 보임)",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        error_messages={"required": "보완 요청 내용을 입력하세요."},
    )


REVIEWS = {
    # name: (form, service, title, submit label, success message)
    "approve": (
        ApproveForm,
        onboarding.application_approve,
        "입점 승인",
        "승인하고 입점 기업 만들기",
        "'{store}' 입점을 승인했습니다.",
    ),
    "reject": (
        RejectForm,
        onboarding.application_reject,
        "입점 반려",
        "반려하기",
        "'{store}' 신청을 반려했습니다.",
    ),
    "request_changes": (
        RequestChangesForm,
        onboarding.application_request_changes,
        "보완 요청",
        "보완 요청 보내기",
        "'{store}' 신청에 보완을 요청했습니다.",
    ),
}


def _domain_messages(exc: DomainError | DomainErrors) -> list[str]:
    return [str(e.message) for e in as_error_list(exc)]


# --- Vendor applications ----------------------------------------------------------------------


class VendorApplicationEventInline(admin.TabularInline):
    model = VendorApplicationEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "type", "actor", "message")
    readonly_fields = fields
    verbose_name = "처리 이력"
    verbose_name_plural = "처리 이력"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VendorApplication)
class VendorApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "store_name",
        "organization",
        "brn",
        "org_type",
        "applicant",
        "status_badge",
        "created_at",
        "reviewed_at",
    )
    list_filter = ("status", "organization__org_type", "created_at")
    search_fields = ("store_name", "organization__name", "organization__brn", "applicant__email")
    list_select_related = ("organization", "applicant")
    date_hierarchy = "created_at"
    inlines = [VendorApplicationEventInline]
    actions = ["approve_selected", "reject_selected", "request_changes_selected"]
    change_form_template = "vendors/onboarding/admin/application_change_form.html"
    fieldsets = (
        ("신청", {"fields": ("status_badge", "applicant", "contact_phone", "created_at")}),
        ("조직", {"fields": ("organization", "brn", "org_type", "eligibility_now")}),
        ("상점", {"fields": ("store_name", "slug", "description", "mission")}),
        ("인증·증빙 서류", {"fields": ("certification_summary", "document_link")}),
        ("심사", {"fields": ("review_note", "reviewed_by", "reviewed_at", "vendor")}),
    )
    readonly_fields = (
        "status_badge",
        "applicant",
        "contact_phone",
        "created_at",
        "organization",
        "brn",
        "org_type",
        "eligibility_now",
        "store_name",
        "slug",
        "description",
        "mission",
        "certification_summary",
        "document_link",
        "review_note",
        "reviewed_by",
        "reviewed_at",
        "vendor",
    )

    # -- display ----------------------------------------------------------------------------

    @admin.display(description="사업자등록번호", ordering="organization__brn")
    def brn(self, obj):
        return obj.organization.brn_display

    @admin.display(description="조직 유형", ordering="organization__org_type")
    def org_type(self, obj):
        return obj.organization.get_org_type_display()

    @admin.display(description="상태", ordering="status")
    def status_badge(self, obj):
        colors = {
            ApplicationStatus.SUBMITTED: "#8a5300",
            ApplicationStatus.CHANGES_REQUESTED: "#8a5300",
            ApplicationStatus.APPROVED: "#1f7a4d",
            ApplicationStatus.REJECTED: "#b3261e",
        }
        return format_html(
            '<strong style="color:{}">{}</strong>', colors[obj.status], obj.get_status_display()
        )

    @admin.display(description="현재 입점 요건")
    def eligibility_now(self, obj):
        verdict = organization_can_sell(obj.organization, on=timezone.localdate())
        color = "#1f7a4d" if verdict.eligible else "#b3261e"
        label = "충족" if verdict.eligible else "미충족"
        return format_html(
            '<strong style="color:{}">{}</strong> · {}', color, label, verdict.message
        )

    @admin.display(description="신청 인증")
    def certification_summary(self, obj):
        c = obj.certification
        if c is None:
            return "없음 (등록부의 인증으로 심사)"
        until = c.valid_until.isoformat() if c.valid_until else "기한 없음"
        verified = (
            f"확인 {c.verified_at:%Y-%m-%d} ({c.verified_by})" if c.verified_at else "확인 전"
        )
        parts = [f"{c.get_kind_display()} {c.number}", c.issuer, f"{c.valid_from} ~ {until}"]
        return " · ".join([p for p in parts if p] + [verified])

    @admin.display(description="증빙 서류")
    def document_link(self, obj):
        c = obj.certification
        if c is None or not c.document:
            return "-"
        url = reverse("admin:vendors_vendorapplication_document", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank">{}</a>', url, os.path.basename(c.document.name)
        )

    # -- permissions: applications come from applicants; the trail is kept -----------------

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # -- search: 사업자등록번호 with or without hyphens ----------------------------------------

    def get_search_results(self, request, queryset, search_term):
        qs, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip()
        digits = term.replace("-", "").replace(" ", "")
        if term and digits.isdigit() and digits != term:
            try:
                qs |= queryset.filter(organization__brn=brn_normalize(term))
            except DomainError:
                qs |= queryset.filter(organization__brn__startswith=digits)
        return qs, may_have_duplicates

    # -- review pages -----------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path(
                "<path:object_id>/review/<str:action>/",
                wrap(self.review_view),
                name="vendors_vendorapplication_review",
            ),
            path(
                "<path:object_id>/document/",
                wrap(self.document_view),
                name="vendors_vendorapplication_document",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["review_actions"] = self._available_reviews(obj)
        extra_context.update(show_save=False, show_save_and_continue=False)
        extra_context.update(show_save_and_add_another=False, show_delete=False)
        return super().change_view(request, object_id, form_url, extra_context)

    def _available_reviews(self, obj) -> list[tuple[str, str, str]]:
        allowed = {
            ApplicationStatus.SUBMITTED: ["approve", "request_changes", "reject"],
            ApplicationStatus.CHANGES_REQUESTED: ["reject"],
        }.get(obj.status, [])
        return [
            (
                name,
                REVIEWS[name][2],
                reverse("admin:vendors_vendorapplication_review", args=[obj.pk, name]),
            )
            for name in allowed
        ]

    def review_view(self, request, object_id, action):
        if action not in REVIEWS:
            raise Http404
        if not self.has_change_permission(request):
            raise PermissionDenied
        application = get_object_or_404(
            VendorApplication.objects.select_related("organization", "applicant", "certification"),
            pk=object_id,
        )
        form_class, service, title, submit_label, done = REVIEWS[action]
        form = form_class(request.POST or None)
        change_url = reverse("admin:vendors_vendorapplication_change", args=[application.pk])
        if request.method == "POST" and form.is_valid():
            kwargs = form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data
            try:
                service(application=application, actor=request.user, **kwargs)
            except (DomainError, DomainErrors) as exc:
                for err in as_error_list(exc):
                    messages.error(request, str(err.message))
            else:
                self.message_user(
                    request, done.format(store=application.store_name), messages.SUCCESS
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{title}: {application.store_name}",
            "application": application,
            "form": form,
            "submit_label": submit_label,
            "action": action,
            "change_url": change_url,
            "eligibility": organization_can_sell(application.organization, on=timezone.localdate()),
        }
        return TemplateResponse(request, REVIEW_TEMPLATE, context)

    def document_view(self, request, object_id):
        """Serve the certification document to staff only (it is not public media)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = get_object_or_404(
            VendorApplication.objects.select_related("certification"), pk=object_id
        )
        cert = application.certification
        if cert is None or not cert.document:
            raise Http404
        return FileResponse(cert.document.open("rb"), filename=os.path.basename(cert.document.name))

    # -- bulk actions -----------------------------------------------------------------------

    def _run_bulk(self, request, queryset, service, done: str, **kwargs) -> None:
        ok, failed = 0, 0
        for application in queryset.select_related("organization"):
            try:
                service(application=application, actor=request.user, **kwargs)
            except (DomainError, DomainErrors) as exc:
                failed += 1
                for msg in _domain_messages(exc):
                    self.message_user(request, f"{application.store_name}: {msg}", messages.ERROR)
            else:
                ok += 1
        if ok:
            self.message_user(request, done.format(n=ok), messages.SUCCESS)

    def _bulk_with_form(self, request, queryset, form_class, service, title, done):
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                self._run_bulk(request, queryset, service, done, **form.cleaned_data)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "queryset": queryset,
            "action_name": request.POST.get("action"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "vendors/onboarding/admin/bulk_form.html", context)

    @admin.action(description="선택한 신청 승인 (기본 수수료율)")
    def approve_selected(self, request, queryset):
        self._run_bulk(
            request, queryset, onboarding.application_approve, "{n}건의 입점을 승인했습니다."
        )

    @admin.action(description="선택한 신청 반려 (사유 입력)")
    def reject_selected(self, request, queryset):
        return self._bulk_with_form(
            request,
            queryset,
            RejectForm,
            onboarding.application_reject,
            "선택한 신청 반려",
            "{n}건의 신청을 반려했습니다.",
        )

    @admin.action(description="선택한 신청 보완 요청 (내용 입력)")
    def request_changes_selected(self, request, queryset):
        return self._bulk_with_form(
            request,
            queryset,
            RequestChangesForm,
            onboarding.application_request_changes,
            "선택한 신청 보완 요청",
            "{n}건의 신청에 보완을 요청했습니다.",
        )


# --- Vendors -----------------------------------------------------------------------------------


class VendorAdminForm(forms.ModelForm):
    new_bank_account_number = forms.CharField(
        label="새 계좌번호",
        required=False,
        max_length=40,
        help_text="입력하면 정산 계좌번호를 바꿉니다. 암호화되어 저장되고 끝 4자리만 표시됩니다.",
        widget=AccountNumberInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Vendor
        fields = (
            "organization",
            "store_name",
            "slug",
            "is_active",
            "description",
            "mission",
            "logo",
            "shipping_base_fee",
            "shipping_free_over",
            "shipping_jeju_extra",
            "shipping_remote_extra",
            "commission_rate",
            "bank_name",
            "bank_account_holder",
        )

    def clean(self):
        data = super().clean()
        number = data.get("new_bank_account_number")
        if number:
            try:
                data["new_bank_account_number"] = bank_account_normalize(number)
            except DomainError as exc:
                self.add_error("new_bank_account_number", str(exc.message))
            if not data.get("bank_name"):
                self.add_error("bank_name", "계좌번호를 바꾸려면 정산 은행을 입력하세요.")
            if not data.get("bank_account_holder"):
                self.add_error("bank_account_holder", "계좌번호를 바꾸려면 예금주를 입력하세요.")
        return data


class VendorStaffInline(admin.TabularInline):
    model = VendorStaff
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Vendor)
class VendorAdmin(UploadCheckedAdminMixin, admin.ModelAdmin):
    form = VendorAdminForm
    upload_fields = {"logo": (onboarding.LOGO_TYPES, "로고")}
    list_display = (
        "store_name",
        "organization",
        "slug",
        "commission_rate",
        "bank_account_display",
        "is_active",
        "created_at",
    )
    list_filter = ("is_active", "organization__org_type", "organization__district")
    search_fields = ("store_name", "slug", "organization__name", "organization__brn")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)
    readonly_fields = ("bank_account_display", "created_at")
    inlines = [VendorStaffInline]
    fieldsets = (
        (None, {"fields": ("organization", "store_name", "slug", "is_active", "created_at")}),
        ("소개", {"fields": ("description", "mission", "logo")}),
        (
            "배송 정책 (원)",
            {
                "fields": (
                    "shipping_base_fee",
                    "shipping_free_over",
                    "shipping_jeju_extra",
                    "shipping_remote_extra",
                )
            },
        ),
        (
            "정산",
            {
                "fields": (
                    "commission_rate",
                    "bank_name",
                    "bank_account_holder",
                    "bank_account_display",
                    "new_bank_account_number",
                )
            },
        ),
    )

    @admin.display(description="정산 계좌")
    def bank_account_display(self, obj):
        if not obj.bank_account_masked:
            return "-"
        return f"{obj.bank_name} {obj.bank_account_masked} ({obj.bank_account_holder})".strip()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        number = form.cleaned_data.get("new_bank_account_number")
        if number:
            vendor_set_bank_account(
                vendor=obj, bank_name=obj.bank_name, holder=obj.bank_account_holder, number=number
            )
            self.message_user(
                request, f"정산 계좌를 {obj.bank_account_masked}(으)로 바꿨습니다.", messages.INFO
            )


@admin.register(VendorStaff)
class VendorStaffAdmin(admin.ModelAdmin):
    list_display = ("vendor", "user", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("vendor__store_name", "user__email", "user__name")
    list_select_related = ("vendor", "user")
    raw_id_fields = ("vendor", "user")
