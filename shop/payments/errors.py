"""Error codes of the payments domain (``errors { field code message }``).

Services raise ``DomainError(code, message, field)`` with one of ``PAYMENT_CODES``; the
GraphQL payloads expose them as ``PaymentErrorCode`` (``paymentGatewayInitialize``) and
``TransactionErrorCode`` (``transactionInitialize``, ``transactionProcess``). Both enums hold
every code, so any error a payment service raises can be shown by any payments mutation.
"""

from __future__ import annotations

from core.graphql.errors import make_code_enum

PAYMENT_DECLINED = "PAYMENT_DECLINED"
GATEWAY_NOT_AVAILABLE = "GATEWAY_NOT_AVAILABLE"
GATEWAY_ERROR = "GATEWAY_ERROR"
INVALID_CARD = "INVALID_CARD"
INVALID_AMOUNT = "INVALID_AMOUNT"
NOTHING_TO_PAY = "NOTHING_TO_PAY"
INVOICE_NOT_ALLOWED = "INVOICE_NOT_ALLOWED"
TRANSACTION_ALREADY_PROCESSED = "TRANSACTION_ALREADY_PROCESSED"
REFUND_TOO_LARGE = "REFUND_TOO_LARGE"
REFUND_FAILED = "REFUND_FAILED"
INVALID_SIGNATURE = "INVALID_SIGNATURE"
INVALID_PAYLOAD = "INVALID_PAYLOAD"

PAYMENT_CODES = [
    PAYMENT_DECLINED,
    GATEWAY_NOT_AVAILABLE,
    GATEWAY_ERROR,
    INVALID_CARD,
    INVALID_AMOUNT,
    NOTHING_TO_PAY,
    INVOICE_NOT_ALLOWED,
    TRANSACTION_ALREADY_PROCESSED,
    REFUND_TOO_LARGE,
    REFUND_FAILED,
    INVALID_SIGNATURE,
    INVALID_PAYLOAD,
]

PaymentErrorCode = make_code_enum("PaymentErrorCode", PAYMENT_CODES)
TransactionErrorCode = make_code_enum("TransactionErrorCode", PAYMENT_CODES)
