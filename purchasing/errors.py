"""Error codes of purchasing (``errors { field code message }``, ``PurchasingErrorCode``).

Services raise ``DomainError(code, message, field)`` with one of these codes (or a common
one: ``INVALID``, ``NOT_FOUND``, ``PERMISSION_DENIED``, ``REQUIRED``); stock and payment
errors from the shop services pass through with their own codes, which the enum also holds.
"""

from __future__ import annotations

from core.graphql.errors import make_code_enum
from shop.orders.errors import INSUFFICIENT_STOCK, INVALID_STATUS
from shop.payments.errors import PAYMENT_CODES

NOT_A_BUYER = "NOT_A_BUYER"  # no approved buyer account for an agency
VENDOR_NOT_INVITED = "VENDOR_NOT_INVITED"
VENDOR_NOT_ELIGIBLE = "VENDOR_NOT_ELIGIBLE"
REQUEST_CLOSED = "REQUEST_CLOSED"  # awarded or cancelled
DEADLINE_PASSED = "DEADLINE_PASSED"
QUOTE_EXPIRED = "QUOTE_EXPIRED"
QUOTE_NOT_SUBMITTED = "QUOTE_NOT_SUBMITTED"
ITEM_NOT_QUOTED = "ITEM_NOT_QUOTED"
CONTRACT_ROUTE_NOT_ALLOWED = "CONTRACT_ROUTE_NOT_ALLOWED"  # competitive bidding
QUOTES_INSUFFICIENT = "QUOTES_INSUFFICIENT"  # two quotes needed, fewer received
REASON_REQUIRED = "REASON_REQUIRED"

PURCHASING_CODES = [
    NOT_A_BUYER,
    VENDOR_NOT_INVITED,
    VENDOR_NOT_ELIGIBLE,
    REQUEST_CLOSED,
    DEADLINE_PASSED,
    QUOTE_EXPIRED,
    QUOTE_NOT_SUBMITTED,
    ITEM_NOT_QUOTED,
    CONTRACT_ROUTE_NOT_ALLOWED,
    QUOTES_INSUFFICIENT,
    REASON_REQUIRED,
    INVALID_STATUS,
    INSUFFICIENT_STOCK,
]

PurchasingErrorCode = make_code_enum("PurchasingErrorCode", PURCHASING_CODES + PAYMENT_CODES)
