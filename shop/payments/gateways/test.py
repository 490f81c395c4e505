"""The embedded default gateway: card numbers decide what happens (demos and tests).

| card number        | result                                                       |
|--------------------|--------------------------------------------------------------|
| 4242424242424242   | approved at once                                             |
| 4000000000000002   | declined: "카드가 거절되었습니다"                             |
| 4000000000009995   | declined: "잔액이 부족합니다"                                 |
| 4000000000003220   | needs authentication (3-D Secure): approved on ``process``, |
|                    | unless ``process`` is sent ``{"authenticated": false}``      |
| any other number   | approved when it passes the Luhn check                       |

A number that fails the Luhn check (or is not 12–19 digits) is rejected with
``INVALID_CARD`` before any transaction is recorded. Only the brand and the last four
digits are kept (in ``client_data``); a full card number is never stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from core.errors import DomainError
from shop.payments import errors
from shop.payments.gateways.base import GatewayResult, PaymentGateway, RefundResult
from shop.payments.models import Transaction, TransactionStatus

CARD_APPROVE = "4242424242424242"
CARD_DECLINE = "4000000000000002"
CARD_INSUFFICIENT_FUNDS = "4000000000009995"
CARD_ACTION_REQUIRED = "4000000000003220"

DECLINE_MESSAGES = {
    CARD_DECLINE: "카드가 거절되었습니다",
    CARD_INSUFFICIENT_FUNDS: "잔액이 부족합니다",
}


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or "2221" <= number[:4] <= "2720":
        return "mastercard"
    if number[:2] in {"34", "37"}:
        return "amex"
    return "card"


def clean_card_number(data: dict[str, Any]) -> str:
    raw = data.get("cardNumber") or data.get("card_number") or ""
    number = "".join(str(raw).split()).replace("-", "")
    if not number:
        raise DomainError(errors.INVALID_CARD, "카드 번호를 입력하세요.", "cardNumber")
    if not (12 <= len(number) <= 19) or not luhn_valid(number):
        raise DomainError(errors.INVALID_CARD, "유효하지 않은 카드 번호입니다.", "cardNumber")
    return number


def _reference(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


class TestGateway(PaymentGateway):
    __test__ = False  # not a pytest test class

    name = "test"
    label = "테스트 카드"

    def config(self, *, amount: int, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "cards": {
                "approve": CARD_APPROVE,
                "decline": CARD_DECLINE,
                "insufficientFunds": CARD_INSUFFICIENT_FUNDS,
                "actionRequired": CARD_ACTION_REQUIRED,
            },
            "hint": "테스트 결제: 카드 번호로 승인·거절·추가 인증이 정해집니다.",
        }

    def initialize(self, transaction: Transaction, data: dict[str, Any]) -> GatewayResult:
        number = clean_card_number(data)
        card = {"brand": card_brand(number), "last4": number[-4:]}
        if number in DECLINE_MESSAGES:
            return GatewayResult(
                status=TransactionStatus.FAILED,
                psp_reference=_reference("test"),
                client_data={"card": card},
                message=DECLINE_MESSAGES[number],
            )
        if number == CARD_ACTION_REQUIRED:
            return GatewayResult(
                status=TransactionStatus.ACTION_REQUIRED,
                psp_reference=_reference("test"),
                client_data={"card": card, "nextAction": "three_d_secure"},
                message="카드사 본인 인증이 필요합니다.",
            )
        return GatewayResult(
            status=TransactionStatus.CHARGED,
            psp_reference=_reference("test"),
            client_data={"card": card},
            message="승인되었습니다.",
            charged=transaction.amount,
        )

    def process(self, transaction: Transaction, data: dict[str, Any]) -> GatewayResult:
        if transaction.status != TransactionStatus.ACTION_REQUIRED:
            return GatewayResult(status=transaction.status, psp_reference=transaction.psp_reference)
        if data.get("authenticated") is False:
            return GatewayResult(
                status=TransactionStatus.FAILED,
                psp_reference=transaction.psp_reference,
                message="본인 인증에 실패했습니다.",
            )
        return GatewayResult(
            status=TransactionStatus.CHARGED,
            psp_reference=transaction.psp_reference,
            message="본인 인증 후 승인되었습니다.",
            charged=transaction.amount,
        )

    def refund(self, transaction: Transaction, amount: int, idempotency_key: str) -> RefundResult:
        return RefundResult(psp_reference=_reference("test_re"), message="테스트 환불 완료")
