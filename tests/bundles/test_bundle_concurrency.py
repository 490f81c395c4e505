"""Concurrent bundle purchases never sell more bundles than the scarcest component allows.

PostgreSQL only: each buyer completes their own paid checkout of the bundle in their own
thread and database connection, all released at once by a barrier. ``checkout_complete``
allocates every component with a conditional UPDATE in variant-id order inside one
transaction, so a buyer gets all the components or none: exactly as many orders as the
scarcest component allows are placed, everyone else gets ``INSUFFICIENT_STOCK``, no
component is over-allocated and no component stays allocated for a refused buyer. SQLite
serializes writers at the file level, so the test means nothing there and is skipped.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from bundles.services import bundle_add_to_checkout
from core.errors import DomainError, DomainErrors
from shop.catalog.models import Stock
from shop.checkout.selectors import checkout_get
from shop.checkout.services import checkout_complete
from shop.orders.models import Order, VendorOrder
from tests.factories import VendorFactory
from tests.factories.bundles import make_bundle
from tests.factories.orders import CheckoutFactory, pay, sellable

BUYERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("per_buyer", "orders"), [(1, 5), (2, 2)])
def test_concurrent_buyers_never_exceed_the_scarcest_component(per_buyer, orders):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking (SQLite serializes writers)")
    # Scarcest: 11 cookies at 2 a bundle → 5 bundles. Then tea (10 bundles), rice (50).
    cookie = sellable(price=6_000, stock=11, vendor=VendorFactory(), name="쿠키")
    tea = sellable(price=3_000, stock=30, vendor=VendorFactory(), name="차", tax_type="zero_rated")
    rice = sellable(price=4_000, stock=50, vendor=VendorFactory(), name="쌀", tax_type="exempt")
    bundle = make_bundle(
        [(cookie, 2), (tea, 3), (rice, 1)], price_rule="sum_discount", discount_percent=10
    )
    per_bundle = {cookie.pk: 2, tea.pk: 3, rice.pk: 1}
    checkouts = []
    for _ in range(BUYERS):
        checkout = checkout_get(CheckoutFactory().token)
        checkout = bundle_add_to_checkout(checkout=checkout, bundle=bundle, quantity=per_buyer)
        pay(checkout)
        checkouts.append(checkout)

    barrier = threading.Barrier(BUYERS)
    lock = threading.Lock()
    placed: list[int] = []
    refused: list[str] = []
    crashed: list[BaseException] = []

    def buy(checkout):
        try:
            barrier.wait(timeout=60)
            order = checkout_complete(checkout=checkout)
            with lock:
                placed.append(order.pk)
        except (DomainError, DomainErrors) as exc:
            errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
            with lock:
                refused.extend(e.code for e in errors)
        except BaseException as exc:  # surfaced below
            with lock:
                crashed.append(exc)
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=buy, args=(c,)) for c in checkouts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not crashed, crashed
    assert len(placed) == orders
    assert refused == ["INSUFFICIENT_STOCK"] * (BUYERS - orders)
    assert Order.objects.count() == orders
    sold = orders * per_buyer
    for variant_id, units in per_bundle.items():
        stock = Stock.objects.get(variant_id=variant_id)
        assert stock.allocated == units * sold, variant_id  # all or none per buyer
        assert stock.allocated <= stock.quantity
    for order in Order.objects.all():
        assert VendorOrder.objects.filter(order=order).count() == 3
