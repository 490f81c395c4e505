"""Payments over the test and invoice gateways: approve, decline, 3-D Secure, invalid cards,
idempotency, attaching to orders, invoices recorded by staff, refunds; and the GraphQL
mutations in Saleor's shape (paymentGatewayInitialize, transactionInitialize,
transactionProcess). Stripe is in ``test_stripe.py``."""

from __future__ import annotations

import pytest
from graphql_relay import to_global_id

from core.errors import DomainError
from shop.orders.models import ChargeStatus, OrderEvent, OrderStatus
from shop.payments import services
from shop.payments.gateways import enabled_names
from shop.payments.gateways.test import (
    CARD_ACTION_REQUIRED,
    CARD_APPROVE,
    CARD_DECLINE,
    luhn_valid,
)
from shop.payments.models import Refund, Transaction, TransactionEvent, TransactionStatus
from tests.factories import StaffFactory, UserFactory
from tests.factories.payments import (
    TransactionFactory,
    checkout_for,
    order_with_vendor_orders,
)

pytestmark = pytest.mark.django_db

TEST = "nuri.payments.test"
INVOICE = "nuri.payments.invoice"


@pytest.fixture(autouse=True)
def _gateways(settings):
    settings.PAYMENT_GATEWAYS = "test,invoice"
    settings.STRIPE_SECRET_KEY = ""


def pay(checkout, card=CARD_APPROVE, **kwargs):
    return services.transaction_initialize(
        checkout_or_order=checkout, gateway_id=TEST, data={"cardNumber": card}, **kwargs
    )


def event_types(tx):
    return list(tx.events.values_list("type", flat=True))


def codes(exc_info):
    return exc_info.value.code


# ---------------------------------------------------------------------------------------------
# Gateways
# ---------------------------------------------------------------------------------------------


def test_luhn():
    assert luhn_valid(CARD_APPROVE)
    assert luhn_valid(CARD_DECLINE)
    assert luhn_valid(CARD_ACTION_REQUIRED)
    assert not luhn_valid("4242424242424241")
    assert not luhn_valid("4242-4242")


def test_enabled_gateways_follow_settings(settings):
    settings.PAYMENT_GATEWAYS = None
    assert enabled_names() == ["test", "invoice"]
    settings.PAYMENT_GATEWAYS = []
    assert enabled_names() == ["test", "invoice"]
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert enabled_names() == ["stripe", "test", "invoice"]
    settings.PAYMENT_GATEWAYS = "nuri.payments.stripe, invoice, bogus"
    assert enabled_names() == ["stripe", "invoice"]
    assert [g.id for g in services.payment_gateways_available()] == [
        "nuri.payments.stripe",
        INVOICE,
    ]


# ---------------------------------------------------------------------------------------------
# Test gateway through the services
# ---------------------------------------------------------------------------------------------


def test_approved_card_charges_the_checkout_total():
    checkout = checkout_for(12000)
    tx = pay(checkout, card="4242 4242 4242 4242")
    assert (tx.status, tx.amount, tx.charged, tx.gateway) == ("charged", 12000, 12000, "test")
    assert tx.currency == "KRW"
    assert tx.client_data["card"] == {"brand": "visa", "last4": "4242"}
    assert "4242424242424242" not in str(tx.client_data)
    assert event_types(tx) == ["CHARGE_REQUEST", "CHARGE_SUCCESS"]
    assert services.checkout_paid_amount(checkout) == 12000
    assert not services.checkout_uses_invoice(checkout)
    assert services.amount_due(checkout) == 0


def test_declined_card_is_recorded_as_failed_and_pays_nothing():
    checkout = checkout_for(12000)
    tx = pay(checkout, card=CARD_DECLINE)
    assert tx.status == TransactionStatus.FAILED
    assert tx.charged == 0
    last = tx.events.last()
    assert (last.type, last.message) == ("CHARGE_FAILURE", "카드가 거절되었습니다")
    assert services.checkout_paid_amount(checkout) == 0


