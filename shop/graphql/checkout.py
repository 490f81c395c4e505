"""Checkout GraphQL in Saleor's shape: ``checkout``, ``checkoutCreate``, ``checkoutLinesAdd``,
``checkoutLinesUpdate``, ``checkoutLinesDelete``, ``checkoutEmailUpdate``,
``checkoutShippingAddressUpdate``, ``checkoutDeliveryMethodUpdate``, ``checkoutComplete``.

A checkout's ``id`` is the global ID of its secret token (``Checkout:<uuid>``), as in Saleor:
anyone holding it reaches an anonymous cart; a cart that belongs to an account is reached by
that account (and centre staff) only. Mutations also accept the bare token as ``id``.

The marketplace part: ``Checkout.vendorGroups`` lists the lines per vendor with each vendor's
delivery fee; ``shippingPrice`` is their sum. Money is integer KRW; every ``TaxedMoney``
splits VAT per line (``shop.tax.split_gross``) and reconciles: net + tax == gross.
Resolvers read what ``shop.checkout.selectors.checkout_get`` loaded (two queries for a cart).

Bundles: ``checkoutCreate``/``checkoutLinesAdd`` take ``bundles: [{bundleId | bundleSlug,
quantity}]`` besides ``lines`` (``bundles.services.bundle_add_to_checkout``: one line per
component, all or nothing); ``checkoutLinesUpdate`` sets a bundle's count with ``bundles``
(0 removes it); a component line shows its ``bundle``, and its ``totalPrice`` is after its
share of the bundle's discount (``Checkout.discount`` is the sum).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import graphene
from graphene import relay
from graphql_relay import from_global_id, to_global_id

from bundles import services as bundle_services
from bundles.selectors import bundle_for_ref
from core.errors import DomainError
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import current_user
from shop.checkout import services
from shop.checkout.models import Checkout
from shop.checkout.pricing import LineQuote
from shop.checkout.selectors import checkout_get, checkout_quote
from shop.graphql.types import (
    CHANNELS,
    DEFAULT_CHANNEL,
    Channel,
    CountryDisplay,
    Money,
    ProductVariantType,
    TaxedMoney,
    money,
    taxed_money,
)
from shop.orders.errors import CheckoutErrorCode
from shop.tax import TaxedAmount, split_gross
from vendors.graphql.types import VendorType

CheckoutErrorCodeEnum = graphene.Enum.from_enum(
    CheckoutErrorCode, description="Error codes of checkout mutations."
)


class CheckoutError(graphene.ObjectType):
    """A problem with a checkout mutation's input, in a machine code and a Korean message."""

    field = graphene.String(description="The input field concerned, or null.")
    code = graphene.Field(CheckoutErrorCodeEnum, required=True)
    message = graphene.String(required=True)
    variants = graphene.List(
        graphene.NonNull(graphene.ID),
        description="IDs of the product variants concerned (e.g. out of stock).",
    )


def error_dicts(errors, code_enum, *, variant_ids: bool = False) -> list[dict]:
    """Domain errors → payload dicts; a code outside the enum (from another domain) shows as
    ``INVALID`` with its message."""
    out = []
    for e in errors:
        item = {
            "field": e.field,
            "code": e.code if e.code in code_enum.__members__ else "INVALID",
            "message": str(e.message),
        }
        if variant_ids:
            item["variants"] = [
                to_global_id("ProductVariant", pk) for pk in getattr(e, "variant_ids", [])
            ] or None
        out.append(item)
    return out


class CheckoutBaseMutation(BaseMutation):
    class Meta:
        abstract = True

    @classmethod
    def error_response(cls, errors):
        return cls(errors=error_dicts(errors, CheckoutErrorCode, variant_ids=True))


# ---------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------


