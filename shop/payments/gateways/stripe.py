"""Stripe through the official ``stripe`` package: PaymentIntents in KRW, refunds.

KRW is a zero-decimal currency at Stripe: a ₩12,000 payment is ``amount=12000``. Every
create carries an idempotency key derived from our transaction (``nuri-tx-<token>``) or
refund, so a retried request can never charge or refund twice.

Configuration (settings or environment): ``STRIPE_SECRET_KEY``, ``STRIPE_PUBLISHABLE_KEY``,
``STRIPE_WEBHOOK_SECRET`` and ``STRIPE_API_BASE`` (only to point the SDK at a local
stand-in server in tests; empty means Stripe itself).

The flow: ``initialize`` creates the PaymentIntent and returns its ``client_secret``; the
browser confirms it with Stripe.js; ``process`` retrieves the PaymentIntent and maps its
status; the signed ``payment_intent.succeeded`` webhook marks it charged as well
(``services.stripe_webhook_handle``). Only Stripe's own answer, fetched with our secret key
or signed with the webhook secret, ever marks a transaction charged.
"""

from __future__ import annotations

from typing import Any

import stripe

from core.errors import DomainError
from shop.payments import errors
from shop.payments.gateways.base import (
    GatewayResult,
    PaymentGateway,
    RefundResult,
    payment_setting,
)
from shop.payments.models import Transaction, TransactionStatus

CURRENCY = "krw"

# PaymentIntent status → our transaction status.
STATUS_MAP = {
    "succeeded": TransactionStatus.CHARGED,
    "processing": TransactionStatus.PENDING,
    "requires_capture": TransactionStatus.PENDING,  # we capture automatically
    "requires_payment_method": TransactionStatus.ACTION_REQUIRED,
    "requires_confirmation": TransactionStatus.ACTION_REQUIRED,
    "requires_action": TransactionStatus.ACTION_REQUIRED,
    "canceled": TransactionStatus.CANCELED,
}


def stripe_client() -> stripe.StripeClient:
    """A client configured from settings (``STRIPE_API_BASE`` replaces api.stripe.com)."""
    api_key = payment_setting("STRIPE_SECRET_KEY")
    if not api_key:
        raise DomainError(errors.GATEWAY_NOT_AVAILABLE, "Stripe 결제가 설정되지 않았습니다.")
    api_base = payment_setting("STRIPE_API_BASE")
    return stripe.StripeClient(
        api_key, base_addresses={"api": api_base.rstrip("/")} if api_base else None
    )


def transaction_idempotency_key(transaction: Transaction) -> str:
    return f"nuri-tx-{transaction.token}"


def _gateway_error(exc: stripe.StripeError) -> DomainError:
    detail = getattr(exc, "user_message", None) or str(exc) or exc.__class__.__name__
    return DomainError(errors.GATEWAY_ERROR, f"Stripe 요청이 실패했습니다: {detail}")


class StripeGateway(PaymentGateway):
    name = "stripe"
    label = "신용·체크카드 (Stripe)"

    def is_configured(self) -> bool:
        return bool(payment_setting("STRIPE_SECRET_KEY"))

    def config(self, *, amount: int, data: dict[str, Any]) -> dict[str, Any]:
        return {"publishableKey": payment_setting("STRIPE_PUBLISHABLE_KEY"), "currency": CURRENCY}

    # -- payments -----------------------------------------------------------------------------

    def initialize(self, transaction: Transaction, data: dict[str, Any]) -> GatewayResult:
        metadata = {"transaction_token": str(transaction.token)}
        if transaction.checkout_id:
            metadata["checkout_token"] = str(transaction.checkout.token)
        if transaction.order_id:
            metadata["order_number"] = transaction.order.number
        params: dict[str, Any] = {
            "amount": int(transaction.amount),  # zero-decimal: won, not "cents"
            "currency": CURRENCY,
            "payment_method_types": ["card"],
            "metadata": metadata,
            "description": f"Nuri {metadata.get('order_number') or metadata['transaction_token']}",
        }
        payment_method = data.get("paymentMethod") or data.get("payment_method")
        if payment_method:
            params["payment_method"] = str(payment_method)
            params["confirm"] = True
            return_url = data.get("returnUrl") or data.get("return_url")
            if return_url:
                params["return_url"] = str(return_url)
        try:
            intent = stripe_client().v1.payment_intents.create(
                params=params,
                options={"idempotency_key": transaction_idempotency_key(transaction)},
            )
        except stripe.CardError as exc:
            return self._declined(exc)
        except stripe.StripeError as exc:
            raise _gateway_error(exc)
        return self.result_from_intent(intent.to_dict())

    def process(self, transaction: Transaction, data: dict[str, Any]) -> GatewayResult:
        if not transaction.psp_reference:
            raise DomainError(errors.GATEWAY_ERROR, "Stripe 결제 정보가 없습니다.")
        try:
            intent = stripe_client().v1.payment_intents.retrieve(transaction.psp_reference)
        except stripe.StripeError as exc:
            raise _gateway_error(exc)
        return self.result_from_intent(intent.to_dict())

    def refund(self, transaction: Transaction, amount: int, idempotency_key: str) -> RefundResult:
        try:
            refund = stripe_client().v1.refunds.create(
                params={
                    "payment_intent": transaction.psp_reference,
                    "amount": int(amount),
                    "metadata": {"transaction_token": str(transaction.token)},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            detail = getattr(exc, "user_message", None) or str(exc)
            raise DomainError(errors.REFUND_FAILED, f"Stripe 환불이 실패했습니다: {detail}")
        refund = refund.to_dict()
        if refund.get("status") in ("failed", "canceled"):
            raise DomainError(
                errors.REFUND_FAILED,
                f"Stripe 환불이 실패했습니다: {refund.get('failure_reason') or refund['status']}",
            )
        return RefundResult(psp_reference=refund["id"], message=f"Stripe 환불 {refund['status']}")

    # -- mapping ------------------------------------------------------------------------------

    def result_from_intent(self, intent: dict[str, Any]) -> GatewayResult:
        """Map a PaymentIntent (as a dict: API response or webhook ``data.object``)."""
        status = intent.get("status") or ""
        mapped = STATUS_MAP.get(status, TransactionStatus.PENDING)
        error = intent.get("last_payment_error") or {}
        message = (error.get("message") if error else "") or f"Stripe: {status}"
        return GatewayResult(
            status=mapped,
            psp_reference=intent["id"],
            client_data={
                "client_secret": intent.get("client_secret"),
                "payment_intent": intent["id"],
                "status": status,
                "publishable_key": payment_setting("STRIPE_PUBLISHABLE_KEY"),
            },
            message=message,
            charged=int(intent.get("amount_received") or 0)
            if mapped == TransactionStatus.CHARGED
            else None,
        )

    def _declined(self, exc: stripe.CardError) -> GatewayResult:
        """A card error on a confirming create: the attempt is recorded as failed."""
        error = (exc.json_body or {}).get("error") or {}
        intent = error.get("payment_intent") or {}
        return GatewayResult(
            status=TransactionStatus.FAILED,
            psp_reference=intent.get("id") or "",
            client_data={"decline_code": error.get("decline_code") or exc.code},
            message=exc.user_message or "카드가 거절되었습니다",
        )
