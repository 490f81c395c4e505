"""Settlement (정산): statements reconcile with the orders to the won.

The orders are real: carts through the checkout services, paid with the test gateway's card
(or on invoice, paid later by a recorded transfer), completed, then refunded and cancelled
through the order services, at chosen moments (``at(...)`` fixes the clock, so every
``created_at`` is what the scenario says). Two vendors with different commission rates sell
taxable, exempt and zero-rated goods.

Scenario (Asia/Seoul):
- 2026-01-05 O1: A cookie×3 + kimchi×1 (free shipping over ₩50,000), B rice×1.
- 2026-01-10 O2: A granola×2, B juice×3 + zero-rated tea×1.
- 2026-01-15 O3: B rice×2; cancelled on 01-16 (paid and cancelled in January: void).
- 2026-01-20 O7: B rice×1 on invoice; the transfer is recorded on 02-10 (a February sale).
- 2026-01-20: A refunds one granola of O2 (₩8,900).
- 2026-01-28 O4: A cookie×1; cancelled on 02-03 (a January sale, a February refund).
- 2026-01-31 23:30 O5: A kimchi×2 (January in Seoul, although 14:30 UTC).
- 2026-02-01 00:10 O6: A cookie×2 (February in Seoul, although still 01-31 in UTC).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.checkout import services as checkout
from shop.orders import services as orders
from shop.orders.models import OrderLine, VendorOrder
from shop.payments import services as payments
from shop.payments.models import Refund
from shop.settlement import services
from shop.settlement.models import SettlementStatement
from shop.settlement.tasks import (
    settlement_generate_task,
    settlement_run_month_task,
    settlement_run_previous_month,
)
from tests.factories import StaffFactory, UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.orders import SEOUL_ADDRESS, sellable

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shop.settlement_urls")]

SEOUL = ZoneInfo("Asia/Seoul")
CARD = "4242424242424242"
JAN = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
FEB = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def kst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


@contextmanager
def at(moment: dt.datetime):
    """Everything inside happens at ``moment`` (``created_at``, ``timezone.localdate()``…)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def floor_commission(base: int, rate_bp: int) -> int:
    """The oracle: base × rate (in basis points of 1/10,000), floored, in plain integers."""
    return base * rate_bp // 10_000


# ---------------------------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------------------------


class World:
    def __init__(self):
        self.buyer = UserFactory()
        self.centre = StaffFactory()
        self.a = VendorFactory(
            store_name="햇살베이커리",
            slug="haetsal",
            commission_rate=Decimal("0.0800"),
            shipping_base_fee=3_000,
            shipping_free_over=50_000,
            bank_name="국민은행",
            bank_account_holder="햇살베이커리",
        )
        self.b = VendorFactory(
            store_name="들녘농장",
            slug="deulnyeok",
            commission_rate=Decimal("0.1050"),
            shipping_base_fee=4_000,
            shipping_free_over=None,
        )
        self.staff_a = VendorStaffFactory(vendor=self.a).user
        self.staff_b = VendorStaffFactory(vendor=self.b).user
        self.cookie = sellable(vendor=self.a, price=12_345, name="우리밀 쿠키")
        self.granola = sellable(vendor=self.a, price=8_900, name="그래놀라")
        self.kimchi = sellable(vendor=self.a, price=15_500, tax_type="exempt", name="포기김치")
        self.rice = sellable(vendor=self.b, price=31_000, tax_type="exempt", name="유기농 쌀")
        self.juice = sellable(vendor=self.b, price=6_700, name="사과주스")
        self.tea = sellable(vendor=self.b, price=9_990, tax_type="zero_rated", name="수출용 녹차")
        self.orders = {}

    def buy(self, name: str, when: dt.datetime, lines, *, on_invoice: bool = False):
        with at(when):
            cart = checkout.checkout_create(
                user=self.buyer,
                email=self.buyer.email,
                lines=[(variant.pk, qty) for variant, qty in lines],
                shipping_address=SEOUL_ADDRESS,
            )
            cart = checkout.checkout_delivery_method_update(
                checkout=cart, delivery_method_id="standard"
            )
            if on_invoice:
                gateway, data = "nuri.payments.invoice", {}
            else:
                gateway, data = "nuri.payments.test", {"cardNumber": CARD}
            tx = payments.transaction_initialize(
                checkout_or_order=cart, gateway_id=gateway, data=data, actor=self.buyer
            )
            assert tx.status == ("invoiced" if on_invoice else "charged")
            order = checkout.checkout_complete(checkout=cart, user=self.buyer)
        self.orders[name] = order
        return order

    def vo(self, name: str, vendor) -> VendorOrder:
        return VendorOrder.objects.get(order=self.orders[name], vendor=vendor)

    def line(self, name: str, variant) -> OrderLine:
        return OrderLine.objects.get(vendor_order__order=self.orders[name], variant=variant)


