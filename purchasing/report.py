"""The priority-purchase report (우선구매 실적): an agency's year, or every agency's (staff).

What counts: purchases through Nuri whose delivery was inspected and accepted (검수 합격,
paid or not), ordered in the year, whose order was not cancelled; the amount is what the
agency pays (VAT included) less refunds. Each purchase is judged on **its order date**: it
counts for priority purchase when the supplier's organization was eligible that day
(``vendors.eligibility.organization_is_eligible``: a verified certification of a priority
kind, started, not ended, not revoked), and falls in the first report category
(``PurchaseCategory``, data-driven) for which the supplier then held a verified, valid
certification of one of the category's kinds. So a purchase made while the certification was
valid still counts after it lapses, and one made after it lapsed does not.

Rows: by category (against the plan's targets), by the organization type, by month, by agency
(all-agency view), and every purchase. Exports: XLSX (openpyxl) and CSV (UTF-8 with BOM, for
Excel), for the report due at the end of February.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from purchasing.models import (
    INSPECTED_STATUSES,
    Agency,
    Delivery,
    PlanTarget,
    PurchaseCategory,
    PurchasePlan,
)
from shop.orders.models import VendorOrderStatus
from vendors.eligibility import organization_is_eligible
from vendors.models import Certification, OrgType

NOT_COUNTED = "not_counted"
NOT_COUNTED_LABEL = "우선구매 비대상 (인증 없음·만료 등)"
OTHER_ELIGIBLE = "other_eligible"
OTHER_ELIGIBLE_LABEL = "기타 우선구매 대상"


def _rate(part: int, whole: int) -> float | None:
    """``part / whole`` in percent with one decimal, or None when there is no whole."""
    if not whole:
        return None
    return round(part * 1000 / whole) / 10


@dataclass
class PurchaseRecord:
    """One counted purchase (a delivery of an accepted quote)."""

    delivery_id: int
    agency_name: str
    ordered_on: dt.date
    order_number: str
    request_number: str
    title: str
    vendor_name: str
    organization_name: str
    org_type: str
    org_type_label: str
    category_code: str
    category_label: str
    eligible: bool
    eligibility_message: str
    certification: str
    supply: int
    tax: int
    total: int


@dataclass
class ReportRow:
    key: str
    label: str
    count: int = 0
    supply: int = 0
    tax: int = 0
    amount: int = 0  # VAT included
    eligible_amount: int = 0
    target: int = 0
    statutory: bool = False

    def add(self, record: PurchaseRecord) -> None:
        self.count += 1
        self.supply += record.supply
        self.tax += record.tax
        self.amount += record.total
        if record.eligible:
            self.eligible_amount += record.total

    @property
    def achievement(self) -> float | None:
        """Amount against the target (%)."""
        return _rate(self.amount, self.target)


@dataclass
class MonthRow:
    month: int
    count: int = 0
    amount: int = 0
    eligible_amount: int = 0


@dataclass
class AgencyRow:
    agency: Agency
    count: int = 0
    amount: int = 0
    eligible_amount: int = 0
    plan_total: int = 0
    target: int = 0

    @property
    def eligible_share(self) -> float | None:
        return _rate(self.eligible_amount, self.plan_total)

    @property
    def achievement(self) -> float | None:
        return _rate(self.eligible_amount, self.target)


@dataclass
class PriorityPurchaseReport:
    year: int
    agency: Agency | None  # None: every agency
    generated_at: dt.datetime
    categories: list[ReportRow]
    org_types: list[ReportRow]
    months: list[MonthRow]
    agencies: list[AgencyRow]
    records: list[PurchaseRecord]
    plan_total: int = 0  # the plans' total purchases (총구매액)
    has_plan: bool = False
    total: ReportRow = field(default_factory=lambda: ReportRow("total", "합계"))

    @property
    def eligible_amount(self) -> int:
        return self.total.eligible_amount

    @property
    def target_total(self) -> int:
        return sum(row.target for row in self.categories)

    @property
    def eligible_share_of_plan(self) -> float | None:
        """우선구매 실적 / 총구매액 (the ratio the ministry asks for), %."""
        return _rate(self.eligible_amount, self.plan_total)

    @property
    def eligible_share_of_nuri(self) -> float | None:
        return _rate(self.eligible_amount, self.total.amount)

    @property
    def achievement(self) -> float | None:
        """우선구매 실적 against the sum of the category targets, %."""
        return _rate(self.eligible_amount, self.target_total)

    @property
    def scope_label(self) -> str:
        return self.agency.name if self.agency is not None else "전체 기관"


def _counted_deliveries(*, year: int, agency: Agency | None):
    qs = (
        Delivery.objects.filter(
            ordered_on__gte=dt.date(year, 1, 1),
            ordered_on__lte=dt.date(year, 12, 31),
            status__in=INSPECTED_STATUSES,
        )
        .exclude(vendor_order__status=VendorOrderStatus.CANCELED)
        .select_related("agency", "request", "order", "vendor_order", "vendor__organization")
        .prefetch_related(
            Prefetch(
                "vendor__organization__certifications",
                queryset=Certification.objects.order_by("-valid_from", "id"),
            )
        )
        .order_by("ordered_on", "id")
    )
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs


def _category_for(org, on: dt.date, categories: list[PurchaseCategory]):
    held = {
        c.kind for c in org.certifications.all() if c.verified_at is not None and c.is_valid_on(on)
    }
    for category in categories:
        if held & set(category.kinds or []):
            return category
    return None


def _amounts(delivery: Delivery) -> tuple[int, int, int]:
    """(supply, tax, total) the agency pays for the delivery, refunds deducted (reconciled)."""
    vo = delivery.vendor_order
    total, tax = int(vo.total), int(vo.tax)
    refunded = min(int(vo.refunded or 0), total)
    if refunded:
        tax -= tax * refunded // total if total else 0
        total -= refunded
    return total - tax, tax, total


def purchase_record(delivery: Delivery, categories: list[PurchaseCategory]) -> PurchaseRecord:
    org = delivery.vendor.organization
    on = delivery.ordered_on
    eligibility = organization_is_eligible(org, on=on)
    category = _category_for(org, on, categories)
    if category is not None and (eligibility.eligible or not category.statutory):
        code, label = category.code, category.name
    elif eligibility.eligible:
        code, label = OTHER_ELIGIBLE, OTHER_ELIGIBLE_LABEL
    else:
        code, label = NOT_COUNTED, NOT_COUNTED_LABEL
    cert = eligibility.certification
    supply, tax, total = _amounts(delivery)
    return PurchaseRecord(
        delivery_id=delivery.pk,
        agency_name=delivery.agency.name,
        ordered_on=on,
        order_number=delivery.order.number,
        request_number=delivery.request.number,
        title=delivery.request.title,
        vendor_name=delivery.vendor.store_name,
        organization_name=org.name,
        org_type=org.org_type,
        org_type_label=str(org.get_org_type_display()),
        category_code=code,
        category_label=label,
        eligible=eligibility.eligible,
        eligibility_message=eligibility.message,
        certification=(
            f"{cert.get_kind_display()} {cert.number}".strip() if cert is not None else ""
        ),
        supply=supply,
        tax=tax,
        total=total,
    )


def _targets(year: int, agency: Agency | None) -> tuple[dict[int, int], dict[int, tuple], bool]:
    """Targets by category id, plan totals by agency id (total, target), whether any plan."""
    plans = PurchasePlan.objects.filter(year=year)
    if agency is not None:
        plans = plans.filter(agency=agency)
    plans = list(
        plans.prefetch_related(
            Prefetch("targets", queryset=PlanTarget.objects.select_related("category"))
        )
    )
    by_category: dict[int, int] = {}
    by_agency: dict[int, tuple[int, int]] = {}
    for plan in plans:
        target_sum = 0
        for t in plan.targets.all():
            t.plan = plan
            by_category[t.category_id] = by_category.get(t.category_id, 0) + t.effective_amount
            target_sum += t.effective_amount
        by_agency[plan.agency_id] = (int(plan.total_budget), target_sum)
    return by_category, by_agency, bool(plans)


def priority_purchase_report(*, year: int, agency: Agency | None = None) -> PriorityPurchaseReport:
    """The year's report for ``agency`` (every agency when None). A fixed number of queries:
    categories, plans with targets, and the deliveries with their certifications."""
    categories = list(PurchaseCategory.objects.filter(is_active=True).order_by("sort_order", "id"))
    targets, plans_by_agency, has_plan = _targets(year, agency)
    deliveries = list(_counted_deliveries(year=year, agency=agency))
    records = [purchase_record(d, categories) for d in deliveries]

    category_rows = {
        c.code: ReportRow(c.code, c.name, target=targets.get(c.pk, 0), statutory=c.statutory)
        for c in categories
    }
    extra = {
        OTHER_ELIGIBLE: ReportRow(OTHER_ELIGIBLE, OTHER_ELIGIBLE_LABEL, statutory=True),
        NOT_COUNTED: ReportRow(NOT_COUNTED, NOT_COUNTED_LABEL),
    }
    org_rows = {v: ReportRow(v, str(label)) for v, label in OrgType.choices}
    months = [MonthRow(m) for m in range(1, 13)]
    agency_rows: dict[int, AgencyRow] = {}
    total = ReportRow("total", "합계", target=sum(targets.values()))
    for delivery, record in zip(deliveries, records, strict=True):
        (category_rows.get(record.category_code) or extra[record.category_code]).add(record)
        org_rows.setdefault(record.org_type, ReportRow(record.org_type, record.org_type)).add(
            record
        )
        month = months[record.ordered_on.month - 1]
        month.count += 1
        month.amount += record.total
        if record.eligible:
            month.eligible_amount += record.total
        row = agency_rows.get(delivery.agency_id)
        if row is None:
            row = agency_rows[delivery.agency_id] = AgencyRow(delivery.agency)
        row.count += 1
        row.amount += record.total
        if record.eligible:
            row.eligible_amount += record.total
        total.add(record)
    if agency is None and plans_by_agency:
        missing = set(plans_by_agency) - set(agency_rows)
        for a in Agency.objects.filter(pk__in=missing):
            agency_rows[a.pk] = AgencyRow(a)
    for agency_id, row in agency_rows.items():
        row.plan_total, row.target = plans_by_agency.get(agency_id, (0, 0))
    rows = list(category_rows.values()) + [r for r in extra.values() if r.count]
    return PriorityPurchaseReport(
        year=year,
        agency=agency,
        generated_at=timezone.now(),
        categories=rows,
        org_types=[r for r in org_rows.values() if r.count],
        months=months,
        agencies=sorted(agency_rows.values(), key=lambda r: (-r.eligible_amount, r.agency.name)),
        records=records,
        plan_total=sum(t for t, _ in plans_by_agency.values()),
        has_plan=has_plan,
        total=total,
    )


# ---------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


def export_filename(report: PriorityPurchaseReport, ext: str) -> str:
    scope = report.agency.code if report.agency is not None else "all"
    return f"priority-purchase-{report.year}-{scope}.{ext}"


def _summary_lines(report: PriorityPurchaseReport) -> list[tuple[str, object]]:
    return [
        ("기관", report.scope_label),
        ("연도", report.year),
        ("총구매액 계획(원)", report.plan_total),
        ("누리 구매액(원, 부가세 포함)", report.total.amount),
        ("우선구매 실적(원)", report.eligible_amount),
        ("총구매액 대비 우선구매 비율", _pct(report.eligible_share_of_plan)),
        ("구분별 목표 합계(원)", report.target_total),
        ("목표 달성률", _pct(report.achievement)),
        ("작성 일시", timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")),
    ]


CATEGORY_HEADER = ["구분", "건수", "공급가액", "세액", "구매액", "목표액", "달성률", "법정 대상"]
ORG_TYPE_HEADER = ["조직 유형", "건수", "구매액", "우선구매 인정액"]
MONTH_HEADER = ["월", "건수", "구매액", "우선구매 인정액"]
AGENCY_HEADER = [
    "기관",
    "건수",
    "구매액",
    "우선구매 실적",
    "총구매액 계획",
    "비율",
    "목표",
    "달성률",
]
RECORD_HEADER = [
    "발주일",
    "기관",
    "주문 번호",
    "견적 요청",
    "건명",
    "판매처",
    "조직",
    "조직 유형",
    "구분",
    "우선구매 인정",
    "인정 근거",
    "공급가액",
    "세액",
    "합계",
]


def _category_values(row: ReportRow) -> list:
    return [
        row.label,
        row.count,
        row.supply,
        row.tax,
        row.amount,
        row.target,
        _pct(row.achievement),
        "예" if row.statutory else "아니오",
    ]


def _total_values(report: PriorityPurchaseReport) -> list:
    t = report.total
    return [
        "합계",
        t.count,
        t.supply,
        t.tax,
        t.amount,
        report.target_total,
        _pct(report.achievement),
        "",
    ]


def _record_values(r: PurchaseRecord) -> list:
    return [
        r.ordered_on.isoformat(),
        r.agency_name,
        r.order_number,
        r.request_number,
        r.title,
        r.vendor_name,
        r.organization_name,
        r.org_type_label,
        r.category_label,
        "예" if r.eligible else "아니오",
        r.certification or r.eligibility_message,
        r.supply,
        r.tax,
        r.total,
    ]


def _agency_values(row: AgencyRow) -> list:
    return [
        row.agency.name,
        row.count,
        row.amount,
        row.eligible_amount,
        row.plan_total,
        _pct(row.eligible_share),
        row.target,
        _pct(row.achievement),
    ]


def report_csv(report: PriorityPurchaseReport) -> bytes:
    """The report as CSV sections (summary, categories, organization types, months,
    agencies, purchases), UTF-8 with a BOM so that Excel reads the Hangul."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([f"{report.year}년 사회적경제기업 제품 우선구매 실적 ({report.scope_label})"])
    for label, value in _summary_lines(report):
        w.writerow([label, value])
    w.writerow([])
    w.writerow(["[구분별 실적]"])
    w.writerow(CATEGORY_HEADER)
    for row in report.categories:
        w.writerow(_category_values(row))
    w.writerow(_total_values(report))
    w.writerow([])
    w.writerow(["[조직 유형별]"])
    w.writerow(ORG_TYPE_HEADER)
    for row in report.org_types:
        w.writerow([row.label, row.count, row.amount, row.eligible_amount])
    w.writerow([])
    w.writerow(["[월별]"])
    w.writerow(MONTH_HEADER)
    for m in report.months:
        w.writerow([f"{m.month}월", m.count, m.amount, m.eligible_amount])
    if report.agency is None:
        w.writerow([])
        w.writerow(["[기관별]"])
        w.writerow(AGENCY_HEADER)
        for row in report.agencies:
            w.writerow(_agency_values(row))
    w.writerow([])
    w.writerow(["[구매 내역]"])
    w.writerow(RECORD_HEADER)
    for r in report.records:
        w.writerow(_record_values(r))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def report_xlsx(report: PriorityPurchaseReport) -> bytes:
    """The report as an XLSX workbook: 요약, 구분별, 조직유형별, 월별, (기관별), 구매내역."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E6F2EC")
    money = "#,##0"

    def sheet(ws, title: str, header: list[str], rows: list[list], money_cols=(), widths=None):
        ws.title = title
        ws.append([f"{report.year}년 우선구매 실적 — {report.scope_label}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([])
        ws.append(header)
        for cell in ws[3]:
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(horizontal="center")
        for values in rows:
            ws.append(values)
        for col in money_cols:
            for (cell,) in ws.iter_rows(min_row=4, min_col=col, max_col=col):
                cell.number_format = money
        for i, width in enumerate(widths or [], start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A4"
        return ws

    ws = wb.active
    ws.title = "요약"
    ws.append([f"{report.year}년 사회적경제기업 제품 우선구매 실적"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    for label, value in _summary_lines(report):
        ws.append([label, value])
        if isinstance(value, int) and label != "연도":
            ws.cell(row=ws.max_row, column=2).number_format = money
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 24

    categories = [_category_values(r) for r in report.categories]
    categories.append(_total_values(report))
    sheet(
        wb.create_sheet(),
        "구분별",
        CATEGORY_HEADER,
        categories,
        (3, 4, 5, 6),
        [28, 8, 16, 14, 16, 16, 10, 10],
    )
    sheet(
        wb.create_sheet(),
        "조직유형별",
        ORG_TYPE_HEADER,
        [[r.label, r.count, r.amount, r.eligible_amount] for r in report.org_types],
        (3, 4),
        [24, 8, 16, 18],
    )
    sheet(
        wb.create_sheet(),
        "월별",
        MONTH_HEADER,
        [[f"{m.month}월", m.count, m.amount, m.eligible_amount] for m in report.months],
        (3, 4),
        [8, 8, 16, 18],
    )
    if report.agency is None:
        sheet(
            wb.create_sheet(),
            "기관별",
            AGENCY_HEADER,
            [_agency_values(r) for r in report.agencies],
            (3, 4, 5, 7),
            [28, 8, 16, 16, 16, 10, 16, 10],
        )
    sheet(
        wb.create_sheet(),
        "구매내역",
        RECORD_HEADER,
        [_record_values(r) for r in report.records],
        (12, 13, 14),
        [12, 20, 18, 16, 24, 18, 20, 16, 18, 10, 30, 14, 12, 14],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
