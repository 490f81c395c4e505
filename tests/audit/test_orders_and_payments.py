"""Audit events of checkout, orders, payments and refunds, through the GraphQL API and the
Stripe webhook endpoint: one event per action, with who did it, on what, and what changed;
nothing when the write fails or rolls back."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from graphql_relay import to_global_id

from audit.models import AuditEvent
from shop.catalog.models import Stock
from shop.checkout.services import checkout_complete
from shop.orders.models import Order, OrderStatus
from shop.payments.models import Refund, Transaction
from tests.audit.helpers import AuditLog, about
from tests.factories import UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.orders import pay, ready_checkout, sellable
from tests.factories.payments import order_with_vendor_orders

pytestmark = pytest.mark.django_db

CARD_APPROVE = "4242424242424242"

TX_INIT = """
mutation($id: ID!, $gateway: PaymentGatewayToInitialize!) {
  transactionInitialize(id: $id, paymentGateway: $gateway) {
    transaction { token chargedAmount { amount } }
    errors { field code message }
  }
}"""
COMPLETE = """
mutation($id: ID!) {
  checkoutComplete(id: $id) {
    order { number status chargeStatus }
    errors { field code message }
  }
}"""
SHIP = """
mutation($id: ID!, $carrier: String!, $tracking: String!) {
  vendorOrderShip(id: $id, carrier: $carrier, trackingNumber: $tracking) {
    vendorOrder { status trackingNumber }
    errors { field code message }
  }
}"""
DELIVER = """
mutation($id: ID!) {
  vendorOrderDeliver(id: $id) { vendorOrder { status } errors { field code message } }
}"""
VO_CANCEL = """
mutation($id: ID!, $reason: String) {
  vendorOrderCancel(id: $id, reason: $reason) {
    vendorOrder { status refunded { amount } }
    errors { field code message }
  }
}"""
REFUND = """
mutation($id: ID!, $lines: [OrderLineQuantityInput!], $restock: Boolean) {
  vendorOrderRefund(id: $id, lines: $lines, reason: "파손", restock: $restock) {
    vendorOrder { refunded { amount } }
    errors { field code message }
  }
}"""


@pytest.fixture(autouse=True)
def _gateways(settings):
    settings.PAYMENT_GATEWAYS = "test,invoice"
    settings.STRIPE_SECRET_KEY = ""


def gid(obj) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


def checkout_gid(checkout) -> str:
    return to_global_id("Checkout", str(checkout.token))


class Shop:
    """A vendor with one staff member, a product in stock and a buyer's paid order of 2."""

    def __init__(self):
        self.buyer = UserFactory()
        self.vendor = VendorFactory(store_name="햇살베이커리", shipping_base_fee=3_000)
        self.staff = VendorStaffFactory(vendor=self.vendor).user
        self.cookie = sellable(vendor=self.vendor, price=10_000, stock=10, name="쿠키")
        checkout = ready_checkout([(self.cookie, 2)], user=self.buyer)
        pay(checkout)
        self.order = checkout_complete(checkout=checkout, user=self.buyer)
        self.vo = self.order.vendor_orders.get()
        self.line = self.vo.lines.get()

    def stock(self) -> tuple[int, int]:
        s = Stock.objects.get(variant=self.cookie)
        return s.quantity, s.allocated


@pytest.fixture
def shop():
    return Shop()


# --- checkout --------------------------------------------------------------------------------


def test_paying_and_completing_a_checkout_records_payment_order_and_stock(gql, audit_log):
    buyer = UserFactory()
    cookie = sellable(price=12_000, stock=10, name="우리밀 쿠키")
    checkout = ready_checkout([(cookie, 2)], user=buyer)
    gql.login(buyer)
    audit_log.mark()

    paid = gql(
        TX_INIT,
        {
            "id": checkout_gid(checkout),
            "gateway": {"id": "nuri.payments.test", "data": {"cardNumber": CARD_APPROVE}},
        },
        HTTP_X_REQUEST_ID="audit-req-0001",
    )["data"]["transactionInitialize"]
    assert paid["errors"] == []
    done = gql(COMPLETE, {"id": checkout_gid(checkout)}, HTTP_X_REQUEST_ID="audit-req-0002")
    done = done["data"]["checkoutComplete"]
    assert done["errors"] == []
    order = Order.objects.get(number=done["order"]["number"])

    assert audit_log.actions() == ["payment.charged", "order.created", "stock.allocated"]
    charged = audit_log.one("payment.charged")
    assert about(charged, Transaction.objects.get(token=paid["transaction"]["token"]))
    assert charged.changes["status"] == ["pending", "charged"]
    assert charged.changes["charged"] == [0, order.total]
    assert (charged.actor, charged.actor_kind) == (buyer, "user")
    assert charged.request_id == "audit-req-0001"
    assert charged.ip == "127.0.0.1"

    created = audit_log.one("order.created")
    assert about(created, order)
    assert (created.actor, created.actor_label, created.actor_kind) == (buyer, buyer.email, "user")
    assert created.object_repr == order.number
    assert created.changes["total"] == order.total == 27_000
    assert created.changes["vendor_orders"] == [f"{order.number}-01"]
    assert created.request_id == "audit-req-0002"

    stock = audit_log.one("stock.allocated")
    assert about(stock, order)
    assert stock.actor == buyer
    assert stock.changes == {"stock": [{"variant_id": cookie.pk, "allocated": 2}]}

    # Completing again returns the same order and records nothing.
    audit_log.mark()
    assert gql(COMPLETE, {"id": checkout_gid(checkout)})["data"]["checkoutComplete"]["errors"] == []
    assert audit_log.actions() == []


