"""Orders after checkout: who sees what, cancel before shipment, shipment and delivery with
stock leaving the shelf, withdrawal within 7 days of delivery, partial refunds that never
exceed what was paid, the event log, the e-mails, and N+1-free lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from graphql_relay import to_global_id

from core.errors import DomainError
from shop.catalog.models import Stock
from shop.orders import services
from shop.orders.models import Order, OrderEvent, OrderLine, ReturnRequest, VendorOrder
from shop.payments.models import Refund
from tests.factories import StaffFactory, UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.orders import invoice, place_order, ready_checkout, sellable, wire_order_schema

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _api(monkeypatch):
    wire_order_schema(monkeypatch)


class Shop:
    """Two vendors with one staff member each, and a buyer's paid order from both."""

    def __init__(self, *, paid: bool = True):
        self.buyer = UserFactory()
        self.vendor_a = VendorFactory(store_name="햇살베이커리", shipping_base_fee=3_000)
        self.vendor_b = VendorFactory(store_name="들녘농장", shipping_base_fee=4_000)
        self.staff_a = VendorStaffFactory(vendor=self.vendor_a).user
        self.staff_b = VendorStaffFactory(vendor=self.vendor_b).user
        self.cookie = sellable(vendor=self.vendor_a, price=10_000, stock=10, name="쿠키")
        self.bread = sellable(vendor=self.vendor_a, price=5_000, stock=10, name="식빵")
        self.rice = sellable(vendor=self.vendor_b, price=20_000, stock=10, tax_type="exempt")
        checkout = ready_checkout(
            [(self.cookie, 2), (self.bread, 1), (self.rice, 1)], user=self.buyer
        )
        if paid:
            from tests.factories.orders import pay

            pay(checkout)
        else:
            invoice(checkout)
        from shop.checkout.services import checkout_complete

        self.order = checkout_complete(checkout=checkout, user=self.buyer)
        self.vo_a = self.order.vendor_orders.get(vendor=self.vendor_a)
        self.vo_b = self.order.vendor_orders.get(vendor=self.vendor_b)

    def stock(self, variant) -> tuple[int, int]:
        s = Stock.objects.get(variant=variant)
        return s.quantity, s.allocated

    def line(self, variant) -> OrderLine:
        return OrderLine.objects.get(vendor_order__order=self.order, variant=variant)


@pytest.fixture
def shop():
    return Shop()


def gid(obj) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


ORDER = """
query Order($id: ID!) {
  order(id: $id) {
    id number status chargeStatus userEmail canCancel token
    total { gross { amount } net { amount } tax { amount } }
    subtotal { gross { amount } net { amount } tax { amount } }
    shippingPrice { gross { amount } net { amount } tax { amount } }
    shippingAddress { firstName phone postalCode }
    lines { productName productSku quantity taxType
            totalPrice { gross { amount } net { amount } tax { amount } } }
    vendorOrders { id number status vendor { storeName } carrier trackingNumber
                   total { gross { amount } net { amount } tax { amount } }
                   refunded { amount } refundable { amount } }
    events { type actorRole vendorOrderNumber date }
  }
}"""


# --- visibility ------------------------------------------------------------------------------


def test_buyer_sees_the_whole_order_with_reconciled_totals(gql, shop):
    gql.login(shop.buyer)
    order = gql(ORDER, {"id": gid(shop.order)})["data"]["order"]
    assert order["number"] == shop.order.number
    assert order["status"] == "UNFULFILLED"
    assert order["chargeStatus"] == "FULL"
    assert order["canCancel"] is True
    assert order["token"] == str(shop.order.token)
    assert [vo["vendor"]["storeName"] for vo in order["vendorOrders"]] == [
        "햇살베이커리",
        "들녘농장",
    ]
    for key in ("total", "subtotal", "shippingPrice"):
        taxed = order[key]
        assert taxed["net"]["amount"] + taxed["tax"]["amount"] == taxed["gross"]["amount"]
    assert order["total"]["gross"]["amount"] == 25_000 + 3_000 + 20_000 + 4_000
    assert (
        order["subtotal"]["gross"]["amount"] + order["shippingPrice"]["gross"]["amount"]
        == (order["total"]["gross"]["amount"])
    )
    assert order["total"]["tax"]["amount"] == (
        order["subtotal"]["tax"]["amount"] + order["shippingPrice"]["tax"]["amount"]
    )
    assert order["shippingAddress"]["phone"] == "010-1234-5678"
    assert [e["type"] for e in order["events"]] == ["PLACED"]
    assert order["events"][0]["actorRole"] == "buyer"


