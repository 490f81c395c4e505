"""Models of the shop app, one sub-package per sub-domain."""

from shop.catalog.models import (  # noqa: F401
    Category,
    Product,
    ProductImage,
    ProductVariant,
    Stock,
)