def build_january(w: World) -> None:
    w.buy("O1", kst(2026, 1, 5, 10), [(w.cookie, 3), (w.kimchi, 1), (w.rice, 1)])
    w.buy("O2", kst(2026, 1, 10, 11), [(w.granola, 2), (w.juice, 3), (w.tea, 1)])
    w.buy("O3", kst(2026, 1, 15, 9), [(w.rice, 2)])
    with at(kst(2026, 1, 16, 9)):
        orders.vendor_order_cancel(vendor_order=w.vo("O3", w.b), actor=w.buyer, reason="변심")
    w.buy("O7", kst(2026, 1, 20, 8), [(w.rice, 1)], on_invoice=True)
    with at(kst(2026, 1, 20, 15)):
        orders.vendor_order_refund(
            vendor_order=w.vo("O2", w.a),
            actor=w.staff_a,
            lines=[(w.line("O2", w.granola).pk, 1)],
            reason="파손",
        )
    w.buy("O4", kst(2026, 1, 28, 12), [(w.cookie, 1)])
    w.buy("O5", kst(2026, 1, 31, 23, 30), [(w.kimchi, 2)])


def build_february(w: World) -> None:
    w.buy("O6", kst(2026, 2, 1, 0, 10), [(w.cookie, 2)])
    with at(kst(2026, 2, 3, 10)):
        orders.vendor_order_cancel(vendor_order=w.vo("O4", w.a), actor=w.buyer, reason="변심")
    with at(kst(2026, 2, 10, 14)):
        payments.invoice_payment_record(
            order=w.orders["O7"], amount=w.orders["O7"].total, actor=w.centre, reference="입금-1"
        )


@pytest.fixture
def world() -> World:
    w = World()
    build_january(w)
    build_february(w)
    return w


