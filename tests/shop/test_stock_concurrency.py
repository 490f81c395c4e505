"""No oversell under concurrency: 50 buyers race for the last 10 units on PostgreSQL.

Each buyer completes their own paid checkout for one unit in their own thread, with their own
database connection, all released at once by a barrier. The conditional UPDATE that allocates
stock (``allocated = allocated + 1 WHERE quantity >= allocated + 1``) is re-checked by
PostgreSQL against the latest row version, so exactly 10 orders are placed and the other 40
buyers get ``INSUFFICIENT_STOCK``; ``allocated`` never exceeds ``quantity``. SQLite serializes
writers at the file level, so the test means nothing there and is skipped.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from core.errors import DomainError
from shop.catalog.models import Stock
from shop.checkout.services import checkout_complete
from shop.orders.models import Order, OrderLine
from tests.factories.orders import pay, ready_checkout, sellable

BUYERS = 50
UNITS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_concurrent_buyers_for_10_units_sell_exactly_10():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    variant = sellable(price=3_000, stock=UNITS, name="마지막 쌀과자")
    checkouts = []
    for _ in range(BUYERS):
        checkout = ready_checkout([(variant, 1)])
        pay(checkout)
        checkouts.append(checkout)

    barrier = threading.Barrier(BUYERS)
    lock = threading.Lock()
    placed: list[int] = []
    refused: list[str] = []
    crashed: list[BaseException] = []
    over: list[tuple[int, int]] = []

    def buy(checkout):
        try:
            barrier.wait(timeout=60)
            order = checkout_complete(checkout=checkout)
            stock = Stock.objects.get(variant=variant)
            with lock:
                placed.append(order.pk)
                if stock.allocated > stock.quantity:
                    over.append((stock.allocated, stock.quantity))
        except DomainError as exc:
            with lock:
                refused.append(exc.code)
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
    assert len(placed) == UNITS
    assert refused == ["INSUFFICIENT_STOCK"] * (BUYERS - UNITS)
    assert not over
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.allocated) == (UNITS, UNITS)
    assert Order.objects.count() == UNITS
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == UNITS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_of_one_checkout_make_one_order():
    """A double-clicked (or replayed) checkoutComplete racing itself: one order, one allocation."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    variant = sellable(price=3_000, stock=5)
    checkout = ready_checkout([(variant, 2)])
    pay(checkout)
    racers = 8
    barrier = threading.Barrier(racers)
    lock = threading.Lock()
    results: list[int] = []
    crashed: list[BaseException] = []

    def complete():
        try:
            barrier.wait(timeout=60)
            order = checkout_complete(checkout=checkout)
            with lock:
                results.append(order.pk)
        except BaseException as exc:
            with lock:
                crashed.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete) for _ in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not crashed, crashed
    assert len(results) == racers
    assert len(set(results)) == 1
    assert Order.objects.count() == 1
    assert Stock.objects.get(variant=variant).allocated == 2
