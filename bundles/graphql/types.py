"""Bundle GraphQL types: ``Bundle`` (components, pricing, vendor shares, availability) and
``Subscription`` (정기배송) with its runs.

Every field reads what ``bundles.selectors`` prefetched (components with variant, product,
vendor, organization and stock), so a page of bundles costs a fixed number of queries.
Money is integer KRW; ``pricing.price`` splits VAT per component line (mixed tax types).
"""

from __future__ import annotations

import graphene
from graphene import relay
from graphene_django import DjangoObjectType

from bundles import pricing
from bundles.models import (
    Bundle,
    BundleComponent,
    Occasion,
    PriceRule,
    Subscription,
    SubscriptionFrequency,
    SubscriptionRun,
    SubscriptionRunStatus,
    SubscriptionStatus,
)
from bundles.selectors import bundle_get
from bundles.subscriptions import monthly_estimate
from core.graphql.connection import CountableConnection
from core.graphql.permissions import current_user
from shop.graphql.types import (
    Money,
    ProductType,
    ProductVariantType,
    TaxedMoney,
    _choices_enum,
    absolute_url,
    money,
    taxed_money,
)
from shop.tax import TaxedAmount, split_gross
from vendors.graphql.types import VendorType

BundleOccasionEnum = _choices_enum(
    "BundleOccasionEnum", Occasion.choices, "What a bundle is for: 회의, 행사, 접대, 사무실 간식."
)
BundlePriceRuleEnum = _choices_enum(
    "BundlePriceRuleEnum",
    PriceRule.choices,
    "How a bundle is priced: the components' sum, the sum less a discount, or a fixed price.",
)
SubscriptionFrequencyEnum = _choices_enum(
    "SubscriptionFrequencyEnum", SubscriptionFrequency.choices, "매주 or 매월."
)
SubscriptionStatusEnum = _choices_enum(
    "SubscriptionStatusEnum", SubscriptionStatus.choices, "진행 중, 일시 중지 or 해지."
)
SubscriptionRunStatusEnum = _choices_enum(
    "SubscriptionRunStatusEnum",
    SubscriptionRunStatus.choices,
    "What happened to one period: ordered, skipped (stock short) or failed.",
)


class BundleComponentType(graphene.ObjectType):
    """One component: a product variant × units per bundle."""

    variant = graphene.Field(ProductVariantType, required=True)
    product = graphene.Field(
        ProductType,
        required=True,
        description=(
            "The variant's product, from what the list loaded (prefer it to variant.product, "
            "which graphene-django re-reads once per variant)."
        ),
    )
    quantity = graphene.Int(required=True, description="Units of the variant in one bundle.")
    note = graphene.String()
    vendor = graphene.Field(VendorType, required=True, description="Who sells it.")
    unit_price = graphene.Field(TaxedMoney, required=True, description="One unit, VAT split.")
    total_price = graphene.Field(
        TaxedMoney, required=True, description="Units per bundle × unit price (undiscounted)."
    )
    quantity_available = graphene.Int(required=True, description="Units that can be bought now.")

    class Meta:
        name = "BundleComponent"

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, BundleComponent)

    def resolve_product(self, info):
        return self.variant.product

    def resolve_vendor(self, info):
        return self.variant.product.vendor

    def resolve_note(self, info):
        return self.note or None

    def resolve_unit_price(self, info):
        return taxed_money(split_gross(self.variant.price, self.variant.product.tax_type))

    def resolve_total_price(self, info):
        amount = self.variant.price * self.quantity
        return taxed_money(split_gross(amount, self.variant.product.tax_type))

    def resolve_quantity_available(self, info):
        return pricing._available_units(self.variant)


class BundlePricing(graphene.ObjectType):
    """One bundle's price. ``price`` = ``undiscounted`` − ``discount``; VAT is split per
    component line on its share of the discounted price."""

    undiscounted = graphene.Field(TaxedMoney, required=True)
    price = graphene.Field(TaxedMoney, required=True)
    discount = graphene.Field(Money, required=True)


class BundleVendorShare(graphene.ObjectType):
    """What one vendor gets from one bundle (its components, after the discount)."""

    vendor = graphene.Field(VendorType, required=True)
    amount = graphene.Field(Money, required=True)
    undiscounted = graphene.Field(Money, required=True)
    discount = graphene.Field(Money, required=True)


class BundleAvailabilityType(graphene.ObjectType):
    """How many bundles can be made now (from the components' stock; never stored)."""

    available = graphene.Boolean(required=True)
    count = graphene.Int(required=True, description="Bundles that can be bought now.")
    reasons = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Why it is unavailable, in Korean (e.g. \"구성품 '…' 재고 부족\").",
    )

    class Meta:
        name = "BundleAvailability"