def test_action_required_then_process_approves():
    checkout = checkout_for(12000)
    tx = pay(checkout, card=CARD_ACTION_REQUIRED)
    assert tx.status == TransactionStatus.ACTION_REQUIRED
    assert tx.charged == 0
    assert tx.client_data["nextAction"] == "three_d_secure"
    assert services.checkout_paid_amount(checkout) == 0

    tx = services.transaction_process(transaction=tx, data={})
    assert (tx.status, tx.charged) == ("charged", 12000)
    assert event_types(tx) == ["CHARGE_REQUEST", "CHARGE_ACTION_REQUIRED", "CHARGE_SUCCESS"]
    assert services.checkout_paid_amount(checkout) == 12000

    with pytest.raises(DomainError) as exc:
        services.transaction_process(transaction=tx, data={})
    assert codes(exc) == "TRANSACTION_ALREADY_PROCESSED"
    assert tx.events.count() == 3


def test_action_required_failed_authentication():
    tx = pay(checkout_for(12000), card=CARD_ACTION_REQUIRED)
    tx = services.transaction_process(transaction=tx, data={"authenticated": False})
    assert (tx.status, tx.charged) == ("failed", 0)
    assert tx.events.last().message == "본인 인증에 실패했습니다."


@pytest.mark.parametrize("card", ["4242424242424241", "1234", "", "4242abcd42424242"])
def test_invalid_card_number_is_rejected_and_nothing_recorded(card):
    checkout = checkout_for(12000)
    with pytest.raises(DomainError) as exc:
        pay(checkout, card=card)
    assert (exc.value.code, exc.value.field) == ("INVALID_CARD", "cardNumber")
    assert Transaction.objects.count() == 0
    assert TransactionEvent.objects.count() == 0


def test_disabled_gateway_is_not_available(settings):
    settings.PAYMENT_GATEWAYS = "invoice"
    with pytest.raises(DomainError) as exc:
        pay(checkout_for(12000))
    assert codes(exc) == "GATEWAY_NOT_AVAILABLE"
    with pytest.raises(DomainError) as exc:
        services.transaction_initialize(
            checkout_or_order=checkout_for(12000), gateway_id="nuri.payments.paypal", data={}
        )
    assert codes(exc) == "GATEWAY_NOT_AVAILABLE"


def test_partial_payments_and_amount_checks():
    checkout = checkout_for(12000)
    first = pay(checkout, amount=5000)
    assert (first.amount, first.charged) == (5000, 5000)
    assert services.amount_due(checkout) == 7000
    with pytest.raises(DomainError) as exc:
        pay(checkout, amount=8000)
    assert (exc.value.code, exc.value.field) == ("INVALID_AMOUNT", "amount")
    for bad in (0, -100, 12.5):
        with pytest.raises(DomainError) as exc:
            pay(checkout, amount=bad)
        assert codes(exc) == "INVALID_AMOUNT"
    second = pay(checkout)  # defaults to what is left
    assert second.amount == 7000
    assert services.checkout_paid_amount(checkout) == 12000
    with pytest.raises(DomainError) as exc:
        pay(checkout)
    assert codes(exc) == "NOTHING_TO_PAY"


def test_idempotency_key_returns_the_same_transaction():
    checkout = checkout_for(12000)
    first = pay(checkout, card=CARD_DECLINE, idempotency_key="attempt-1")
    again = pay(checkout, card=CARD_DECLINE, idempotency_key="attempt-1")
    assert again.pk == first.pk
    assert Transaction.objects.count() == 1
    assert TransactionEvent.objects.count() == 2
    with pytest.raises(DomainError) as exc:
        pay(checkout, amount=1000, idempotency_key="attempt-1")
    assert (exc.value.code, exc.value.field) == ("UNIQUE", "idempotencyKey")
    # The same client key on another checkout is another transaction.
    other = pay(checkout_for(12000), idempotency_key="attempt-1")
    assert other.pk != first.pk
    # Without a key, each call is a new attempt with its own unique key.
    third = pay(checkout)
    assert third.idempotency_key == f"nuri-tx-{third.token}"