class Address(graphene.ObjectType):
    """A Korean delivery address, with Saleor's names where they fit: ``firstName`` is the
    recipient, ``streetAddress1`` the road address, ``streetAddress2`` the detail,
    ``postalCode`` the 5-digit postcode."""

    first_name = graphene.String(required=True, description="받는 분 (recipient).")
    last_name = graphene.String(required=True, description="Always empty (see firstName).")
    street_address_1 = graphene.String(required=True, description="도로명 주소.")
    street_address_2 = graphene.String(required=True, description="상세 주소.")
    postal_code = graphene.String(required=True, description="우편번호 (5 digits).")
    phone = graphene.String(required=True, description="연락처, e.g. 010-1234-5678.")
    city = graphene.String(required=True)
    country = graphene.Field(CountryDisplay, required=True)
    recipient_name = graphene.String(required=True)
    road_address = graphene.String(required=True)
    detail_address = graphene.String(required=True)
    postcode = graphene.String(required=True)

    @staticmethod
    def from_fields(obj) -> Address | None:
        """From a model with ``AddressFields`` (checkout, order), or None when unset."""
        if not obj.has_address:
            return None
        return Address(
            first_name=obj.recipient_name,
            last_name="",
            street_address_1=obj.road_address,
            street_address_2=obj.detail_address,
            postal_code=obj.postcode,
            phone=obj.phone,
            city=obj.road_address.split(" ")[0] if obj.road_address else "",
            country=CountryDisplay(code="KR", country="대한민국"),
            recipient_name=obj.recipient_name,
            road_address=obj.road_address,
            detail_address=obj.detail_address,
            postcode=obj.postcode,
        )


class AddressInput(graphene.InputObjectType):
    """A Korean address. Give the Korean names (``recipientName``, ``roadAddress``,
    ``detailAddress``, ``postcode``) or Saleor's (``firstName`` [+ ``lastName``],
    ``streetAddress1``, ``streetAddress2``, ``postalCode``); ``phone`` in both."""

    recipient_name = graphene.String()
    road_address = graphene.String()
    detail_address = graphene.String()
    postcode = graphene.String()
    first_name = graphene.String()
    last_name = graphene.String()
    street_address_1 = graphene.String()
    street_address_2 = graphene.String()
    postal_code = graphene.String()
    phone = graphene.String()
    city = graphene.String(description="Accepted and ignored (part of the road address).")
    country = graphene.String(description="Accepted; only KR is delivered to.")


def address_from_input(data) -> dict:
    data = data or {}
    name = data.get("recipient_name") or "".join(
        part for part in (data.get("last_name"), data.get("first_name")) if part
    )
    if data.get("country") and str(data["country"]).upper() not in ("KR", "KOR"):
        raise DomainError(
            "INVALID_SHIPPING_ADDRESS", "국내(대한민국) 주소로만 배송합니다.", "country"
        )
    return {
        "recipient_name": name or "",
        "phone": data.get("phone") or "",
        "postcode": data.get("postcode") or data.get("postal_code") or "",
        "road_address": data.get("road_address") or data.get("street_address_1") or "",
        "detail_address": data.get("detail_address") or data.get("street_address_2") or "",
    }


# ---------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------


class ShippingMethod(graphene.ObjectType):
    """A delivery method; its price is the sum of the vendors' delivery fees for this cart."""

    name = graphene.String(required=True)
    description = graphene.String()
    price = graphene.Field(Money, required=True)
    minimum_delivery_days = graphene.Int()
    maximum_delivery_days = graphene.Int()
    active = graphene.Boolean(required=True)
    message = graphene.String()

    class Meta:
        interfaces = (relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, ShippingMethodData)

    @classmethod
    def get_node(cls, info, id):
        method = services.DELIVERY_METHODS.get(id)
        return ShippingMethodData(method, None) if method else None

    def resolve_id(self, info):
        return self.method.id

    def resolve_name(self, info):
        return self.method.name

    def resolve_description(self, info):
        return self.method.description

    def resolve_price(self, info):
        return money(self.price or 0)

    def resolve_minimum_delivery_days(self, info):
        return self.method.minimum_delivery_days

    def resolve_maximum_delivery_days(self, info):
        return self.method.maximum_delivery_days

    def resolve_active(self, info):
        return True

    def resolve_message(self, info):
        return None


@dataclass
class ShippingMethodData:
    method: services.DeliveryMethod
    price: int | None