def lines_total(vendor_orders) -> int:
    return sum(
        OrderLine.objects.filter(vendor_order__in=vendor_orders).values_list("total", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# Reconciliation
# ---------------------------------------------------------------------------------------------


def test_january_reconciles_with_the_paid_order_lines(world):
    w = world
    a_sales = [w.vo(n, w.a) for n in ("O1", "O2", "O4", "O5")]
    b_sales = [w.vo(n, w.b) for n in ("O1", "O2")]

    a = services.settlement_compute(vendor=w.a, period_start=JAN[0], period_end=JAN[1])
    gross = lines_total(a_sales)
    assert gross == 12_345 * 3 + 15_500 + 8_900 * 2 + 12_345 + 15_500 * 2 == 113_680
    refunds = sum(
        Refund.objects.filter(vendor_order=w.vo("O2", w.a)).values_list("amount", flat=True)
    )
    assert refunds == 8_900
    shipping = sum(vo.shipping_fee for vo in a_sales)
    assert shipping == 0 + 3_000 + 3_000 + 3_000  # O1 reached free shipping
    commission = floor_commission(gross - refunds, 800)
    assert commission == 8_382  # 104,780 × 8% = 8,382.4
    assert (a.gross_sales, a.shipping, a.refunds, a.commission, a.order_count) == (
        gross,
        shipping,
        refunds,
        commission,
        4,
    )
    assert a.payout == gross + shipping - refunds - commission == 105_398
    assert [s.number for s in a.sales] == [vo.number for vo in a_sales]
    assert a.refund_goods == 8_900
    assert a.refund_shipping == 0
    # Mixed tax types: taxable + tax-free = gross; supply + tax = gross.
    assert a.taxable == 12_345 * 4 + 8_900 * 2
    assert a.tax_free == 15_500 * 3
    assert a.supply + a.tax == gross
    assert a.tax == sum(
        OrderLine.objects.filter(vendor_order__in=a_sales).values_list("tax", flat=True)
    )

    b = services.settlement_compute(vendor=w.b, period_start=JAN[0], period_end=JAN[1])
    gross_b = lines_total(b_sales)
    assert gross_b == 31_000 + 6_700 * 3 + 9_990 == 61_090
    assert b.gross_sales == gross_b
    assert b.shipping == 8_000
    assert b.refunds == 0  # O3 was paid and cancelled in January: left out with its refund
    assert b.commission == floor_commission(gross_b, 1050) == 6_414  # 6,414.45
    assert b.payout == 61_090 + 8_000 - 6_414
    assert [s.number for s in b.void] == [w.vo("O3", w.b).number]
    assert b.tax_free == 31_000 + 9_990
    assert b.taxable == 6_700 * 3
    # The invoice order (O7) is not paid in January.
    assert w.vo("O7", w.b).number not in {s.number for s in b.sales}


def test_a_refund_next_month_reduces_next_month(world):
    w = world
    a = services.settlement_compute(vendor=w.a, period_start=FEB[0], period_end=FEB[1])
    o4 = w.vo("O4", w.a)
    assert o4.status == "canceled"
    assert [s.number for s in a.sales] == [w.vo("O6", w.a).number]  # O4 stays a January sale
    gross = lines_total([w.vo("O6", w.a)])
    assert gross == 24_690
    # The cancellation refunds the goods and the shipping fee: commission comes back on goods.
    assert [(r.number, r.amount, r.goods, r.shipping) for r in a.refund_rows] == [
        (o4.number, 15_345, 12_345, 3_000)
    ]
    commission = floor_commission(gross - 12_345, 800)
    assert commission == 987
    assert (a.gross_sales, a.shipping, a.refunds, a.commission) == (24_690, 3_000, 15_345, 987)
    assert a.payout == 24_690 + 3_000 - 15_345 - 987 == 11_358

    # The invoice order counts when its transfer completed it (February).
    b = services.settlement_compute(vendor=w.b, period_start=FEB[0], period_end=FEB[1])
    assert [s.number for s in b.sales] == [w.vo("O7", w.b).number]
    assert b.sales[0].paid_at == kst(2026, 2, 10, 14)
    assert (b.gross_sales, b.shipping, b.refunds) == (31_000, 4_000, 0)
    assert b.commission == floor_commission(31_000, 1050) == 3_255
    assert b.payout == 31_000 + 4_000 - 3_255


def test_over_both_months_everything_adds_up_to_the_won(world):
    """January + February: gross = every paid line not voided; refunds = every refund of a
    counted sale; payout = money kept by the vendor less commission."""
    w = world
    for vendor, voided in ((w.a, set()), (w.b, {w.vo("O3", w.b).pk})):
        months = [
            services.settlement_compute(vendor=vendor, period_start=s, period_end=e)
            for s, e in (JAN, FEB)
        ]
        counted = VendorOrder.objects.filter(vendor=vendor).exclude(pk__in=voided)
        assert sum(m.gross_sales for m in months) == lines_total(counted)
        assert sum(m.shipping for m in months) == sum(vo.shipping_fee for vo in counted)
        assert sum(m.refunds for m in months) == sum(
            Refund.objects.filter(vendor_order__in=counted).values_list("amount", flat=True)
        )
        assert sum(m.order_count for m in months) == counted.count()


def test_period_boundaries_are_seoul_days(world):
    w = world
    o5, o6 = w.vo("O5", w.a), w.vo("O6", w.a)
    jan = services.settlement_compute(vendor=w.a, period_start=JAN[0], period_end=JAN[1])
    feb = services.settlement_compute(vendor=w.a, period_start=FEB[0], period_end=FEB[1])
    assert o5.number in {s.number for s in jan.sales}
    assert o6.number in {s.number for s in feb.sales}
    # One day: 2026-01-31 (Seoul) has O5 only.
    day = services.settlement_compute(
        vendor=w.a, period_start=dt.date(2026, 1, 31), period_end=dt.date(2026, 1, 31)
    )
    assert [s.number for s in day.sales] == [o5.number]


def test_commission_is_exact_decimal_and_truncated():
    assert services.commission_for(104_780, Decimal("0.0800")) == 8_382
    assert services.commission_for(61_090, Decimal("0.1050")) == 6_414
    assert services.commission_for(10, Decimal("0.0999")) == 0
    assert services.commission_for(0, Decimal("0.08")) == 0
    # A month of refunds only: commission comes back, truncated toward zero, so a sale and
    # its full refund a month later cancel out to the won.
    assert services.commission_for(12_345, Decimal("0.0800")) == 987
    assert services.commission_for(-12_345, Decimal("0.0800")) == -987
    # Binary floating point would say 0.29 × 100 = 28.999…; Decimal says 29.
    assert services.commission_for(100, Decimal("0.2900")) == 29


def test_refund_made_before_an_invoice_order_is_paid_counts_when_it_is_paid(db):
    """Only an invoice order can be refunded before it is fully paid (after a partial
    transfer): that refund counts in the period the order became paid, with the sale."""
    w = World()
    order = w.buy("INV", kst(2026, 1, 5, 9), [(w.rice, 1)], on_invoice=True)
    vo = w.vo("INV", w.b)
    with at(kst(2026, 1, 10, 9)):
        payments.invoice_payment_record(order=order, amount=10_000, actor=w.centre, reference="1")
    with at(kst(2026, 1, 12, 9)):
        orders.vendor_order_refund(vendor_order=vo, actor=w.staff_b, amount=5_000, reason="조정")
    with at(kst(2026, 2, 2, 9)):
        payments.invoice_payment_record(
            order=order, amount=order.total - 10_000, actor=w.centre, reference="2"
        )
    jan = services.settlement_compute(vendor=w.b, period_start=JAN[0], period_end=JAN[1])
    assert (jan.gross_sales, jan.refunds, jan.payout) == (0, 0, 0)
    feb = services.settlement_compute(vendor=w.b, period_start=FEB[0], period_end=FEB[1])
    assert (feb.gross_sales, feb.shipping, feb.refunds) == (31_000, 4_000, 5_000)
    assert feb.refund_rows[0].counted_at == kst(2026, 2, 2, 9)
    assert feb.refund_rows[0].refunded_at == kst(2026, 1, 12, 9)


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


def test_generate_is_an_idempotent_upsert(world):
    w = world
    first = services.settlement_generate(vendor=w.a, period_start=JAN[0], period_end=JAN[1])
    again = services.settlement_generate(vendor=w.a, period_start=JAN[0], period_end=JAN[1])
    assert again.pk == first.pk
    assert SettlementStatement.objects.filter(vendor=w.a).count() == 1
    fields = ("gross_sales", "shipping", "refunds", "commission", "payout", "order_count")
    assert [getattr(again, f) for f in fields] == [getattr(first, f) for f in fields]
    assert (first.gross_sales, first.refunds, first.commission, first.payout) == (
        113_680,
        8_900,
        8_382,
        105_398,
    )
    assert first.commission_rate == Decimal("0.0800")

    # A statement someone tampered with is put right by regenerating it.
    SettlementStatement.objects.filter(pk=first.pk).update(payout=1)
    fixed = services.settlement_generate(vendor=w.a, period_start=JAN[0], period_end=JAN[1])
    assert fixed.pk == first.pk
    assert fixed.payout == 105_398


def test_late_events_never_change_a_past_statement(db):
    w = World()
    build_january(w)
    with at(kst(2026, 2, 1, 3)):
        before = {
            v.pk: services.settlement_generate(vendor=v, period_start=JAN[0], period_end=JAN[1])
            for v in (w.a, w.b)
        }
    build_february(w)  # a cancellation, a refund and a late invoice payment
    for v in (w.a, w.b):
        after = services.settlement_generate(vendor=v, period_start=JAN[0], period_end=JAN[1])
        assert (after.gross_sales, after.refunds, after.commission, after.payout) == (
            before[v.pk].gross_sales,
            before[v.pk].refunds,
            before[v.pk].commission,
            before[v.pk].payout,
        )


def test_run_month_covers_vendors_with_activity_only(world):
    idle = VendorFactory(slug="idle")
    sellable(vendor=idle, price=1_000)
    statements = services.settlement_run_month(year=2026, month=1)
    assert {s.vendor_id for s in statements} == {world.a.pk, world.b.pk}
    assert services.settlement_run_month(year=2026, month=1)  # again: same rows
    assert SettlementStatement.objects.filter(period_start=JAN[0]).count() == 2
    assert services.settlement_run_month(year=2025, month=12) == []


def test_beat_task_generates_the_previous_month(world):
    with at(kst(2026, 3, 1, 3)):
        assert settlement_run_previous_month.delay().get() == 2
    feb = SettlementStatement.objects.filter(period_start=FEB[0], period_end=FEB[1])
    assert {s.vendor_id: s.payout for s in feb} == {world.a.pk: 11_358, world.b.pk: 31_745}
    # Idempotent: run twice (a redelivered message), still one statement per vendor.
    with at(kst(2026, 3, 1, 3, 5)):
        settlement_run_previous_month.delay()
    assert feb.count() == 2


def test_on_demand_tasks(world):
    pk = settlement_generate_task.delay(world.a.pk, "2026-01-01", "2026-01-31").get()
    assert SettlementStatement.objects.get(pk=pk).payout == 105_398
    assert settlement_generate_task.delay(999_999, "2026-01-01", "2026-01-31").get() is None
    assert settlement_run_month_task.delay(2026, 2).get() == 2


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def parse_csv(text: str):
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "항목") + 1
    end = next(i for i in range(start, len(rows)) if not rows[i])
    summary = {r[0].strip(): int(r[1]) for r in rows[start:end]}
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "구분")
    header = rows[header_at]
    detail = [dict(zip(header, r, strict=True)) for r in rows[header_at + 1 :] if r]
    return summary, detail


