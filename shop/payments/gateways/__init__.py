"""Payment gateways: ``test`` (embedded default), ``stripe`` and ``invoice``.

``PAYMENT_GATEWAYS`` (settings or environment; a list or a comma-separated string) names
the enabled ones; the default is ``test,invoice`` plus ``stripe`` when
``STRIPE_SECRET_KEY`` is set. A gateway that is disabled later can still refund the
transactions it charged (``get_gateway``).
"""

from __future__ import annotations

from shop.payments.gateways.base import (
    GATEWAY_ID_PREFIX,
    GatewayResult,
    PaymentGateway,
    RefundResult,
    payment_setting,
)
from shop.payments.gateways.invoice import InvoiceGateway
from shop.payments.gateways.stripe import StripeGateway
from shop.payments.gateways.test import TestGateway

__all__ = [
    "GATEWAY_ID_PREFIX",
    "GatewayResult",
    "PaymentGateway",
    "RefundResult",
    "enabled_gateways",
    "get_enabled_gateway",
    "get_gateway",
    "payment_setting",
    "short_name",
]

GATEWAYS: dict[str, type[PaymentGateway]] = {
    cls.name: cls for cls in (TestGateway, StripeGateway, InvoiceGateway)
}


def short_name(gateway_id: str) -> str:
    """``nuri.payments.stripe`` or ``stripe`` → ``stripe``."""
    gateway_id = (gateway_id or "").strip()
    return gateway_id.removeprefix(GATEWAY_ID_PREFIX)


def enabled_names() -> list[str]:
    configured = payment_setting("PAYMENT_GATEWAYS", None)
    if not configured:  # unset, "" or []: the default
        names = ["test", "invoice"]
        if payment_setting("STRIPE_SECRET_KEY"):
            names.insert(0, "stripe")
        return names
    if isinstance(configured, str):
        configured = configured.split(",")
    return [n for n in (short_name(str(c)) for c in configured) if n in GATEWAYS]


def get_gateway(gateway_id: str) -> PaymentGateway | None:
    """Any known gateway, enabled or not (refunds go through the gateway that charged)."""
    cls = GATEWAYS.get(short_name(gateway_id))
    return cls() if cls else None


def enabled_gateways() -> list[PaymentGateway]:
    gateways = [GATEWAYS[name]() for name in enabled_names()]
    return [g for g in gateways if g.is_configured()]


def get_enabled_gateway(gateway_id: str) -> PaymentGateway | None:
    name = short_name(gateway_id)
    return next((g for g in enabled_gateways() if g.name == name), None)