def test_vendor_staff_see_only_their_part_and_strangers_nothing(gql, shop):
    gql.login(shop.staff_a)
    order = gql(ORDER, {"id": gid(shop.order)})["data"]["order"]
    assert [vo["number"] for vo in order["vendorOrders"]] == [shop.vo_a.number]
    assert {line["productName"] for line in order["lines"]} == {"쿠키", "식빵"}
    assert order["userEmail"] is None
    assert order["token"] is None
    assert order["canCancel"] is False
    assert order["shippingAddress"]["firstName"] == "김누리"  # they ship to it

    gql.login(UserFactory())
    assert gql(ORDER, {"id": gid(shop.order)})["data"]["order"] is None
    gql.logout()
    assert gql(ORDER, {"id": gid(shop.order)})["data"]["order"] is None

    gql.login(StaffFactory())
    assert len(gql(ORDER, {"id": gid(shop.order)})["data"]["order"]["vendorOrders"]) == 2


def test_an_order_placed_without_an_account_is_reached_by_its_token(gql):
    order = place_order([(sellable(), 1)])
    data = gql(ORDER, {"id": str(order.token)})["data"]["order"]
    assert data["number"] == order.number
    assert data["userEmail"] == order.email
    assert gql(ORDER, {"id": gid(order)})["data"]["order"] is None  # the id alone is not enough


# --- cancel ----------------------------------------------------------------------------------

CANCEL = """
mutation Cancel($id: ID!, $reason: String) {
  orderCancel(id: $id, reason: $reason) {
    order { status chargeStatus vendorOrders { status refunded { amount } } }
    errors { field code message }
  }
}"""
VO_CANCEL = """
mutation Cancel($id: ID!, $reason: String) {
  vendorOrderCancel(id: $id, reason: $reason) {
    vendorOrder { status refunded { amount } canceledAt }
    errors { field code message }
  }
}"""
SHIP = """
mutation Ship($id: ID!, $carrier: String!, $tracking: String!) {
  vendorOrderShip(id: $id, carrier: $carrier, trackingNumber: $tracking) {
    vendorOrder { status carrier trackingNumber shippedAt orderNumber
                  shippingAddress { recipientName } }
    errors { field code message }
  }
}"""
DELIVER = """
mutation Deliver($id: ID!) {
  vendorOrderDeliver(id: $id) {
    vendorOrder { status deliveredAt withdrawalDeadline }
    errors { field code message }
  }
}"""
REFUND = """
mutation Refund($id: ID!, $amount: Int, $lines: [OrderLineQuantityInput!], $restock: Boolean) {
  vendorOrderRefund(id: $id, amount: $amount, lines: $lines, reason: "파손", restock: $restock) {
    vendorOrder { refunded { amount } refundable { amount }
                  lines { productSku quantityRefunded refunded { amount } } }
    errors { field code message }
  }
}"""
RETURN_CREATE = """
mutation Return($id: ID!, $lines: [OrderLineQuantityInput!]) {
  returnRequestCreate(vendorOrderId: $id, reason: "단순 변심", lines: $lines) {
    returnRequest { id status reason lines { quantity line { productSku } } }
    errors { field code message }
  }
}"""
RETURN_ACCEPT = """
mutation Accept($id: ID!) {
  returnRequestAccept(id: $id, restock: true, note: "회수 완료") {
    returnRequest { status decisionNote decidedAt }
    errors { field code message }
  }
}"""
RETURN_REJECT = """
mutation Reject($id: ID!) {
  returnRequestReject(id: $id, reason: "포장이 훼손되었습니다") {
    returnRequest { status decisionNote }
    errors { field code message }
  }
}"""


