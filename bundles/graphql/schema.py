"""Bundle GraphQL: ``bundles``, ``bundle``, ``mySubscriptions``; ``bundleCreate``,
``bundleUpdate``, ``subscriptionCreate``, ``subscriptionPause``, ``subscriptionResume``,
``subscriptionCancel``. The root schema inherits ``BundleQueries`` and ``BundleMutations``.

Mutations are thin: they decode ids, call ``bundles.services`` / ``bundles.subscriptions``
(which check permissions and validate) and return the object with
``errors { field code message }`` (``BundleErrorCode``). Putting a bundle in the cart is
``checkoutLinesAdd(bundles: [{bundleId | bundleSlug, quantity}])`` (``shop.graphql.checkout``).
"""

from __future__ import annotations

import graphene
from graphene import relay

from bundles import services, subscriptions
from bundles.errors import BundleErrorCode
from bundles.graphql.types import (
    BundleCountableConnection,
    BundleOccasionEnum,
    BundlePriceRuleEnum,
    BundleType,
    SubscriptionCountableConnection,
    SubscriptionFrequencyEnum,
    SubscriptionType,
)
from bundles.models import Subscription
from bundles.selectors import bundle_for_ref, bundle_get, bundle_list, subscription_list
from core.errors import DomainError
from core.graphql.connection import paginate
from core.graphql.errors import DomainGraphQLError, error_type
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import current_user, require_login
from core.graphql.scalars import Upload
from shop.graphql.checkout import AddressInput, address_from_input
from shop.graphql.types import enum_value

BundleError = error_type("BundleError", BundleErrorCode)


class BundleBaseMutation(BaseMutation):
    class Meta:
        abstract = True

    @classmethod
    def error_response(cls, errors):
        known = BundleErrorCode.__members__
        return cls(
            errors=[
                {
                    "field": e.field,
                    "code": e.code if e.code in known else "INVALID",
                    "message": str(e.message),
                }
                for e in errors
            ]
        )


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


class BundleFilterInput(graphene.InputObjectType):
    occasion = BundleOccasionEnum(description="회의, 행사, 접대, 사무실 간식.")
    available = graphene.Boolean(
        description="true: at least one bundle can be made now; false: none can."
    )
    search = graphene.String(description="Name or description contains this text.")
    curator_vendor = graphene.ID(description="Bundles curated by this vendor.")


def _bundle_pk(value, field: str = "id") -> int:
    return decode_id(value, "Bundle", field=field)


class BundleQueries(graphene.ObjectType):
    bundles = relay.ConnectionField(
        BundleCountableConnection,
        filter=BundleFilterInput(description="Filtering options for bundles."),
        description="Snack bundles (published ones; staff and curators also see their own).",
    )
    bundle = graphene.Field(
        BundleType,
        id=graphene.ID(description="ID of the bundle."),
        slug=graphene.String(description="Slug of the bundle."),
        description="Look up a bundle by ID or slug.",
    )
    my_subscriptions = relay.ConnectionField(
        SubscriptionCountableConnection,
        description="The signed-in buyer's bundle subscriptions (정기배송); empty when signed out.",
    )

    def resolve_bundles(self, info, filter=None, **kwargs):
        f = filter or {}
        try:
            vendor = f.get("curator_vendor")
            qs = bundle_list(
                user=current_user(info),
                occasion=enum_value(f.get("occasion")) or None,
                available=f.get("available"),
                search=f.get("search") or None,
                curator_vendor_id=decode_id(vendor, "Vendor", field="curatorVendor")
                if vendor
                else None,
            )
            return paginate(qs, BundleCountableConnection, **kwargs)
        except DomainError as exc:
            raise DomainGraphQLError(exc)

    def resolve_bundle(self, info, id=None, slug=None):
        try:
            if bool(id) == bool(slug):
                raise DomainError("REQUIRED", "id나 slug 중 하나를 주세요.")
            pk = _bundle_pk(id) if id else None
        except DomainError as exc:
            raise DomainGraphQLError(exc)
        return bundle_get(pk=pk, slug=slug, user=current_user(info))

    def resolve_my_subscriptions(self, info, **kwargs):
        try:
            return paginate(
                subscription_list(current_user(info)), SubscriptionCountableConnection, **kwargs
            )
        except DomainError as exc:
            raise DomainGraphQLError(exc)


