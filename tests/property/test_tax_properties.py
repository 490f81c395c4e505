"""Properties of VAT, cart totals, bundle discount spreading and delivery fees, for any
prices, quantities and tax types.

The rule under test is DOMAIN.md's, re-derived here rather than read from the code: for a
VAT-inclusive taxable amount P, tax = floor(P / 11) and supply = P - tax; for a supply amount S
quoted without VAT, tax = floor(S / 10); exempt (면세) and zero-rated (영세) amounts carry no
tax; tax is computed per line on the line's amount (after its share of any discount) and
summed; supply + tax == total line by line and overall. Delivery fees follow the vendor's
base fee, its free-shipping threshold and the Jeju / remote-island surcharges of the
postcode ranges in settings.

DB-free except the last test, which places real orders through the checkout service.
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from math import floor
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bundles.models import PriceRule
from bundles.pricing import apply_bundle_discounts, rule_price
from shop.checkout.address import is_jeju, is_remote_island
from shop.checkout.pricing import LineQuote, quote, shipping_fee_for, spread_discount
from shop.tax import TaxedAmount, add_tax_to_supply, split_gross

TAX_TYPES = ["taxable", "exempt", "zero_rated"]
won = st.integers(min_value=0, max_value=10**12)
prices = st.integers(min_value=0, max_value=5_000_000)
quantities = st.integers(min_value=1, max_value=999)


def expected_vat_of_gross(gross: int, tax_type: str) -> int:
    """DOMAIN.md: floor(P / 11) of a VAT-inclusive taxable amount (원 미만 절사), else 0."""
    return floor(Fraction(gross, 11)) if tax_type == "taxable" else 0


def expected_vat_of_supply(supply: int, tax_type: str) -> int:
    return floor(Fraction(supply, 10)) if tax_type == "taxable" else 0


# ---------------------------------------------------------------------------------------------
# One amount
# ---------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(won, st.sampled_from(TAX_TYPES))
@example(10_000, "taxable")  # DOMAIN.md's worked example: 9,091 + 909
@example(10, "taxable")
@example(11, "taxable")
@example(0, "exempt")
def test_split_gross_follows_the_rule_and_reconciles(gross, tax_type):
    split = split_gross(gross, tax_type)
    assert split.gross == gross
    assert split.net + split.tax == gross
    assert split.tax == expected_vat_of_gross(gross, tax_type)
    assert all(isinstance(v, int) for v in (split.gross, split.net, split.tax))
    if tax_type == "taxable":
        # The tax is 10% of the supply value, truncated: 10·tax ≤ supply ≤ 10·tax + 10.
        assert 10 * split.tax <= split.net <= 10 * split.tax + 10
    else:
        assert split.tax == 0
        assert split.net == gross


@settings(max_examples=200, deadline=None)
@given(won, st.sampled_from(TAX_TYPES))
def test_supply_plus_tax_follows_the_rule(supply, tax_type):
    taxed = add_tax_to_supply(supply, tax_type)
    assert taxed.net == supply
    assert taxed.tax == expected_vat_of_supply(supply, tax_type)
    assert taxed.gross == supply + taxed.tax


@settings(max_examples=50, deadline=None)
@given(
    st.one_of(
        st.integers(max_value=-1),
        st.floats(allow_nan=True),
        st.text(max_size=5),
        st.booleans(),
        st.none(),
    ),
    st.sampled_from(TAX_TYPES),
)
def test_only_non_negative_integer_won_is_accepted(bad, tax_type):
    with pytest.raises((TypeError, ValueError)):
        split_gross(bad, tax_type)
    with pytest.raises((TypeError, ValueError)):
        add_tax_to_supply(bad, tax_type)


@settings(max_examples=30, deadline=None)
@given(won, st.text(max_size=12).filter(lambda t: t not in TAX_TYPES))
def test_unknown_tax_type_is_refused(gross, tax_type):
    with pytest.raises(ValueError, match="Unknown tax type"):
        split_gross(gross, tax_type)


# ---------------------------------------------------------------------------------------------
# Cart lines, vendor groups and totals (shop.checkout.pricing over plain objects)
# ---------------------------------------------------------------------------------------------


def make_vendor(pk, *, base=3000, free_over=50_000, jeju=3000, remote=5000):
    return SimpleNamespace(
        pk=pk,
        shipping_base_fee=base,
        shipping_free_over=free_over,
        shipping_jeju_extra=jeju,
        shipping_remote_extra=remote,
    )


def make_variant(pk, vendor, tax_type, price):
    product = SimpleNamespace(pk=pk, vendor=vendor, tax_type=tax_type)
    return SimpleNamespace(pk=pk, product=product, price=price)


vendors_st = st.builds(
    make_vendor,
    pk=st.integers(1, 3),
    base=st.integers(0, 10_000),
    free_over=st.one_of(st.none(), st.integers(0, 200_000)),
    jeju=st.integers(0, 10_000),
    remote=st.integers(0, 10_000),
)


def _range_postcodes(ranges):
    return st.sampled_from(ranges).flatmap(
        lambda r: st.integers(int(r[0]), int(r[1])).map(lambda v: f"{v:05d}")
    )


postcodes = st.one_of(
    st.none(),
    st.integers(0, 99_999).map(lambda v: f"{v:05d}"),
    _range_postcodes(django_settings.SHIPPING_JEJU_POSTCODES),
    _range_postcodes(django_settings.SHIPPING_REMOTE_POSTCODES),
)


@st.composite
def carts(draw):
    """Lines of up to three vendors, each vendor drawn once (same pk, same settings)."""
    vendor_by_pk = {}
    lines = []
    for i in range(draw(st.integers(1, 8))):
        vendor = draw(vendors_st)
        vendor = vendor_by_pk.setdefault(vendor.pk, vendor)
        price = draw(prices)
        variant = make_variant(i + 1, vendor, draw(st.sampled_from(TAX_TYPES)), price)
        quantity = draw(quantities)
        discount = draw(st.integers(0, price * quantity))
        lines.append(
            LineQuote(variant=variant, quantity=quantity, unit_price=price, discount=discount)
        )
    return lines


@settings(max_examples=200, deadline=None)
@given(carts(), postcodes)
def test_cart_totals_are_the_sums_of_their_lines(lines, postcode):
    cart = quote(lines, postcode=postcode)

    for line in cart.lines:
        total = line.unit_price * line.quantity - line.discount
        assert line.total == total >= 0
        # Tax on the line's amount, not per unit times quantity.
        assert line.taxed == TaxedAmount(
            total,
            total - expected_vat_of_gross(total, line.tax_type),
            expected_vat_of_gross(total, line.tax_type),
        )

    assert sorted(id(line) for line in cart.lines) == sorted(id(line) for line in lines)
    for group in cart.groups:
        assert {line.vendor.pk for line in group.lines} == {group.vendor.pk}
        assert group.subtotal == sum(line.total for line in group.lines)
        assert group.discount == sum(line.discount for line in group.lines)
        assert group.shipping_fee == shipping_fee_for(group.vendor, group.subtotal, postcode)
        assert group.shipping_taxed == split_gross(group.shipping_fee, "taxable")
        assert group.taxed.tax == group.shipping_taxed.tax + sum(ln.taxed.tax for ln in group.lines)
        assert group.taxed.gross == group.total == group.subtotal + group.shipping_fee

    assert cart.subtotal == sum(line.total for line in lines)
    assert cart.discount_total == sum(line.discount for line in lines)
    assert cart.shipping_total == sum(g.shipping_fee for g in cart.groups)
    assert cart.total == cart.subtotal + cart.shipping_total
    assert cart.taxed.gross == cart.total
    assert cart.taxed.net + cart.taxed.tax == cart.total
    assert cart.tax_total == sum(g.taxed.tax for g in cart.groups)
    # Exempt and zero-rated lines contribute nothing to the tax.
    untaxed = [ln for ln in lines if ln.tax_type != "taxable"]
    assert all(ln.taxed.tax == 0 for ln in untaxed)


# ---------------------------------------------------------------------------------------------
# Discount spreading (largest remainder) and bundle prices
# ---------------------------------------------------------------------------------------------


@st.composite
def amounts_and_discount(draw):
    amounts = draw(st.lists(st.integers(0, 1_000_000), min_size=1, max_size=12))
    discount = draw(st.integers(0, sum(amounts)))
    return amounts, discount


@settings(max_examples=400, deadline=None)
@given(amounts_and_discount())
@example(([1, 1, 1], 2))
@example(([0, 0, 5], 5))
@example(([7, 4, 1], 4))
def test_spread_discount_adds_up_and_never_exceeds_a_line(case):
    amounts, discount = case
    parts = spread_discount(amounts, discount)
    total = sum(amounts)
    assert len(parts) == len(amounts)
    assert sum(parts) == (discount if total > 0 else 0)
    for amount, part in zip(amounts, parts, strict=True):
        assert 0 <= part <= amount  # a line never ends up negative
        if total:
            # Proportional to the line, off by less than one won.
            assert abs(Fraction(part) - Fraction(amount * discount, total)) < 1
    # Equal lines get equal shares, give or take the one won of the remainder.
    for a, b in itertools.combinations(range(len(amounts)), 2):
        if amounts[a] == amounts[b]:
            assert abs(parts[a] - parts[b]) <= 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10_000), max_size=6), st.integers(min_value=-5, max_value=10**9))
def test_spread_discount_clamps_to_the_lines(amounts, discount):
    parts = spread_discount(amounts, discount)
    assert sum(parts) == (min(max(discount, 0), sum(amounts)) if sum(amounts) > 0 else 0)
    assert all(0 <= p <= a for p, a in zip(parts, amounts, strict=True))


bundles_st = st.builds(
    SimpleNamespace,
    pk=st.just(1),
    price_rule=st.sampled_from([PriceRule.SUM, PriceRule.SUM_DISCOUNT, PriceRule.FIXED]),
    discount_amount=st.integers(0, 100_000),
    discount_percent=st.integers(0, 100),
    fixed_price=st.one_of(st.none(), st.integers(0, 500_000)),
)


@settings(max_examples=200, deadline=None)
@given(bundles_st, st.integers(0, 10**9))
def test_bundle_price_is_between_nothing_and_the_sum(bundle, undiscounted):
    price = rule_price(bundle, undiscounted)
    assert price.undiscounted == undiscounted
    assert 0 <= price.price <= undiscounted
    assert price.discount == undiscounted - price.price >= 0


@st.composite
def bundle_cart(draw):
    bundle = draw(bundles_st)
    count = draw(st.integers(1, 5))
    vendor = make_vendor(1)
    lines = []
    n = draw(st.integers(1, 6))
    pks = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    for pk in pks:
        price = draw(st.integers(0, 50_000))
        per_bundle = draw(st.integers(1, 4))
        variant = make_variant(pk, vendor, draw(st.sampled_from(TAX_TYPES)), price)
        lines.append(
            LineQuote(
                variant=variant,
                quantity=per_bundle * count,
                unit_price=price,
                bundle=bundle,
                bundle_quantity=count,
            )
        )
    return bundle, count, lines, draw(st.randoms(use_true_random=False))


def _clone(lines):
    return [
        LineQuote(
            variant=ln.variant,
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            bundle=ln.bundle,
            bundle_quantity=ln.bundle_quantity,
        )
        for ln in lines
    ]


@settings(max_examples=200, deadline=None)
@given(bundle_cart())
def test_bundle_discount_spread_is_exact_and_independent_of_line_order(case):
    bundle, count, lines, rnd = case
    apply_bundle_discounts(lines)
    undiscounted = sum(ln.undiscounted_total for ln in lines)
    expected_discount = rule_price(bundle, undiscounted // count).discount * count
    assert sum(ln.discount for ln in lines) == expected_discount
    assert all(0 <= ln.discount <= ln.undiscounted_total for ln in lines)
    assert all(ln.total >= 0 for ln in lines)

    # The cart, the order and the bundle page may hold the lines in any order: every
    # component line gets the same share whatever the order.
    shuffled = _clone(lines)
    rnd.shuffle(shuffled)
    apply_bundle_discounts(shuffled)
    by_variant = {ln.variant.pk: ln.discount for ln in lines}
    assert {ln.variant.pk: ln.discount for ln in shuffled} == by_variant

    cart = quote(lines)
    assert cart.total == undiscounted - expected_discount + cart.shipping_total
    assert cart.taxed.net + cart.taxed.tax == cart.total


# ---------------------------------------------------------------------------------------------
# Delivery fees and postcode ranges
# ---------------------------------------------------------------------------------------------


def _in(postcode: str, ranges) -> bool:
    """Independent classification: 5-digit strings compare like their numbers."""
    return any(lo <= postcode <= hi for lo, hi in ranges)


def test_postcode_ranges_in_settings_are_well_formed_and_disjoint():
    jeju = django_settings.SHIPPING_JEJU_POSTCODES
    remote = django_settings.SHIPPING_REMOTE_POSTCODES
    for lo, hi in [*jeju, *remote]:
        assert len(lo) == len(hi) == 5
        assert re.fullmatch(r"\d{5}", lo, re.ASCII)
        assert re.fullmatch(r"\d{5}", hi, re.ASCII)
        assert lo <= hi
    for (a_lo, a_hi), (b_lo, b_hi) in itertools.product(jeju, remote):
        assert a_hi < b_lo or b_hi < a_lo, "a postcode cannot be both Jeju and a remote island"


@settings(max_examples=300, deadline=None)
@given(postcodes.filter(lambda p: p is not None))
@example("63000")
@example("63644")
@example("62999")
@example("63645")
def test_postcodes_classify_by_the_settings_ranges(postcode):
    assert is_jeju(postcode) == _in(postcode, django_settings.SHIPPING_JEJU_POSTCODES)
    assert is_remote_island(postcode) == _in(postcode, django_settings.SHIPPING_REMOTE_POSTCODES)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=8).filter(lambda t: not (len(t) == 5 and t.isascii() and t.isdigit())))
@example("６３０００")  # full-width digits: not a postcode until normalized
@example("63000 ")
@example("")
def test_anything_but_five_ascii_digits_is_no_surcharge_zone(text):
    assert not is_jeju(text)
    assert not is_remote_island(text)


@settings(max_examples=300, deadline=None)
@given(vendors_st, st.integers(-1000, 300_000), st.integers(0, 300_000), postcodes)
def test_delivery_fee_rules(vendor, subtotal, more, postcode):
    fee = shipping_fee_for(vendor, subtotal, postcode)
    if subtotal <= 0:
        assert fee == 0  # nothing to deliver
        return
    free = vendor.shipping_free_over is not None and subtotal >= vendor.shipping_free_over
    extra = 0
    if postcode and _in(postcode, django_settings.SHIPPING_JEJU_POSTCODES):
        extra = vendor.shipping_jeju_extra
    elif postcode and _in(postcode, django_settings.SHIPPING_REMOTE_POSTCODES):
        extra = vendor.shipping_remote_extra
    assert fee == (0 if free else vendor.shipping_base_fee) + extra
    # Buying more never makes delivery dearer.
    assert shipping_fee_for(vendor, subtotal + more, postcode) <= fee
    # A surcharge zone never costs less than the mainland.
    assert fee >= shipping_fee_for(vendor, subtotal, None)
    assert fee >= 0


# ---------------------------------------------------------------------------------------------
# Orders placed through the checkout service (database)
# ---------------------------------------------------------------------------------------------


@st.composite
def order_specs(draw):
    n_vendors = draw(st.integers(1, 3))
    lines = []
    for i in range(draw(st.integers(1, 5))):
        lines.append(
            (
                draw(st.integers(0, n_vendors - 1)),
                draw(st.integers(1, 200_000)),
                draw(st.sampled_from(TAX_TYPES)),
                draw(st.integers(1, 7)),
                i,
            )
        )
    postcode = draw(
        st.sampled_from(["03900", "63000", "63644", "40200", "58800", "04524", "99999"])
    )
    free_over = draw(
        st.lists(st.one_of(st.none(), st.integers(0, 300_000)), min_size=3, max_size=3)
    )
    return lines, postcode, free_over


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(order_specs())
def test_placed_orders_reconcile_line_by_line(spec):
    from shop.orders.models import OrderLine
    from tests.factories import VendorFactory
    from tests.factories.orders import place_order, sellable

    lines_spec, postcode, free_over = spec
    with transaction.atomic():
        sid = transaction.savepoint()
        vendors = [
            VendorFactory(shipping_free_over=f, shipping_base_fee=3000 + 500 * i)
            for i, f in enumerate(free_over)
        ]
        cart = []
        for vendor_index, price, tax_type, quantity, _ in lines_spec:
            variant = sellable(
                price=price, tax_type=tax_type, vendor=vendors[vendor_index], stock=50
            )
            cart.append((variant, quantity))
        order = place_order(cart, postcode=postcode)
        order.refresh_from_db()

        order_lines = list(OrderLine.objects.filter(vendor_order__order=order))
        vendor_orders = list(order.vendor_orders.all())
        assert len(order_lines) == len(cart)
        for line in order_lines:
            assert line.total == line.unit_price * line.quantity - line.discount
            assert line.tax == expected_vat_of_gross(line.total, line.tax_type)
            assert line.supply + line.tax == line.total

        assert order.subtotal == sum(ln.total for ln in order_lines)
        assert order.subtotal == sum(vo.subtotal for vo in vendor_orders)
        assert order.shipping_total == sum(vo.shipping_fee for vo in vendor_orders)
        assert order.total == order.subtotal + order.shipping_total
        assert order.total == sum(vo.total for vo in vendor_orders)
        assert order.tax_total == sum(vo.tax for vo in vendor_orders)
        assert order.tax_total == sum(ln.tax for ln in order_lines) + sum(
            expected_vat_of_gross(vo.shipping_fee, "taxable") for vo in vendor_orders
        )
        for vo in vendor_orders:
            vo_lines = [ln for ln in order_lines if ln.vendor_order_id == vo.pk]
            assert vo.subtotal == sum(ln.total for ln in vo_lines)
            assert vo.total == vo.subtotal + vo.shipping_fee
            assert vo.shipping_fee == shipping_fee_for(vo.vendor, vo.subtotal, postcode)
        transaction.savepoint_rollback(sid)
