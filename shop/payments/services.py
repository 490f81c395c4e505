"""Payments: transactions over Nuri's gateways, webhooks, refunds (writes).

Shaped like Saleor's transactions API: a checkout (or an order) gets one ``Transaction`` per
payment attempt (``transaction_initialize``), which a gateway moves on (``transaction_process``,
or Stripe's signed webhook). Every change of a transaction records a ``TransactionEvent``;
changes to an order's payment record an ``OrderEvent``. Amounts are integer KRW.

What checkout and orders use (the contract):
- ``checkout_paid_amount(checkout)``: won charged so far for a checkout;
- ``checkout_uses_invoice(checkout)``: an invoice (후불) transaction was initialized for it,
  so the checkout may complete unpaid;
- ``transactions_attach_to_order(checkout=…, order=…)``: on checkout completion;
- ``order_update_charge_status(order)``: recompute ``total_charged``, ``total_refunded`` and
  ``charge_status`` from the order's transactions;
- ``payment_refund(vendor_order=…, amount=…, actor=…, reason=…)``: money back through the
  gateway that charged, never more than was charged for that vendor order.

Transactions and orders store the gateway's short name (``test``, ``stripe``, ``invoice``);
the public ids are ``nuri.payments.<name>``.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import stripe
from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

import audit
from core.errors import DomainError
from shop.checkout.models import Checkout
from shop.checkout.selectors import checkout_quote
from shop.orders.models import ChargeStatus, Order, OrderEvent, OrderStatus, VendorOrder
from shop.payments import errors
from shop.payments.gateways import (
    GatewayResult,
    PaymentGateway,
    enabled_gateways,
    get_enabled_gateway,
    get_gateway,
    payment_setting,
)
from shop.payments.models import (
    Refund,
    Transaction,
    TransactionEvent,
    TransactionStatus,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

CURRENCY = "KRW"
MAX_CLIENT_IDEMPOTENCY_KEY = 50

# TransactionEvent.type values (Saleor's TransactionEventTypeEnum names).
CHARGE_REQUEST = "CHARGE_REQUEST"
CHARGE_SUCCESS = "CHARGE_SUCCESS"
CHARGE_FAILURE = "CHARGE_FAILURE"
CHARGE_ACTION_REQUIRED = "CHARGE_ACTION_REQUIRED"
CANCEL_SUCCESS = "CANCEL_SUCCESS"
REFUND_SUCCESS = "REFUND_SUCCESS"
INFO = "INFO"

EVENT_FOR_STATUS = {
    TransactionStatus.PENDING: CHARGE_REQUEST,
    TransactionStatus.ACTION_REQUIRED: CHARGE_ACTION_REQUIRED,
    TransactionStatus.CHARGED: CHARGE_SUCCESS,
    TransactionStatus.FAILED: CHARGE_FAILURE,
    TransactionStatus.CANCELED: CANCEL_SUCCESS,
    TransactionStatus.INVOICED: INFO,
}

# A transaction in one of these states cannot be processed again.
FINAL_STATUSES = {TransactionStatus.CHARGED, TransactionStatus.CANCELED, TransactionStatus.INVOICED}


# ---------------------------------------------------------------------------------------------
# Reads used by checkout and orders
# ---------------------------------------------------------------------------------------------


def payment_gateways_available() -> list[PaymentGateway]:
    """The enabled and configured gateways, in settings order."""
    return enabled_gateways()


def checkout_paid_amount(checkout: Checkout) -> int:
    """Won charged so far by the checkout's transactions."""
    total = Transaction.objects.filter(checkout=checkout).aggregate(s=Sum("charged"))["s"]
    return int(total or 0)


def checkout_uses_invoice(checkout: Checkout) -> bool:
    """Whether an invoice (후불) transaction was initialized for the checkout."""
    return Transaction.objects.filter(
        checkout=checkout,
        gateway="invoice",
        status__in=[TransactionStatus.INVOICED, TransactionStatus.CHARGED],
    ).exists()