def _quote(checkout: Checkout):
    cached = getattr(checkout, "_nuri_quote", None)
    if cached is None:
        cached = checkout._nuri_quote = checkout_quote(checkout)
    return cached


class CheckoutLine(graphene.ObjectType):
    variant = graphene.Field(ProductVariantType, required=True)
    quantity = graphene.Int(required=True)
    unit_price = graphene.Field(TaxedMoney, required=True, description="Price of one unit.")
    undiscounted_unit_price = graphene.Field(Money, required=True)
    total_price = graphene.Field(TaxedMoney, required=True, description="Line total, VAT split.")
    undiscounted_total_price = graphene.Field(Money, required=True)
    requires_shipping = graphene.Boolean(required=True)
    quantity_available = graphene.Int(
        required=True, description="Units of the variant that can be bought now."
    )
    bundle = graphene.Field(
        "bundles.graphql.types.BundleType",
        description="The bundle this line is a component of (null for a product on its own).",
    )
    bundle_quantity = graphene.Int(
        required=True, description="How many bundles the line holds (0 for a product)."
    )

    class Meta:
        interfaces = (relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, LineQuote)

    def resolve_bundle(self, info):
        return self.bundle

    def resolve_bundle_quantity(self, info):
        return self.bundle_quantity if self.bundle is not None else 0

    @classmethod
    def get_node(cls, info, id):
        return None  # reach lines through their checkout

    def resolve_id(self, info):
        return self.key.pk

    def resolve_variant(self, info):
        return self.variant

    def resolve_unit_price(self, info):
        return taxed_money(split_gross(self.unit_price, self.tax_type))

    def resolve_undiscounted_unit_price(self, info):
        return money(self.unit_price)

    def resolve_total_price(self, info):
        return taxed_money(self.taxed)

    def resolve_undiscounted_total_price(self, info):
        return money(self.undiscounted_total)

    def resolve_requires_shipping(self, info):
        return True

    def resolve_quantity_available(self, info):
        try:
            return self.variant.stock.available
        except self.variant.__class__.stock.RelatedObjectDoesNotExist:
            return 0


class CheckoutVendorGroup(graphene.ObjectType):
    """One vendor's part of the cart: its lines and its delivery fee (shipped separately)."""

    vendor = graphene.Field(VendorType, required=True)
    lines = graphene.List(graphene.NonNull(CheckoutLine), required=True)
    subtotal = graphene.Field(TaxedMoney, required=True, description="The vendor's lines.")
    shipping_fee = graphene.Field(TaxedMoney, required=True, description="Its delivery fee.")
    total = graphene.Field(TaxedMoney, required=True, description="Lines plus delivery.")
    free_shipping_over = graphene.Field(
        Money, description="Delivery is free from this subtotal (the vendor's policy)."
    )
    amount_to_free_shipping = graphene.Field(
        Money, description="What is missing for free delivery, or null when free or never free."
    )

    def resolve_lines(self, info):
        return self.lines

    def resolve_subtotal(self, info):
        return taxed_money(_sum_taxed(line.taxed for line in self.lines))

    def resolve_shipping_fee(self, info):
        return taxed_money(self.shipping_taxed)

    def resolve_total(self, info):
        return taxed_money(self.taxed)

    def resolve_free_shipping_over(self, info):
        over = self.vendor.shipping_free_over
        return money(over) if over is not None else None

    def resolve_amount_to_free_shipping(self, info):
        over = self.vendor.shipping_free_over
        if over is None or self.subtotal >= over:
            return None
        return money(over - self.subtotal)


def _sum_taxed(amounts) -> TaxedAmount:
    total = TaxedAmount(0, 0, 0)
    for amount in amounts:
        total = total + amount
    return total


