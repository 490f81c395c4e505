"""Stripe through the real ``stripe`` SDK, never the internet.

The SDK is pointed (``STRIPE_API_BASE``) at a small stand-in server on 127.0.0.1 (a thread,
random port) that answers ``POST /v1/payment_intents``, ``GET /v1/payment_intents/<id>`` and
``POST /v1/refunds`` with Stripe-shaped JSON and records every request, so the tests see what
the SDK really sent (form fields, ``Idempotency-Key``, ``Authorization``). Webhooks are real
signed payloads (``Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "{t}.{body}")``) posted to
``/webhooks/stripe/`` through the Django test client.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from graphql_relay import to_global_id

from core.errors import DomainError
from shop.orders.models import ChargeStatus, OrderStatus
from shop.payments import services
from shop.payments.models import Refund, Transaction, TransactionEvent, WebhookEvent
from tests.factories.payments import TransactionFactory, checkout_for, order_with_vendor_orders

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.shop.payments_urls")]

SECRET_KEY = "sk_test_nuri_standin"
WEBHOOK_SECRET = "whsec_nuri_test_secret"
STRIPE = "nuri.payments.stripe"
WEBHOOK_URL = "/webhooks/stripe/"


# ---------------------------------------------------------------------------------------------
# The stand-in Stripe API
# ---------------------------------------------------------------------------------------------


class StripeStandIn:
    """Just enough of api.stripe.com for PaymentIntents and Refunds (form-encoded requests,
    JSON answers, idempotent replays by ``Idempotency-Key`` as Stripe does)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[int, dict]] = {}
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                standin.handle(self, "GET")

            def do_POST(self):
                standin.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.intents.clear()
            self.refunds.clear()
            self.idempotent.clear()

    # -- request handling ---------------------------------------------------------------------

    def handle(self, handler, method):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        path, _, query = handler.path.partition("?")
        form = dict(parse_qsl(body or query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self.lock:
            self.requests.append({"method": method, "path": path, "form": form, "headers": headers})
            key = headers.get("idempotency-key")
            if method == "POST" and key and key in self.idempotent:
                status, payload = self.idempotent[key]
            else:
                status, payload = self.route(method, path, form, headers)
                if method == "POST" and key:
                    self.idempotent[key] = (status, payload)
        raw = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.send_header("Request-Id", f"req_standin_{next(self.ids)}")
        handler.end_headers()
        handler.wfile.write(raw)

    def route(self, method, path, form, headers):
        if headers.get("authorization") != f"Bearer {SECRET_KEY}":
            return 401, error("invalid_request_error", "Invalid API Key provided.")
        if method == "POST" and path == "/v1/payment_intents":
            return self.create_intent(form)
        if method == "GET" and path.startswith("/v1/payment_intents/"):
            intent = self.intents.get(path.rsplit("/", 1)[1])
            if intent is None:
                return 404, error("invalid_request_error", "No such payment_intent")
            return 200, intent
        if method == "POST" and path == "/v1/refunds":
            return self.create_refund(form)
        return 404, error("invalid_request_error", f"Unrecognized request URL ({path}).")

    def create_intent(self, form):
        n = next(self.ids)
        intent_id = f"pi_3Standin{n:014d}"
        metadata = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "amount_capturable": 0,
            "amount_received": 0,
            "capture_method": "automatic",
            "client_secret": f"{intent_id}_secret_standin{n}",
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "currency": form["currency"],
            "description": form.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": metadata,
            "payment_method": form.get("payment_method"),
            "payment_method_types": [v for k, v in form.items() if k.startswith("payment_method_")],
            "status": "requires_payment_method",
        }
        if form.get("confirm") == "true":
            if form.get("payment_method") == "pm_card_chargeDeclined":
                intent["last_payment_error"] = {
                    "code": "card_declined",
                    "decline_code": "generic_decline",
                    "message": "Your card was declined.",
                    "type": "card_error",
                }
                self.intents[intent_id] = intent
                err = error("card_error", "Your card was declined.")
                err["error"].update(
                    code="card_declined", decline_code="generic_decline", payment_intent=intent
                )
                return 402, err
            self.succeed(intent)
        self.intents[intent_id] = intent
        return 200, intent

    def succeed(self, intent, amount=None):
        intent["status"] = "succeeded"
        intent["amount_received"] = intent["amount"] if amount is None else amount
        intent["latest_charge"] = f"ch_{intent['id'][3:]}"
        intent["payment_method"] = intent["payment_method"] or "pm_card_visa"

    def create_refund(self, form):
        intent = self.intents.get(form.get("payment_intent", ""))
        if intent is None:
            return 404, error("invalid_request_error", "No such payment_intent")
        refund_id = f"re_3Standin{next(self.ids):014d}"
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": int(form["amount"]),
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "payment_intent": intent["id"],
            "reason": None,
            "status": "succeeded",
        }
        self.refunds[refund_id] = refund
        return 200, refund

    # -- helpers for tests --------------------------------------------------------------------

    def posts(self, path):
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == path]


