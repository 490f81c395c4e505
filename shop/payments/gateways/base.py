"""The gateway interface: every way of paying (test card, Stripe, invoice) implements it.

A gateway never writes to the database: it talks to the payment provider and returns what
the provider said (``GatewayResult``, ``RefundResult``); ``shop.payments.services`` records
it on the ``Transaction`` with an event. Gateways raise ``DomainError`` for input the
provider must never see (an invalid card number) and for provider outages, so that the
surrounding database transaction is rolled back; a *declined* payment is not an error but a
result with status ``failed`` (the attempt is recorded).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings

from shop.payments.models import Transaction, TransactionStatus

GATEWAY_ID_PREFIX = "nuri.payments."


def payment_setting(name: str, default: Any = "") -> Any:
    """A payments setting: ``settings.<name>`` when defined, else the environment variable."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


@dataclass
class GatewayResult:
    """What the provider said about a payment attempt."""

    status: str  # a ``TransactionStatus`` value
    psp_reference: str = ""
    client_data: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    charged: int | None = None  # total charged so far, per the provider; None: unchanged

    def __post_init__(self) -> None:
        if self.status not in TransactionStatus.values:
            raise ValueError(f"unknown transaction status {self.status!r}")


@dataclass
class RefundResult:
    psp_reference: str = ""
    message: str = ""
    manual: bool = False  # the money must be returned by hand (bank transfer)


class PaymentGateway:
    """Base class. ``name`` is the short name stored on transactions and orders
    (``test``, ``stripe``, ``invoice``); ``id`` is the public id (``nuri.payments.test``)."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""

    @property
    def id(self) -> str:
        return GATEWAY_ID_PREFIX + self.name

    def is_configured(self) -> bool:
        return True

    def check_allowed(self, *, checkout, order, actor) -> None:
        """Raise ``DomainError`` when this gateway may not pay for the given checkout/order."""

    def config(self, *, amount: int, data: dict[str, Any]) -> dict[str, Any]:
        """Public data a client needs to start paying (``paymentGatewayInitialize``)."""
        return {}

    def initialize(self, transaction: Transaction, data: dict[str, Any]) -> GatewayResult:
        raise NotImplementedError

    def process(self, transaction: Transaction, data: dict[str, Any]) -> GatewayResult:
        raise NotImplementedError

    def refund(self, transaction: Transaction, amount: int, idempotency_key: str) -> RefundResult:
        raise NotImplementedError