def test_csv_totals_equal_the_statement(world):
    w = world
    for vendor, period in ((w.a, JAN), (w.a, FEB), (w.b, JAN)):
        st = services.settlement_generate(
            vendor=vendor, period_start=period[0], period_end=period[1]
        )
        summary, detail = parse_csv(services.settlement_csv(services.statement_result(st)))
        assert summary["상품 판매액(부가세 포함)"] == st.gross_sales
        assert summary["배송비"] == st.shipping
        assert summary["환불액"] == st.refunds
        assert summary["수수료"] == st.commission
        assert summary["지급액"] == st.payout
        assert summary["주문 수"] == st.order_count
        sales = [d for d in detail if d["구분"] == "판매"]
        refunds = [d for d in detail if d["구분"] == "환불"]
        total = next(d for d in detail if d["구분"] == "합계")
        assert len(sales) == st.order_count
        assert (
            sum(int(d["상품 판매액"]) for d in sales) == st.gross_sales == int(total["상품 판매액"])
        )
        assert sum(int(d["배송비"]) for d in sales) == st.shipping == int(total["배송비"])
        assert sum(int(d["환불액"]) for d in refunds) == st.refunds == int(total["환불액"])
        goods = sum(int(d["환불(상품)"]) for d in refunds)
        assert summary["수수료 대상 금액"] == st.gross_sales - goods
        assert st.commission == services.commission_for(st.gross_sales - goods, st.commission_rate)
        assert st.payout == st.gross_sales + st.shipping - st.refunds - st.commission
        for d in sales:  # amounts are plain integers, never "12,345" or "₩"
            assert d["상품 판매액"].lstrip("-").isdigit()
            assert int(d["과세 매출"]) + int(d["면세·영세 매출"]) == int(d["상품 판매액"])
            assert int(d["공급가액"]) + int(d["세액"]) == int(d["상품 판매액"])