def test_buyer_cancels_before_shipment_stock_released_and_money_refunded(
    gql, shop, django_capture_on_commit_callbacks
):
    assert shop.stock(shop.cookie) == (10, 2)
    gql.login(shop.buyer)
    with django_capture_on_commit_callbacks(execute=True):
        data = gql(CANCEL, {"id": gid(shop.order), "reason": "주소를 잘못 적었어요"})
    result = data["data"]["orderCancel"]
    assert result["errors"] == []
    assert result["order"]["status"] == "CANCELED"
    assert result["order"]["chargeStatus"] == "REFUNDED"
    assert [vo["status"] for vo in result["order"]["vendorOrders"]] == ["CANCELED", "CANCELED"]
    assert [vo["refunded"]["amount"] for vo in result["order"]["vendorOrders"]] == [28_000, 24_000]
    assert shop.stock(shop.cookie) == (10, 0)
    assert shop.stock(shop.rice) == (10, 0)
    assert sum(Refund.objects.values_list("amount", flat=True)) == shop.order.total
    event = OrderEvent.objects.get(order=shop.order, type="canceled")
    assert event.actor == shop.buyer
    assert event.data["actor_role"] == "buyer"
    assert event.message == "주소를 잘못 적었어요"
    subjects = {m.subject for m in mail.outbox}
    assert f"[누리] 주문이 취소되었습니다 ({shop.order.number})" in subjects
    vendor_mails = [m for m in mail.outbox if "구매자가 주문을 취소" in m.subject]
    assert {m.to[0] for m in vendor_mails} == {shop.staff_a.email, shop.staff_b.email}

    again = gql(CANCEL, {"id": gid(shop.order)})["data"]["orderCancel"]
    assert again["errors"][0]["code"] == "INVALID_STATUS"


def test_a_guest_cancels_with_the_order_token(gql):
    variant = sellable(stock=4)
    order = place_order([(variant, 3)])
    errors = gql(CANCEL, {"id": gid(order)})["data"]["orderCancel"]["errors"]
    assert errors[0]["code"] == "NOT_FOUND"
    data = gql(CANCEL, {"id": str(order.token)})["data"]["orderCancel"]
    assert data["errors"] == []
    assert data["order"]["status"] == "CANCELED"
    assert Stock.objects.get(variant=variant).allocated == 0
    event = OrderEvent.objects.get(order=order, type="canceled")
    assert event.actor is None
    assert event.data["actor_role"] == "buyer"


def test_whole_order_cannot_be_cancelled_once_a_part_shipped(gql, shop):
    services.vendor_order_ship(
        vendor_order=shop.vo_a, actor=shop.staff_a, carrier="CJ대한통운", tracking_number="1234"
    )
    gql.login(shop.buyer)
    errors = gql(CANCEL, {"id": gid(shop.order)})["data"]["orderCancel"]["errors"]
    assert errors[0]["code"] == "INVALID_STATUS"
    # The unshipped part can still be cancelled alone.
    data = gql(VO_CANCEL, {"id": gid(shop.vo_b)})["data"]["vendorOrderCancel"]
    assert data["errors"] == []
    assert data["vendorOrder"]["status"] == "CANCELED"
    assert data["vendorOrder"]["refunded"]["amount"] == 24_000
    order = Order.objects.get(pk=shop.order.pk)
    assert order.status == "fulfilled"  # the remaining part shipped
    assert order.total_refunded == 24_000
    errors = gql(VO_CANCEL, {"id": gid(shop.vo_a)})["data"]["vendorOrderCancel"]["errors"]
    assert errors[0]["code"] == "INVALID_STATUS"