class CheckoutType(graphene.ObjectType):
    """A cart across many vendors, on its way to become one order."""

    token = graphene.UUID(required=True, description="The checkout's secret token.")
    created = graphene.DateTime(required=True)
    last_change = graphene.DateTime(required=True)
    email = graphene.String()
    channel = graphene.Field(Channel, required=True)
    quantity = graphene.Int(required=True, description="Units in the cart.")
    lines = graphene.List(graphene.NonNull(CheckoutLine), required=True)
    vendor_groups = graphene.List(
        graphene.NonNull(CheckoutVendorGroup),
        required=True,
        description="Lines grouped by vendor, each with its delivery fee.",
    )
    subtotal_price = graphene.Field(TaxedMoney, required=True, description="Sum of the lines.")
    shipping_price = graphene.Field(
        TaxedMoney, required=True, description="Sum of the vendors' delivery fees."
    )
    discount = graphene.Field(
        Money, required=True, description="Bundle discounts (already taken off the lines)."
    )
    total_price = graphene.Field(TaxedMoney, required=True, description="Subtotal + delivery.")
    total_balance = graphene.Field(
        Money,
        required=True,
        description="Charged minus total: negative while something is left to pay.",
    )
    shipping_address = graphene.Field(Address)
    is_shipping_required = graphene.Boolean(required=True)
    delivery_method = graphene.Field(ShippingMethod)
    shipping_method = graphene.Field(ShippingMethod, deprecation_reason="Use deliveryMethod.")
    available_shipping_methods = graphene.List(graphene.NonNull(ShippingMethod), required=True)
    shipping_methods = graphene.List(graphene.NonNull(ShippingMethod), required=True)

    class Meta:
        name = "Checkout"
        interfaces = (relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, Checkout)

    @classmethod
    def get_node(cls, info, id):
        return checkout_for_viewer(info, id)

    def resolve_id(self, info):
        return str(self.token)

    def resolve_created(self, info):
        return self.created_at

    def resolve_last_change(self, info):
        return self.updated_at

    def resolve_email(self, info):
        return self.email or None

    def resolve_channel(self, info):
        return CHANNELS.get(self.channel, DEFAULT_CHANNEL)

    def resolve_quantity(self, info):
        return sum(line.quantity for line in self.lines.all())

    def resolve_lines(self, info):
        quote = _quote(self)
        by_line = {line.key.pk: line for line in quote.lines}
        return [by_line[line.pk] for line in self.lines.all()]

    def resolve_vendor_groups(self, info):
        return _quote(self).groups

    def resolve_subtotal_price(self, info):
        return taxed_money(_sum_taxed(line.taxed for line in _quote(self).lines))

    def resolve_shipping_price(self, info):
        return taxed_money(_sum_taxed(g.shipping_taxed for g in _quote(self).groups))

    def resolve_discount(self, info):
        return money(_quote(self).discount_total)

    def resolve_total_price(self, info):
        return taxed_money(_quote(self).taxed)

    def resolve_total_balance(self, info):
        from shop.payments import services as payments

        return money(payments.checkout_paid_amount(self) - _quote(self).total)

    def resolve_shipping_address(self, info):
        return Address.from_fields(self)

    def resolve_is_shipping_required(self, info):
        return True

    def resolve_delivery_method(self, info):
        method = services.checkout_delivery_method(self)
        return ShippingMethodData(method, _quote(self).shipping_total) if method else None

    resolve_shipping_method = resolve_delivery_method

    def resolve_available_shipping_methods(self, info):
        price = _quote(self).shipping_total
        return [ShippingMethodData(m, price) for m in services.DELIVERY_METHODS.values()]

    resolve_shipping_methods = resolve_available_shipping_methods


# ---------------------------------------------------------------------------------------------
# Finding the checkout
# ---------------------------------------------------------------------------------------------


def parse_checkout_token(value) -> uuid.UUID | None:
    """A checkout global ID (``Checkout:<uuid>``) or a bare token → the token."""
    if not value:
        return None
    text = str(value)
    try:
        return uuid.UUID(text)
    except ValueError:
        pass
    try:
        type_name, raw = from_global_id(text)
        if type_name == "Checkout":
            return uuid.UUID(raw)
    except (ValueError, TypeError, UnicodeDecodeError):
        pass
    return None


def checkout_for_viewer(info, value) -> Checkout | None:
    token = parse_checkout_token(value)
    checkout = checkout_get(token) if token else None
    if checkout is None or not services.checkout_can_access(checkout, current_user(info)):
        return None
    return checkout