def _order_amounts(order: Order) -> tuple[int, int, bool]:
    agg = Transaction.objects.filter(order=order).aggregate(
        charged=Sum("charged"),
        refunded=Sum("refunded"),
        invoiced=Count("id", filter=Q(gateway="invoice", status=TransactionStatus.INVOICED)),
    )
    return int(agg["charged"] or 0), int(agg["refunded"] or 0), bool(agg["invoiced"])


def charge_status_for(*, total: int, charged: int, refunded: int, invoiced: bool) -> str:
    if charged <= 0:
        return ChargeStatus.INVOICE if invoiced else ChargeStatus.NONE
    if refunded >= charged:
        return ChargeStatus.REFUNDED
    if charged < total:
        return ChargeStatus.PARTIAL
    if charged == total:
        return ChargeStatus.FULL
    return ChargeStatus.OVERCHARGED


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------


def order_update_charge_status(order: Order) -> str:
    """Recompute the order's charged/refunded totals and charge status from its transactions.

    An unconfirmed order (결제 대기) becomes confirmed (배송 준비) once fully charged.
    """
    charged, refunded, invoiced = _order_amounts(order)
    order.total_charged = charged
    order.total_refunded = refunded
    order.charge_status = charge_status_for(
        total=order.total, charged=charged, refunded=refunded, invoiced=invoiced
    )
    fields = ["total_charged", "total_refunded", "charge_status", "updated_at"]
    if order.status == OrderStatus.UNCONFIRMED and order.charge_status in (
        ChargeStatus.FULL,
        ChargeStatus.OVERCHARGED,
    ):
        order.status = OrderStatus.UNFULFILLED
        fields.append("status")
    order.save(update_fields=fields)
    return order.charge_status


@db_transaction.atomic
def transactions_attach_to_order(*, checkout: Checkout, order: Order) -> Order:
    """On checkout completion: the checkout's transactions now belong to the order.

    ``order.gateway`` becomes the gateway that charged (the latest charged transaction), or
    ``invoice`` when the order is paid on invoice; totals and charge status follow.
    """
    txs = list(
        Transaction.objects.select_for_update()
        .filter(checkout=checkout, order__isnull=True)
        .order_by("created_at", "id")
    )
    if txs:
        Transaction.objects.filter(pk__in=[t.pk for t in txs]).update(order=order)
    charged = [t for t in txs if t.charged > 0]
    invoiced = [t for t in txs if t.gateway == "invoice" and t.status == TransactionStatus.INVOICED]
    if charged:
        order.gateway = charged[-1].gateway
    elif invoiced:
        order.gateway = "invoice"
    order.save(update_fields=["gateway", "updated_at"])
    order_update_charge_status(order)
    return order


# ---------------------------------------------------------------------------------------------
# Transactions
# ---------------------------------------------------------------------------------------------


def _split_source(checkout_or_order) -> tuple[Checkout | None, Order | None]:
    if isinstance(checkout_or_order, Order):
        return None, checkout_or_order
    if isinstance(checkout_or_order, Checkout):
        return checkout_or_order, None
    raise TypeError(f"expected a Checkout or an Order, got {type(checkout_or_order).__name__}")


def amount_due(checkout_or_order) -> int:
    """What is left to pay: the checkout's quote total (or the order's total) minus what its
    transactions have charged."""
    checkout, order = _split_source(checkout_or_order)
    if order is not None:
        charged, _refunded, _invoiced = _order_amounts(order)
        return max(order.total - charged, 0)
    return max(checkout_quote(checkout).total - checkout_paid_amount(checkout), 0)


