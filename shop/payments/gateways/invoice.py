"""Invoice (후불): agencies pay by bank transfer after inspection (검수), not by card.

``initialize`` charges nothing: the transaction becomes ``invoiced`` and the order is
placed with charge status ``invoice``. After delivery, inspection and the invoice claim,
the agency transfers the money; staff then record it with
``services.invoice_payment_record(order=…, amount=…, actor=…, reference=…)``, which marks
the transaction (and the order) charged.

Refunds: before the transfer is recorded nothing has been charged, so there is nothing to
refund (``REFUND_TOO_LARGE``); the amount due is adjusted on the invoice instead. After the
transfer, a refund is recorded like any other and must be paid back by bank transfer by
staff (``RefundResult.manual``).

Who may use it: a signed-in buyer (the checkout or order has a user). Restricting it to
agency buyers is for the purchasing app to add (``check_allowed``).
"""

from __future__ import annotations

from typing import Any

from core.errors import DomainError
from shop.payments import errors
from shop.payments.gateways.base import GatewayResult, PaymentGateway, RefundResult
from shop.payments.models import Transaction, TransactionStatus


def payment_terms() -> str:
    from purchasing.rules import procurement_settings

    days = procurement_settings()["PAYMENT_DAYS"]
    return f"검수 완료 후 계산서 청구일로부터 {days}일 이내 계좌이체"


class InvoiceGateway(PaymentGateway):
    name = "invoice"
    label = "계산서 후불 (계좌이체)"

    def check_allowed(self, *, checkout, order, actor) -> None:
        owner = (order or checkout).user if (order or checkout) is not None else None
        if owner is None:
            raise DomainError(
                errors.INVOICE_NOT_ALLOWED,
                "계산서 후불 결제는 로그인한 기관 구매자만 이용할 수 있습니다.",
                "paymentGateway",
            )
        if actor is not None and actor.pk != owner.pk and not actor.is_staff:
            raise DomainError(
                errors.INVOICE_NOT_ALLOWED,
                "주문한 구매자만 계산서 후불 결제를 선택할 수 있습니다.",
                "paymentGateway",
            )

    def config(self, *, amount: int, data: dict[str, Any]) -> dict[str, Any]:
        return {"paymentTerms": payment_terms()}

    def initialize(self, transaction: Transaction, data: dict[str, Any]) -> GatewayResult:
        return GatewayResult(
            status=TransactionStatus.INVOICED,
            psp_reference=f"INV-{transaction.token.hex[:12].upper()}",
            client_data={"paymentTerms": payment_terms()},
            message="계산서 후불: 검수 후 계좌이체로 결제합니다.",
            charged=0,
        )

    def process(self, transaction: Transaction, data: dict[str, Any]) -> GatewayResult:
        return GatewayResult(status=transaction.status, psp_reference=transaction.psp_reference)

    def refund(self, transaction: Transaction, amount: int, idempotency_key: str) -> RefundResult:
        return RefundResult(message="계좌이체로 환불해야 합니다.", manual=True)