def current_checkout(info) -> Checkout | None:
    """The signed-in account's cart, or the anonymous cart of this web session."""
    user = current_user(info)
    if user is not None:
        return services.user_checkout_get(user)
    session = getattr(info.context, "session", None)
    token = session.get(services.CHECKOUT_SESSION_KEY) if session is not None else None
    checkout = checkout_get(token) if token else None
    return checkout if checkout is not None and checkout.user_id is None else None


def checkout_from_args(info, id=None, token=None) -> Checkout:
    """The checkout a mutation acts on (``id`` or ``token``), checking access."""
    value = id or token
    if not value:
        raise DomainError("REQUIRED", "장바구니 ID를 입력하세요.", "id")
    parsed = parse_checkout_token(value)
    checkout = checkout_get(parsed) if parsed else None
    if checkout is None:
        raise DomainError("NOT_FOUND", "장바구니를 찾을 수 없습니다.", "id")
    services.require_checkout_access(checkout, current_user(info))
    return checkout


def _variant_pk(value, field: str) -> int:
    return decode_id(value, "ProductVariant", field=field)


def _line_pairs(lines, field: str = "lines") -> list[tuple[int, int]]:
    return [(_variant_pk(line["variant_id"], field), line["quantity"]) for line in lines or []]


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


class CheckoutQueries(graphene.ObjectType):
    checkout = graphene.Field(
        CheckoutType,
        id=graphene.ID(description="The checkout's ID (or its token)."),
        token=graphene.UUID(description="The checkout's token."),
        description=(
            "Look up a checkout by ID or token; without either, the signed-in account's cart "
            "or the anonymous cart of this web session."
        ),
    )

    def resolve_checkout(self, info, id=None, token=None):
        if id or token:
            return checkout_for_viewer(info, id or token)
        return current_checkout(info)


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


class CheckoutLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True, description="ID of the product variant.")
    quantity = graphene.Int(required=True, description="The number of items purchased.")


class CheckoutBundleInput(graphene.InputObjectType):
    bundle_id = graphene.ID(description="ID of the bundle (or give bundleSlug).")
    bundle_slug = graphene.String(description="Slug of the bundle.")
    quantity = graphene.Int(required=True, description="The number of bundles.")


def _bundle_items(info, items, field: str = "bundles") -> list[tuple[object, int]]:
    """``[{bundleId | bundleSlug, quantity}]`` → ``[(bundle, quantity)]`` (bundles the viewer
    may see)."""
    out = []
    for item in items or []:
        bundle_id, slug = item.get("bundle_id"), item.get("bundle_slug")
        if bool(bundle_id) == bool(slug):
            raise DomainError("REQUIRED", "bundleId나 bundleSlug 중 하나를 주세요.", field)
        pk = decode_id(bundle_id, "Bundle", field=field) if bundle_id else None
        bundle = bundle_for_ref(user=current_user(info), pk=pk, slug=slug)
        if bundle is None:
            raise DomainError("NOT_FOUND", "꾸러미를 찾을 수 없습니다.", field)
        out.append((bundle, item["quantity"]))
    return out


def _add_bundles(info, checkout: Checkout, items) -> Checkout:
    for bundle, quantity in _bundle_items(info, items):
        checkout = bundle_services.bundle_add_to_checkout(
            checkout=checkout, bundle=bundle, quantity=quantity, actor=current_user(info)
        )
    return checkout


class CheckoutLineUpdateInput(graphene.InputObjectType):
    variant_id = graphene.ID(description="ID of the product variant (or give lineId).")
    line_id = graphene.ID(description="ID of the checkout line (or give variantId).")
    quantity = graphene.Int(required=True, description="New quantity; 0 removes the line.")


class CheckoutCreateInput(graphene.InputObjectType):
    channel = graphene.String(description="Slug of the channel (default-channel).")
    email = graphene.String(description="The customer's email address.")
    lines = graphene.List(
        graphene.NonNull(CheckoutLineInput), required=True, description="Products to buy."
    )
    bundles = graphene.List(
        graphene.NonNull(CheckoutBundleInput), description="Bundles to buy (다과꾸러미)."
    )
    shipping_address = graphene.Field(AddressInput, description="The delivery address.")


