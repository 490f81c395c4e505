"""Quote requests, quotes, acceptance into an order on invoice, delivery, inspection, payment,
reminders — through the services, with the shop's real order and payment records."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import DomainError, DomainErrors
from purchasing import services
from purchasing.models import (
    Delivery,
    DeliveryStatus,
    PurchasingEvent,
    QuoteRequestStatus,
    QuoteStatus,
)
from shop.catalog.models import Stock
from shop.orders.models import ChargeStatus, OrderLine, VendorOrderStatus
from shop.payments.models import Transaction
from tests.factories import StaffFactory
from tests.factories.orders import sellable
from tests.purchasing.factories import BuyerFactory, item, quote, rfq, supplier

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


@contextmanager
def at(*args):
    moment = dt.datetime(*args, tzinfo=SEOUL)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


@pytest.fixture
def buyer():
    return BuyerFactory()


@pytest.fixture
def se():
    return supplier(kind="social_enterprise", name="행복한베이커리")


@pytest.fixture
def coop():
    return supplier(kind="social_coop", name="우리밀협동조합")


def codes(exc) -> set[str]:
    errors = exc.value.errors if isinstance(exc.value, DomainErrors) else [exc.value]
    return {e.code for e in errors}


# ---------------------------------------------------------------------------------------------
# Requests and quotes
# ---------------------------------------------------------------------------------------------


def test_request_invites_chosen_vendors_and_product_vendors(
    buyer, se, coop, django_capture_on_commit_callbacks
):
    other = supplier(kind="social_enterprise")
    variant = sellable(vendor=other, price=11_000, name="유기농 쿠키")
    with django_capture_on_commit_callbacks(execute=True):
        request = rfq(
            buyer,
            [se],
            items=[item("다과 세트", 20), services.ItemInput(quantity=5, variant_id=variant.pk)],
        )
    assert request.number.startswith("R")
    assert set(request.invited_vendors.all()) == {se, other}
    items = list(request.items.all())
    assert items[1].name == "유기농 쿠키"
    assert request.agency == buyer.agency
    assert request.department == buyer.department
    assert request.events.filter(type="request_created").exists()
    # the invited vendors were told by e-mail
    assert any(se.owner.email in m.to for m in mail.outbox)


def test_request_to_all_eligible_vendors(buyer, se, coop):
    prelim = supplier(kind="prelim_regional")
    lapsed = supplier(kind="social_enterprise", valid_until=dt.date(2020, 12, 31))
    request = rfq(buyer, [], open_to_all=True)
    invited = set(request.invited_vendors.all())
    assert {se, coop} <= invited
    assert prelim not in invited
    assert lapsed not in invited


def test_request_validation(buyer, se):
    with pytest.raises(DomainErrors) as exc:
        rfq(buyer, [se], title="", delivery_place="", items=[item("", 0)])
    fields = {e.field for e in exc.value.errors}
    assert {"title", "deliveryPlace", "items"} <= fields
    with pytest.raises(DomainError) as exc:
        rfq(buyer, [])
    assert exc.value.field == "vendorIds"


def test_only_approved_buyers_request_quotes(se):
    pending = BuyerFactory(status="pending")
    with pytest.raises(DomainError) as exc:
        rfq(pending, [se])
    assert exc.value.code == "NOT_A_BUYER"


def test_mixed_quote_reconciles_per_line_and_overall(buyer, se):
    request = rfq(
        buyer,
        [se],
        items=[item("수제 쿠키", 7), item("두부", 3), item("수출용 포장", 2)],
    )
    q = quote(
        request,
        se,
        [1_999, 3_333, 10_001],
        tax_types=["taxable", "exempt", "zero_rated"],
    )
    lines = list(q.lines.order_by("sort_order"))
    # taxable: supply 13,993, tax floor(13,993 / 10) = 1,399
    assert (lines[0].supply, lines[0].tax, lines[0].total) == (13_993, 1_399, 15_392)
    assert (lines[1].supply, lines[1].tax, lines[1].total) == (9_999, 0, 9_999)
    assert (lines[2].supply, lines[2].tax, lines[2].total) == (20_002, 0, 20_002)
    for line in lines:
        assert line.supply + line.tax == line.total
        assert line.supply == line.unit_price * line.quantity
    assert q.supply_total == sum(line.supply for line in lines) == 43_994
    assert q.tax_total == sum(line.tax for line in lines) == 1_399
    assert q.total == q.supply_total + q.tax_total == 45_393


def test_quote_must_price_every_item_and_be_invited(buyer, se, coop):
    request = rfq(buyer, [se], items=[item("쿠키", 5), item("음료", 5)])
    first = request.items.order_by("sort_order").first()
    with pytest.raises(DomainError) as exc:
        quote(request, se, [1000], lines=[services.LineInput(item_id=first.pk, unit_price=1000)])
    assert exc.value.code == "ITEM_NOT_QUOTED"
    with pytest.raises(DomainError) as exc:
        quote(request, coop, [1000, 1000])
    assert exc.value.code == "VENDOR_NOT_INVITED"
    with pytest.raises(DomainError) as exc:
        services.quote_submit(
            request=request, vendor=se, actor=coop.owner, valid_until=dt.date.today(), lines=[]
        )
    assert exc.value.code == "PERMISSION_DENIED"


def test_revised_quote_replaces_the_earlier_one(buyer, se):
    request = rfq(buyer, [se])
    first = quote(request, se, [1000])
    second = quote(request, se, [900])
    first.refresh_from_db()
    assert first.status == QuoteStatus.WITHDRAWN
    assert second.status == QuoteStatus.SUBMITTED


def test_no_quote_after_the_deadline(buyer, se):
    with at(2026, 5, 4, 9):
        request = rfq(buyer, [se], deadline=timezone.now() + dt.timedelta(days=1))
    with at(2026, 5, 5, 9, 1), pytest.raises(DomainError) as exc:
        quote(request, se, [1000])
    assert exc.value.code == "DEADLINE_PASSED"


# ---------------------------------------------------------------------------------------------
# Acceptance
# ---------------------------------------------------------------------------------------------


def test_accept_creates_an_order_on_invoice_with_the_quoted_prices(buyer, se, coop):
    variant = sellable(vendor=se, price=2_500, stock=50, name="현미 쿠키")
    request = rfq(
        buyer,
        [se, coop],
        items=[services.ItemInput(quantity=40, variant_id=variant.pk), item("두부", 10)],
    )
    cheap = quote(request, se, [1_999, 3_000], tax_types=["taxable", "exempt"])
    dear = quote(request, coop, [2_400, 3_100], tax_types=["taxable", "exempt"])
    delivery = services.quote_accept(quote=cheap, actor=buyer.user)

    order = delivery.order
    assert order.user == buyer.user
    assert order.charge_status == ChargeStatus.INVOICE
    assert order.gateway == "invoice"
    assert order.total == cheap.total
    assert order.tax_total == cheap.tax_total
    assert order.shipping_total == 0
    assert request.number in order.agency_ref
    tx = Transaction.objects.get(order=order)
    assert (tx.gateway, tx.status, tx.amount, tx.charged) == ("invoice", "invoiced", order.total, 0)
    vo = delivery.vendor_order
    assert vo.vendor == se
    assert vo.total == order.total
    lines = list(OrderLine.objects.filter(vendor_order=vo).order_by("id"))
    assert [(line.quantity, line.supply, line.tax, line.total) for line in lines] == [
        (40, 79_960, 7_996, 87_956),
        (10, 30_000, 0, 30_000),
    ]
    assert sum(line.total for line in lines) == vo.total
    assert sum(line.tax for line in lines) == vo.tax
    assert lines[0].variant == variant  # the vendor's own catalog variant: stock allocated
    assert Stock.objects.get(variant=variant).allocated == 40
    assert lines[1].variant is None

    cheap.refresh_from_db()
    dear.refresh_from_db()
    request.refresh_from_db()
    assert cheap.status == QuoteStatus.ACCEPTED
    assert dear.status == QuoteStatus.REJECTED
    assert request.status == QuoteRequestStatus.AWARDED
    assert delivery.status == DeliveryStatus.ORDERED
    assert delivery.ordered_on == timezone.localdate()
    types = list(request.events.values_list("type", flat=True))
    assert "quote_accepted" in types
    assert order.events.filter(type="placed").exists()


def test_expired_quote_cannot_be_accepted(buyer, se):
    with at(2026, 5, 4, 9):
        request = rfq(buyer, [se])
        q = quote(request, se, [1000], valid_days=3)
    with at(2026, 5, 8, 9), pytest.raises(DomainError) as exc:
        services.quote_accept(quote=q, actor=buyer.user)
    assert exc.value.code == "QUOTE_EXPIRED"
    # the beat marks it expired; still refused with the same code
    with at(2026, 5, 8, 9):
        assert services.quotes_expire() == 1
        with pytest.raises(DomainError) as exc:
            services.quote_accept(quote=q, actor=buyer.user)
    assert exc.value.code == "QUOTE_EXPIRED"
    q.refresh_from_db()
    assert q.status == QuoteStatus.EXPIRED
    assert not Delivery.objects.exists()


def test_two_quotes_needed_above_the_single_quote_limit(buyer, se, coop):
    request = rfq(buyer, [se, coop], items=[item("행사 도시락", 1000)])
    only = quote(request, se, [60_000])  # ₩60,000,000 excl. VAT
    with pytest.raises(DomainError) as exc:
        services.quote_accept(quote=only, actor=buyer.user)
    assert exc.value.code == "QUOTES_INSUFFICIENT"
    assert "1건 더" in exc.value.message
    quote(request, coop, [61_000])
    delivery = services.quote_accept(quote=only, actor=buyer.user)
    assert delivery.amount == 66_000_000


def test_competitive_bidding_cannot_be_ordered_on_nuri(buyer, se, coop):
    request = rfq(buyer, [se, coop], items=[item("행사 도시락", 1000)])
    q = quote(request, se, [120_000])
    quote(request, coop, [121_000])
    with pytest.raises(DomainError) as exc:
        services.quote_accept(quote=q, actor=buyer.user)
    assert exc.value.code == "CONTRACT_ROUTE_NOT_ALLOWED"


def test_other_agency_cannot_accept_or_reject(buyer, se):
    request = rfq(buyer, [se])
    q = quote(request, se, [1000])
    stranger = BuyerFactory()
    for action in (services.quote_accept, services.quote_reject):
        with pytest.raises(DomainError) as exc:
            action(quote=q, actor=stranger.user)
        assert exc.value.code == "NOT_A_BUYER"


def test_reject_a_quote_tells_the_vendor(buyer, se, django_capture_on_commit_callbacks):
    request = rfq(buyer, [se])
    q = quote(request, se, [1000])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_reject(quote=q, actor=buyer.user, reason="단가가 예산을 넘습니다.")
    q.refresh_from_db()
    assert q.status == QuoteStatus.REJECTED
    assert q.decision_reason == "단가가 예산을 넘습니다."
    assert any(se.owner.email in m.to and "단가가 예산" in m.body for m in mail.outbox)


def test_accept_refuses_when_stock_ran_out(buyer, se):
    variant = sellable(vendor=se, price=2_500, stock=5)
    request = rfq(buyer, [se], items=[services.ItemInput(quantity=10, variant_id=variant.pk)])
    q = quote(request, se, [2_000])
    with pytest.raises(DomainError) as exc:
        services.quote_accept(quote=q, actor=buyer.user)
    assert exc.value.code == "INSUFFICIENT_STOCK"
    assert Stock.objects.get(variant=variant).allocated == 0
    q.refresh_from_db()
    assert q.status == QuoteStatus.SUBMITTED


# ---------------------------------------------------------------------------------------------
# Delivery, inspection, payment
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def ordered(buyer, se):
    with at(2026, 5, 4, 9):
        request = rfq(buyer, [se], items=[item("쿠키 세트", 10)])
        q = quote(request, se, [10_000])
        return services.quote_accept(quote=q, actor=buyer.user)


def test_delivery_inspection_payment(ordered, buyer, se):
    with at(2026, 5, 6, 15):
        d = services.delivery_complete(delivery=ordered, actor=se.owner)
    assert d.status == DeliveryStatus.DELIVERED
    assert d.inspection_due == dt.date(2026, 5, 20)
    d.vendor_order.refresh_from_db()
    assert d.vendor_order.status == VendorOrderStatus.DELIVERED

    with at(2026, 5, 7, 10):
        d = services.delivery_inspect(
            delivery=d, actor=buyer.user, accepted=False, reason="포장 파손 3개"
        )
    assert d.status == DeliveryStatus.REJECTED
    with at(2026, 5, 8, 10):
        d = services.delivery_complete(delivery=d, actor=se.owner, note="파손품 교체")
    assert d.inspection_due == dt.date(2026, 5, 22)
    with at(2026, 5, 11, 10):
        d = services.delivery_inspect(delivery=d, actor=buyer.user, accepted=True)
    assert d.status == DeliveryStatus.ACCEPTED
    assert d.invoice_claimed_on == dt.date(2026, 5, 11)
    assert d.payment_due == dt.date(2026, 5, 16)
    assert [i.result for i in d.inspections.all()] == ["rejected", "accepted"]

    # the vendor records the transfer (in two parts)
    with at(2026, 5, 13, 10):
        d = services.delivery_payment_record(
            delivery=d, actor=se.owner, amount=60_000, reference="기업은행 0513"
        )
    assert d.status == DeliveryStatus.ACCEPTED
    assert d.paid_amount == 60_000
    with at(2026, 5, 14, 10):
        d = services.delivery_payment_record(delivery=d, actor=StaffFactory(), reference="잔액")
    assert d.status == DeliveryStatus.PAID
    d.order.refresh_from_db()
    assert d.order.charge_status == ChargeStatus.FULL
    assert d.order.total_charged == d.amount == 110_000
    assert d.order.events.filter(type="invoice_payment_recorded").count() == 2
    types = list(PurchasingEvent.objects.filter(delivery=d).values_list("type", flat=True))
    for t in (
        "delivered",
        "inspection_rejected",
        "inspection_accepted",
        "payment_recorded",
        "paid",
    ):
        assert t in types


def test_inspection_rules(ordered, buyer, se):
    with pytest.raises(DomainError) as exc:
        services.delivery_inspect(delivery=ordered, actor=buyer.user, accepted=True)
    assert exc.value.code == "INVALID_STATUS"  # not delivered yet
    d = services.delivery_complete(delivery=ordered, actor=se.owner)
    with pytest.raises(DomainError) as exc:
        services.delivery_inspect(delivery=d, actor=buyer.user, accepted=False, reason=" ")
    assert exc.value.code == "REASON_REQUIRED"
    with pytest.raises(DomainError) as exc:
        services.delivery_inspect(delivery=d, actor=BuyerFactory().user, accepted=True)
    assert exc.value.code == "NOT_A_BUYER"
    with pytest.raises(DomainError) as exc:
        services.delivery_complete(delivery=d, actor=supplier().owner)
    assert exc.value.code == "PERMISSION_DENIED"
    with pytest.raises(DomainError) as exc:
        services.delivery_payment_record(delivery=d, actor=se.owner, amount=1000)
    assert exc.value.code == "INVALID_STATUS"  # not inspected yet


def test_overdue_flags_and_reminders(ordered, buyer, se, django_capture_on_commit_callbacks):
    with at(2026, 5, 6, 15):
        d = services.delivery_complete(delivery=ordered, actor=se.owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(today=dt.date(2026, 5, 17)) == 0  # due 05-20
        assert services.reminders_send(today=dt.date(2026, 5, 18)) == 1  # 2 days before
        assert services.reminders_send(today=dt.date(2026, 5, 19)) == 0  # once per due date
    assert any(buyer.user.email in m.to and "검수 기한" in m.subject for m in mail.outbox)
    d.refresh_from_db()
    assert not d.is_inspection_overdue(dt.date(2026, 5, 20))
    assert d.is_inspection_overdue(dt.date(2026, 5, 21))
    with at(2026, 5, 21, 10):
        d = services.delivery_inspect(delivery=d, actor=buyer.user, accepted=True)
    assert d.payment_due == dt.date(2026, 5, 26)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(today=dt.date(2026, 5, 24)) == 1
        assert services.reminders_send(today=dt.date(2026, 5, 27)) == 0
    recipients = {a for m in mail.outbox for a in m.to}
    assert buyer.user.email in recipients
    assert buyer.agency.invoice_email in recipients
    assert se.owner.email in recipients
    assert d.is_payment_overdue(dt.date(2026, 5, 27))


def test_cancel_before_delivery_releases_stock(buyer, se):
    variant = sellable(vendor=se, price=2_500, stock=50)
    request = rfq(buyer, [se], items=[services.ItemInput(quantity=10, variant_id=variant.pk)])
    d = services.quote_accept(quote=quote(request, se, [2_000]), actor=buyer.user)
    assert Stock.objects.get(variant=variant).allocated == 10
    d = services.delivery_cancel(delivery=d, actor=buyer.user, reason="예산 변경")
    assert d.status == DeliveryStatus.CANCELLED
    assert Stock.objects.get(variant=variant).allocated == 0
    d.vendor_order.refresh_from_db()
    assert d.vendor_order.status == VendorOrderStatus.CANCELED


def test_request_for_a_bundle(buyer, se):
    from bundles.models import Bundle

    bundle = Bundle.objects.create(
        name="회의 다과꾸러미", slug="meeting-bundle", occasion="meeting", serves=20
    )
    request = rfq(buyer, [se], items=[services.ItemInput(quantity=3, bundle_id=bundle.pk)])
    row = request.items.get()
    assert (row.name, row.bundle, row.quantity) == ("회의 다과꾸러미", bundle, 3)
    assert "20인" in row.spec
    q = quote(request, se, [150_000])
    delivery = services.quote_accept(quote=q, actor=buyer.user)
    line = delivery.vendor_order.lines.get()
    assert line.product_name == "회의 다과꾸러미"
    assert line.variant is None
    assert (line.supply, line.tax, line.total) == (450_000, 45_000, 495_000)