def test_vendor_cancels_their_part_only(gql, shop):
    gql.login(shop.staff_b)
    errors = gql(VO_CANCEL, {"id": gid(shop.vo_a)})["data"]["vendorOrderCancel"]["errors"]
    assert errors[0]["code"] == "NOT_FOUND"  # another vendor's order is not even visible
    data = gql(VO_CANCEL, {"id": shop.vo_b.number, "reason": "품절"})["data"]["vendorOrderCancel"]
    assert data["errors"] == []
    assert shop.stock(shop.rice) == (10, 0)
    assert shop.stock(shop.cookie) == (10, 2)
    event = OrderEvent.objects.get(type="vendor_order_canceled")
    assert event.vendor_order_id == shop.vo_b.pk
    assert event.data["actor_role"] == "vendor"


def test_an_invoice_order_cancels_without_a_refund():
    shop = Shop(paid=False)
    assert shop.order.charge_status == "invoice"
    services.order_cancel(order=shop.order, actor=shop.buyer)
    assert not Refund.objects.exists()
    assert shop.stock(shop.cookie) == (10, 0)


# --- fulfilment ------------------------------------------------------------------------------


def test_ship_and_deliver_move_stock_and_status(gql, shop, django_capture_on_commit_callbacks):
    gql.login(shop.buyer)
    errors = gql(SHIP, {"id": gid(shop.vo_a), "carrier": "CJ", "tracking": "1"})["data"]
    assert errors["vendorOrderShip"]["errors"][0]["code"] == "PERMISSION_DENIED"

    gql.login(shop.staff_a)
    data = gql(SHIP, {"id": gid(shop.vo_a), "carrier": " ", "tracking": ""})["data"]
    assert {e["field"] for e in data["vendorOrderShip"]["errors"]} == {"carrier", "trackingNumber"}
    with django_capture_on_commit_callbacks(execute=True):
        data = gql(
            SHIP, {"id": gid(shop.vo_a), "carrier": "CJ대한통운", "tracking": "6012-3456-7890"}
        )["data"]["vendorOrderShip"]
    assert data["errors"] == []
    vo = data["vendorOrder"]
    assert (vo["status"], vo["carrier"], vo["trackingNumber"]) == (
        "SHIPPED",
        "CJ대한통운",
        "6012-3456-7890",
    )
    assert vo["shippingAddress"]["recipientName"] == "김누리"
    assert shop.stock(shop.cookie) == (8, 0)  # on hand and allocated both went down
    assert shop.stock(shop.bread) == (9, 0)
    assert shop.stock(shop.rice) == (10, 1)  # the other vendor's part is untouched
    assert Order.objects.get(pk=shop.order.pk).status == "partially_fulfilled"
    [shipped_mail] = [m for m in mail.outbox if "발송" in m.subject]
    assert shipped_mail.to == [shop.order.email]
    assert "6012-3456-7890" in shipped_mail.body
    assert "CJ대한통운" in shipped_mail.body

    data = gql(DELIVER, {"id": gid(shop.vo_a)})["data"]["vendorOrderDeliver"]
    assert data["vendorOrder"]["status"] == "DELIVERED"
    today = timezone.localdate()
    assert data["vendorOrder"]["withdrawalDeadline"] == str(today + dt.timedelta(days=7))
    errors = gql(DELIVER, {"id": gid(shop.vo_a)})["data"]["vendorOrderDeliver"]["errors"]
    assert errors[0]["code"] == "INVALID_STATUS"

    services.vendor_order_ship(
        vendor_order=shop.vo_b, actor=shop.staff_b, carrier="우체국", tracking_number="99"
    )
    assert Order.objects.get(pk=shop.order.pk).status == "fulfilled"
    services.vendor_order_deliver(vendor_order=shop.vo_b, actor=StaffFactory())
    assert Order.objects.get(pk=shop.order.pk).status == "delivered"
    types = list(
        OrderEvent.objects.filter(order=shop.order)
        .exclude(type="email_sent")
        .values_list("type", flat=True)
    )
    assert types == ["placed", "shipped", "delivered", "shipped", "delivered"]