class CheckoutPayload:
    checkout = graphene.Field(CheckoutType)


class CheckoutCreate(CheckoutPayload, CheckoutBaseMutation):
    """Create a new checkout (a cart); an anonymous buyer's token is kept in the session."""

    class Arguments:
        input = CheckoutCreateInput(required=True)

    class Meta:
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = current_user(info)
        address = input.get("shipping_address")
        checkout = services.checkout_create(
            user=user,
            email=input.get("email") or "",
            channel=input.get("channel"),
            lines=_line_pairs(input.get("lines")),
            shipping_address=address_from_input(address) if address else None,
        )
        if input.get("bundles"):
            checkout = _add_bundles(info, checkout, input["bundles"])
        if user is None:
            services.checkout_remember_in_session(info.context, checkout)
        return cls(checkout=checkout)


class _CheckoutIdArgs:
    id = graphene.ID(description="The checkout's ID (or its token).")
    token = graphene.UUID(description="The checkout's token (use id).")


class CheckoutLinesAdd(CheckoutPayload, CheckoutBaseMutation):
    """Add lines and/or bundles; a variant (or bundle) already in the cart gets the added
    quantity. A bundle adds one line per component, all or nothing."""

    class Arguments(_CheckoutIdArgs):
        lines = graphene.List(graphene.NonNull(CheckoutLineInput))
        bundles = graphene.List(graphene.NonNull(CheckoutBundleInput))

    class Meta:
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, lines=None, bundles=None, id=None, token=None):
        checkout = checkout_from_args(info, id, token)
        if not lines and not bundles:
            raise DomainError("REQUIRED", "담을 상품이나 꾸러미를 고르세요.", "lines")
        if lines:
            checkout = services.checkout_lines_add(checkout=checkout, lines=_line_pairs(lines))
        if bundles:
            checkout = _add_bundles(info, checkout, bundles)
        return cls(checkout=checkout)


class CheckoutLinesUpdate(CheckoutPayload, CheckoutBaseMutation):
    """Set line quantities (0 removes a line) and/or bundle counts (``bundles``; 0 removes
    the bundle). A bundle's component lines change with the bundle only."""

    class Arguments(_CheckoutIdArgs):
        lines = graphene.List(graphene.NonNull(CheckoutLineUpdateInput))
        bundles = graphene.List(graphene.NonNull(CheckoutBundleInput))

    class Meta:
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, lines=None, bundles=None, id=None, token=None):
        checkout = checkout_from_args(info, id, token)
        if lines is None and not bundles:
            raise DomainError("REQUIRED", "바꿀 상품을 고르세요.", "lines")
        by_line = {line.pk: line for line in checkout.lines.all()}
        pairs = []
        for line in lines or []:
            if line.get("line_id"):
                pk = decode_id(line["line_id"], "CheckoutLine", field="lines")
                if pk not in by_line:
                    raise DomainError("NOT_FOUND", "장바구니에 없는 상품입니다.", "lines")
                if by_line[pk].bundle_id is not None:
                    raise DomainError(
                        "INVALID",
                        "꾸러미 구성품은 꾸러미 단위로 바꿉니다 (bundles로 꾸러미 수를 주세요).",
                        "lines",
                    )
                pairs.append((by_line[pk].variant_id, line["quantity"]))
            elif line.get("variant_id"):
                pairs.append((_variant_pk(line["variant_id"], "lines"), line["quantity"]))
            else:
                raise DomainError("REQUIRED", "variantId나 lineId를 입력하세요.", "lines")
        if lines is not None and (pairs or not bundles):
            checkout = services.checkout_lines_update(checkout=checkout, lines=pairs)
        for bundle, quantity in _bundle_items(info, bundles):
            checkout = bundle_services.bundle_set_checkout_quantity(
                checkout=checkout, bundle=bundle, quantity=quantity, actor=current_user(info)
            )
        return cls(checkout=checkout)