# ---------------------------------------------------------------------------------------------
# Attaching to orders and charge status
# ---------------------------------------------------------------------------------------------


def test_attach_to_order_sets_gateway_and_full_charge_status():
    checkout = checkout_for(12000)
    failed = pay(checkout, card=CARD_DECLINE)
    paid = pay(checkout)
    order = order_with_vendor_orders([12000])
    services.transactions_attach_to_order(checkout=checkout, order=order)
    order.refresh_from_db()
    assert (order.gateway, order.charge_status, order.total_charged) == ("test", "full", 12000)
    assert set(order.transactions.values_list("pk", flat=True)) == {failed.pk, paid.pk}


@pytest.mark.parametrize(
    ("charged", "refunded", "invoiced", "expected"),
    [
        (0, 0, False, ChargeStatus.NONE),
        (0, 0, True, ChargeStatus.INVOICE),
        (5000, 0, False, ChargeStatus.PARTIAL),
        (12000, 0, False, ChargeStatus.FULL),
        (12000, 2000, False, ChargeStatus.FULL),
        (15000, 0, False, ChargeStatus.OVERCHARGED),
        (12000, 12000, False, ChargeStatus.REFUNDED),
    ],
)
def test_charge_status_rules(charged, refunded, invoiced, expected):
    assert (
        services.charge_status_for(
            total=12000, charged=charged, refunded=refunded, invoiced=invoiced
        )
        == expected
    )


def test_order_update_charge_status_confirms_an_unconfirmed_order():
    order = order_with_vendor_orders([12000], status=OrderStatus.UNCONFIRMED)
    tx = TransactionFactory(order=order, status="pending", amount=12000)
    assert services.order_update_charge_status(order) == ChargeStatus.NONE
    assert order.status == OrderStatus.UNCONFIRMED
    tx.status, tx.charged = "charged", 12000
    tx.save()
    assert services.order_update_charge_status(order) == ChargeStatus.FULL
    order.refresh_from_db()
    assert (order.status, order.total_charged) == (OrderStatus.UNFULFILLED, 12000)


def test_paying_an_order_after_it_was_placed():
    order = order_with_vendor_orders([12000], status=OrderStatus.UNCONFIRMED)
    tx = services.transaction_initialize(
        checkout_or_order=order, gateway_id=TEST, data={"cardNumber": CARD_APPROVE}
    )
    assert tx.order_id == order.pk
    assert tx.checkout_id is None
    order.refresh_from_db()
    assert (order.charge_status, order.status) == ("full", "unfulfilled")
    assert order.events.filter(type="payment_charged").count() == 1


# ---------------------------------------------------------------------------------------------
# Invoice (후불)
# ---------------------------------------------------------------------------------------------


def test_invoice_checkout_completes_unpaid_and_staff_record_the_transfer():
    buyer = UserFactory()
    checkout = checkout_for(12000, user=buyer)
    tx = services.transaction_initialize(
        checkout_or_order=checkout, gateway_id=INVOICE, data={}, actor=buyer
    )
    assert (tx.status, tx.charged) == ("invoiced", 0)
    assert tx.psp_reference.startswith("INV-")
    assert services.checkout_uses_invoice(checkout)
    assert services.checkout_paid_amount(checkout) == 0

    order = order_with_vendor_orders([12000], user=buyer)
    services.transactions_attach_to_order(checkout=checkout, order=order)
    order.refresh_from_db()
    assert (order.gateway, order.charge_status, order.total_charged) == ("invoice", "invoice", 0)

    with pytest.raises(DomainError) as exc:
        services.invoice_payment_record(order=order, amount=12000, actor=buyer, reference="x")
    assert codes(exc) == "PERMISSION_DENIED"

    staff = StaffFactory()
    services.invoice_payment_record(order=order, amount=5000, actor=staff, reference="농협 0001")
    order.refresh_from_db()
    tx.refresh_from_db()
    assert (order.charge_status, order.total_charged, tx.status) == ("partial", 5000, "invoiced")

    with pytest.raises(DomainError) as exc:
        services.invoice_payment_record(order=order, amount=7001, actor=staff, reference="y")
    assert codes(exc) == "INVALID_AMOUNT"

    services.invoice_payment_record(order=order, amount=7000, actor=staff, reference="농협 0002")
    order.refresh_from_db()
    tx.refresh_from_db()
    assert (order.charge_status, order.total_charged) == ("full", 12000)
    assert (tx.status, tx.charged) == ("charged", 12000)
    recorded = order.events.filter(type="invoice_payment_recorded")
    assert [e.data["amount"] for e in recorded] == [5000, 7000]
    assert all(e.actor == staff for e in recorded)
    success = tx.events.filter(type="CHARGE_SUCCESS").order_by("id")
    assert [(e.amount, e.psp_reference) for e in success] == [
        (5000, "농협 0001"),
        (7000, "농협 0002"),
    ]