def test_a_shipped_vendor_order_can_correct_its_tracking_number(shop):
    services.vendor_order_ship(
        vendor_order=shop.vo_a, actor=shop.staff_a, carrier="CJ", tracking_number="1"
    )
    services.vendor_order_ship(
        vendor_order=shop.vo_a, actor=shop.staff_a, carrier="CJ", tracking_number="2"
    )
    assert VendorOrder.objects.get(pk=shop.vo_a.pk).tracking_number == "2"
    assert shop.stock(shop.cookie) == (8, 0)  # stock moved once
    assert OrderEvent.objects.filter(type="tracking_updated").count() == 1


# --- refunds ---------------------------------------------------------------------------------


def test_partial_refunds_never_exceed_what_was_paid(gql, shop, django_capture_on_commit_callbacks):
    gql.login(shop.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        data = gql(REFUND, {"id": gid(shop.vo_a), "amount": 5_000})["data"]["vendorOrderRefund"]
    assert data["errors"] == []
    assert data["vendorOrder"]["refunded"]["amount"] == 5_000
    assert data["vendorOrder"]["refundable"]["amount"] == 28_000 - 5_000
    [refund_mail] = [m for m in mail.outbox if "환불" in m.subject]
    assert "5,000원" in refund_mail.body

    data = gql(REFUND, {"id": gid(shop.vo_a), "amount": 23_001})["data"]["vendorOrderRefund"]
    assert data["errors"][0]["code"] == "REFUND_TOO_LARGE"
    data = gql(REFUND, {"id": gid(shop.vo_a), "amount": 0})["data"]["vendorOrderRefund"]
    assert data["errors"][0]["code"] == "INVALID"
    data = gql(REFUND, {"id": gid(shop.vo_a), "amount": 23_000})["data"]["vendorOrderRefund"]
    assert data["vendorOrder"]["refundable"]["amount"] == 0
    data = gql(REFUND, {"id": gid(shop.vo_a), "amount": 1})["data"]["vendorOrderRefund"]
    assert data["errors"][0]["code"] == "NOTHING_TO_REFUND"
    assert VendorOrder.objects.get(pk=shop.vo_a.pk).refunded == 28_000
    assert Order.objects.get(pk=shop.order.pk).total_refunded == 28_000
    # The buyer cannot refund themselves.
    gql.login(shop.buyer)
    data = gql(REFUND, {"id": gid(shop.vo_b), "amount": 1})["data"]["vendorOrderRefund"]
    assert data["errors"][0]["code"] == "PERMISSION_DENIED"


def test_refunding_lines_before_shipment_releases_their_allocation(gql, shop):
    cookie_line = shop.line(shop.cookie)
    gql.login(shop.staff_a)
    lines = [{"lineId": gid(cookie_line), "quantity": 1}]
    data = gql(REFUND, {"id": gid(shop.vo_a), "lines": lines})["data"]["vendorOrderRefund"]
    assert data["errors"] == []
    assert data["vendorOrder"]["refunded"]["amount"] == 10_000
    refunded = {
        line["productSku"]: (line["quantityRefunded"], line["refunded"]["amount"])
        for line in data["vendorOrder"]["lines"]
    }
    assert refunded[shop.cookie.sku] == (1, 10_000)
    assert shop.stock(shop.cookie) == (10, 1)
    event = OrderEvent.objects.filter(type="refunded").latest("pk")
    assert event.data["lines"] == [{"line_id": cookie_line.pk, "quantity": 1, "amount": 10_000}]

    too_many = [{"lineId": gid(cookie_line), "quantity": 2}]
    data = gql(REFUND, {"id": gid(shop.vo_a), "lines": too_many})["data"]["vendorOrderRefund"]
    assert data["errors"][0]["code"] == "INVALID_QUANTITY"
    # Shipping sends only the units left.
    services.vendor_order_ship(
        vendor_order=shop.vo_a, actor=shop.staff_a, carrier="CJ", tracking_number="7"
    )
    assert shop.stock(shop.cookie) == (9, 0)


def test_refund_after_shipment_with_restock_puts_units_back(shop):
    services.vendor_order_ship(
        vendor_order=shop.vo_b, actor=shop.staff_b, carrier="CJ", tracking_number="7"
    )
    assert shop.stock(shop.rice) == (9, 0)
    services.vendor_order_refund(
        vendor_order=shop.vo_b,
        actor=shop.staff_b,
        lines=[(shop.line(shop.rice).pk, 1)],
        restock=True,
    )
    assert shop.stock(shop.rice) == (10, 0)
    assert VendorOrder.objects.get(pk=shop.vo_b.pk).refunded == 20_000


# --- withdrawal (청약철회) -------------------------------------------------------------------


def _deliver(shop, vo, staff, days_ago: int = 0):
    services.vendor_order_ship(vendor_order=vo, actor=staff, carrier="CJ", tracking_number="1")
    services.vendor_order_deliver(vendor_order=vo, actor=staff)
    VendorOrder.objects.filter(pk=vo.pk).update(
        delivered_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_withdrawal_within_7_days_accepted_refunds_and_restocks(
    gql, shop, django_capture_on_commit_callbacks
):
    _deliver(shop, shop.vo_a, shop.staff_a, days_ago=7)
    assert shop.stock(shop.cookie) == (8, 0)
    gql.login(shop.buyer)
    lines = [{"lineId": gid(shop.line(shop.cookie)), "quantity": 2}]
    with django_capture_on_commit_callbacks(execute=True):
        data = gql(RETURN_CREATE, {"id": gid(shop.vo_a), "lines": lines})["data"]
    request = data["returnRequestCreate"]["returnRequest"]
    assert data["returnRequestCreate"]["errors"] == []
    assert request["status"] == "REQUESTED"
    assert request["lines"] == [{"quantity": 2, "line": {"productSku": shop.cookie.sku}}]
    [vendor_mail] = [m for m in mail.outbox if "청약철회" in m.subject]
    assert vendor_mail.to == [shop.staff_a.email]
    assert "쿠키 (기본) × 2" in vendor_mail.body or "쿠키" in vendor_mail.body

    again = gql(RETURN_CREATE, {"id": gid(shop.vo_a)})["data"]["returnRequestCreate"]
    assert again["errors"][0]["code"] == "INVALID_STATUS"  # one open request at a time

    errors = gql(RETURN_ACCEPT, {"id": request["id"]})["data"]["returnRequestAccept"]["errors"]
    assert errors[0]["code"] == "PERMISSION_DENIED"  # the buyer does not decide
    gql.login(shop.staff_a)
    data = gql(RETURN_ACCEPT, {"id": request["id"]})["data"]["returnRequestAccept"]
    assert data["errors"] == []
    assert data["returnRequest"]["status"] == "ACCEPTED"
    assert data["returnRequest"]["decisionNote"] == "회수 완료"
    vo = VendorOrder.objects.get(pk=shop.vo_a.pk)
    assert vo.refunded == 20_000  # the two cookies, not the bread or the delivery
    assert shop.stock(shop.cookie) == (10, 0)  # restocked
    assert shop.line(shop.cookie).quantity_refunded == 2
    types = set(OrderEvent.objects.values_list("type", flat=True))
    assert {"return_requested", "return_accepted", "refunded"} <= types


def test_withdrawal_after_7_days_is_refused(gql, shop):
    _deliver(shop, shop.vo_a, shop.staff_a, days_ago=8)
    gql.login(shop.buyer)
    data = gql(RETURN_CREATE, {"id": gid(shop.vo_a)})["data"]["returnRequestCreate"]
    assert data["errors"][0]["code"] == "WITHDRAWAL_PERIOD_EXPIRED"
    assert "7일" in data["errors"][0]["message"]
    assert services.WITHDRAWAL_DAYS == 7


def test_withdrawal_needs_delivery_and_can_be_rejected(gql, shop):
    gql.login(shop.buyer)
    data = gql(RETURN_CREATE, {"id": gid(shop.vo_b)})["data"]["returnRequestCreate"]
    assert data["errors"][0]["code"] == "INVALID_STATUS"
    _deliver(shop, shop.vo_b, shop.staff_b)
    request = gql(RETURN_CREATE, {"id": gid(shop.vo_b)})["data"]["returnRequestCreate"]
    request_id = request["returnRequest"]["id"]
    gql.login(shop.staff_a)  # another vendor
    errors = gql(RETURN_REJECT, {"id": request_id})["data"]["returnRequestReject"]["errors"]
    assert errors[0]["code"] == "NOT_FOUND"
    gql.login(shop.staff_b)
    data = gql(RETURN_REJECT, {"id": request_id})["data"]["returnRequestReject"]
    assert data["returnRequest"] == {"status": "REJECTED", "decisionNote": "포장이 훼손되었습니다"}
    assert not Refund.objects.exists()
    assert ReturnRequest.objects.get().decided_by == shop.staff_b


def test_strangers_cannot_withdraw(shop):
    _deliver(shop, shop.vo_a, shop.staff_a)
    with pytest.raises(DomainError) as exc:
        services.return_request_create(vendor_order=shop.vo_a, actor=UserFactory(), reason="x")
    assert exc.value.code == "PERMISSION_DENIED"


# --- lists -----------------------------------------------------------------------------------

MY_ORDERS = """
query Mine($first: Int) {
  myOrders(first: $first) {
    totalCount
    edges { node { number status total { gross { amount } }
      lines { productName quantity variant { sku } }
      vendorOrders { number status vendor { storeName } lines { productSku } }
      events { type date } } }
  }
}"""
VENDOR_ORDERS = """
query VendorOrders($status: VendorOrderStatus) {
  vendorOrders(first: 20, status: $status) {
    edges { node { number status orderNumber vendor { storeName }
      shippingAddress { recipientName postcode }
      lines { productName quantity } events { type } } }
  }
}"""
ME_ORDERS = "{ me { email orders(first: 5) { edges { node { number } } } } }"


def test_my_orders_lists_the_buyers_orders_newest_first(gql, shop):
    second = place_order([(sellable(), 1)], user=shop.buyer)
    place_order([(sellable(), 1)], user=UserFactory())  # someone else's
    gql.login(shop.buyer)
    data = gql(MY_ORDERS, {"first": 10})["data"]["myOrders"]
    assert data["totalCount"] == 2
    assert [e["node"]["number"] for e in data["edges"]] == [second.number, shop.order.number]
    gql.logout()
    assert gql(MY_ORDERS)["data"]["myOrders"]["edges"] == []


def test_me_orders(gql, shop):
    gql.login(shop.buyer)
    data = gql(ME_ORDERS)["data"]["me"]
    assert [e["node"]["number"] for e in data["orders"]["edges"]] == [shop.order.number]


def test_vendor_orders_for_the_vendors_staff(gql, shop):
    gql.login(shop.staff_a)
    edges = gql(VENDOR_ORDERS)["data"]["vendorOrders"]["edges"]
    assert [e["node"]["number"] for e in edges] == [shop.vo_a.number]
    assert edges[0]["node"]["orderNumber"] == shop.order.number
    assert edges[0]["node"]["shippingAddress"]["postcode"] == "03900"
    assert gql(VENDOR_ORDERS, {"status": "SHIPPED"})["data"]["vendorOrders"]["edges"] == []
    gql.login(StaffFactory())
    assert len(gql(VENDOR_ORDERS)["data"]["vendorOrders"]["edges"]) == 2
    gql.login(shop.buyer)
    assert gql(VENDOR_ORDERS)["data"]["vendorOrders"]["edges"] == []
    gql.logout()
    body = gql(VENDOR_ORDERS, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def test_order_lists_are_n_plus_1_free(gql, shop, count_queries):
    vendor = shop.vendor_a
    staff = shop.staff_a

    def measure(query, user):
        gql.login(user)
        with count_queries() as q:
            gql(query)
        return len(q)

    few_buyer = measure(MY_ORDERS, shop.buyer)
    few_vendor = measure(VENDOR_ORDERS, staff)
    for i in range(4):
        place_order(
            [(sellable(vendor=vendor, name=f"추가 {i}"), 2), (sellable(), 1)], user=shop.buyer
        )
    assert measure(MY_ORDERS, shop.buyer) == few_buyer
    assert measure(VENDOR_ORDERS, staff) == few_vendor
    assert few_buyer <= 10
