"""What a cart costs: lines grouped by vendor, each vendor's delivery fee, VAT split per line.

Pure functions over already-loaded objects (no queries): the same numbers are shown in the
cart, stored on the order and settled with the vendor. Integer KRW throughout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from shop.catalog.models import TaxType
from shop.checkout.address import is_jeju, is_remote_island
from shop.tax import TaxedAmount, split_gross

SHIPPING_TAX_TYPE = TaxType.TAXABLE  # delivery is a taxable service


@dataclass
class LineQuote:
    variant: object  # ProductVariant with product and product.vendor loaded
    quantity: int
    unit_price: int
    discount: int = 0  # part of a bundle discount spread onto this line (won)
    key: object = None  # caller's reference (e.g. the checkout line)
    bundle: object = None  # the Bundle this line is a component line of (None: a product)
    bundle_quantity: int = 0  # how many bundles the line holds the units of

    @property
    def product(self):
        return self.variant.product

    @property
    def vendor(self):
        return self.variant.product.vendor

    @property
    def tax_type(self) -> str:
        return self.variant.product.tax_type

    @property
    def undiscounted_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def total(self) -> int:
        return self.undiscounted_total - self.discount

    @property
    def taxed(self) -> TaxedAmount:
        return split_gross(self.total, self.tax_type)


@dataclass
class VendorGroup:
    vendor: object
    lines: list[LineQuote] = field(default_factory=list)
    shipping_fee: int = 0

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def shipping_taxed(self) -> TaxedAmount:
        return split_gross(self.shipping_fee, SHIPPING_TAX_TYPE)

    @property
    def taxed(self) -> TaxedAmount:
        total = self.shipping_taxed
        for line in self.lines:
            total = total + line.taxed
        return total

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee


@dataclass
class CheckoutQuote:
    groups: list[VendorGroup]

    @property
    def subtotal(self) -> int:
        return sum(g.subtotal for g in self.groups)

    @property
    def shipping_total(self) -> int:
        return sum(g.shipping_fee for g in self.groups)

    @property
    def discount_total(self) -> int:
        return sum(g.discount for g in self.groups)

    @property
    def taxed(self) -> TaxedAmount:
        total = TaxedAmount(0, 0, 0)
        for g in self.groups:
            total = total + g.taxed
        return total

    @property
    def tax_total(self) -> int:
        return self.taxed.tax

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_total

    @property
    def lines(self) -> list[LineQuote]:
        return [line for g in self.groups for line in g.lines]


def shipping_fee_for(vendor, subtotal: int, postcode: str | None) -> int:
    """A vendor's delivery fee for a group worth ``subtotal``: base fee unless the group
    reaches the free-shipping threshold, plus the Jeju or remote-island surcharge."""
    if subtotal <= 0:
        return 0
    free_over = vendor.shipping_free_over
    fee = 0 if (free_over is not None and subtotal >= free_over) else vendor.shipping_base_fee
    if postcode:
        if is_jeju(postcode):
            fee += vendor.shipping_jeju_extra
        elif is_remote_island(postcode):
            fee += vendor.shipping_remote_extra
    return fee


def quote(lines: Iterable[LineQuote], *, postcode: str | None = None) -> CheckoutQuote:
    """Group lines by vendor (in first-seen order) and price each group's delivery."""
    groups: dict[int, VendorGroup] = {}
    for line in lines:
        vendor = line.vendor
        group = groups.get(vendor.pk)
        if group is None:
            group = groups[vendor.pk] = VendorGroup(vendor=vendor)
        group.lines.append(line)
    for group in groups.values():
        group.shipping_fee = shipping_fee_for(group.vendor, group.subtotal, postcode)
    return CheckoutQuote(groups=list(groups.values()))


def spread_discount(amounts: list[int], discount: int) -> list[int]:
    """Split ``discount`` won over lines in proportion to ``amounts`` (largest remainder),
    so that the parts are integers, never exceed their line, and add up exactly."""
    total = sum(amounts)
    if discount <= 0 or total <= 0:
        return [0] * len(amounts)
    discount = min(discount, total)
    raw = [a * discount for a in amounts]
    parts = [r // total for r in raw]
    remainder = discount - sum(parts)
    order = sorted(range(len(amounts)), key=lambda i: (-(raw[i] % total), i))
    for i in order[:remainder]:
        parts[i] += 1
    return parts