def test_a_guest_checkout_is_recorded_as_anonymous(gql, audit_log):
    cookie = sellable(price=12_000, stock=10)
    checkout = ready_checkout([(cookie, 1)])
    pay(checkout)
    audit_log.mark()
    done = gql(COMPLETE, {"id": checkout_gid(checkout)})["data"]["checkoutComplete"]
    assert done["errors"] == []
    created = audit_log.one("order.created")
    assert (created.actor, created.actor_label, created.actor_kind) == (None, "", "anonymous")
    assert created.changes["email"] == checkout.email


def test_an_out_of_stock_checkout_writes_no_audit_row(gql, audit_log):
    buyer = UserFactory()
    bread = sellable(price=5_000, stock=5, name="식빵")
    cookie = sellable(price=12_000, stock=3, name="쿠키")
    checkout = ready_checkout([(bread, 1), (cookie, 3)], user=buyer)
    pay(checkout)
    Stock.objects.filter(variant=cookie).update(quantity=2)  # sold elsewhere meanwhile
    gql.login(buyer)
    audit_log.mark()
    done = gql(COMPLETE, {"id": checkout_gid(checkout)})["data"]["checkoutComplete"]
    assert done["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert done["order"] is None
    assert audit_log.actions() == []
    assert Stock.objects.get(variant=bread).allocated == 0  # the first allocation rolled back


# --- fulfilment ------------------------------------------------------------------------------


def test_vendor_staff_ship_then_correct_the_tracking_number_then_deliver(gql, shop, audit_log):
    gql.login(shop.staff)
    data = gql(SHIP, {"id": gid(shop.vo), "carrier": "CJ대한통운", "tracking": "1234-5678"})
    assert data["data"]["vendorOrderShip"]["errors"] == []
    assert audit_log.actions() == ["stock.shipped", "vendor_order.shipped"]
    shipped = audit_log.one("vendor_order.shipped")
    assert about(shipped, shop.vo)
    assert (shipped.actor, shipped.actor_kind) == (shop.staff, "user")
    assert shipped.changes == {
        "status": ["unfulfilled", "shipped"],
        "carrier": ["", "CJ대한통운"],
        "tracking_number": ["", "1234-5678"],
    }
    moved = audit_log.one("stock.shipped")
    assert about(moved, shop.vo)
    assert moved.changes == {
        "stock": [{"variant_id": shop.cookie.pk, "quantity": -2, "allocated": -2}]
    }
    assert shop.stock() == (8, 0)

    audit_log.mark()
    gql(SHIP, {"id": gid(shop.vo), "carrier": "CJ대한통운", "tracking": "99990000"})
    assert audit_log.actions() == ["vendor_order.tracking_updated"]
    assert audit_log.one("vendor_order.tracking_updated").changes == {
        "tracking_number": ["1234-5678", "99990000"]
    }

    audit_log.mark()
    assert gql(DELIVER, {"id": gid(shop.vo)})["data"]["vendorOrderDeliver"]["errors"] == []
    delivered = audit_log.one("vendor_order.delivered")
    assert delivered.changes == {"status": ["shipped", "delivered"]}
    assert audit_log.actions() == ["vendor_order.delivered"]


def test_a_refused_shipment_writes_no_audit_row(gql, shop, audit_log):
    stranger = UserFactory()
    gql.login(stranger)
    data = gql(SHIP, {"id": gid(shop.vo), "carrier": "CJ", "tracking": "1"})
    assert data["data"]["vendorOrderShip"]["errors"][0]["code"] in {
        "NOT_FOUND",
        "PERMISSION_DENIED",
    }
    gql.logout().login(shop.staff)
    data = gql(SHIP, {"id": gid(shop.vo), "carrier": "", "tracking": ""})
    assert {e["field"] for e in data["data"]["vendorOrderShip"]["errors"]} == {
        "carrier",
        "trackingNumber",
    }
    assert audit_log.actions() == []


def test_buyer_cancels_a_vendor_order_stock_refund_and_status_are_recorded(gql, shop, audit_log):
    gql.login(shop.buyer)
    data = gql(VO_CANCEL, {"id": gid(shop.vo), "reason": "주소를 잘못 적었어요"})
    assert data["data"]["vendorOrderCancel"]["errors"] == []
    assert audit_log.actions() == ["stock.released", "refund.created", "vendor_order.cancelled"]
    for event in audit_log.new():
        assert (event.actor, event.actor_kind) == (shop.buyer, "user")
    released = audit_log.one("stock.released")
    assert released.changes == {"stock": [{"variant_id": shop.cookie.pk, "allocated": -2}]}
    refund = audit_log.one("refund.created")
    assert about(refund, Refund.objects.get())
    assert refund.changes["amount"] == shop.vo.total == 23_000
    assert refund.changes["gateway"] == "test"
    assert refund.reason == "주소를 잘못 적었어요"
    cancelled = audit_log.one("vendor_order.cancelled")
    assert about(cancelled, shop.vo)
    assert cancelled.changes == {"status": ["unfulfilled", "canceled"], "refunded": 23_000}
    assert cancelled.reason == "주소를 잘못 적었어요"
    assert shop.stock() == (10, 0)


def test_refund_of_returned_units_after_shipment_records_refund_and_restock(gql, shop, audit_log):
    gql.login(shop.staff)
    gql(SHIP, {"id": gid(shop.vo), "carrier": "CJ대한통운", "tracking": "1234"})
    audit_log.mark()
    data = gql(
        REFUND,
        {"id": gid(shop.vo), "lines": [{"lineId": gid(shop.line), "quantity": 1}], "restock": True},
    )
    assert data["data"]["vendorOrderRefund"]["errors"] == []
    assert audit_log.actions() == ["stock.restocked", "refund.created"]
    restocked = audit_log.one("stock.restocked")
    # The stock helper has no actor argument: the request's user is taken from the context.
    assert (restocked.actor, restocked.actor_kind) == (shop.staff, "user")
    assert restocked.changes == {"stock": [{"variant_id": shop.cookie.pk, "quantity": 1}]}
    refund = audit_log.one("refund.created")
    assert refund.actor == shop.staff
    assert refund.changes["amount"] == 10_000
    assert shop.stock() == (9, 0)


# --- a gateway failure rolls the audit rows back with the write ---------------------------------


class FailingStripe:
    """A local stand-in for api.stripe.com that refuses every request (HTTP 400)."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps(
                    {"error": {"type": "invalid_request_error", "message": "No such intent"}}
                ).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def failing_stripe(settings):
    server = FailingStripe()
    settings.STRIPE_SECRET_KEY = "sk_test_nuri_audit"
    settings.STRIPE_API_BASE = server.url
    yield server
    server.stop()


def test_a_cancel_whose_refund_fails_at_stripe_leaves_no_audit_row(gql, failing_stripe):
    buyer = UserFactory()
    cookie = sellable(price=10_000, stock=10)
    checkout = ready_checkout([(cookie, 2)], user=buyer)
    pay(checkout, gateway="stripe")
    order = checkout_complete(checkout=checkout, user=buyer)
    log = AuditLog()
    gql.login(buyer)
    data = gql(VO_CANCEL, {"id": gid(order.vendor_orders.get()), "reason": "변심"})
    errors = data["data"]["vendorOrderCancel"]["errors"]
    assert errors[0]["code"] == "REFUND_FAILED"
    # The stock release was recorded before the refund failed: it rolled back with the write.
    assert log.actions() == []
    assert Stock.objects.get(variant=cookie).allocated == 2
    assert order.vendor_orders.get().status == "unfulfilled"


# --- Stripe webhook --------------------------------------------------------------------------

WEBHOOK_SECRET = "whsec_nuri_audit"


def sign(payload: bytes) -> str:
    t = int(time.time())
    mac = hmac.new(WEBHOOK_SECRET.encode(), f"{t}.".encode() + payload, hashlib.sha256)
    return f"t={t},v1={mac.hexdigest()}"


def test_a_signed_stripe_webhook_records_the_charge_as_the_webhook(client, settings, audit_log):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    order = order_with_vendor_orders([12_000], status=OrderStatus.UNCONFIRMED)
    tx = Transaction.objects.create(
        order=order,
        gateway="stripe",
        status="action_required",
        amount=12_000,
        psp_reference="pi_audit_1",
        idempotency_key="audit-stripe-1",
    )
    intent = {
        "id": "pi_audit_1",
        "object": "payment_intent",
        "status": "succeeded",
        "amount": 12_000,
        "amount_received": 12_000,
        "currency": "krw",
        "metadata": {"transaction_token": str(tx.token)},
    }
    payload = json.dumps(
        {
            "id": "evt_audit_1",
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {"object": intent},
        }
    ).encode()
    response = client.post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload),
    )
    assert response.status_code == 200
    charged = audit_log.one("payment.charged")
    assert about(charged, tx)
    assert (charged.actor, charged.actor_label, charged.actor_kind) == (None, "", "webhook")
    assert charged.changes["status"] == ["action_required", "charged"]
    assert charged.changes["charged"] == [0, 12_000]
    assert charged.ip == "127.0.0.1"

    # Stripe re-sends it: nothing changes, nothing is recorded.
    audit_log.mark()
    client.post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload),
    )
    assert audit_log.actions() == []
    assert AuditEvent.objects.filter(action="payment.charged").count() == 1
