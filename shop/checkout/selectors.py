"""Checkout reads: the cart with everything pricing needs, in a fixed number of queries.

Component lines of a bundle (``CheckoutLine.bundle``) carry the bundle (joined, no extra
query); ``checkout_quote`` spreads each bundle's discount over its lines
(``bundles.pricing.apply_bundle_discounts``)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from bundles.pricing import apply_bundle_discounts
from shop.checkout.models import Checkout, CheckoutLine
from shop.checkout.pricing import CheckoutQuote, LineQuote, quote


def checkout_lines_queryset() -> QuerySet[CheckoutLine]:
    return CheckoutLine.objects.select_related(
        "variant__product__vendor__organization",
        "variant__stock",
        "variant__product__category",
        "bundle",
    ).order_by("id")


def checkout_queryset() -> QuerySet[Checkout]:
    return Checkout.objects.prefetch_related(Prefetch("lines", queryset=checkout_lines_queryset()))


def checkout_get(token) -> Checkout | None:
    """The checkout with its lines (one query for the checkout, one for its lines)."""
    try:
        return checkout_queryset().filter(token=token).first()
    except (ValueError, TypeError):
        return None


def checkout_quote(checkout: Checkout) -> CheckoutQuote:
    """Price the cart: lines grouped by vendor, bundle discounts spread over their lines,
    delivery per vendor, VAT per line."""
    lines = [
        LineQuote(
            variant=line.variant,
            quantity=line.quantity,
            unit_price=line.variant.price,
            key=line,
            bundle=line.bundle if line.bundle_id else None,
            bundle_quantity=line.bundle_quantity,
        )
        for line in checkout.lines.all()
    ]
    apply_bundle_discounts(lines)
    return quote(lines, postcode=checkout.postcode or None)