# ---------------------------------------------------------------------------------------------
# Dashboard pages
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def statements(world):
    jan = services.settlement_generate(vendor=world.a, period_start=JAN[0], period_end=JAN[1])
    feb = services.settlement_generate(vendor=world.a, period_start=FEB[0], period_end=FEB[1])
    b_jan = services.settlement_generate(vendor=world.b, period_start=JAN[0], period_end=JAN[1])
    return {"jan": jan, "feb": feb, "b_jan": b_jan}


def urls(vendor, statement):
    slug = vendor.slug
    return [
        reverse("dashboard:settlement_list", args=[slug]),
        reverse("dashboard:settlement_detail", args=[slug, statement.pk]),
        reverse("dashboard:settlement_csv", args=[slug, statement.pk]),
        reverse("dashboard:settlement_preview", args=[slug]),
        reverse("dashboard:settlement_preview_csv", args=[slug]),
    ]


def test_pages_for_the_vendors_own_staff(client, world, statements):
    client.force_login(world.staff_a)
    for url in urls(world.a, statements["jan"]):
        assert client.get(url).status_code == 200, url

    page = client.get(reverse("dashboard:settlement_list", args=[world.a.slug]))
    html = page.content.decode()
    assert "2026년 1월" in html
    assert "₩105,398" in html
    assert "₩11,358" in html
    assert "<svg" in html
    assert "최근 12개월" in html

    detail = client.get(
        reverse("dashboard:settlement_detail", args=[world.a.slug, statements["jan"].pk])
    )
    html = detail.content.decode()
    assert "₩113,680" in html
    assert "₩8,382" in html
    assert "₩105,398" in html
    assert world.vo("O4", world.a).number in html  # the rows behind the figures
    assert world.vo("O2", world.a).number in html
    assert "<svg" in html
    assert detail.context["stale"] is False

    csv_response = client.get(
        reverse("dashboard:settlement_csv", args=[world.a.slug, statements["jan"].pk])
    )
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]
    assert csv_response.content.startswith("\ufeff".encode())
    summary, _detail = parse_csv(csv_response.content.decode("utf-8"))
    assert summary["지급액"] == 105_398


