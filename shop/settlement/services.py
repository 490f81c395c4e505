"""Settlement (정산): what each vendor is owed for a period, reconciled with the orders to the won.

Everything is integer KRW. ``settlement_compute`` only reads; ``settlement_generate`` stores
the result as a ``SettlementStatement`` (one per vendor and period, regenerated in place);
``settlement_run_month`` does that for every vendor with activity in a calendar month;
``settlement_csv`` writes a statement with the rows behind it.

What counts, precisely (a period is ``period_start``..``period_end``, both dates inclusive,
in Asia/Seoul: ``[start 00:00, end + 1 day 00:00)`` KST):

* **Paid order.** An order is paid once its transactions have charged its whole total
  (``Order.total_charged >= Order.total``: charge status ``full`` or ``overcharged``, and it
  stays paid when refunds later make it ``refunded``, since charged money is never decreased
  by a refund). Card orders are paid before they are placed; an order on invoice (후불) is
  paid when staff record the bank transfer that completes it.
* **Paid at.** The later of the order's creation and its last successful charge
  (``TransactionEvent`` ``CHARGE_SUCCESS``): the order's creation for card orders, the day
  the transfer was recorded for invoice orders.
* **Sale.** A vendor order of a paid order counts as a sale in the period that contains its
  *paid at*, unless it was cancelled before the end of that period (then it is *void*: the
  sale and its refunds are left out of the period together, shown separately). A vendor
  order cancelled in a later period stays a sale of its own period; the cancellation's refund
  counts in the period it was made.
* **Gross sales** (총 판매액) = the sum of the sale's order-line totals (VAT included, after
  bundle discounts: what the buyer paid for the goods). Shipping fees are summed apart
  (배송비) and paid out in full.
* **Refunds** (환불액) = every ``Refund`` of a sale, in the period it was made
  (``Refund.created_at``), so a refund of last month's sale reduces this month's payout.
  (A refund made before its order became paid, which only an invoice order can have, counts
  on the day the order became paid.) Each refund is split into goods and shipping, goods
  first: a refund is goods until the vendor order's goods are refunded in full, the rest is
  shipping (so the shipping fee is refunded only when everything is, as on cancellation).
* **Commission** (수수료) is charged on goods only, like Korean marketplaces: commission base
  = gross sales − goods refunds; commission = base × the vendor's rate, truncated to the won
  toward zero (``ROUND_DOWN``: the same as ``ROUND_FLOOR`` for the usual base ≥ 0, and a sale
  with its full refund in a later month cancels out to the won).
* **Payout** (지급액) = gross sales + shipping − refunds − commission. It can be negative in
  a month of refunds only: that is what the vendor owes back (there is no carry-over yet).

The commission is VAT-inclusive (the centre issues a tax invoice for it: supply = commission
− floor(commission / 11), tax = floor(commission / 11), as in ``shop.tax``).

Late events never change a past period: a late refund or cancellation counts when it happens,
an invoice order counts when it is paid. Regenerating a statement therefore gives the same
numbers, unless the vendor's commission rate changed in between (the current rate is used).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import (
    DateTimeField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from core.errors import DomainError
from shop.catalog.models import TaxType
from shop.orders.models import OrderLine, VendorOrder
from shop.payments.models import Refund, TransactionEvent
from shop.settlement.models import SettlementStatement
from vendors.models import Vendor

SEOUL = ZoneInfo("Asia/Seoul")
CHARGE_SUCCESS = "CHARGE_SUCCESS"  # shop.payments.services.CHARGE_SUCCESS
CSV_BOM = "\ufeff"


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------


def month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar month."""
    if not 1 <= month <= 12:
        raise DomainError("INVALID", "월은 1~12 사이여야 합니다.", "month")
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def previous_month(today: dt.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    last_of_previous = today.replace(day=1) - dt.timedelta(days=1)
    return last_of_previous.year, last_of_previous.month


def period_bounds(period_start: dt.date, period_end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start 00:00, end + 1 day 00:00)`` in Asia/Seoul, as aware datetimes."""
    if period_end < period_start:
        raise DomainError("INVALID", "정산 기간의 끝이 시작보다 앞섭니다.", "period_end")
    start = dt.datetime.combine(period_start, dt.time.min, tzinfo=SEOUL)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time.min, tzinfo=SEOUL)
    return start, end


def is_month(period_start: dt.date, period_end: dt.date) -> bool:
    return (period_start.day == 1) and (period_end == month_period(*_ym(period_start))[1])


def _ym(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleRow:
    """A vendor order counted as a sale (or, with ``void``, left out as cancelled)."""

    vendor_order_id: int
    number: str
    order_number: str
    status: str
    paid_at: dt.datetime
    canceled_at: dt.datetime | None
    gross: int  # sum of line totals, VAT included
    shipping: int
    supply: int  # 공급가액 of the lines
    tax: int  # 세액 of the lines
    taxable: int  # gross of taxable (과세) lines
    tax_free: int  # gross of exempt (면세) and zero-rated (영세) lines
    void: bool = False


@dataclass(frozen=True)
class RefundRow:
    refund_id: int
    vendor_order_id: int
    number: str  # the vendor order's number
    order_number: str
    refunded_at: dt.datetime  # when it was made
    counted_at: dt.datetime  # when it counts (later than refunded_at only before payment)
    amount: int
    goods: int
    shipping: int
    reason: str


@dataclass
class SettlementResult:
    vendor: Vendor
    period_start: dt.date
    period_end: dt.date
    commission_rate: Decimal
    sales: list[SaleRow] = field(default_factory=list)
    refund_rows: list[RefundRow] = field(default_factory=list)
    void: list[SaleRow] = field(default_factory=list)

    @property
    def gross_sales(self) -> int:
        return sum(s.gross for s in self.sales)

    @property
    def shipping(self) -> int:
        return sum(s.shipping for s in self.sales)

    @property
    def refunds(self) -> int:
        return sum(r.amount for r in self.refund_rows)

    @property
    def refund_goods(self) -> int:
        return sum(r.goods for r in self.refund_rows)

    @property
    def refund_shipping(self) -> int:
        return sum(r.shipping for r in self.refund_rows)

    @property
    def commission_base(self) -> int:
        return self.gross_sales - self.refund_goods

    @property
    def commission(self) -> int:
        return commission_for(self.commission_base, self.commission_rate)

    @property
    def commission_tax(self) -> int:
        """VAT included in the commission (floor(|c| / 11), with the commission's sign)."""
        c = self.commission
        return (abs(c) // 11) * (1 if c >= 0 else -1)

    @property
    def commission_supply(self) -> int:
        return self.commission - self.commission_tax

    @property
    def payout(self) -> int:
        return self.gross_sales + self.shipping - self.refunds - self.commission

    @property
    def order_count(self) -> int:
        return len(self.sales)

    @property
    def supply(self) -> int:
        return sum(s.supply for s in self.sales)

    @property
    def tax(self) -> int:
        return sum(s.tax for s in self.sales)

    @property
    def taxable(self) -> int:
        return sum(s.taxable for s in self.sales)

    @property
    def tax_free(self) -> int:
        return sum(s.tax_free for s in self.sales)

    def totals(self) -> dict[str, int]:
        """The figures stored on a ``SettlementStatement``."""
        return {
            "gross_sales": self.gross_sales,
            "shipping": self.shipping,
            "refunds": self.refunds,
            "commission": self.commission,
            "payout": self.payout,
            "order_count": self.order_count,
        }


def commission_for(base: int, rate: Decimal) -> int:
    """``base × rate`` truncated to the won toward zero, in exact decimal arithmetic."""
    value = (Decimal(int(base)) * Decimal(rate)).quantize(Decimal(1), rounding=ROUND_DOWN)
    return int(value)


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


def _paid_at(order_path: str) -> Greatest:
    """SQL: the later of the order's creation and its last successful charge."""
    last_charge = (
        TransactionEvent.objects.filter(
            transaction__order_id=OuterRef(order_path), type=CHARGE_SUCCESS
        )
        .order_by()
        .values("transaction__order_id")
        .annotate(last=Max("created_at"))
        .values("last")[:1]
    )
    created = F(f"{order_path}__created_at")
    return Greatest(
        created,
        Coalesce(Subquery(last_charge, output_field=DateTimeField()), created),
        output_field=DateTimeField(),
    )


def _paid(order_path: str) -> Q:
    """The order's transactions charged its whole total."""
    p = f"{order_path}__"
    return Q(**{f"{p}total__gt": 0, f"{p}total_charged__gte": F(f"{p}total")})


def sale_candidates(*, start: dt.datetime, end: dt.datetime, vendor=None) -> QuerySet:
    """Vendor orders of paid orders whose *paid at* falls in ``[start, end)`` (void ones too)."""
    # ``updated_at`` is saved with every charge, so ``updated_at >= paid_at``: a cheap exact
    # pre-filter that spares the paid-at subquery for orders untouched since ``start``.
    qs = VendorOrder.objects.filter(
        _paid("order"), order__created_at__lt=end, order__updated_at__gte=start
    )
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    return qs.annotate(paid_at=_paid_at("order")).filter(paid_at__gte=start, paid_at__lt=end)


def refund_candidates(*, start: dt.datetime, end: dt.datetime, vendor=None) -> QuerySet:
    """Refunds of sales that count in ``[start, end)`` (see the module docstring)."""
    qs = Refund.objects.filter(
        Q(created_at__gte=start) | Q(vendor_order__order__updated_at__gte=start),
        _paid("vendor_order__order"),
        created_at__lt=end,
        vendor_order__order__created_at__lt=end,
    )
    if vendor is not None:
        qs = qs.filter(vendor_order__vendor=vendor)
    voided_here = Q(vendor_order__canceled_at__lt=end, paid_at__gte=start)
    return (
        qs.annotate(paid_at=_paid_at("vendor_order__order"))
        .annotate(
            counted_at=ExpressionWrapper(
                Greatest(F("created_at"), F("paid_at")), output_field=DateTimeField()
            )
        )
        .filter(paid_at__lt=end)
        .filter(Q(created_at__gte=start) | Q(paid_at__gte=start))
        .exclude(voided_here)
    )


def _line_sums(vendor_orders: QuerySet) -> dict[int, dict[str, int]]:
    sums: dict[int, dict[str, int]] = defaultdict(
        lambda: {"gross": 0, "supply": 0, "tax": 0, "taxable": 0, "tax_free": 0}
    )
    rows = (
        OrderLine.objects.filter(vendor_order__in=vendor_orders.values("pk"))
        .order_by()
        .values("vendor_order_id", "tax_type")
        .annotate(total=Sum("total"), supply=Sum("supply"), tax=Sum("tax"))
    )
    for row in rows:
        s = sums[row["vendor_order_id"]]
        s["gross"] += row["total"] or 0
        s["supply"] += row["supply"] or 0
        s["tax"] += row["tax"] or 0
        key = "taxable" if row["tax_type"] == TaxType.TAXABLE else "tax_free"
        s[key] += row["total"] or 0
    return sums


def _split_refunds(refunds: list[dict], goods_of: dict[int, int]) -> dict[int, tuple[int, int]]:
    """``{refund_id: (goods, shipping)}``: each vendor order's refunds, in the order they were
    made, are goods until its goods are refunded in full, then shipping."""
    used: dict[int, int] = defaultdict(int)
    out = {}
    for r in refunds:
        vo = r["vendor_order_id"]
        goods = max(min(r["amount"], goods_of[vo] - used[vo]), 0)
        used[vo] += goods
        out[r["id"]] = (goods, r["amount"] - goods)
    return out


def settlement_compute(
    *,
    vendor: Vendor,
    period_start: dt.date,
    period_end: dt.date,
    commission_rate: Decimal | None = None,
) -> SettlementResult:
    """The vendor's settlement for the period, with the rows behind every figure (reads only;
    at most five queries, whatever the number of orders)."""
    start, end = period_bounds(period_start, period_end)
    rate = Decimal(vendor.commission_rate if commission_rate is None else commission_rate)
    result = SettlementResult(
        vendor=vendor, period_start=period_start, period_end=period_end, commission_rate=rate
    )

    candidates = sale_candidates(start=start, end=end, vendor=vendor)
    sales = list(
        candidates.order_by("paid_at", "pk").values(
            "pk",
            "number",
            "order__number",
            "status",
            "paid_at",
            "canceled_at",
            "shipping_fee",
        )
    )
    lines = _line_sums(candidates) if sales else {}
    for row in sales:
        s = lines.get(row["pk"], {"gross": 0, "supply": 0, "tax": 0, "taxable": 0, "tax_free": 0})
        void = row["canceled_at"] is not None and row["canceled_at"] < end
        sale = SaleRow(
            vendor_order_id=row["pk"],
            number=row["number"],
            order_number=row["order__number"],
            status=row["status"],
            paid_at=row["paid_at"],
            canceled_at=row["canceled_at"],
            gross=s["gross"],
            shipping=row["shipping_fee"],
            supply=s["supply"],
            tax=s["tax"],
            taxable=s["taxable"],
            tax_free=s["tax_free"],
            void=void,
        )
        (result.void if void else result.sales).append(sale)

    refunds = list(
        refund_candidates(start=start, end=end, vendor=vendor)
        .order_by("counted_at", "created_at", "pk")
        .values(
            "pk",
            "vendor_order_id",
            "vendor_order__number",
            "vendor_order__order__number",
            "created_at",
            "counted_at",
            "amount",
            "reason",
        )
    )
    if refunds:
        # Every refund of those vendor orders up to the period's end, to split goods/shipping.
        vo_ids = {r["vendor_order_id"] for r in refunds}
        history = list(
            Refund.objects.filter(vendor_order_id__in=vo_ids, created_at__lt=end)
            .order_by("vendor_order_id", "created_at", "pk")
            .values("id", "vendor_order_id", "amount")
        )
        goods_of = dict(
            OrderLine.objects.filter(vendor_order_id__in=vo_ids)
            .order_by()
            .values("vendor_order_id")
            .annotate(goods=Sum("total"))
            .values_list("vendor_order_id", "goods")
        )
        goods_of = defaultdict(int, goods_of)
        split = _split_refunds(history, goods_of)
        for r in refunds:
            goods, shipping = split[r["pk"]]
            result.refund_rows.append(
                RefundRow(
                    refund_id=r["pk"],
                    vendor_order_id=r["vendor_order_id"],
                    number=r["vendor_order__number"],
                    order_number=r["vendor_order__order__number"],
                    refunded_at=r["created_at"],
                    counted_at=r["counted_at"],
                    amount=r["amount"],
                    goods=goods,
                    shipping=shipping,
                    reason=r["reason"],
                )
            )
    return result


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def settlement_generate(
    *,
    vendor: Vendor,
    period_start: dt.date,
    period_end: dt.date,
    commission_rate: Decimal | None = None,
) -> SettlementStatement:
    """Compute and store the vendor's statement for the period: created once, then updated in
    place (same numbers again unless the orders or the vendor's rate changed)."""
    result = settlement_compute(
        vendor=vendor,
        period_start=period_start,
        period_end=period_end,
        commission_rate=commission_rate,
    )
    statement, _created = SettlementStatement.objects.update_or_create(
        vendor=vendor,
        period_start=period_start,
        period_end=period_end,
        defaults={"commission_rate": result.commission_rate, **result.totals()},
    )
    return statement


def vendors_with_activity(*, period_start: dt.date, period_end: dt.date) -> list[int]:
    """Ids of the vendors with a sale, a void sale or a counted refund in the period, or a
    statement for it already (so that a statement whose orders went away is zeroed)."""
    start, end = period_bounds(period_start, period_end)
    ids = set(
        sale_candidates(start=start, end=end)
        .order_by()
        .values_list("vendor_id", flat=True)
        .distinct()
    )
    ids |= set(
        refund_candidates(start=start, end=end)
        .order_by()
        .values_list("vendor_order__vendor_id", flat=True)
        .distinct()
    )
    ids |= set(
        SettlementStatement.objects.filter(
            period_start=period_start, period_end=period_end
        ).values_list("vendor_id", flat=True)
    )
    return sorted(ids)


def settlement_run_month(*, year: int, month: int) -> list[SettlementStatement]:
    """Generate (or regenerate) the month's statement of every vendor with activity.

    Each vendor's statement is written in its own transaction, so a long run holds no lock for
    long and a rerun after a failure redoes only what is needed (idempotent either way).
    """
    period_start, period_end = month_period(year, month)
    vendors = Vendor.objects.filter(
        pk__in=vendors_with_activity(period_start=period_start, period_end=period_end)
    ).order_by("pk")
    return [
        settlement_generate(vendor=v, period_start=period_start, period_end=period_end)
        for v in vendors
    ]


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "구분",
    "일시",
    "주문 번호",
    "판매처 주문 번호",
    "상태",
    "상품 판매액",
    "배송비",
    "환불액",
    "환불(상품)",
    "환불(배송비)",
    "과세 매출",
    "면세·영세 매출",
    "공급가액",
    "세액",
    "비고",
]
STATUS_LABELS = dict(VendorOrder._meta.get_field("status").choices)


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value, SEOUL).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def settlement_csv_rows(result: SettlementResult) -> list[list]:
    """The statement as rows: a summary block, then one row per sale and per refund, then
    the totals (which equal the summary). Amounts are integers (won); refunds are positive
    amounts in their own columns."""
    r = result
    rate_pct = (r.commission_rate * 100).quantize(Decimal("0.01"))
    rows: list[list] = [
        ["정산서", r.vendor.store_name],
        ["정산 기간", r.period_start.isoformat(), r.period_end.isoformat()],
        ["수수료율(%)", str(rate_pct)],
        [],
        ["항목", "금액(원)"],
        ["상품 판매액(부가세 포함)", r.gross_sales],
        ["배송비", r.shipping],
        ["환불액", r.refunds],
        ["  환불(상품)", r.refund_goods],
        ["  환불(배송비)", r.refund_shipping],
        ["수수료 대상 금액", r.commission_base],
        ["수수료", r.commission],
        ["  수수료 공급가액", r.commission_supply],
        ["  수수료 세액", r.commission_tax],
        ["지급액", r.payout],
        ["주문 수", r.order_count],
        [],
        CSV_COLUMNS,
    ]
    for s in r.sales:
        rows.append(
            [
                "판매",
                _local(s.paid_at),
                s.order_number,
                s.number,
                STATUS_LABELS.get(s.status, s.status),
                s.gross,
                s.shipping,
                0,
                0,
                0,
                s.taxable,
                s.tax_free,
                s.supply,
                s.tax,
                "",
            ]
        )
    for f in r.refund_rows:
        note = f.reason
        if f.counted_at != f.refunded_at:
            note = f"{note} (환불 {_local(f.refunded_at)}, 결제 완료일에 반영)".strip()
        rows.append(
            [
                "환불",
                _local(f.counted_at),
                f.order_number,
                f.number,
                "",
                0,
                0,
                f.amount,
                f.goods,
                f.shipping,
                0,
                0,
                0,
                0,
                note,
            ]
        )
    rows.append(
        [
            "합계",
            "",
            "",
            "",
            "",
            r.gross_sales,
            r.shipping,
            r.refunds,
            r.refund_goods,
            r.refund_shipping,
            r.taxable,
            r.tax_free,
            r.supply,
            r.tax,
            "",
        ]
    )
    for s in r.void:
        rows.append(
            [
                "제외(기간 내 취소)",
                _local(s.paid_at),
                s.order_number,
                s.number,
                STATUS_LABELS.get(s.status, s.status),
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                f"취소 {_local(s.canceled_at)}: 판매 {s.gross + s.shipping}원과 환불이 상계됨",
            ]
        )
    return rows


def settlement_csv(result: SettlementResult) -> str:
    """CSV text with a UTF-8 BOM, so that Excel opens the Korean correctly."""
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(settlement_csv_rows(result))
    return out.getvalue()


def settlement_csv_filename(vendor: Vendor, period_start: dt.date, period_end: dt.date) -> str:
    if is_month(period_start, period_end):
        label = f"{period_start:%Y-%m}"
    else:
        label = f"{period_start:%Y%m%d}-{period_end:%Y%m%d}"
    return f"정산서_{vendor.slug}_{label}.csv"


def statement_result(statement: SettlementStatement) -> SettlementResult:
    """The rows behind a stored statement (computed again at the statement's rate)."""
    return settlement_compute(
        vendor=statement.vendor,
        period_start=statement.period_start,
        period_end=statement.period_end,
        commission_rate=statement.commission_rate,
    )


def statement_matches(statement: SettlementStatement, result: SettlementResult) -> bool:
    """Whether the stored figures still equal the orders (else it needs regenerating)."""
    return all(getattr(statement, k) == v for k, v in result.totals().items())