class CheckoutLinesDelete(CheckoutPayload, CheckoutBaseMutation):
    """Remove lines from the cart."""

    class Arguments(_CheckoutIdArgs):
        lines_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, lines_ids, id=None, token=None):
        checkout = checkout_from_args(info, id, token)
        ids = [decode_id(v, "CheckoutLine", field="linesIds") for v in lines_ids]
        return cls(checkout=services.checkout_lines_delete(checkout=checkout, line_ids=ids))


class CheckoutEmailUpdate(CheckoutPayload, CheckoutBaseMutation):
    class Arguments(_CheckoutIdArgs):
        email = graphene.String(required=True)

    class Meta:
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, email, id=None, token=None):
        checkout = checkout_from_args(info, id, token)
        return cls(checkout=services.checkout_email_update(checkout=checkout, email=email))


class CheckoutShippingAddressUpdate(CheckoutPayload, CheckoutBaseMutation):
    """Set the Korean delivery address; every invalid field is reported
    (``INVALID_SHIPPING_ADDRESS`` with the field name)."""

    class Arguments(_CheckoutIdArgs):
        shipping_address = AddressInput(required=True)

    class Meta:
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, shipping_address, id=None, token=None):
        checkout = checkout_from_args(info, id, token)
        return cls(
            checkout=services.checkout_shipping_address_update(
                checkout=checkout, **address_from_input(shipping_address)
            )
        )


class CheckoutDeliveryMethodUpdate(CheckoutPayload, CheckoutBaseMutation):
    """Choose the delivery method (``standard``: 택배, priced per vendor)."""

    class Arguments(_CheckoutIdArgs):
        delivery_method_id = graphene.ID(
            required=True, description="ShippingMethod ID, or 'standard'."
        )

    class Meta:
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, delivery_method_id, id=None, token=None):
        checkout = checkout_from_args(info, id, token)
        method = delivery_method_id
        if method not in services.DELIVERY_METHODS:
            try:
                type_name, raw = from_global_id(method)
                if type_name == "ShippingMethod":
                    method = raw
            except (ValueError, TypeError, UnicodeDecodeError):
                pass
        return cls(
            checkout=services.checkout_delivery_method_update(
                checkout=checkout, delivery_method_id=method
            )
        )


class CheckoutComplete(CheckoutBaseMutation):
    """Turn the paid cart into an order (or an invoice order). Completing a checkout again
    returns the same order and changes nothing."""

    order = graphene.Field("shop.graphql.orders.OrderType")
    confirmation_needed = graphene.Boolean(required=True)
    confirmation_data = graphene.JSONString()

    class Arguments(_CheckoutIdArgs):
        pass

    class Meta:
        error_type_class = CheckoutError

    def resolve_confirmation_needed(self, info):
        return bool(self.confirmation_needed)

    @classmethod
    def perform_mutation(cls, root, info, id=None, token=None):
        from shop.graphql.orders import order_for_buyer_view

        value = id or token
        parsed = parse_checkout_token(value)
        if parsed is None:
            raise DomainError(
                "REQUIRED" if not value else "INVALID", "장바구니 ID를 입력하세요.", "id"
            )
        user = current_user(info)
        checkout = checkout_get(parsed)
        if checkout is None:
            order = services.order_for_checkout_token(parsed)
            if order is None or (order.user_id and (user is None or user.pk != order.user_id)):
                raise DomainError("NOT_FOUND", "장바구니를 찾을 수 없습니다.", "id")
        else:
            services.require_checkout_access(checkout, user)
            order = services.checkout_complete(checkout=checkout, user=user)
        return cls(order=order_for_buyer_view(order.pk), confirmation_needed=False)


class CheckoutMutations(graphene.ObjectType):
    checkout_create = CheckoutCreate.Field()
    checkout_lines_add = CheckoutLinesAdd.Field()
    checkout_lines_update = CheckoutLinesUpdate.Field()
    checkout_lines_delete = CheckoutLinesDelete.Field()
    checkout_email_update = CheckoutEmailUpdate.Field()
    checkout_shipping_address_update = CheckoutShippingAddressUpdate.Field()
    checkout_delivery_method_update = CheckoutDeliveryMethodUpdate.Field()
    checkout_complete = CheckoutComplete.Field()
