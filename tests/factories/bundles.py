"""Bundle factories.

``make_bundle([(variant, quantity), …], **fields)`` makes a published bundle of those
components (directly in the models: use ``bundles.services.bundle_create`` when a test is
about what the service checks); ``SubscriptionFactory`` an active weekly subscription to a
new bundle, delivered to a Seoul office.
"""

from __future__ import annotations

import datetime as dt

import factory

from bundles.models import Bundle, BundleComponent, Subscription
from tests.factories import UserFactory
from tests.factories.orders import SEOUL_ADDRESS


class BundleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bundle

    name = factory.Sequence(lambda n: f"회의 다과꾸러미 {n}")
    slug = factory.Sequence(lambda n: f"bundle-{n}")
    description = "사회적경제 기업들이 만든 회의용 다과입니다."
    occasion = "meeting"
    serves = 10
    price_rule = "sum"
    is_published = True


class BundleComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BundleComponent

    bundle = factory.SubFactory(BundleFactory)
    variant = factory.SubFactory("tests.factories.catalog.VariantFactory")
    quantity = 1
    sort_order = factory.Sequence(lambda n: n)


def make_bundle(components, **fields) -> Bundle:
    """A bundle (published by default) of ``[(variant, quantity)]``."""
    bundle = BundleFactory(**fields)
    for index, (variant, quantity) in enumerate(components):
        BundleComponent.objects.create(
            bundle=bundle, variant=variant, quantity=quantity, sort_order=index
        )
    return bundle


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    bundle = factory.SubFactory(BundleFactory)
    quantity = 1
    frequency = "weekly"
    status = "active"
    gateway = "invoice"
    email = factory.SelfAttribute("user.email")
    recipient_name = SEOUL_ADDRESS["recipient_name"]
    phone = SEOUL_ADDRESS["phone"]
    postcode = SEOUL_ADDRESS["postcode"]
    road_address = SEOUL_ADDRESS["road_address"]
    detail_address = SEOUL_ADDRESS["detail_address"]
    next_delivery_on = dt.date(2026, 3, 2)