def test_invoice_needs_a_signed_in_buyer_and_only_once():
    with pytest.raises(DomainError) as exc:
        services.transaction_initialize(
            checkout_or_order=checkout_for(12000), gateway_id=INVOICE, data={}
        )
    assert codes(exc) == "INVOICE_NOT_ALLOWED"
    buyer = UserFactory()
    checkout = checkout_for(12000, user=buyer)
    with pytest.raises(DomainError) as exc:
        services.transaction_initialize(
            checkout_or_order=checkout, gateway_id=INVOICE, data={}, actor=UserFactory()
        )
    assert codes(exc) == "INVOICE_NOT_ALLOWED"
    services.transaction_initialize(
        checkout_or_order=checkout, gateway_id=INVOICE, data={}, actor=buyer
    )
    with pytest.raises(DomainError) as exc:
        services.transaction_initialize(
            checkout_or_order=checkout, gateway_id=INVOICE, data={}, actor=buyer
        )
    assert codes(exc) == "INVOICE_NOT_ALLOWED"


def test_invoice_payment_record_needs_an_invoice_order():
    order = order_with_vendor_orders([12000])
    with pytest.raises(DomainError) as exc:
        services.invoice_payment_record(order=order, amount=1, actor=StaffFactory(), reference="")
    assert codes(exc) == "INVALID"


# ---------------------------------------------------------------------------------------------
# Refunds
# ---------------------------------------------------------------------------------------------


def paid_order(totals=(10000, 20000), gateway="test"):
    order = order_with_vendor_orders(totals)
    TransactionFactory(order=order, gateway=gateway, amount=sum(totals))
    services.order_update_charge_status(order)
    return order


def test_partial_refunds_add_up_and_never_exceed_the_vendor_order():
    order = paid_order()
    vo1, vo2 = order.vendor_orders.order_by("number")
    staff = StaffFactory()
    first = services.payment_refund(vendor_order=vo1, amount=3000, actor=staff, reason="파손")
    second = services.payment_refund(vendor_order=vo1, amount=2000, actor=staff, reason="누락")
    assert isinstance(first, Refund)
    assert first.psp_reference.startswith("test_re_")
    assert (first.amount, second.amount, first.created_by) == (3000, 2000, staff)
    vo1.refresh_from_db()
    order.refresh_from_db()
    tx = order.transactions.get()
    assert (vo1.refunded, tx.refunded, order.total_refunded) == (5000, 5000, 5000)
    assert order.charge_status == ChargeStatus.FULL
    assert list(tx.events.filter(type="REFUND_SUCCESS").values_list("amount", flat=True)) == [
        3000,
        2000,
    ]
    events = OrderEvent.objects.filter(order=order, type="refunded").order_by("id")
    assert [(e.vendor_order_id, e.data["amount"], e.actor) for e in events] == [
        (vo1.pk, 3000, staff),
        (vo1.pk, 2000, staff),
    ]

    with pytest.raises(DomainError) as exc:
        services.payment_refund(vendor_order=vo1, amount=5001, actor=staff, reason="")
    assert (exc.value.code, exc.value.field) == ("REFUND_TOO_LARGE", "amount")
    assert Refund.objects.count() == 2

    services.payment_refund(vendor_order=vo1, amount=5000, actor=staff, reason="")
    services.payment_refund(vendor_order=vo2, amount=20000, actor=staff, reason="")
    order.refresh_from_db()
    assert (order.total_refunded, order.charge_status) == (30000, ChargeStatus.REFUNDED)
    with pytest.raises(DomainError) as exc:
        services.payment_refund(vendor_order=vo2, amount=1, actor=staff, reason="")
    assert codes(exc) == "REFUND_TOO_LARGE"