def test_preview_computes_this_month_without_storing(client, world):
    client.force_login(world.staff_a)
    with at(kst(2026, 2, 15, 12)):
        response = client.get(reverse("dashboard:settlement_preview", args=[world.a.slug]))
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.period_start, result.period_end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 15))
    assert result.payout == 11_358
    assert "이번 달 미리보기" in response.content.decode()
    assert not SettlementStatement.objects.exists()


def test_other_vendors_staff_get_404(client, world, statements):
    client.force_login(world.staff_b)
    for url in urls(world.a, statements["jan"]):
        assert client.get(url).status_code == 404, url
    # Their own slug with another vendor's statement id: 404 too.
    for name in ("settlement_detail", "settlement_csv"):
        url = reverse(f"dashboard:{name}", args=[world.b.slug, statements["jan"].pk])
        assert client.get(url).status_code == 404
    # A vendor that does not exist: the same answer.
    assert client.get(reverse("dashboard:settlement_list", args=["nope"])).status_code == 404


def test_anonymous_is_sent_to_login(client, world, statements):
    response = client.get(reverse("dashboard:settlement_list", args=[world.a.slug]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_centre_staff_see_every_vendor(client, world, statements):
    client.force_login(world.centre)
    for vendor, st in ((world.a, statements["jan"]), (world.b, statements["b_jan"])):
        for url in urls(vendor, st):
            assert client.get(url).status_code == 200, url


def test_statement_list_query_count_is_constant(client, world):
    client.force_login(world.staff_a)
    url = reverse("dashboard:settlement_list", args=[world.a.slug])

    def make(n: int) -> None:
        for i in range(n):
            year, month = 2024 + i // 12, i % 12 + 1
            SettlementStatement.objects.get_or_create(
                vendor=world.a,
                period_start=dt.date(year, month, 1),
                period_end=services.month_period(year, month)[1],
                defaults={"gross_sales": 1000 * i, "payout": 900 * i, "order_count": i},
            )

    make(2)
    client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 8


# ---------------------------------------------------------------------------------------------
# Admin
# ---------------------------------------------------------------------------------------------


def test_admin_pages_and_actions(client, world, statements):
    from shop.orders.models import Order
    from shop.payments.models import Transaction, WebhookEvent

    WebhookEvent.objects.create(provider="stripe", event_id="evt_1", type="charge.refunded")
    client.force_login(world.centre)
    for model in (SettlementStatement, Order, VendorOrder, Transaction, Refund, WebhookEvent):
        assert model in admin_site._registry, model
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert client.get(changelist).status_code == 200, changelist
        obj = model.objects.order_by("pk").first()
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        assert client.get(change).status_code == 200, change

    changelist = reverse("admin:shop_settlementstatement_changelist")
    html = client.get(changelist, {"month": "2026-01"}).content.decode()
    assert "₩105,398" in html
    assert "8.00%" in html
    assert client.get(changelist, {"q": world.orders["O1"].email}).status_code == 200
    order_list = reverse("admin:shop_order_changelist")
    assert (
        world.orders["O1"].number
        in client.get(order_list, {"q": world.orders["O1"].number}).content.decode()
    )

    # "다시 계산" puts a tampered statement right.
    SettlementStatement.objects.filter(pk=statements["jan"].pk).update(payout=0)
    response = client.post(
        changelist,
        {"action": "regenerate", "_selected_action": [statements["jan"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    statements["jan"].refresh_from_db()
    assert statements["jan"].payout == 105_398

    # Payout list CSV.
    response = client.post(
        changelist,
        {"action": "export_payouts", "_selected_action": [s.pk for s in statements.values()]},
    )
    assert response.content.startswith("\ufeff".encode())
    assert "105398" in response.content.decode("utf-8")

    # Run a month from the admin page.
    SettlementStatement.objects.all().delete()
    run = reverse("admin:shop_settlementstatement_run_month")
    assert client.get(run).status_code == 200
    with at(kst(2026, 3, 2, 9)):
        response = client.post(run, {"year": 2026, "month": 2})
        assert response.status_code == 302
        assert client.post(run, {"year": 2026, "month": 4}).status_code == 200  # future: refused
    assert SettlementStatement.objects.filter(period_start=FEB[0]).count() == 2


def test_vendor_staff_cannot_use_the_admin(client, world, statements):
    client.force_login(world.staff_a)
    response = client.get(reverse("admin:shop_settlementstatement_changelist"))
    assert response.status_code == 302


def test_compute_runs_a_fixed_number_of_queries(world):
    counts = []
    for vendor in (world.a, world.b):
        for start, end in (JAN, FEB):
            with CaptureQueriesContext(connection) as queries:
                services.settlement_compute(vendor=vendor, period_start=start, period_end=end)
            counts.append(len(queries))
    assert max(counts) <= 5, counts
