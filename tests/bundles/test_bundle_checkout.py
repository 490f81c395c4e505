"""A bundle bought through the normal cart and checkout.

The scenario the issue asks for: a bundle with components from three vendors (taxable,
exempt and zero-rated lines), with a 7% discount, bought twice. Each time the stock of every
component is allocated (and, once shipped, taken off the shelf) by the right amount, the
order splits into three vendor orders, the discount is spread over the lines exactly, and
every amount reconciles to the won: supply + tax == total per line, per vendor order and
overall, and each vendor's settlement counts what its lines say.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bundles import services
from bundles.pricing import bundle_lines, bundle_price, bundle_vendor_shares
from core.errors import DomainError, DomainErrors
from shop.catalog.models import Stock
from shop.checkout import services as checkout_services
from shop.checkout.models import CheckoutLine
from shop.checkout.pricing import spread_discount
from shop.checkout.selectors import checkout_get, checkout_quote
from shop.orders import services as order_services
from shop.orders.models import OrderLine, VendorOrder
from shop.tax import split_gross
from tests.factories import StaffFactory, VendorFactory
from tests.factories.bundles import make_bundle
from tests.factories.orders import CheckoutFactory, invoice, pay, sellable

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    bakery = VendorFactory(store_name="함께빵집")
    farm = VendorFactory(store_name="마을농장")
    drinks = VendorFactory(store_name="착한음료")
    cookie = sellable(price=12_000, stock=20, vendor=bakery, name="우리밀 쿠키")
    kimchi = sellable(price=8_500, stock=7, vendor=farm, name="유기농 김치", tax_type="exempt")
    rice = sellable(price=6_900, stock=9, vendor=farm, name="누룽지", tax_type="exempt")
    juice = sellable(price=3_300, stock=30, vendor=drinks, name="사과주스")
    tea = sellable(price=4_400, stock=8, vendor=drinks, name="수출 녹차", tax_type="zero_rated")
    bundle = make_bundle(
        [(cookie, 2), (kimchi, 1), (juice, 3), (rice, 1), (tea, 1)],
        name="세 판매처 회의 꾸러미",
        price_rule="sum_discount",
        discount_percent=7,
    )
    return {
        "bundle": bundle,
        "vendors": [bakery, farm, drinks],
        "variants": {"cookie": cookie, "kimchi": kimchi, "rice": rice, "juice": juice, "tea": tea},
        "per_bundle": {"cookie": 2, "kimchi": 1, "rice": 1, "juice": 3, "tea": 1},
    }


def _cart_with_bundle(bundle, count, *, extra=(), user=None):
    checkout = checkout_get(CheckoutFactory(user=user).token)
    for variant, quantity in extra:
        checkout = checkout_services.checkout_lines_add(
            checkout=checkout, lines=[(variant.pk, quantity)]
        )
    return services.bundle_add_to_checkout(checkout=checkout, bundle=bundle, quantity=count)


def _assert_reconciles(order):
    vendor_orders = list(order.vendor_orders.order_by("pk"))
    lines_total = 0
    for vo in vendor_orders:
        lines = list(vo.lines.order_by("pk"))
        for line in lines:
            assert line.supply + line.tax == line.total
            assert line.total == line.unit_price * line.quantity - line.discount
            assert split_gross(line.total, line.tax_type).tax == line.tax
            if line.tax_type != "taxable":
                assert line.tax == 0
        shipping = split_gross(vo.shipping_fee, "taxable")
        assert vo.subtotal == sum(x.total for x in lines)
        assert vo.discount == sum(x.discount for x in lines)
        assert vo.tax == sum(x.tax for x in lines) + shipping.tax
        assert vo.total == vo.subtotal + vo.shipping_fee
        supply = sum(x.supply for x in lines) + shipping.net
        assert supply + vo.tax == vo.total
        lines_total += vo.subtotal
    assert order.subtotal == lines_total
    assert order.total == sum(vo.total for vo in vendor_orders)
    assert order.tax_total == sum(vo.tax for vo in vendor_orders)
    assert order.discount_total == sum(vo.discount for vo in vendor_orders)
    assert order.shipping_total == sum(vo.shipping_fee for vo in vendor_orders)
    assert order.total == order.subtotal + order.shipping_total


def test_bundle_price_and_vendor_shares_add_up(scenario):
    bundle = scenario["bundle"]
    undiscounted, price, discount = bundle_price(bundle)
    assert undiscounted == 2 * 12_000 + 8_500 + 3 * 3_300 + 6_900 + 4_400 == 53_700
    assert discount == 53_700 * 7 // 100 == 3_759
    assert price == 49_941
    shares = bundle_vendor_shares(bundle)
    assert [s.vendor.store_name for s in shares] == ["함께빵집", "마을농장", "착한음료"]
    assert sum(s.amount for s in shares) == price
    assert sum(s.discount for s in shares) == discount
    # The spread is the largest-remainder split of the discount, in variant-id order.
    lines = sorted(bundle_lines(bundle), key=lambda line: line.variant.pk)
    expected = spread_discount([line.undiscounted_total for line in lines], discount)
    assert [line.discount for line in lines] == expected


def test_three_vendor_bundle_bought_twice(scenario, django_capture_on_commit_callbacks):
    bundle = scenario["bundle"]
    variants = scenario["variants"]
    per_bundle = scenario["per_bundle"]
    staff = StaffFactory()
    start = {k: Stock.objects.get(variant=v).quantity for k, v in variants.items()}
    _, price, discount = bundle_price(bundle)

    # First purchase: one bundle.
    checkout = _cart_with_bundle(bundle, 1)
    quote = checkout_quote(checkout)
    assert quote.discount_total == discount
    assert quote.subtotal == price
    pay(checkout)
    with django_capture_on_commit_callbacks(execute=True):
        first = checkout_services.checkout_complete(checkout=checkout)

    # Second purchase: two bundles and one more cookie on its own (the same variant).
    checkout = _cart_with_bundle(bundle, 2, extra=[(variants["cookie"], 1)])
    quote = checkout_quote(checkout)
    assert quote.discount_total == 2 * discount
    assert quote.subtotal == 2 * price + 12_000
    pay(checkout)
    with django_capture_on_commit_callbacks(execute=True):
        second = checkout_services.checkout_complete(checkout=checkout)

    for order, count in ((first, 1), (second, 2)):
        order.refresh_from_db()
        vendor_orders = list(order.vendor_orders.select_related("vendor"))
        assert len(vendor_orders) == 3
        assert {vo.vendor for vo in vendor_orders} == set(scenario["vendors"])
        bundle_lines_ = OrderLine.objects.filter(vendor_order__order=order, bundle=bundle)
        assert bundle_lines_.count() == 5
        assert {(x.bundle_name, x.bundle_quantity) for x in bundle_lines_} == {
            ("세 판매처 회의 꾸러미", count)
        }
        assert sum(x.discount for x in bundle_lines_) == discount * count
        assert order.discount_total == discount * count
        # Each vendor gets its share of the bundle price, as the bundle page says.
        shares = {s.vendor.pk: s.amount for s in bundle_vendor_shares(bundle, count)}
        for vo in vendor_orders:
            mine = [x for x in bundle_lines_ if x.vendor_order_id == vo.pk]
            assert sum(x.total for x in mine) == shares[vo.vendor_id]
        # Mixed tax lines: taxable lines carry VAT, exempt and zero-rated lines none.
        by_name = {x.product_name: x for x in bundle_lines_}
        assert by_name["우리밀 쿠키"].tax == by_name["우리밀 쿠키"].total // 11 > 0
        assert by_name["사과주스"].tax == by_name["사과주스"].total // 11 > 0
        assert by_name["유기농 김치"].tax == 0
        assert by_name["누룽지"].tax == 0
        assert by_name["수출 녹차"].tax == 0
        _assert_reconciles(order)

    plain = OrderLine.objects.get(vendor_order__order=second, bundle__isnull=True)
    assert (plain.product_name, plain.quantity, plain.discount) == ("우리밀 쿠키", 1, 0)

    # Stock: allocated by the right amount for every component, all at once.
    for key, variant in variants.items():
        stock = Stock.objects.get(variant=variant)
        expected = per_bundle[key] * 3 + (1 if key == "cookie" else 0)
        assert stock.allocated == expected, key
        assert stock.quantity == start[key]

    # Shipped: the units leave the shelf.
    for vo in VendorOrder.objects.filter(order__in=[first, second]):
        order_services.vendor_order_ship(
            vendor_order=vo, actor=staff, carrier="CJ대한통운", tracking_number=f"6{vo.pk:011d}"
        )
    for key, variant in variants.items():
        stock = Stock.objects.get(variant=variant)
        used = per_bundle[key] * 3 + (1 if key == "cookie" else 0)
        assert (stock.quantity, stock.allocated) == (start[key] - used, 0), key


def test_settlement_counts_each_vendors_discounted_lines(scenario):
    from shop.settlement.services import settlement_compute

    bundle = scenario["bundle"]
    orders = []
    for count in (1, 2):
        checkout = _cart_with_bundle(bundle, count)
        pay(checkout)
        orders.append(checkout_services.checkout_complete(checkout=checkout))
    today = timezone.localdate()
    grand = 0
    for vendor in scenario["vendors"]:
        result = settlement_compute(
            vendor=vendor, period_start=today - dt.timedelta(days=1), period_end=today
        )
        vos = VendorOrder.objects.filter(order__in=orders, vendor=vendor)
        assert result.gross_sales == sum(vo.subtotal for vo in vos)
        assert result.shipping == sum(vo.shipping_fee for vo in vos)
        grand += result.gross_sales + result.shipping
    assert grand == sum(o.total for o in orders)


def test_adding_more_bundles_than_the_scarcest_component_allows_names_it(scenario):
    bundle = scenario["bundle"]
    # kimchi: 7 units, one per bundle; tea: 8 units, one per bundle.
    checkout = _cart_with_bundle(bundle, 7)
    assert {line.bundle_quantity for line in checkout.lines.all()} == {7}
    with pytest.raises(DomainError) as exc:
        services.bundle_add_to_checkout(checkout=checkout, bundle=bundle, quantity=1)
    assert exc.value.code == "INSUFFICIENT_STOCK"
    assert "유기농 김치" in exc.value.message
    assert exc.value.variant_ids == [scenario["variants"]["kimchi"].pk]
    # Nothing changed.
    assert {line.bundle_quantity for line in checkout_get(checkout.token).lines.all()} == {7}


def test_plain_lines_count_the_units_bundles_already_hold(scenario):
    bundle = scenario["bundle"]
    kimchi = scenario["variants"]["kimchi"]
    checkout = _cart_with_bundle(bundle, 5)
    with pytest.raises(DomainError) as exc:
        checkout_services.checkout_lines_add(checkout=checkout, lines=[(kimchi.pk, 3)])
    assert exc.value.code == "INSUFFICIENT_STOCK"
    assert "주문 가능 수량 2개" in exc.value.message
    checkout = checkout_services.checkout_lines_add(checkout=checkout, lines=[(kimchi.pk, 2)])
    with pytest.raises(DomainError) as exc:
        services.bundle_add_to_checkout(checkout=checkout, bundle=bundle, quantity=1)
    assert exc.value.code == "INSUFFICIENT_STOCK"


def test_components_are_allocated_all_or_none(scenario):
    bundle = scenario["bundle"]
    tea = scenario["variants"]["tea"]
    checkout = _cart_with_bundle(bundle, 2)
    pay(checkout)
    # Someone else buys the tea before this buyer completes.
    Stock.objects.filter(variant=tea).update(allocated=7)
    with pytest.raises((DomainError, DomainErrors)) as exc:
        checkout_services.checkout_complete(checkout=checkout)
    errors = exc.value.errors if isinstance(exc.value, DomainErrors) else [exc.value]
    assert [e.code for e in errors] == ["INSUFFICIENT_STOCK"]
    assert "수출 녹차" in errors[0].message
    allocated = {k: Stock.objects.get(variant=v).allocated for k, v in scenario["variants"].items()}
    assert allocated == {"cookie": 0, "kimchi": 0, "rice": 0, "juice": 0, "tea": 7}


def test_allocation_race_rolls_back_components_already_allocated(scenario, monkeypatch):
    """The validation passed, then the last component fails its conditional UPDATE: the
    components allocated before it are rolled back with it."""
    bundle = scenario["bundle"]
    tea = scenario["variants"]["tea"]
    checkout = _cart_with_bundle(bundle, 2)
    pay(checkout)
    original = checkout_services._validate_for_complete

    def validate_then_lose_the_race(*args, **kwargs):
        original(*args, **kwargs)
        Stock.objects.filter(variant=tea).update(allocated=7)

    monkeypatch.setattr(checkout_services, "_validate_for_complete", validate_then_lose_the_race)
    with pytest.raises(DomainError) as exc:
        checkout_services.checkout_complete(checkout=checkout)
    assert exc.value.code == "INSUFFICIENT_STOCK"
    allocated = {k: Stock.objects.get(variant=v).allocated for k, v in scenario["variants"].items()}
    # The race's own UPDATE was rolled back too (same transaction): all or none.
    assert allocated == {"cookie": 0, "kimchi": 0, "rice": 0, "juice": 0, "tea": 0}


def test_deleting_one_line_removes_the_whole_bundle(scenario):
    bundle = scenario["bundle"]
    cookie = scenario["variants"]["cookie"]
    checkout = _cart_with_bundle(bundle, 1, extra=[(cookie, 1)])
    assert checkout.lines.count() == 6
    component = next(x for x in checkout.lines.all() if x.bundle_id)
    checkout = checkout_services.checkout_lines_delete(checkout=checkout, line_ids=[component.pk])
    lines = list(checkout.lines.all())
    assert [(x.variant_id, x.quantity, x.bundle_id) for x in lines] == [(cookie.pk, 1, None)]


def test_set_quantity_and_remove(scenario):
    bundle = scenario["bundle"]
    checkout = _cart_with_bundle(bundle, 1)
    checkout = services.bundle_set_checkout_quantity(checkout=checkout, bundle=bundle, quantity=3)
    assert {(x.variant.product.name, x.quantity) for x in checkout.lines.all()} >= {
        ("우리밀 쿠키", 6),
        ("사과주스", 9),
    }
    assert {x.bundle_quantity for x in checkout.lines.all()} == {3}
    checkout = services.bundle_remove_from_checkout(checkout=checkout, bundle=bundle)
    assert not checkout.lines.exists()


def test_a_bundle_changed_after_it_was_put_in_the_cart_must_be_put_in_again(scenario):
    bundle = scenario["bundle"]
    checkout = _cart_with_bundle(bundle, 1)
    invoice_user_free = checkout  # an unpaid card cart: fine, the check comes first
    bundle.components.filter(variant=scenario["variants"]["tea"]).update(quantity=2)
    pay(invoice_user_free)
    with pytest.raises(DomainError) as exc:
        checkout_services.checkout_complete(checkout=checkout)
    assert exc.value.code == "PRODUCT_UNAVAILABLE"
    assert "구성이 바뀌었습니다" in exc.value.message
    # Putting it in again fixes the cart.
    checkout = services.bundle_set_checkout_quantity(
        checkout=checkout_get(checkout.token), bundle=bundle, quantity=1
    )
    tea_line = next(
        x for x in checkout.lines.all() if x.variant_id == scenario["variants"]["tea"].pk
    )
    assert tea_line.quantity == 2


def test_an_unpublished_bundle_cannot_be_added_or_completed(scenario):
    bundle = scenario["bundle"]
    checkout = _cart_with_bundle(bundle, 1)
    bundle.is_published = False
    bundle.save()
    with pytest.raises(DomainError) as exc:
        services.bundle_add_to_checkout(checkout=checkout, bundle=bundle, quantity=1)
    assert exc.value.code == "PRODUCT_UNAVAILABLE"
    pay(checkout)
    with pytest.raises(DomainError) as exc:
        checkout_services.checkout_complete(checkout=checkout)
    assert exc.value.code == "PRODUCT_UNAVAILABLE"


def test_a_component_unpublished_after_adding_is_unavailable(scenario):
    bundle = scenario["bundle"]
    juice = scenario["variants"]["juice"]
    checkout = _cart_with_bundle(bundle, 1)
    juice.product.is_published = False
    juice.product.save()
    with pytest.raises(DomainError) as exc:
        services.bundle_add_to_checkout(checkout=checkout, bundle=bundle, quantity=1)
    assert exc.value.code == "PRODUCT_UNAVAILABLE"
    assert "구성품 '사과주스'이(가) 판매 중지되었습니다" in exc.value.message


def test_anonymous_bundle_lines_merge_into_the_accounts_cart(scenario, user):
    bundle = scenario["bundle"]
    cookie = scenario["variants"]["cookie"]
    mine = _cart_with_bundle(bundle, 1, user=user, extra=[(cookie, 1)])
    anonymous = _cart_with_bundle(bundle, 2, extra=[(cookie, 2)])
    merged = checkout_services.checkout_assign_to_user(checkout=anonymous, user=user)
    assert merged.pk == mine.pk
    lines = list(merged.lines.all())
    assert {x.bundle_quantity for x in lines if x.bundle_id} == {3}
    assert next(x for x in lines if x.bundle_id and x.variant_id == cookie.pk).quantity == 6
    assert next(x for x in lines if not x.bundle_id).quantity == 3
    assert CheckoutLine.objects.filter(checkout=merged).count() == 6


def test_an_invoice_order_of_a_bundle(scenario, user):
    bundle = scenario["bundle"]
    checkout = _cart_with_bundle(bundle, 1, user=user)
    invoice(checkout)
    order = checkout_services.checkout_complete(checkout=checkout, user=user)
    assert order.charge_status == "invoice"
    assert order.vendor_orders.count() == 3
    _assert_reconciles(order)
