"""Factories for the payments tests: checkouts with a known total, orders split into vendor
orders, and transactions.

``checkout_for(total=12000)`` makes a checkout whose quote total is exactly ``total`` won (one
line of ``total - 3000`` plus the vendor's ₩3,000 delivery fee). ``order_with_vendor_orders(
[10000, 20000])`` makes an order of two vendor orders with those totals (nothing charged).
"""

from __future__ import annotations

import factory

from shop.checkout.models import Checkout, CheckoutLine
from shop.orders.models import Order, OrderStatus, VendorOrder
from shop.payments.models import Transaction, TransactionStatus
from tests.factories import VendorFactory
from tests.factories.catalog import ProductFactory, VariantFactory

SHIPPING_FEE = 3000


class CheckoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkout

    email = factory.Sequence(lambda n: f"buyer{n}@example.kr")
    recipient_name = "김누리"
    phone = "010-1234-5678"
    postcode = "03925"
    road_address = "서울특별시 마포구 월드컵북로 400"
    detail_address = "5층"


class CheckoutLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckoutLine

    checkout = factory.SubFactory(CheckoutFactory)
    variant = factory.SubFactory(VariantFactory)
    quantity = 1


def checkout_for(total: int = 12000, **kwargs) -> Checkout:
    """A checkout whose quote total is ``total`` won (line + ₩3,000 delivery)."""
    vendor = VendorFactory(shipping_base_fee=SHIPPING_FEE, shipping_free_over=None)
    variant = VariantFactory(product=ProductFactory(vendor=vendor), price=total - SHIPPING_FEE)
    checkout = CheckoutFactory(**kwargs)
    CheckoutLineFactory(checkout=checkout, variant=variant, quantity=1)
    return checkout


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"N2026{n:08d}")
    email = factory.Sequence(lambda n: f"orderer{n}@example.kr")
    status = OrderStatus.UNFULFILLED
    total = 0


class VendorOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorOrder

    order = factory.SubFactory(OrderFactory)
    vendor = factory.SubFactory(VendorFactory)
    number = factory.Sequence(lambda n: f"N2026{n:08d}-V1")
    total = 10000
    subtotal = factory.LazyAttribute(lambda o: o.total - SHIPPING_FEE)
    shipping_fee = SHIPPING_FEE


def order_with_vendor_orders(totals=(10000, 20000), **kwargs) -> Order:
    order = OrderFactory(total=sum(totals), **kwargs)
    for i, total in enumerate(totals):
        VendorOrderFactory(order=order, total=total, number=f"{order.number}-V{i + 1}")
    return order


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    gateway = "test"
    status = TransactionStatus.CHARGED
    amount = 12000
    charged = factory.LazyAttribute(
        lambda o: o.amount if o.status == TransactionStatus.CHARGED else 0
    )
    psp_reference = factory.Sequence(lambda n: f"test_{n:024d}")
    idempotency_key = factory.Sequence(lambda n: f"factory-tx-{n}")