def test_refund_of_an_unpaid_order_is_too_large():
    order = order_with_vendor_orders([10000])
    vo = order.vendor_orders.get()
    with pytest.raises(DomainError) as exc:
        services.payment_refund(vendor_order=vo, amount=1000, actor=None, reason="")
    assert codes(exc) == "REFUND_TOO_LARGE"
    with pytest.raises(DomainError) as exc:
        services.payment_refund(vendor_order=vo, amount=0, actor=None, reason="")
    assert codes(exc) == "INVALID_AMOUNT"


def test_invoice_refunds_only_what_the_transfer_paid():
    buyer = UserFactory()
    order = order_with_vendor_orders([10000, 2000], user=buyer)
    TransactionFactory(order=order, gateway="invoice", status="invoiced", amount=12000)
    services.order_update_charge_status(order)
    vo = order.vendor_orders.order_by("number").first()
    with pytest.raises(DomainError) as exc:
        services.payment_refund(vendor_order=vo, amount=1000, actor=buyer, reason="")
    assert codes(exc) == "REFUND_TOO_LARGE"

    staff = StaffFactory()
    services.invoice_payment_record(order=order, amount=12000, actor=staff, reference="입금")
    refund = services.payment_refund(vendor_order=vo, amount=4000, actor=staff, reason="반품")
    assert (refund.amount, refund.psp_reference) == (4000, "")
    event = order.events.get(type="refunded")
    assert event.data["manual_transfer"] is True
    order.refresh_from_db()
    assert (order.total_charged, order.total_refunded) == (12000, 4000)


def test_refund_split_over_two_charged_transactions():
    order = order_with_vendor_orders([20000])
    TransactionFactory(order=order, amount=8000)
    TransactionFactory(order=order, amount=12000)
    services.order_update_charge_status(order)
    vo = order.vendor_orders.get()
    first = services.payment_refund(vendor_order=vo, amount=15000, actor=None, reason="")
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [3000, 12000]
    assert first.amount in (3000, 12000)
    assert sum(order.transactions.values_list("refunded", flat=True)) == 15000


# ---------------------------------------------------------------------------------------------
# GraphQL (Saleor's transactions API)
# ---------------------------------------------------------------------------------------------

GATEWAY_INIT = """
mutation($id: ID!, $amount: Float, $gateways: [PaymentGatewayToInitialize!]) {
  paymentGatewayInitialize(id: $id, amount: $amount, paymentGateways: $gateways) {
    gatewayConfigs { id data errors { field code message } }
    errors { field code message }
  }
}"""

TX_FIELDS = """
    transaction { id token name pspReference
      chargedAmount { amount currency } authorizedAmount { amount currency }
      refundedAmount { amount } events { type amount { amount } } }
    transactionEvent { type pspReference message amount { amount currency } }
    data
    errors { field code message }
"""

TX_INIT = (
    """
mutation($id: ID!, $gateway: PaymentGatewayToInitialize!, $amount: Float, $key: String) {
  transactionInitialize(id: $id, paymentGateway: $gateway, amount: $amount,
                        idempotencyKey: $key) {"""
    + TX_FIELDS
    + "} }"
)

TX_PROCESS = (
    """
mutation($id: ID, $token: UUID, $data: JSON) {
  transactionProcess(id: $id, token: $token, data: $data) {"""
    + TX_FIELDS
    + "} }"
)

TX_QUERY = """
query($id: ID!) { transaction(id: $id) { id chargedAmount { amount } } }"""


def checkout_id(checkout):
    return to_global_id("Checkout", str(checkout.token))