class BundleType(DjangoObjectType):
    """A snack bundle (다과꾸러미): components from one or many vendors, bought as one."""

    occasion = graphene.Field(BundleOccasionEnum, required=True)
    price_rule = graphene.Field(BundlePriceRuleEnum, required=True)
    image_url = graphene.String()
    components = graphene.List(graphene.NonNull(BundleComponentType), required=True)
    pricing = graphene.Field(BundlePricing, required=True)
    vendor_shares = graphene.List(graphene.NonNull(BundleVendorShare), required=True)
    availability = graphene.Field(BundleAvailabilityType, required=True)
    curator_vendor = graphene.Field(
        VendorType, description="The vendor that curates it; null for the centre's bundles."
    )
    fixed_price = graphene.Int()
    created = graphene.DateTime(required=True)

    class Meta:
        model = Bundle
        name = "Bundle"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "name",
            "slug",
            "description",
            "serves",
            "discount_amount",
            "discount_percent",
            "is_published",
            "updated_at",
        )

    @classmethod
    def get_node(cls, info, id):
        try:
            pk = int(id)
        except (TypeError, ValueError):
            return None
        return bundle_get(pk=pk, user=current_user(info))

    def resolve_occasion(self, info):
        return self.occasion

    def resolve_price_rule(self, info):
        return self.price_rule

    def resolve_image_url(self, info):
        return absolute_url(info, self.image.url) if self.image else None

    def resolve_components(self, info):
        return pricing.components_of(self)

    def resolve_pricing(self, info):
        lines = pricing.bundle_lines(self)
        undiscounted = TaxedAmount(0, 0, 0)
        price = TaxedAmount(0, 0, 0)
        for line in lines:
            undiscounted = undiscounted + split_gross(line.undiscounted_total, line.tax_type)
            price = price + line.taxed
        return BundlePricing(
            undiscounted=taxed_money(undiscounted),
            price=taxed_money(price),
            discount=money(undiscounted.gross - price.gross),
        )

    def resolve_vendor_shares(self, info):
        return [
            BundleVendorShare(
                vendor=s.vendor,
                amount=money(s.amount),
                undiscounted=money(s.undiscounted),
                discount=money(s.discount),
            )
            for s in pricing.bundle_vendor_shares(self)
        ]

    def resolve_availability(self, info):
        a = pricing.bundle_availability(self)
        return BundleAvailabilityType(available=a.available, count=a.count, reasons=a.reasons)

    def resolve_curator_vendor(self, info):
        return self.curator_vendor

    def resolve_fixed_price(self, info):
        return self.fixed_price

    def resolve_created(self, info):
        return self.created_at


class BundleCountableConnection(CountableConnection):
    class Meta:
        node = BundleType


# ---------------------------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------------------------


class SubscriptionRunType(DjangoObjectType):
    """One period of a subscription: the order it created, or why it was not ordered."""

    status = graphene.Field(SubscriptionRunStatusEnum, required=True)
    period_date = graphene.Date(required=True)
    order_number = graphene.String()
    order_token = graphene.UUID(description="Opens the order's page (/orders/<token>/).")
    message = graphene.String(required=True)

    class Meta:
        model = SubscriptionRun
        name = "BundleSubscriptionRun"
        fields = ("created_at",)

    def resolve_status(self, info):
        return self.status

    def resolve_order_number(self, info):
        return self.order.number if self.order_id else None

    def resolve_order_token(self, info):
        return self.order.token if self.order_id else None


class SubscriptionType(DjangoObjectType):
    """An office's standing order (정기배송) of a bundle, paid on invoice."""

    bundle = graphene.Field(BundleType, required=True)
    frequency = graphene.Field(SubscriptionFrequencyEnum, required=True)
    status = graphene.Field(SubscriptionStatusEnum, required=True)
    next_delivery_on = graphene.Date(required=True)
    monthly_estimate = graphene.Field(
        Money, required=True, description="Goods per month, VAT included (weekly: × 52/12)."
    )
    runs = graphene.List(graphene.NonNull(SubscriptionRunType), required=True)

    class Meta:
        model = Subscription
        name = "BundleSubscription"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "token",
            "quantity",
            "gateway",
            "email",
            "recipient_name",
            "phone",
            "postcode",
            "road_address",
            "detail_address",
            "created_at",
        )

    @classmethod
    def get_node(cls, info, id):
        user = current_user(info)
        if user is None:
            return None
        qs = Subscription.objects.select_related("bundle")
        if not user.is_staff:
            qs = qs.filter(user=user)
        return qs.filter(pk=id).first()

    def resolve_frequency(self, info):
        return self.frequency

    def resolve_status(self, info):
        return self.status

    def resolve_monthly_estimate(self, info):
        return money(monthly_estimate(self.bundle, self.quantity, self.frequency))

    def resolve_runs(self, info):
        return self.runs.all()


class SubscriptionCountableConnection(CountableConnection):
    class Meta:
        node = SubscriptionType