def error(type_, message):
    return {"error": {"type": type_, "message": message}}


@pytest.fixture(scope="module")
def standin_server():
    server = StripeStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def standin(standin_server, settings):
    standin_server.reset()
    settings.PAYMENT_GATEWAYS = "stripe,test,invoice"
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_nuri_standin"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = standin_server.url
    return standin_server


# ---------------------------------------------------------------------------------------------
# Signed webhooks
# ---------------------------------------------------------------------------------------------


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """``Stripe-Signature`` as Stripe computes it."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event_payload(event_type: str, obj: dict, event_id: str = "evt_1Standin0001") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2025-09-30.clover",
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
    ).encode()


def post_webhook(client, payload: bytes, signature: str | None):
    extra = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(WEBHOOK_URL, data=payload, content_type="application/json", **extra)


def start_stripe_payment(checkout_or_order, **kwargs):
    return services.transaction_initialize(
        checkout_or_order=checkout_or_order, gateway_id=STRIPE, data=kwargs
    )


# ---------------------------------------------------------------------------------------------
# PaymentIntents
# ---------------------------------------------------------------------------------------------


def test_12000_won_payment_is_created_with_amount_12000_krw(standin):
    checkout = checkout_for(12000)
    tx = start_stripe_payment(checkout)

    (request,) = standin.posts("/v1/payment_intents")
    assert request["form"]["amount"] == "12000"  # zero-decimal currency: won, not ×100
    assert request["form"]["currency"] == "krw"
    assert request["form"]["payment_method_types[0]"] == "card"
    assert request["form"]["metadata[transaction_token]"] == str(tx.token)
    assert request["form"]["metadata[checkout_token]"] == str(checkout.token)
    assert request["headers"]["idempotency-key"] == f"nuri-tx-{tx.token}"
    assert request["headers"]["authorization"] == f"Bearer {SECRET_KEY}"

    (intent_id,) = standin.intents
    assert tx.status == "action_required"  # the browser confirms it with Stripe.js
    assert (tx.psp_reference, tx.amount, tx.charged) == (intent_id, 12000, 0)
    assert tx.client_data["client_secret"] == standin.intents[intent_id]["client_secret"]
    assert tx.client_data["publishable_key"] == "pk_test_nuri_standin"
    assert services.checkout_paid_amount(checkout) == 0  # not paid until Stripe says so


def test_process_retrieves_the_intent_and_charges_when_stripe_says_succeeded(standin):
    checkout = checkout_for(12000)
    tx = start_stripe_payment(checkout)
    tx = services.transaction_process(transaction=tx, data={})
    assert tx.status == "action_required"  # not confirmed yet: nothing changes
    assert tx.events.count() == 2

    standin.succeed(standin.intents[tx.psp_reference])
    tx = services.transaction_process(transaction=tx, data={})
    assert (tx.status, tx.charged) == ("charged", 12000)
    assert tx.events.last().type == "CHARGE_SUCCESS"
    gets = [r for r in standin.requests if r["method"] == "GET"]
    assert [r["path"] for r in gets] == [f"/v1/payment_intents/{tx.psp_reference}"] * 2
    assert services.checkout_paid_amount(checkout) == 12000


def test_confirming_with_a_payment_method_charges_at_once(standin):
    tx = start_stripe_payment(checkout_for(12000), paymentMethod="pm_card_visa")
    (request,) = standin.posts("/v1/payment_intents")
    assert (request["form"]["confirm"], request["form"]["payment_method"]) == (
        "true",
        "pm_card_visa",
    )
    assert (tx.status, tx.charged) == ("charged", 12000)


def test_declined_card_is_recorded_as_failed(standin):
    tx = start_stripe_payment(checkout_for(12000), paymentMethod="pm_card_chargeDeclined")
    assert (tx.status, tx.charged) == ("failed", 0)
    assert tx.psp_reference.startswith("pi_")
    assert tx.events.last().type == "CHARGE_FAILURE"
    assert tx.client_data["decline_code"] == "generic_decline"


def test_stripe_errors_record_nothing(standin, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    with pytest.raises(DomainError) as exc:
        start_stripe_payment(checkout_for(12000))
    assert exc.value.code == "GATEWAY_ERROR"
    assert Transaction.objects.count() == 0


def test_stripe_is_not_available_without_a_secret_key(standin, settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(DomainError) as exc:
        start_stripe_payment(checkout_for(12000))
    assert exc.value.code == "GATEWAY_NOT_AVAILABLE"


def test_graphql_transaction_initialize_returns_the_client_secret(standin, gql):
    checkout = checkout_for(12000)
    result = gql(
        """mutation($id: ID!) {
          transactionInitialize(id: $id, paymentGateway: {id: "nuri.payments.stripe"}) {
            transaction { pspReference chargedAmount { amount currency } }
            transactionEvent { type }
            data
            errors { code message }
          } }""",
        {"id": to_global_id("Checkout", str(checkout.token))},
    )["data"]["transactionInitialize"]
    assert result["errors"] == []
    intent = standin.intents[result["transaction"]["pspReference"]]
    assert result["data"]["client_secret"] == intent["client_secret"]
    assert result["transactionEvent"]["type"] == "CHARGE_ACTION_REQUIRED"
    assert (intent["amount"], intent["currency"]) == (12000, "krw")

    configs = gql(
        """mutation($id: ID!) { paymentGatewayInitialize(id: $id,
             paymentGateways: [{id: "nuri.payments.stripe"}]) {
             gatewayConfigs { id data errors { code } } } }""",
        {"id": to_global_id("Checkout", str(checkout.token))},
    )["data"]["paymentGatewayInitialize"]["gatewayConfigs"]
    assert configs == [
        {
            "id": STRIPE,
            "data": {"publishableKey": "pk_test_nuri_standin", "currency": "krw"},
            "errors": [],
        }
    ]


# ---------------------------------------------------------------------------------------------
# Webhooks
# ---------------------------------------------------------------------------------------------


def succeeded_event(standin, tx, event_id="evt_1Standin0001", amount=None):
    intent = standin.intents[tx.psp_reference]
    standin.succeed(intent, amount)
    return event_payload("payment_intent.succeeded", intent, event_id)


def test_signed_webhook_charges_and_a_replay_changes_nothing(standin, client):
    checkout = checkout_for(12000)
    tx = start_stripe_payment(checkout)
    payload = succeeded_event(standin, tx)

    response = post_webhook(client, payload, sign(payload))
    assert response.status_code == 200
    assert response.json()["replay"] is False
    tx.refresh_from_db()
    assert (tx.status, tx.charged) == ("charged", 12000)
    assert services.checkout_paid_amount(checkout) == 12000
    record = WebhookEvent.objects.get()
    assert (record.provider, record.event_id, record.type) == (
        "stripe",
        "evt_1Standin0001",
        "payment_intent.succeeded",
    )
    assert record.processed_at is not None
    events_before = list(TransactionEvent.objects.values_list("pk", "type"))
    assert [t for _pk, t in events_before].count("CHARGE_SUCCESS") == 1
    updated_at = tx.updated_at

    # Stripe re-sends the same event (same id), signed again later.
    for signature in (sign(payload), sign(payload, timestamp=int(time.time()) + 5)):
        replay = post_webhook(client, payload, signature)
        assert replay.status_code == 200
        assert replay.json()["replay"] is True
    assert WebhookEvent.objects.count() == 1
    assert list(TransactionEvent.objects.values_list("pk", "type")) == events_before
    tx.refresh_from_db()
    assert (tx.charged, tx.updated_at) == (12000, updated_at)


def test_bad_signatures_get_400_and_record_nothing(standin, client):
    tx = start_stripe_payment(checkout_for(12000))
    payload = succeeded_event(standin, tx)
    good = sign(payload)
    t = good.split(",")[0]
    tampered = payload.replace(b'"amount_received": 12000', b'"amount_received": 99000')
    assert tampered != payload
    for body, signature in [
        (payload, sign(payload, secret="whsec_someone_else")),
        (payload, f"{t},v1={'0' * 64}"),
        (payload, "garbage"),
        (payload, ""),
        (payload, None),
        (tampered, good),
        (payload, sign(payload, timestamp=int(time.time()) - 3600)),  # too old: a replay attack
    ]:
        response = post_webhook(client, body, signature)
        assert response.status_code == 400, signature
        assert response.json()["error"]["code"] == "INVALID_SIGNATURE"
    assert WebhookEvent.objects.count() == 0
    tx.refresh_from_db()
    assert (tx.status, tx.charged) == ("action_required", 0)


def test_signed_but_malformed_body_gets_400(standin, client):
    for body in (b"not json", b'{"object": "event"}'):
        response = post_webhook(client, body, sign(body))
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "INVALID_PAYLOAD"
    assert client.get(WEBHOOK_URL).status_code == 405
    assert WebhookEvent.objects.count() == 0


def test_webhook_without_a_configured_secret_gets_400(standin, client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = event_payload("payment_intent.succeeded", {"id": "pi_x"})
    assert post_webhook(client, payload, sign(payload)).status_code == 400


def test_webhook_for_a_placed_order_updates_its_charge_status(standin, client):
    order = order_with_vendor_orders([12000], status=OrderStatus.UNCONFIRMED)
    tx = start_stripe_payment(order)
    (request,) = standin.posts("/v1/payment_intents")
    assert request["form"]["metadata[order_number]"] == order.number
    payload = succeeded_event(standin, tx, "evt_order_paid")
    assert post_webhook(client, payload, sign(payload)).status_code == 200
    order.refresh_from_db()
    assert (order.charge_status, order.total_charged, order.status) == (
        ChargeStatus.FULL,
        12000,
        OrderStatus.UNFULFILLED,
    )
    assert order.events.filter(type="payment_charged").count() == 1
    assert post_webhook(client, payload, sign(payload)).status_code == 200
    assert order.events.filter(type="payment_charged").count() == 1


def test_webhook_and_process_agree(standin, client):
    """The webhook and transactionProcess may both report the success: charged once."""
    tx = start_stripe_payment(checkout_for(12000))
    payload = succeeded_event(standin, tx, "evt_both")
    assert post_webhook(client, payload, sign(payload)).status_code == 200
    with pytest.raises(DomainError) as exc:
        services.transaction_process(transaction=tx, data={})
    assert exc.value.code == "TRANSACTION_ALREADY_PROCESSED"
    tx.refresh_from_db()
    assert tx.events.filter(type="CHARGE_SUCCESS").count() == 1


def test_payment_failed_webhook(standin, client):
    tx = start_stripe_payment(checkout_for(12000))
    intent = dict(standin.intents[tx.psp_reference])
    intent["last_payment_error"] = {"message": "Your card has insufficient funds."}
    payload = event_payload("payment_intent.payment_failed", intent, "evt_failed")
    assert post_webhook(client, payload, sign(payload)).status_code == 200
    tx.refresh_from_db()
    assert tx.status == "failed"
    assert "insufficient funds" in tx.events.last().message

    # A later success (the buyer retried on the same PaymentIntent) still charges.
    payload = succeeded_event(standin, tx, "evt_retry_ok")
    assert post_webhook(client, payload, sign(payload)).status_code == 200
    tx.refresh_from_db()
    assert (tx.status, tx.charged) == ("charged", 12000)

    # A late failure never takes a charge back.
    late = event_payload("payment_intent.payment_failed", intent, "evt_late_failure")
    assert post_webhook(client, late, sign(late)).status_code == 200
    tx.refresh_from_db()
    assert tx.status == "charged"


def test_unknown_events_are_recorded_and_acknowledged(standin, client):
    payload = event_payload("customer.created", {"id": "cus_1"}, "evt_customer")
    response = post_webhook(client, payload, sign(payload))
    assert response.status_code == 200
    assert response.json()["handled"] is False
    assert WebhookEvent.objects.filter(event_id="evt_customer").exists()


# ---------------------------------------------------------------------------------------------
# Refunds
# ---------------------------------------------------------------------------------------------


def stripe_paid_order(standin, totals=(10000, 20000)):
    order = order_with_vendor_orders(totals)
    tx = start_stripe_payment(order, paymentMethod="pm_card_visa")
    assert tx.status == "charged"
    order.refresh_from_db()
    return order, tx


def test_refunds_go_through_stripe_with_idempotency_keys(standin, client):
    order, tx = stripe_paid_order(standin)
    vo1 = order.vendor_orders.order_by("number").first()
    first = services.payment_refund(vendor_order=vo1, amount=3000, actor=None, reason="파손")
    second = services.payment_refund(vendor_order=vo1, amount=2000, actor=None, reason="누락")
    posts = standin.posts("/v1/refunds")
    assert [(p["form"]["payment_intent"], p["form"]["amount"]) for p in posts] == [
        (tx.psp_reference, "3000"),
        (tx.psp_reference, "2000"),
    ]
    assert [p["headers"]["idempotency-key"] for p in posts] == [
        f"nuri-rf-{tx.token}-1",
        f"nuri-rf-{tx.token}-2",
    ]
    assert first.psp_reference in standin.refunds
    assert second.psp_reference in standin.refunds
    tx.refresh_from_db()
    order.refresh_from_db()
    assert (tx.refunded, order.total_refunded) == (5000, 5000)

    with pytest.raises(DomainError) as exc:
        services.payment_refund(vendor_order=vo1, amount=5001, actor=None, reason="")
    assert exc.value.code == "REFUND_TOO_LARGE"
    assert len(standin.posts("/v1/refunds")) == 2  # Stripe was never asked

    # Stripe then reports the charge refunded by 5,000: already counted, nothing changes.
    charge = {
        "id": standin.intents[tx.psp_reference]["latest_charge"],
        "object": "charge",
        "amount": 30000,
        "amount_refunded": 5000,
        "currency": "krw",
        "payment_intent": tx.psp_reference,
        "refunded": False,
    }
    payload = event_payload("charge.refunded", charge, "evt_refunds")
    assert post_webhook(client, payload, sign(payload)).status_code == 200
    tx.refresh_from_db()
    assert tx.refunded == 5000
    assert tx.events.filter(type="REFUND_SUCCESS").count() == 2


def test_refund_made_in_the_stripe_dashboard_is_reconciled(standin, client):
    order, tx = stripe_paid_order(standin, totals=(12000,))
    charge = {
        "id": "ch_dashboard",
        "object": "charge",
        "amount": 12000,
        "amount_refunded": 12000,
        "currency": "krw",
        "payment_intent": tx.psp_reference,
        "refunded": True,
    }
    payload = event_payload("charge.refunded", charge, "evt_dashboard_refund")
    assert post_webhook(client, payload, sign(payload)).status_code == 200
    tx.refresh_from_db()
    order.refresh_from_db()
    assert tx.refunded == 12000
    assert (order.total_refunded, order.charge_status) == (12000, ChargeStatus.REFUNDED)
    assert order.events.filter(type="payment_refunded_externally").count() == 1
    assert Refund.objects.count() == 0  # staff allocate it to vendor orders
    assert post_webhook(client, payload, sign(payload)).json()["replay"] is True


def test_stripe_refund_failure_records_nothing(standin):
    order = order_with_vendor_orders([12000])
    TransactionFactory(order=order, gateway="stripe", amount=12000, psp_reference="pi_unknown")
    services.order_update_charge_status(order)
    with pytest.raises(DomainError) as exc:
        services.payment_refund(
            vendor_order=order.vendor_orders.get(), amount=1000, actor=None, reason=""
        )
    assert exc.value.code == "REFUND_FAILED"
    assert Refund.objects.count() == 0
