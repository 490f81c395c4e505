"""Public procurement: agencies, buyers, plans, quote requests, quotes, deliveries, events.

Money is integer KRW. Quote lines are priced *without* VAT (단가 = unit supply price); each
line's tax follows DOMAIN.md's rule (``shop.tax.add_tax_to_supply``: tax = floor(supply / 10)
for taxable lines, 0 for exempt and zero-rated ones), and every line and every quote
reconciles: supply + tax == total (also enforced by check constraints).

Nothing here stores whether a purchase counts for priority purchase: that is computed at the
order date from the supplier's certifications (``vendors.eligibility``, ``purchasing.report``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import TaxType
from vendors.districts import DISTRICT_CHOICES, DISTRICTS

# ---------------------------------------------------------------------------------------------
# Agencies and buyers
# ---------------------------------------------------------------------------------------------


class AgencyKind(models.TextChoices):
    CENTRAL_GOVERNMENT = "central_government", _("중앙행정기관")
    LOCAL_GOVERNMENT = "local_government", _("지방자치단체")
    PUBLIC_INSTITUTION = "public_institution", _("공공기관")
    EDUCATION_OFFICE = "education_office", _("교육청")
    LOCAL_PUBLIC_CORPORATION = "local_public_corporation", _("지방공기업")


class Agency(models.Model):
    """A public agency (공공기관) that buys through Nuri."""

    name = models.CharField(_("기관명"), max_length=200)
    kind = models.CharField(_("기관 유형"), max_length=32, choices=AgencyKind.choices)
    code = models.CharField(
        _("기관 코드"), max_length=20, unique=True, help_text=_("행정표준코드 등 기관 고유 코드")
    )
    district = models.CharField(
        _("자치구"), max_length=5, choices=DISTRICT_CHOICES, blank=True, db_index=True
    )
    # The buyer block of tax invoices (세금계산서: 공급받는자).
    brn = models.CharField(
        _("사업자등록번호(고유번호)"), max_length=10, blank=True, help_text=_("숫자 10자리")
    )
    representative = models.CharField(_("기관장"), max_length=100, blank=True)
    address = models.CharField(_("주소"), max_length=300, blank=True)
    phone = models.CharField(_("대표 전화"), max_length=30, blank=True)
    invoice_email = models.EmailField(_("계산서 수신 이메일"), blank=True)
    is_active = models.BooleanField(_("사용"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("공공기관")
        verbose_name_plural = _("공공기관")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def district_name(self) -> str:
        return DISTRICTS.get(self.district, "")

    @property
    def brn_display(self) -> str:
        from vendors.identifiers import brn_format

        return brn_format(self.brn) if self.brn else ""


class Department(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("부서명"), max_length=100)
    code = models.CharField(_("부서 코드"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("부서")
        verbose_name_plural = _("부서")
        ordering = ["agency_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="uniq_department_name")
        ]

    def __str__(self) -> str:
        return f"{self.agency.name} {self.name}"


class BuyerStatus(models.TextChoices):
    PENDING = "pending", _("승인 대기")
    APPROVED = "approved", _("승인")
    REJECTED = "rejected", _("반려")
    SUSPENDED = "suspended", _("정지")


class Buyer(models.Model):
    """An agency's purchasing officer (공공기관 담당자): one account, one agency.

    Only an approved buyer acts for the agency; centre staff approve (``buyer_approve``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buyer"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="buyers")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="buyers"
    )
    position = models.CharField(_("직위"), max_length=50, blank=True)
    phone = models.CharField(_("연락처"), max_length=30, blank=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=BuyerStatus.choices, default=BuyerStatus.PENDING
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("승인자"),
    )
    approved_at = models.DateTimeField(_("승인 일시"), null=True, blank=True)
    review_note = models.TextField(_("심사 메모"), blank=True)
    created_at = models.DateTimeField(_("신청 일시"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("기관 구매 담당자")
        verbose_name_plural = _("기관 구매 담당자")
        ordering = ["agency_id", "-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.agency.name})"

    @property
    def is_approved(self) -> bool:
        return self.status == BuyerStatus.APPROVED


# ---------------------------------------------------------------------------------------------
# Plans: the categories of the priority-purchase report, and each agency's yearly targets
# ---------------------------------------------------------------------------------------------


class PurchaseCategory(models.Model):
    """A line of the priority-purchase report (사회적기업, 사회적협동조합, …).

    Data, not code: a purchase falls in the first active category (by ``sort_order``) for
    which the supplier held, on the order date, a verified certification of one of
    ``kinds``. Seoul's own programs add categories (e.g. 장애인기업) as new rows.
    """

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    kinds = models.JSONField(
        _("인증 종류"),
        default=list,
        help_text=_('인증 종류 코드 목록, 예: ["social_enterprise"]'),
    )
    statutory = models.BooleanField(
        _("법정 우선구매 대상"),
        default=True,
        help_text=_("법정 우선구매 실적에 합산되는 구분 (예비사회적기업은 별도 표시)"),
    )
    sort_order = models.PositiveIntegerField(_("순서"), default=0)
    is_active = models.BooleanField(_("사용"), default=True)

    class Meta:
        verbose_name = _("우선구매 구분")
        verbose_name_plural = _("우선구매 구분")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


# The report's default categories (DOMAIN.md: 사회적기업 / 사회적협동조합 / 자활기업 / 마을기업 /
# 예비사회적기업): (code, name, certification kinds, statutory). Seeded by migration 0002 and by
# ``purchasing.services.purchase_categories_ensure``; more are added as rows.
DEFAULT_CATEGORIES = [
    ("social_enterprise", "사회적기업", ["social_enterprise"], True),
    ("social_coop", "사회적협동조합", ["social_coop"], True),
    ("self_sufficiency", "자활기업", ["self_sufficiency"], True),
    ("village_enterprise", "마을기업", ["village_enterprise"], True),
    ("prelim_social_enterprise", "예비사회적기업", ["prelim_regional", "prelim_ministry"], False),
]


class PurchasePlan(models.Model):
    """An agency's yearly plan: total purchases (총구매액) and targets per category."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveIntegerField(_("연도"))
    total_budget = models.BigIntegerField(_("총구매액 계획(원)"), default=0)
    note = models.TextField(_("비고"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("우선구매 계획")
        verbose_name_plural = _("우선구매 계획")
        ordering = ["-year", "agency_id"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="uniq_plan_year")]

    def __str__(self) -> str:
        return f"{self.agency.name} {self.year}년"


class PlanTarget(models.Model):
    """A category's target: an amount, or a share (%) of the plan's total purchases."""

    plan = models.ForeignKey(PurchasePlan, on_delete=models.CASCADE, related_name="targets")
    category = models.ForeignKey(PurchaseCategory, on_delete=models.PROTECT, related_name="+")
    target_amount = models.BigIntegerField(_("목표 금액(원)"), default=0)
    target_rate = models.DecimalField(
        _("목표 비율(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("구분별 목표")
        verbose_name_plural = _("구분별 목표")
        ordering = ["category__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="uniq_plan_category")
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.effective_amount:,}원"

    @property
    def effective_amount(self) -> int:
        """The target in won: the amount when given, else the rate of the plan's total."""
        if self.target_amount:
            return int(self.target_amount)
        if self.target_rate is not None:
            # Integer arithmetic on hundredths of a percent: floor(budget × rate / 100).
            return int(self.plan.total_budget * int(self.target_rate * 100) // 10_000)
        return 0


# ---------------------------------------------------------------------------------------------
# Quote requests (RFQ) and quotes
# ---------------------------------------------------------------------------------------------


class QuoteRequestStatus(models.TextChoices):
    OPEN = "open", _("견적 접수 중")
    AWARDED = "awarded", _("선정 완료")
    CANCELLED = "cancelled", _("취소")


class QuoteRequest(models.Model):
    number = models.CharField(_("요청 번호"), max_length=24, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="quote_requests")
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quote_requests",
        verbose_name=_("요청자"),
    )
    title = models.CharField(_("건명"), max_length=200)
    note = models.TextField(_("요청 사항"), blank=True)
    delivery_date = models.DateField(_("납품 기한"))
    delivery_place = models.CharField(_("납품 장소"), max_length=300)
    delivery_postcode = models.CharField(_("우편번호"), max_length=5, blank=True)
    contact_name = models.CharField(_("담당자"), max_length=100, blank=True)
    contact_phone = models.CharField(_("담당자 연락처"), max_length=30, blank=True)
    deadline = models.DateTimeField(_("견적 마감"))
    estimated_price = models.BigIntegerField(_("추정가격(원, 부가세 제외)"), null=True, blank=True)
    open_to_all = models.BooleanField(_("우선구매 대상 전체에 요청"), default=False)
    invited_vendors = models.ManyToManyField(
        "vendors.Vendor", related_name="quote_requests", blank=True, verbose_name=_("요청 판매처")
    )
    status = models.CharField(
        _("상태"),
        max_length=12,
        choices=QuoteRequestStatus.choices,
        default=QuoteRequestStatus.OPEN,
        db_index=True,
    )
    awarded_at = models.DateTimeField(_("선정 일시"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("취소 일시"), null=True, blank=True)
    created_at = models.DateTimeField(_("요청 일시"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("견적 요청")
        verbose_name_plural = _("견적 요청")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "created_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class QuoteRequestItem(models.Model):
    """What is asked for: a catalog product variant, a bundle, or free text (품명·규격·수량)."""

    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(
        "shop.ProductVariant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bundle = models.ForeignKey(
        "bundles.Bundle", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("품명"), max_length=200)
    spec = models.CharField(_("규격"), max_length=300, blank=True)
    unit = models.CharField(_("단위"), max_length=20, default="개")
    quantity = models.PositiveIntegerField(_("수량"))
    note = models.CharField(_("비고"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("견적 요청 품목")
        verbose_name_plural = _("견적 요청 품목")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class QuoteStatus(models.TextChoices):
    SUBMITTED = "submitted", _("제출")
    ACCEPTED = "accepted", _("선정")
    REJECTED = "rejected", _("미선정")
    EXPIRED = "expired", _("유효기간 만료")
    WITHDRAWN = "withdrawn", _("철회")


ACTIVE_QUOTE_STATUSES = (QuoteStatus.SUBMITTED, QuoteStatus.ACCEPTED)


class Quote(models.Model):
    """A vendor's answer to a quote request (견적서)."""

    number = models.CharField(_("견적 번호"), max_length=24, unique=True)
    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="quotes")
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="purchasing_quotes"
    )
    status = models.CharField(
        _("상태"), max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.SUBMITTED
    )
    valid_until = models.DateField(_("견적 유효기간"))
    notes = models.TextField(_("특기 사항"), blank=True)
    supply_total = models.BigIntegerField(_("공급가액 합계"), default=0)
    tax_total = models.BigIntegerField(_("세액 합계"), default=0)
    total = models.BigIntegerField(_("합계 금액"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("제출 일시"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("결정 일시"), null=True, blank=True)
    decision_reason = models.TextField(_("사유"), blank=True)

    class Meta:
        verbose_name = _("견적")
        verbose_name_plural = _("견적")
        ordering = ["request_id", "total", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "vendor"],
                condition=Q(status__in=["submitted", "accepted"]),
                name="uniq_active_quote_per_vendor",
            ),
            models.CheckConstraint(
                condition=Q(total=F("supply_total") + F("tax_total")), name="quote_reconciles"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.vendor})"

    def is_expired_on(self, day: dt.date) -> bool:
        return self.status == QuoteStatus.EXPIRED or self.valid_until < day


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        QuoteRequestItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The vendor's own catalog variant, when the line is one (its stock is allocated on order).
    variant = models.ForeignKey(
        "shop.ProductVariant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("품명"), max_length=200)
    spec = models.CharField(_("규격"), max_length=300, blank=True)
    unit = models.CharField(_("단위"), max_length=20, default="개")
    quantity = models.PositiveIntegerField(_("수량"))
    unit_price = models.BigIntegerField(_("단가(공급가액)"))
    tax_type = models.CharField(_("과세 유형"), max_length=12, choices=TaxType.choices)
    supply = models.BigIntegerField(_("공급가액"))
    tax = models.BigIntegerField(_("세액"))
    total = models.BigIntegerField(_("합계"))
    note = models.CharField(_("비고"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("견적 품목")
        verbose_name_plural = _("견적 품목")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=F("supply") + F("tax")), name="quote_line_reconciles"
            ),
            models.CheckConstraint(
                condition=Q(supply=F("unit_price") * F("quantity")), name="quote_line_supply"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


# ---------------------------------------------------------------------------------------------
# Delivery, inspection (검수) and payment of an accepted quote
# ---------------------------------------------------------------------------------------------


class DeliveryStatus(models.TextChoices):
    ORDERED = "ordered", _("납품 대기")
    DELIVERED = "delivered", _("검수 대기")
    REJECTED = "rejected", _("검수 반려")
    ACCEPTED = "accepted", _("대금 청구")
    PAID = "paid", _("지급 완료")
    CANCELLED = "cancelled", _("취소")


# Inspected and accepted: the purchase counts in the report (unless its order was cancelled).
INSPECTED_STATUSES = (DeliveryStatus.ACCEPTED, DeliveryStatus.PAID)


class Delivery(models.Model):
    """The order of an accepted quote, from the completion notice to the payment.

    Dates follow ``purchasing.rules``: inspection within ``INSPECTION_DAYS`` of the
    completion notice (납품 완료 통지), payment within ``PAYMENT_DAYS`` of the invoice claim
    (대금 청구), which is made when the inspection passes.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="deliveries")
    request = models.ForeignKey(QuoteRequest, on_delete=models.PROTECT, related_name="deliveries")
    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="delivery")
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="purchasing_deliveries"
    )
    order = models.ForeignKey("shop.Order", on_delete=models.PROTECT, related_name="+")
    vendor_order = models.OneToOneField(
        "shop.VendorOrder", on_delete=models.PROTECT, related_name="purchasing_delivery"
    )
    status = models.CharField(
        _("상태"),
        max_length=12,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.ORDERED,
        db_index=True,
    )
    ordered_on = models.DateField(_("발주일"), db_index=True)
    amount = models.BigIntegerField(_("계약 금액(부가세 포함)"))
    completion_notified_at = models.DateTimeField(_("납품 완료 통지"), null=True, blank=True)
    inspection_due = models.DateField(_("검수 기한"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("검수 일시"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invoice_claimed_on = models.DateField(_("대금 청구일"), null=True, blank=True)
    payment_due = models.DateField(_("지급 기한"), null=True, blank=True)
    paid_amount = models.BigIntegerField(_("지급액"), default=0)
    paid_at = models.DateTimeField(_("지급 완료 일시"), null=True, blank=True)
    # The due date a reminder was last sent for (a new due date gets a new reminder).
    inspection_reminded_for = models.DateField(null=True, blank=True, editable=False)
    payment_reminded_for = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("납품·검수")
        verbose_name_plural = _("납품·검수")
        ordering = ["-ordered_on", "-id"]
        indexes = [models.Index(fields=["agency", "ordered_on"])]

    def __str__(self) -> str:
        return f"{self.vendor_order_id} {self.get_status_display()}"

    def is_inspection_overdue(self, today: dt.date) -> bool:
        return (
            self.status == DeliveryStatus.DELIVERED
            and self.inspection_due is not None
            and today > self.inspection_due
        )

    def is_payment_overdue(self, today: dt.date) -> bool:
        return (
            self.status == DeliveryStatus.ACCEPTED
            and self.payment_due is not None
            and today > self.payment_due
        )

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_inspection_overdue(today) or self.is_payment_overdue(today)

    @property
    def amount_unpaid(self) -> int:
        return max(self.amount - self.paid_amount, 0)


class InspectionResult(models.TextChoices):
    ACCEPTED = "accepted", _("합격")
    REJECTED = "rejected", _("불합격(반려)")


class Inspection(models.Model):
    """One inspection (검수) of a delivery; a rejected one is followed by a new delivery."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="inspections")
    result = models.CharField(_("결과"), max_length=10, choices=InspectionResult.choices)
    reason = models.TextField(_("사유"), blank=True)
    completion_notified_at = models.DateTimeField(_("납품 완료 통지"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    inspected_at = models.DateTimeField(_("검수 일시"))

    class Meta:
        verbose_name = _("검수")
        verbose_name_plural = _("검수")
        ordering = ["inspected_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_result_display()} {self.inspected_at:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------------
# Events: who did what, when
# ---------------------------------------------------------------------------------------------


class PurchasingEvent(models.Model):
    """An append-only log of every step of a quote request, its quotes and its delivery."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="events")
    request = models.ForeignKey(
        QuoteRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    type = models.CharField(_("유형"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(_("내용"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("일시"), auto_now_add=True)

    class Meta:
        verbose_name = _("공공구매 이력")
        verbose_name_plural = _("공공구매 이력")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.created_at:%Y-%m-%d %H:%M}"