# ---------------------------------------------------------------------------------------------
# Bundle mutations
# ---------------------------------------------------------------------------------------------


class BundleComponentInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True, description="ID of the product variant.")
    quantity = graphene.Int(required=True, description="Units of it in one bundle.")
    note = graphene.String()


class BundleInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String(description="Made from the name when empty.")
    description = graphene.String()
    occasion = BundleOccasionEnum()
    serves = graphene.Int(description="How many people it serves.")
    image = Upload(description="JPG or PNG (multipart request); null removes it.")
    price_rule = BundlePriceRuleEnum()
    discount_amount = graphene.Int(description="Won off the sum (SUM_DISCOUNT).")
    discount_percent = graphene.Int(description="Percent off the sum (SUM_DISCOUNT).")
    fixed_price = graphene.Int(description="The bundle's price (FIXED).")
    is_published = graphene.Boolean()
    curator_vendor = graphene.ID(
        description="Staff only: the vendor that curates it (null: the centre)."
    )
    components = graphene.List(
        graphene.NonNull(BundleComponentInput), description="Replaces all components."
    )


class BundleCreateInput(BundleInput):
    name = graphene.String(required=True)
    occasion = BundleOccasionEnum(required=True)
    components = graphene.List(graphene.NonNull(BundleComponentInput), required=True)


_PLAIN = ("name", "slug", "description", "serves", "image", "discount_amount")
_MORE = ("discount_percent", "fixed_price", "is_published")


def _bundle_kwargs(data) -> dict:
    out = {}
    for key in (*_PLAIN, *_MORE):
        if key in data:
            out[key] = data[key]
    for key in ("occasion", "price_rule"):
        if data.get(key) is not None:
            out[key] = enum_value(data[key])
    for key in ("name", "slug", "description"):
        if key in out and out[key] is None:
            out[key] = ""
    if "curator_vendor" in data:
        value = data["curator_vendor"]
        out["curator_vendor"] = decode_id(value, "Vendor", field="curatorVendor") if value else None
    if "components" in data and data["components"] is not None:
        out["components"] = [
            services.ComponentInput(
                variant_id=decode_id(c["variant_id"], "ProductVariant", field="components"),
                quantity=c["quantity"],
                note=c.get("note") or "",
            )
            for c in data["components"]
        ]
    return out


class BundleCreate(BundleBaseMutation):
    """Create a bundle: centre staff (any vendors), a vendor's staff (their own products),
    or any signed-in buyer (a personal, unpublished bundle at the components' sum)."""

    bundle = graphene.Field(BundleType)

    class Arguments:
        input = BundleCreateInput(required=True)

    class Meta:
        error_type_class = BundleError

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = require_login(info)
        kwargs = _bundle_kwargs(input)
        if kwargs.get("serves") is None:
            kwargs.pop("serves", None)
        for key in ("discount_amount", "discount_percent"):
            if kwargs.get(key) is None:
                kwargs.pop(key, None)
        if kwargs.get("is_published") is None:
            kwargs.pop("is_published", None)
        if "price_rule" in kwargs and kwargs["price_rule"] is None:
            kwargs.pop("price_rule")
        bundle = services.bundle_create(actor=user, **kwargs)
        return cls(bundle=bundle_get(pk=bundle.pk, user=user))


class BundleUpdate(BundleBaseMutation):
    """Change a bundle (its curators and centre staff); ``components`` replaces them all."""

    bundle = graphene.Field(BundleType)

    class Arguments:
        id = graphene.ID(required=True)
        input = BundleInput(required=True)

    class Meta:
        error_type_class = BundleError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        user = require_login(info)
        bundle = bundle_for_ref(user=user, pk=_bundle_pk(id))
        if bundle is None:
            raise DomainError("NOT_FOUND", "꾸러미를 찾을 수 없습니다.", "id")
        kwargs = _bundle_kwargs(input)
        bundle = services.bundle_update(actor=user, bundle=bundle, **kwargs)
        return cls(bundle=bundle_get(pk=bundle.pk, user=user))


# ---------------------------------------------------------------------------------------------
# Subscription mutations
# ---------------------------------------------------------------------------------------------