def _event(tx: Transaction, type: str, *, amount=0, message="", psp_reference="", actor=None):
    return TransactionEvent.objects.create(
        transaction=tx,
        type=type,
        amount=amount,
        message=message,
        psp_reference=psp_reference or tx.psp_reference,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def _order_event(order: Order, type: str, *, actor=None, message="", vendor_order=None, **data):
    return OrderEvent.objects.create(
        order=order,
        vendor_order=vendor_order,
        type=type,
        actor=actor if actor is not None and actor.is_authenticated else None,
        message=message,
        data=data,
    )


def _apply_result(
    tx: Transaction, result: GatewayResult, *, actor=None, always_event: bool = False
) -> TransactionEvent | None:
    """Record what the gateway said. Returns the event, or None when nothing changed."""
    old = (tx.status, tx.charged, tx.psp_reference)
    tx.status = result.status
    if result.psp_reference:
        tx.psp_reference = result.psp_reference
    if result.client_data:
        tx.client_data = {**tx.client_data, **result.client_data}
    if result.charged is not None:
        tx.charged = result.charged
    changed = (tx.status, tx.charged, tx.psp_reference) != old
    if not changed and not always_event:
        return None
    tx.save()
    if changed:
        before = dict(zip(("status", "charged", "psp_reference"), old, strict=True))
        audit.record(f"payment.{tx.status}", tx, actor=actor, changes=audit.diff(before, tx))
    amount = tx.charged if tx.status == TransactionStatus.CHARGED else tx.amount
    event = _event(
        tx, EVENT_FOR_STATUS[tx.status], amount=amount, message=result.message, actor=actor
    )
    if tx.order_id and changed:
        order = Order.objects.select_for_update().get(pk=tx.order_id)
        before = order.charge_status
        order_update_charge_status(order)
        if tx.status == TransactionStatus.CHARGED:
            _order_event(
                order,
                "payment_charged",
                actor=actor,
                message=f"{tx.gateway} 결제 ₩{tx.charged:,}",
                amount=tx.charged,
                gateway=tx.gateway,
                psp_reference=tx.psp_reference,
                charge_status=order.charge_status,
                previous_charge_status=before,
            )
        elif tx.status == TransactionStatus.FAILED:
            _order_event(
                order,
                "payment_failed",
                actor=actor,
                message=result.message,
                gateway=tx.gateway,
                psp_reference=tx.psp_reference,
            )
    return event


def _idempotency_key(checkout, order, key: str | None) -> str | None:
    if key is None or key == "":
        return None
    if len(key) > MAX_CLIENT_IDEMPOTENCY_KEY:
        raise DomainError(
            "INVALID",
            f"멱등성 키는 {MAX_CLIENT_IDEMPOTENCY_KEY}자 이하여야 합니다.",
            "idempotencyKey",
        )
    source = f"order:{order.token}" if order is not None else f"checkout:{checkout.token}"
    return f"{source}:{key}"


def _validate_amount(amount: Any, *, field: str = "amount") -> int:
    try:
        value = int(amount)
        if value != amount:
            raise ValueError
    except (TypeError, ValueError):
        raise DomainError(errors.INVALID_AMOUNT, "금액은 원 단위 정수여야 합니다.", field)
    if value <= 0:
        raise DomainError(errors.INVALID_AMOUNT, "금액은 0원보다 커야 합니다.", field)
    return value


@db_transaction.atomic
def transaction_initialize(
    *,
    checkout_or_order,
    gateway_id: str,
    amount: int | None = None,
    data: dict[str, Any] | None = None,
    actor=None,
    idempotency_key: str | None = None,
) -> Transaction:
    """Start a payment attempt for a checkout (or an order) through one gateway.

    ``amount`` defaults to what is left to pay (the checkout's quote total minus what was
    charged). With an ``idempotency_key`` (the client's), repeating the call returns the same
    transaction and calls no gateway; without one, each call is a new attempt. A declined
    payment is recorded (status ``failed``) and returned, not raised; an invalid card number
    or a gateway outage raises ``DomainError`` and records nothing.
    """
    checkout, order = _split_source(checkout_or_order)
    data = data or {}
    gateway = get_enabled_gateway(gateway_id)
    if gateway is None:
        raise DomainError(
            errors.GATEWAY_NOT_AVAILABLE,
            f"사용할 수 없는 결제 수단입니다: {gateway_id}",
            "paymentGateway",
        )

    key = _idempotency_key(checkout, order, idempotency_key)
    if key is not None:
        existing = Transaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            same_amount = amount is None or _validate_amount(amount) == existing.amount
            if existing.gateway != gateway.name or not same_amount:
                raise DomainError(
                    "UNIQUE",
                    "같은 멱등성 키로 다른 결제를 요청했습니다.",
                    "idempotencyKey",
                )
            return existing

    due = amount_due(checkout_or_order)
    if due <= 0:
        raise DomainError(errors.NOTHING_TO_PAY, "결제할 금액이 없습니다.", "amount")
    value = due if amount is None else _validate_amount(amount)
    if value > due:
        raise DomainError(
            errors.INVALID_AMOUNT, f"결제 금액이 남은 금액(₩{due:,})을 넘습니다.", "amount"
        )
    gateway.check_allowed(checkout=checkout, order=order, actor=actor)
    if gateway.name == "invoice":
        source_filter = {"order": order} if order is not None else {"checkout": checkout}
        if Transaction.objects.filter(
            gateway="invoice", status=TransactionStatus.INVOICED, **source_filter
        ).exists():
            raise DomainError(
                errors.INVOICE_NOT_ALLOWED,
                "이미 계산서 후불 결제가 진행 중입니다.",
                "paymentGateway",
            )

    tx = Transaction(
        checkout=checkout,
        order=order,
        gateway=gateway.name,
        amount=value,
        currency=CURRENCY,
        status=TransactionStatus.PENDING,
    )
    tx.idempotency_key = key or f"nuri-tx-{tx.token}"
    tx.save()
    _event(tx, CHARGE_REQUEST, amount=value, message=f"{gateway.label} 결제 요청", actor=actor)
    result = gateway.initialize(tx, data)
    _apply_result(tx, result, actor=actor, always_event=True)
    return tx


@db_transaction.atomic
def transaction_process(
    *, transaction: Transaction, data: dict[str, Any] | None = None, actor=None
) -> Transaction:
    """Continue a payment attempt (after 3-D Secure, or after Stripe.js confirmed it):
    the gateway says where it stands now. Already charged, canceled or invoiced
    transactions raise ``TRANSACTION_ALREADY_PROCESSED``."""
    tx = Transaction.objects.select_for_update().get(pk=transaction.pk)
    if tx.status in FINAL_STATUSES:
        raise DomainError(errors.TRANSACTION_ALREADY_PROCESSED, "이미 처리된 결제입니다.", "id")
    gateway = get_enabled_gateway(tx.gateway)
    if gateway is None:
        raise DomainError(
            errors.GATEWAY_NOT_AVAILABLE, f"사용할 수 없는 결제 수단입니다: {tx.gateway}", "id"
        )
    result = gateway.process(tx, data or {})
    _apply_result(tx, result, actor=actor)
    for field in ("status", "charged", "psp_reference", "client_data", "updated_at"):
        setattr(transaction, field, getattr(tx, field))
    return tx


# ---------------------------------------------------------------------------------------------
# Invoice (후불): staff record the bank transfer
# ---------------------------------------------------------------------------------------------


@db_transaction.atomic
def _may_record_transfer(actor, order: Order) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_staff:
        return True
    vendor_ids = set(order.vendor_orders.values_list("vendor_id", flat=True))
    own = set(
        actor.vendor_roles.filter(vendor_id__in=vendor_ids).values_list("vendor_id", flat=True)
    )
    return bool(vendor_ids) and own == vendor_ids


def invoice_payment_record(*, order: Order, amount: int, actor, reference: str) -> Transaction:
    """Centre staff, or the staff of every vendor paid by the order, record an agency's bank
    transfer for an order placed on invoice.

    The invoice transaction is charged by ``amount`` (fully charged once it reaches the
    invoiced amount); more than is still due is refused.
    """
    if not _may_record_transfer(actor, order):
        raise DomainError(
            "PERMISSION_DENIED", "센터 직원이나 해당 판매처 담당자만 입금을 기록할 수 있습니다."
        )
    value = _validate_amount(amount)
    order = Order.objects.select_for_update().get(pk=order.pk)
    tx = (
        Transaction.objects.select_for_update()
        .filter(order=order, gateway="invoice")
        .exclude(status__in=[TransactionStatus.FAILED, TransactionStatus.CANCELED])
        .order_by("created_at", "id")
        .first()
    )
    if tx is None:
        raise DomainError("INVALID", "계산서 후불 결제 주문이 아닙니다.", "order")
    charged, _refunded, _invoiced = _order_amounts(order)
    due = order.total - charged
    if value > due:
        raise DomainError(
            errors.INVALID_AMOUNT, f"입금액이 미수금(₩{max(due, 0):,})을 넘습니다.", "amount"
        )
    reference = (reference or "").strip()
    before = {"status": tx.status, "charged": tx.charged}
    tx.charged += value
    if tx.charged >= tx.amount:
        tx.status = TransactionStatus.CHARGED
    tx.save()
    audit.record(
        "payment.transfer_recorded",
        tx,
        actor=actor,
        changes={**audit.diff(before, tx), "amount": value, "reference": reference},
    )
    _event(
        tx,
        CHARGE_SUCCESS,
        amount=value,
        message="계좌이체 입금 확인",
        psp_reference=reference,
        actor=actor,
    )
    before = order.charge_status
    order_update_charge_status(order)
    _order_event(
        order,
        "invoice_payment_recorded",
        actor=actor,
        message=f"계좌이체 입금 ₩{value:,}" + (f" ({reference})" if reference else ""),
        amount=value,
        reference=reference,
        charge_status=order.charge_status,
        previous_charge_status=before,
    )
    return tx


# ---------------------------------------------------------------------------------------------
# Refunds
# ---------------------------------------------------------------------------------------------


def vendor_order_refundable(vendor_order: VendorOrder, order: Order | None = None) -> int:
    """The most that can still be refunded for a vendor order: its total less what was
    refunded, and never more than the order's charged money not yet refunded."""
    order = order or vendor_order.order
    charged, refunded, _invoiced = _order_amounts(order)
    return max(min(vendor_order.total - vendor_order.refunded, charged - refunded), 0)


@db_transaction.atomic
def payment_refund(*, vendor_order: VendorOrder, amount: int, actor, reason: str = "") -> Refund:
    """Refund (part of) a vendor order through the gateway that charged the order.

    Test gateway: at once. Stripe: ``Refund.create`` on the PaymentIntent with an idempotency
    key. Invoice: only what the bank transfer paid (before it, nothing is refundable); the
    refund is recorded and staff pay it back by transfer. ``REFUND_TOO_LARGE`` when the
    amount exceeds what was charged for the vendor order and not yet refunded. Permission is
    the caller's business (a buyer canceling, vendor staff, centre staff).

    Returns the ``Refund`` (when one refund must be split over several charged transactions,
    each part is recorded and the first is returned).
    """
    value = _validate_amount(amount)
    vo = VendorOrder.objects.select_for_update().get(pk=vendor_order.pk)
    order = Order.objects.select_for_update().get(pk=vo.order_id)
    refundable = vendor_order_refundable(vo, order)
    if value > refundable:
        raise DomainError(
            errors.REFUND_TOO_LARGE,
            f"환불 금액이 환불 가능 금액(₩{refundable:,})을 넘습니다.",
            "amount",
        )
    txs = list(
        Transaction.objects.select_for_update()
        .filter(order=order, charged__gt=0)
        .order_by("-created_at", "-id")
    )
    txs = [t for t in txs if t.charged > t.refunded]
    # Prefer one transaction that covers the whole amount.
    whole = [t for t in txs if t.charged - t.refunded >= value]
    if whole:
        txs = whole[:1]
    refunds: list[Refund] = []
    remaining = value
    for tx in txs:
        part = min(remaining, tx.charged - tx.refunded)
        gateway = get_gateway(tx.gateway)
        if gateway is None:
            raise DomainError(
                errors.GATEWAY_NOT_AVAILABLE, f"알 수 없는 결제 수단입니다: {tx.gateway}"
            )
        key = f"nuri-rf-{tx.token}-{tx.refunds.count() + 1}"
        result = gateway.refund(tx, part, key)
        tx.refunded += part
        tx.save(update_fields=["refunded", "updated_at"])
        _event(
            tx,
            REFUND_SUCCESS,
            amount=part,
            message=result.message or reason,
            psp_reference=result.psp_reference,
            actor=actor,
        )
        refunds.append(
            Refund.objects.create(
                vendor_order=vo,
                transaction=tx,
                amount=part,
                reason=reason,
                psp_reference=result.psp_reference,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
        )
        audit.record(
            "refund.created",
            refunds[-1],
            actor=actor,
            reason=reason,
            changes={
                "vendor_order": vo.number,
                "transaction": tx.pk,
                "gateway": tx.gateway,
                "amount": part,
                "psp_reference": result.psp_reference,
            },
        )
        remaining -= part
        if remaining == 0:
            break
    vo.refunded += value
    vo.save(update_fields=["refunded"])
    order_update_charge_status(order)
    manual = any(r.transaction.gateway == "invoice" for r in refunds)
    _order_event(
        order,
        "refunded",
        actor=actor,
        vendor_order=vo,
        message=reason or f"₩{value:,} 환불",
        amount=value,
        refunds=[r.pk for r in refunds],
        gateways=sorted({r.transaction.gateway for r in refunds}),
        manual_transfer=manual,
        charge_status=order.charge_status,
    )
    vendor_order.refunded = vo.refunded
    return refunds[0]


# ---------------------------------------------------------------------------------------------
# Stripe webhook
# ---------------------------------------------------------------------------------------------


@dataclass
class WebhookOutcome:
    event_id: str
    type: str
    replay: bool = False
    handled: bool = False


def _stripe_transaction(intent_id: str | None, metadata: dict | None = None):
    """The transaction of a PaymentIntent (by our token in its metadata, else by its id)."""
    token = (metadata or {}).get("transaction_token")
    qs = Transaction.objects.select_for_update().filter(gateway="stripe")
    if token:
        try:
            tx = qs.filter(token=uuid.UUID(str(token))).first()
        except ValueError:
            tx = None
        if tx is not None:
            return tx
    if intent_id:
        return qs.filter(psp_reference=intent_id).order_by("-id").first()
    return None


def _on_payment_intent(intent: dict[str, Any]) -> bool:
    from shop.payments.gateways.stripe import StripeGateway

    tx = _stripe_transaction(intent.get("id"), intent.get("metadata"))
    if tx is None:
        logger.warning("Stripe webhook: no transaction for payment intent %s", intent.get("id"))
        return False
    result = StripeGateway().result_from_intent(intent)
    if tx.status == TransactionStatus.CHARGED and result.status != TransactionStatus.CHARGED:
        return False  # a late event never takes a charge back (refunds do that)
    result.message = f"Stripe 웹훅: {result.message}"
    _apply_result(tx, result)
    return True


def _on_payment_failed(intent: dict[str, Any]) -> bool:
    tx = _stripe_transaction(intent.get("id"), intent.get("metadata"))
    if tx is None or tx.status == TransactionStatus.CHARGED:
        return False
    error = intent.get("last_payment_error") or {}
    message = error.get("message") or "카드가 거절되었습니다"
    _apply_result(
        tx,
        GatewayResult(
            status=TransactionStatus.FAILED,
            psp_reference=intent.get("id") or "",
            message=f"Stripe 웹훅: {message}",
        ),
    )
    return True


def _on_charge_refunded(charge: dict[str, Any]) -> bool:
    """Refunds made outside Nuri (the Stripe dashboard): bring ``refunded`` up to Stripe's
    figure. Refunds made through ``payment_refund`` are already counted, so this changes
    nothing for them."""
    tx = _stripe_transaction(charge.get("payment_intent"), charge.get("metadata"))
    if tx is None:
        return False
    refunded = int(charge.get("amount_refunded") or 0)
    if refunded <= tx.refunded:
        return False
    extra = refunded - tx.refunded
    audit.record(
        "payment.refunded_externally",
        tx,
        changes={"refunded": [tx.refunded, refunded], "charge": charge.get("id")},
    )
    tx.refunded = refunded
    tx.save(update_fields=["refunded", "updated_at"])
    _event(tx, REFUND_SUCCESS, amount=extra, message="Stripe에서 직접 환불됨 (웹훅)")
    if tx.order_id:
        order = Order.objects.select_for_update().get(pk=tx.order_id)
        order_update_charge_status(order)
        _order_event(
            order,
            "payment_refunded_externally",
            message=f"Stripe에서 직접 ₩{extra:,} 환불됨: 판매처 주문별 배분이 필요합니다.",
            amount=extra,
            charge=charge.get("id"),
        )
    return True


STRIPE_HANDLERS = {
    "payment_intent.succeeded": _on_payment_intent,
    "payment_intent.processing": _on_payment_intent,
    "payment_intent.requires_action": _on_payment_intent,
    "payment_intent.canceled": _on_payment_intent,
    "payment_intent.payment_failed": _on_payment_failed,
    "charge.refunded": _on_charge_refunded,
}


@audit.acting_as(audit.WEBHOOK)
def stripe_webhook_handle(payload: bytes, sig_header: str) -> WebhookOutcome:
    """Verify a Stripe webhook (``Stripe-Signature``) and apply it once.

    The event is recorded by its id first (unique per provider): a replay of the same event
    returns ``replay=True`` and changes nothing. A bad signature raises ``INVALID_SIGNATURE``
    and a malformed body ``INVALID_PAYLOAD`` (the view answers 400); nothing is recorded.
    If applying the event fails, nothing is recorded either, so Stripe's retry applies it.
    """
    secret = payment_setting("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise DomainError(errors.INVALID_SIGNATURE, "Stripe 웹훅 비밀키가 설정되지 않았습니다.")
    try:
        stripe.Webhook.construct_event(payload, sig_header or "", secret)
    except stripe.SignatureVerificationError:
        raise DomainError(errors.INVALID_SIGNATURE, "Stripe 서명이 올바르지 않습니다.")
    except (ValueError, TypeError, AttributeError, KeyError):  # not JSON, not an event
        raise DomainError(errors.INVALID_PAYLOAD, "Stripe 웹훅 본문을 읽을 수 없습니다.")
    try:
        body = json.loads(payload)
        event_id, event_type = str(body["id"]), str(body["type"])
        obj = body.get("data", {}).get("object") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise DomainError(errors.INVALID_PAYLOAD, "Stripe 웹훅 본문이 이벤트가 아닙니다.")

    with db_transaction.atomic():
        try:
            with db_transaction.atomic():
                record = WebhookEvent.objects.create(
                    provider="stripe", event_id=event_id, type=event_type, payload=body
                )
        except IntegrityError:
            return WebhookOutcome(event_id=event_id, type=event_type, replay=True)
        handler = STRIPE_HANDLERS.get(event_type)
        handled = bool(handler(obj)) if handler else False
        record.processed_at = timezone.now()
        record.save(update_fields=["processed_at"])
    return WebhookOutcome(event_id=event_id, type=event_type, handled=handled)
