"""What a bundle costs, what each vendor gets, and how many can be made now.

Pure functions over loaded objects (no queries once the components are prefetched, see
``bundles.selectors``). The same functions price a bundle on its page, in the API and in the
cart (``shop.checkout.selectors.checkout_quote`` calls ``apply_bundle_discounts``), so the
page, the cart, the order, the vendor orders and the settlement agree to the won.

Price rules (integer KRW, VAT included, like every shown price):
- ``sum``: the sum of the components' prices;
- ``sum_discount``: that sum less ``discount_amount`` and less ``discount_percent`` % of the
  sum (truncated to the won);
- ``fixed``: ``fixed_price``.
A bundle never costs more than its components (a fixed price above the sum, after a price
cut of a component, is shown as the sum) nor less than nothing. The discount (sum − price)
is spread over the component lines in proportion to their amounts (largest remainder,
``shop.checkout.pricing.spread_discount``), lines ordered by variant id so that the spread
is the same wherever it is computed; VAT is then split per line on the discounted amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from bundles.models import Bundle, BundleComponent, PriceRule
from shop.checkout.pricing import LineQuote, spread_discount
from shop.tax import TaxedAmount


class BundlePrice(NamedTuple):
    """One bundle's price in won: ``(undiscounted, price, discount)``."""

    undiscounted: int
    price: int
    discount: int


def rule_price(bundle: Bundle, undiscounted: int) -> BundlePrice:
    """The bundle's price rule applied to the sum of its components' prices."""
    undiscounted = max(int(undiscounted), 0)
    if bundle.price_rule == PriceRule.FIXED and bundle.fixed_price is not None:
        price = bundle.fixed_price
    elif bundle.price_rule == PriceRule.SUM_DISCOUNT:
        cut = (bundle.discount_amount or 0) + undiscounted * (bundle.discount_percent or 0) // 100
        price = undiscounted - cut
    else:
        price = undiscounted
    price = min(max(price, 0), undiscounted)
    return BundlePrice(undiscounted, price, undiscounted - price)


# ---------------------------------------------------------------------------------------------
# Components
# ---------------------------------------------------------------------------------------------


def components_of(bundle: Bundle) -> list[BundleComponent]:
    """The bundle's components with variant, product, vendor and stock: the prefetched ones
    (``bundles.selectors``) or, for a bundle loaded alone, one query."""
    cache = getattr(bundle, "_prefetched_objects_cache", {})
    if "components" in cache:
        return list(cache["components"])
    return list(
        bundle.components.select_related(
            "variant__product__vendor__organization", "variant__stock"
        ).order_by("sort_order", "id")
    )


def component_label(component_or_variant) -> str:
    """``상품명 옵션명`` (the option name left out when it is the default ``기본``)."""
    variant = getattr(component_or_variant, "variant", component_or_variant)
    name = variant.product.name
    if variant.name and variant.name != "기본":
        name = f"{name} {variant.name}"
    return name


def _available_units(variant) -> int:
    try:
        return variant.stock.available
    except type(variant).stock.RelatedObjectDoesNotExist:
        return 0


def _sellable(variant) -> bool:
    product = variant.product
    return bool(product.is_published and product.vendor.is_active)


# ---------------------------------------------------------------------------------------------
# Lines, discount spread, shares
# ---------------------------------------------------------------------------------------------


def apply_bundle_discounts(lines: Iterable[LineQuote]) -> None:
    """Set ``discount`` on every bundle line (``line.bundle`` set): per bundle, the rule's
    discount for one bundle times the number of bundles, spread over its lines."""
    groups: dict[int, list[LineQuote]] = {}
    for line in lines:
        if line.bundle is not None:
            groups.setdefault(line.bundle.pk, []).append(line)
    for items in groups.values():
        bundle = items[0].bundle
        count = max(items[0].bundle_quantity or 1, 1)
        undiscounted = sum(line.undiscounted_total for line in items)
        discount = rule_price(bundle, undiscounted // count).discount * count
        ordered = sorted(items, key=lambda line: (line.variant.pk, id(line)))
        parts = spread_discount([line.undiscounted_total for line in ordered], discount)
        for line, part in zip(ordered, parts, strict=True):
            line.discount = part


def bundle_lines(bundle: Bundle, quantity: int = 1) -> list[LineQuote]:
    """The component lines of ``quantity`` bundles, priced as the cart would price them."""
    lines = [
        LineQuote(
            variant=c.variant,
            quantity=c.quantity * quantity,
            unit_price=c.variant.price,
            key=c,
            bundle=bundle,
            bundle_quantity=quantity,
        )
        for c in components_of(bundle)
    ]
    apply_bundle_discounts(lines)
    return lines


def bundle_price(bundle: Bundle) -> BundlePrice:
    """``(undiscounted_sum, price, discount)`` of one bundle, integer won."""
    undiscounted = sum(c.variant.price * c.quantity for c in components_of(bundle))
    return rule_price(bundle, undiscounted)


def bundle_taxed(bundle: Bundle, quantity: int = 1) -> TaxedAmount:
    """The bundle's price split into supply and VAT, per component line (mixed tax types)."""
    total = TaxedAmount(0, 0, 0)
    for line in bundle_lines(bundle, quantity):
        total = total + line.taxed
    return total


@dataclass
class VendorShare:
    """What one vendor gets from a bundle: its components' amount after the discount."""

    vendor: object
    amount: int
    undiscounted: int
    lines: list[LineQuote] = field(default_factory=list)

    @property
    def discount(self) -> int:
        return self.undiscounted - self.amount


def bundle_vendor_shares(bundle: Bundle, quantity: int = 1) -> list[VendorShare]:
    """Each vendor's share of the bundle's price (in the components' order); the shares add
    up to the price exactly."""
    shares: dict[int, VendorShare] = {}
    for line in bundle_lines(bundle, quantity):
        vendor = line.vendor
        share = shares.get(vendor.pk)
        if share is None:
            share = shares[vendor.pk] = VendorShare(vendor=vendor, amount=0, undiscounted=0)
        share.amount += line.total
        share.undiscounted += line.undiscounted_total
        share.lines.append(line)
    return list(shares.values())


# ---------------------------------------------------------------------------------------------
# Availability (derived from the components' stock, never stored)
# ---------------------------------------------------------------------------------------------


def unavailable_reason(component) -> str:
    return f"구성품 '{component_label(component)}'이(가) 판매 중지되었습니다"


def short_stock_reason(component) -> str:
    return f"구성품 '{component_label(component)}' 재고 부족"


@dataclass(frozen=True)
class BundleAvailability:
    """How many bundles can be made now, and why none can (Korean reasons)."""

    count: int
    reasons: Sequence[str] = ()

    @property
    def available(self) -> bool:
        return self.count > 0


def bundle_availability(bundle: Bundle) -> BundleAvailability:
    """``count`` = min over components of floor(available units / units per bundle); a
    component whose product is unpublished (or whose vendor stopped selling) makes it 0."""
    components = components_of(bundle)
    if not components:
        return BundleAvailability(0, ("구성품이 없습니다",))
    count: int | None = None
    reasons: list[str] = []
    for c in components:
        if not _sellable(c.variant):
            reasons.append(unavailable_reason(c))
            count = 0
            continue
        makeable = _available_units(c.variant) // max(c.quantity, 1)
        if makeable < 1:
            reasons.append(short_stock_reason(c))
        count = makeable if count is None else min(count, makeable)
    return BundleAvailability(count or 0, tuple(reasons))