class SubscriptionCreateInput(graphene.InputObjectType):
    bundle_id = graphene.ID(description="ID of the bundle (or give bundleSlug).")
    bundle_slug = graphene.String()
    quantity = graphene.Int(description="Bundles per delivery (default 1).")
    frequency = SubscriptionFrequencyEnum(required=True)
    start_on = graphene.Date(required=True, description="First delivery date.")
    email = graphene.String(description="Where reports go (default: the account's).")
    shipping_address = graphene.InputField(AddressInput, required=True)
    gateway = graphene.String(description="Payment gateway: invoice (the only one for now).")


def bundle_from_ref(info, *, bundle_id=None, bundle_slug=None, field: str = "bundleId"):
    """The bundle named by ``bundleId`` or ``bundleSlug`` that the viewer may see."""
    if bool(bundle_id) == bool(bundle_slug):
        raise DomainError("REQUIRED", "bundleId나 bundleSlug 중 하나를 주세요.", field)
    pk = _bundle_pk(bundle_id, field) if bundle_id else None
    bundle = bundle_for_ref(user=current_user(info), pk=pk, slug=bundle_slug)
    if bundle is None:
        raise DomainError("NOT_FOUND", "꾸러미를 찾을 수 없습니다.", field)
    return bundle


def _subscription(info, id) -> Subscription:
    user = require_login(info)
    pk = decode_id(id, "BundleSubscription")
    qs = Subscription.objects.all() if user.is_staff else Subscription.objects.filter(user=user)
    subscription = qs.filter(pk=pk).first()
    if subscription is None:
        raise DomainError("NOT_FOUND", "정기배송을 찾을 수 없습니다.", "id")
    return subscription


def _fresh(subscription: Subscription) -> Subscription:
    return subscription_list(subscription.user).get(pk=subscription.pk)


class SubscriptionPayload:
    subscription = graphene.Field(SubscriptionType)


class SubscriptionCreate(SubscriptionPayload, BundleBaseMutation):
    """Subscribe to a bundle, weekly or monthly, paid on invoice (signed-in buyers)."""

    class Arguments:
        input = SubscriptionCreateInput(required=True)

    class Meta:
        error_type_class = BundleError

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = require_login(info)
        bundle = bundle_from_ref(
            info, bundle_id=input.get("bundle_id"), bundle_slug=input.get("bundle_slug")
        )
        address = address_from_input(input.get("shipping_address"))
        subscription = subscriptions.subscription_create(
            user=user,
            bundle=bundle,
            quantity=input.get("quantity") or 1,
            frequency=enum_value(input.get("frequency")),
            start_on=input.get("start_on"),
            email=input.get("email") or "",
            gateway=input.get("gateway") or "invoice",
            **address,
        )
        return cls(subscription=_fresh(subscription))


class _SubscriptionAction(SubscriptionPayload, BundleBaseMutation):
    class Meta:
        abstract = True

    action = None

    class Arguments:
        id = graphene.ID(required=True, description="ID of the subscription.")

    @classmethod
    def perform_mutation(cls, root, info, id):
        subscription = _subscription(info, id)
        subscription = cls.action(subscription=subscription, actor=current_user(info))
        return cls(subscription=_fresh(subscription))


class SubscriptionPause(_SubscriptionAction):
    """Pause deliveries (no order is made while paused)."""

    class Meta:
        error_type_class = BundleError

    action = staticmethod(subscriptions.subscription_pause)


class SubscriptionResume(_SubscriptionAction):
    """Resume a paused subscription (from the next delivery date on)."""

    class Meta:
        error_type_class = BundleError

    action = staticmethod(subscriptions.subscription_resume)


class SubscriptionCancel(_SubscriptionAction):
    """Cancel for good."""

    class Meta:
        error_type_class = BundleError

    action = staticmethod(subscriptions.subscription_cancel)


class BundleMutations(graphene.ObjectType):
    bundle_create = BundleCreate.Field()
    bundle_update = BundleUpdate.Field()
    subscription_create = SubscriptionCreate.Field()
    subscription_pause = SubscriptionPause.Field()
    subscription_resume = SubscriptionResume.Field()
    subscription_cancel = SubscriptionCancel.Field()