@pytest.mark.urls("tests.shop.payments_urls")
class TestGraphQL:
    def test_payment_gateway_initialize(self, gql):
        checkout = checkout_for(12000)
        data = gql(GATEWAY_INIT, {"id": checkout_id(checkout)})["data"]
        configs = {c["id"]: c for c in data["paymentGatewayInitialize"]["gatewayConfigs"]}
        assert set(configs) == {TEST, INVOICE}
        assert configs[TEST]["data"]["cards"]["approve"] == CARD_APPROVE
        assert configs[TEST]["errors"] == []
        # A guest checkout may not pay on invoice.
        assert configs[INVOICE]["data"] is None
        assert configs[INVOICE]["errors"][0]["code"] == "INVOICE_NOT_ALLOWED"

        data = gql(
            GATEWAY_INIT,
            {"id": checkout_id(checkout), "gateways": [{"id": "nuri.payments.stripe"}]},
        )["data"]["paymentGatewayInitialize"]
        assert data["gatewayConfigs"][0]["errors"][0]["code"] == "GATEWAY_NOT_AVAILABLE"

        missing = to_global_id("Checkout", "00000000-0000-0000-0000-000000000000")
        data = gql(GATEWAY_INIT, {"id": missing})["data"]["paymentGatewayInitialize"]
        assert data["errors"][0]["code"] == "NOT_FOUND"

    def test_transaction_initialize_approved(self, gql):
        checkout = checkout_for(12000)
        result = gql(
            TX_INIT,
            {
                "id": checkout_id(checkout),
                "gateway": {"id": TEST, "data": {"cardNumber": CARD_APPROVE}},
                "key": "k1",
            },
        )["data"]["transactionInitialize"]
        assert result["errors"] == []
        tx = Transaction.objects.get()
        assert result["transaction"]["id"] == to_global_id("TransactionItem", str(tx.token))
        assert result["transaction"]["chargedAmount"] == {"amount": 12000, "currency": "KRW"}
        assert result["transaction"]["authorizedAmount"]["amount"] == 0
        assert result["transaction"]["name"] == "테스트 카드"
        assert result["transactionEvent"]["type"] == "CHARGE_SUCCESS"
        assert result["transactionEvent"]["amount"] == {"amount": 12000, "currency": "KRW"}
        assert result["data"]["card"]["last4"] == "4242"
        assert [e["type"] for e in result["transaction"]["events"]] == [
            "CHARGE_REQUEST",
            "CHARGE_SUCCESS",
        ]
        again = gql(
            TX_INIT,
            {
                "id": checkout_id(checkout),
                "gateway": {"id": TEST, "data": {"cardNumber": CARD_APPROVE}},
                "key": "k1",
            },
        )["data"]["transactionInitialize"]
        assert again["transaction"]["id"] == result["transaction"]["id"]
        assert Transaction.objects.count() == 1

    def test_transaction_initialize_declined(self, gql):
        checkout = checkout_for(12000)
        result = gql(
            TX_INIT,
            {
                "id": checkout_id(checkout),
                "gateway": {"id": TEST, "data": {"cardNumber": CARD_DECLINE}},
            },
        )["data"]["transactionInitialize"]
        assert result["errors"] == [
            {
                "field": "paymentGateway",
                "code": "PAYMENT_DECLINED",
                "message": "카드가 거절되었습니다",
            }
        ]
        assert result["transaction"]["chargedAmount"]["amount"] == 0
        assert result["transactionEvent"]["type"] == "CHARGE_FAILURE"
        assert Transaction.objects.get().status == "failed"  # the attempt stays recorded

    def test_transaction_initialize_invalid_card(self, gql):
        checkout = checkout_for(12000)
        result = gql(
            TX_INIT,
            {"id": checkout_id(checkout), "gateway": {"id": TEST, "data": {"cardNumber": "4111"}}},
        )["data"]["transactionInitialize"]
        assert result["transaction"] is None
        assert result["errors"][0]["code"] == "INVALID_CARD"
        assert Transaction.objects.count() == 0

    def test_action_required_then_transaction_process(self, gql):
        checkout = checkout_for(12000)
        result = gql(
            TX_INIT,
            {
                "id": checkout_id(checkout),
                "gateway": {"id": TEST, "data": {"cardNumber": CARD_ACTION_REQUIRED}},
            },
        )["data"]["transactionInitialize"]
        assert result["transactionEvent"]["type"] == "CHARGE_ACTION_REQUIRED"
        assert result["data"]["nextAction"] == "three_d_secure"
        tx_id = result["transaction"]["id"]

        processed = gql(TX_PROCESS, {"id": tx_id, "data": {}})["data"]["transactionProcess"]
        assert processed["errors"] == []
        assert processed["transaction"]["chargedAmount"]["amount"] == 12000
        assert processed["transactionEvent"]["type"] == "CHARGE_SUCCESS"

        token = result["transaction"]["token"]
        again = gql(TX_PROCESS, {"token": token})["data"]["transactionProcess"]
        assert again["errors"][0]["code"] == "TRANSACTION_ALREADY_PROCESSED"

        missing = gql(TX_PROCESS, {"id": to_global_id("TransactionItem", "nope")})
        assert missing["data"]["transactionProcess"]["errors"][0]["code"] == "NOT_FOUND"

    def test_invoice_for_a_signed_in_buyer(self, gql):
        buyer = UserFactory()
        checkout = checkout_for(12000, user=buyer)
        gql.login(buyer)
        result = gql(TX_INIT, {"id": checkout_id(checkout), "gateway": {"id": INVOICE}})["data"][
            "transactionInitialize"
        ]
        assert result["errors"] == []
        assert result["transactionEvent"]["type"] == "INFO"
        assert result["transaction"]["chargedAmount"]["amount"] == 0
        assert "paymentTerms" in result["data"]
        assert services.checkout_uses_invoice(checkout)

    def test_orders_are_paid_only_by_their_buyer_or_staff(self, gql):
        buyer = UserFactory()
        order = order_with_vendor_orders([12000], user=buyer)
        variables = {
            "id": to_global_id("Order", order.pk),
            "gateway": {"id": TEST, "data": {"cardNumber": CARD_APPROVE}},
        }
        for order_id in (to_global_id("Order", order.pk), to_global_id("Order", order.token)):
            denied = gql(TX_INIT, {**variables, "id": order_id})["data"]["transactionInitialize"]
            assert denied["errors"][0]["code"] == "PERMISSION_DENIED"
        gql.login(UserFactory())
        denied = gql(TX_INIT, variables)["data"]["transactionInitialize"]
        assert denied["errors"][0]["code"] == "PERMISSION_DENIED"
        gql.logout().login(buyer)
        paid = gql(TX_INIT, variables)["data"]["transactionInitialize"]
        assert paid["errors"] == []
        order.refresh_from_db()
        assert order.charge_status == "full"

    def test_an_accounts_checkout_is_paid_only_by_its_owner(self, gql):
        buyer = UserFactory()
        checkout = checkout_for(12000, user=buyer)
        variables = {
            "id": checkout_id(checkout),
            "gateway": {"id": TEST, "data": {"cardNumber": CARD_APPROVE}},
        }
        denied = gql(TX_INIT, variables)["data"]["transactionInitialize"]
        assert denied["errors"][0]["code"] == "PERMISSION_DENIED"
        gql.login(buyer)
        bare_token = {**variables, "id": str(checkout.token)}
        assert gql(TX_INIT, bare_token)["data"]["transactionInitialize"]["errors"] == []

    def test_transaction_query(self, gql):
        buyer = UserFactory()
        checkout = checkout_for(12000, user=buyer)
        tx = pay(checkout)
        tx_id = to_global_id("TransactionItem", str(tx.token))
        assert gql(TX_QUERY, {"id": tx_id})["data"]["transaction"] is None
        gql.login(buyer)
        assert gql(TX_QUERY, {"id": tx_id})["data"]["transaction"]["chargedAmount"] == {
            "amount": 12000
        }
