"""Error codes of bundles and office subscriptions (``errors { field code message }``).

Services raise ``DomainError(code, message, field)`` with one of these codes (or a common
one: ``REQUIRED``, ``INVALID``, ``NOT_FOUND``, ``PERMISSION_DENIED``, ``UNIQUE``); GraphQL
shows them as ``BundleErrorCode``. Putting a bundle in the cart raises the checkout's codes
(``INSUFFICIENT_STOCK``, ``PRODUCT_UNAVAILABLE``, ``ZERO_QUANTITY``,
``QUANTITY_GREATER_THAN_LIMIT``), which ``CheckoutErrorCode`` already has.
"""

from __future__ import annotations

from core.graphql.errors import make_code_enum

INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
PRODUCT_UNAVAILABLE = "PRODUCT_UNAVAILABLE"
ZERO_QUANTITY = "ZERO_QUANTITY"
QUANTITY_GREATER_THAN_LIMIT = "QUANTITY_GREATER_THAN_LIMIT"
INVALID_STATUS = "INVALID_STATUS"
INVALID_SHIPPING_ADDRESS = "INVALID_SHIPPING_ADDRESS"
GATEWAY_NOT_AVAILABLE = "GATEWAY_NOT_AVAILABLE"

BUNDLE_CODES = [
    INSUFFICIENT_STOCK,
    PRODUCT_UNAVAILABLE,
    ZERO_QUANTITY,
    QUANTITY_GREATER_THAN_LIMIT,
    INVALID_STATUS,
    INVALID_SHIPPING_ADDRESS,
    GATEWAY_NOT_AVAILABLE,
    # Uploaded bundle images (core.uploads).
    "INVALID_FILE_TYPE",
    "FILE_TOO_LARGE",
]

BundleErrorCode = make_code_enum("BundleErrorCode", BUNDLE_CODES)
