"""Checkout and order factories, and helpers that go through the real services.

``sellable(price=…, stock=…, tax_type=…, vendor=…)`` makes a published variant with stock;
``ready_checkout([(variant, qty), …])`` a cart with email, address and delivery method;
``pay(checkout)`` a charged test-gateway transaction for its total (created directly, as the
payments service would leave it); ``place_order(…)`` all of that plus ``checkout_complete``.
"""

from __future__ import annotations

import uuid

import factory

from shop.checkout import services as checkout_services
from shop.checkout.models import Checkout, CheckoutLine
from shop.checkout.selectors import checkout_get, checkout_quote
from shop.payments.models import Transaction
from tests.factories import VendorFactory
from tests.factories.catalog import ProductFactory, VariantFactory

SEOUL_ADDRESS = {
    "recipient_name": "김누리",
    "phone": "010-1234-5678",
    "postcode": "03900",
    "road_address": "서울특별시 마포구 월드컵북로 400",
    "detail_address": "5층",
}


class CheckoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkout

    email = factory.Sequence(lambda n: f"buyer{n}@example.kr")
    recipient_name = SEOUL_ADDRESS["recipient_name"]
    phone = SEOUL_ADDRESS["phone"]
    postcode = SEOUL_ADDRESS["postcode"]
    road_address = SEOUL_ADDRESS["road_address"]
    detail_address = SEOUL_ADDRESS["detail_address"]
    delivery_method = "standard"


class CheckoutLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckoutLine

    checkout = factory.SubFactory(CheckoutFactory)
    variant = factory.SubFactory(VariantFactory)
    quantity = 1


def sellable(
    *,
    price: int = 10_000,
    stock: int = 100,
    tax_type: str = "taxable",
    vendor=None,
    name: str | None = None,
    **product_fields,
):
    """A published product of ``vendor`` (a new one by default) with one variant in stock."""
    vendor = vendor or VendorFactory()
    fields = {"vendor": vendor, "tax_type": tax_type, **product_fields}
    if name:
        fields["name"] = name
    product = ProductFactory(**fields)
    return VariantFactory(product=product, price=price, stock=stock)


def ready_checkout(lines, *, user=None, postcode: str = "03900", email: str | None = None):
    """A cart of ``[(variant, quantity)]`` with email, address and the standard delivery."""
    checkout = CheckoutFactory(user=user, postcode=postcode, email=email or _email(user))
    for variant, quantity in lines:
        CheckoutLine.objects.create(checkout=checkout, variant=variant, quantity=quantity)
    return checkout_get(checkout.token)


def _email(user) -> str:
    return user.email if user is not None else f"guest-{uuid.uuid4().hex[:8]}@example.kr"


def pay(checkout, amount: int | None = None, *, gateway: str = "test") -> Transaction:
    """A charged transaction for the checkout (its total by default)."""
    if amount is None:
        amount = checkout_quote(checkout_get(checkout.token)).total
    return Transaction.objects.create(
        checkout=checkout,
        gateway=gateway,
        status="charged",
        amount=amount,
        charged=amount,
        idempotency_key=f"test-{uuid.uuid4()}",
    )


def invoice(checkout) -> Transaction:
    """An invoice (후불) transaction: the order may complete unpaid."""
    total = checkout_quote(checkout_get(checkout.token)).total
    return Transaction.objects.create(
        checkout=checkout,
        gateway="invoice",
        status="invoiced",
        amount=total,
        charged=0,
        idempotency_key=f"test-{uuid.uuid4()}",
    )


def place_order(lines, *, user=None, postcode: str = "03900", paid: bool = True):
    """A completed order for ``[(variant, quantity)]`` (paid in full by default)."""
    checkout = ready_checkout(lines, user=user, postcode=postcode)
    if paid:
        pay(checkout)
    return checkout_services.checkout_complete(checkout=checkout, user=user)


_LOCAL_SCHEMA = None


def wire_order_schema(monkeypatch) -> None:
    """Serve the checkout and order API at ``/graphql/`` in tests.

    Once ``config/schema.py`` includes ``CheckoutQueries``/``CheckoutMutations`` and
    ``OrderQueries``/``OrderMutations`` this does nothing; until then it serves a schema made
    of the root schema plus those classes (the same code, only assembled here).
    """
    global _LOCAL_SCHEMA
    import graphene
    from graphene_django.settings import graphene_settings

    if "checkoutCreate" in graphene_settings.SCHEMA.graphql_schema.mutation_type.fields:
        return
    if _LOCAL_SCHEMA is None:
        from config.schema import Mutation, Query
        from shop.graphql.checkout import CheckoutMutations, CheckoutQueries
        from shop.graphql.orders import OrderMutations, OrderQueries

        class LocalQuery(CheckoutQueries, OrderQueries, Query):
            class Meta:
                name = "Query"

        class LocalMutation(CheckoutMutations, OrderMutations, Mutation):
            class Meta:
                name = "Mutation"

        _LOCAL_SCHEMA = graphene.Schema(query=LocalQuery, mutation=LocalMutation)
    monkeypatch.setattr(graphene_settings, "SCHEMA", _LOCAL_SCHEMA)
