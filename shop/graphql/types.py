"""Storefront GraphQL types in Saleor's shape (names and fields shared with Saleor's schema),
plus the marketplace fields: ``Product.vendor``, ``Product.taxType``, ``Product.allergens``.

Money is integer KRW. ``Money.amount`` is a Float as in Saleor, but always integral;
``TaxedMoney.gross`` is the VAT-inclusive price and ``net``/``tax`` come from
``shop.tax.split_gross`` (DOMAIN.md "Money and tax").

Every resolver here reads what the selectors prefetched (``shop.selectors.with_relations``)
or a per-request cache (the category tree, the vendors the user manages), so a page of
products costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

import graphene
from django.db.models import Q
from django.utils import timezone
from graphene import relay
from graphene_django import DjangoObjectType
from graphql_relay import to_global_id

from core.graphql.connection import CountableConnection, paginate
from shop import selectors
from shop.catalog.models import (
    Allergen,
    Category,
    DietaryTag,
    Product,
    ProductImage,
    ProductKind,
    ProductVariant,
    TaxType,
)
from shop.tax import TaxedAmount, split_gross
from vendors.eligibility import organization_is_eligible
from vendors.graphql.types import VendorType  # noqa: F401 - registers Vendor for Product.vendor

CURRENCY = "KRW"


def _choices_enum(name: str, choices, doc: str) -> type[graphene.Enum]:
    labels = {value: str(label) for value, label in choices}

    def describe(member):
        if member is None:
            return doc
        return labels.get(member.value)

    return graphene.Enum(name, [(v.upper(), v) for v in labels], description=describe)


TaxTypeEnum = _choices_enum(
    "TaxTypeEnum", TaxType.choices, "VAT treatment of a product: 과세, 면세 or 영세."
)
AllergenEnum = _choices_enum(
    "AllergenEnum", Allergen.choices, "Allergens of Korea's food labelling standard."
)
DietaryTagEnum = _choices_enum("DietaryTagEnum", DietaryTag.choices, "Dietary labels.")
ProductKindEnum = _choices_enum(
    "ProductKindEnum", ProductKind.choices, "What a product is for the snack-bundle builder."
)


def enum_value(value):
    """Input enums arrive as members or raw values; give the raw value."""
    return getattr(value, "value", value)


# ---------------------------------------------------------------------------------------------
# Per-request caches
# ---------------------------------------------------------------------------------------------


def request_cache(info, key: str, load):
    ctx = info.context
    cache = getattr(ctx, "_shop_cache", None)
    if cache is None:
        cache = {}
        try:
            ctx._shop_cache = cache
        except AttributeError:  # pragma: no cover - a context that takes no attributes
            return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def category_tree_for(info) -> selectors.CategoryTree:
    return request_cache(info, "category_tree", selectors.category_tree)


def managed_vendor_ids(info) -> set[int] | None:
    """Vendor ids the current user manages; ``None`` means all (centre staff)."""
    user = getattr(info.context, "user", None)

    def load():
        if user is None or not user.is_authenticated:
            return set()
        if user.is_staff:
            return None
        return set(user.vendor_roles.values_list("vendor_id", flat=True))

    return request_cache(info, "managed_vendor_ids", load)


def absolute_url(info, url: str) -> str:
    build = getattr(info.context, "build_absolute_uri", None)
    return build(url) if build else url


# ---------------------------------------------------------------------------------------------
# Channels: one, ``default-channel``, in KRW
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelData:
    id: int
    slug: str
    name: str
    currency_code: str
    is_active: bool = True


DEFAULT_CHANNEL = ChannelData(1, "default-channel", "누리 기본 채널", CURRENCY)
CHANNELS = {DEFAULT_CHANNEL.slug: DEFAULT_CHANNEL}


class CountryDisplay(graphene.ObjectType):
    code = graphene.String(required=True, description="Country code.")
    country = graphene.String(required=True, description="Country name.")


class Channel(graphene.ObjectType):
    """A sales channel. Nuri has one: ``default-channel``, in KRW, shipping in Korea."""

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    is_active = graphene.Boolean(required=True)
    currency_code = graphene.String(required=True)
    default_country = graphene.Field(CountryDisplay, required=True)

    class Meta:
        interfaces = (relay.Node,)

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, ChannelData)

    @classmethod
    def get_node(cls, info, id):
        return next((c for c in CHANNELS.values() if str(c.id) == str(id)), None)

    def resolve_default_country(self, info):
        return CountryDisplay(code="KR", country="대한민국")


# ---------------------------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------------------------


class Money(graphene.ObjectType):
    """An amount of money. KRW has no minor unit: ``amount`` is always a whole number."""

    currency = graphene.String(required=True, description="Currency code (KRW).")
    amount = graphene.Float(required=True, description="Amount in won (integral).")


class TaxedMoney(graphene.ObjectType):
    """A price with VAT: gross (what citizens pay) = net (공급가액) + tax (세액)."""

    currency = graphene.String(required=True)
    gross = graphene.Field(Money, required=True, description="Amount of money including VAT.")
    net = graphene.Field(Money, required=True, description="Amount of money without VAT.")
    tax = graphene.Field(Money, required=True, description="Amount of VAT.")


class TaxedMoneyRange(graphene.ObjectType):
    start = graphene.Field(TaxedMoney, description="Lower bound of a price range.")
    stop = graphene.Field(TaxedMoney, description="Upper bound of a price range.")


def money(amount: int) -> Money:
    return Money(currency=CURRENCY, amount=float(amount))


def taxed_money(amount: TaxedAmount) -> TaxedMoney:
    return TaxedMoney(
        currency=CURRENCY,
        gross=money(amount.gross),
        net=money(amount.net),
        tax=money(amount.tax),
    )


class ProductPricingInfo(graphene.ObjectType):
    on_sale = graphene.Boolean(description="Whether it is in sale or not.")
    discount = graphene.Field(TaxedMoney, description="The discount amount if in sale.")
    price_range = graphene.Field(TaxedMoneyRange, description="The discounted price range.")
    price_range_undiscounted = graphene.Field(TaxedMoneyRange, description="The price range.")
    display_gross_prices = graphene.Boolean(
        required=True, description="Prices are shown with VAT (always true in Korea)."
    )


class VariantPricingInfo(graphene.ObjectType):
    on_sale = graphene.Boolean()
    discount = graphene.Field(TaxedMoney)
    price = graphene.Field(TaxedMoney, description="The price, with any discount subtracted.")
    price_undiscounted = graphene.Field(TaxedMoney, description="The price without any discount.")


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------

ProductMediaType = graphene.Enum("ProductMediaType", [("IMAGE", "IMAGE"), ("VIDEO", "VIDEO")])
ThumbnailFormatEnum = graphene.Enum(
    "ThumbnailFormatEnum", [("ORIGINAL", "ORIGINAL"), ("AVIF", "AVIF"), ("WEBP", "WEBP")]
)


class Thumbnail(graphene.ObjectType):
    url = graphene.String(required=True)
    alt = graphene.String()


def _image_url(info, image: ProductImage, *, thumbnail: bool) -> str:
    f = image.thumbnail if (thumbnail and image.thumbnail) else image.image
    return absolute_url(info, f.url)


class ProductMediaTypeNode(DjangoObjectType):
    """A product image. ``size``/``format`` are accepted for compatibility; one rendition
    (the stored thumbnail when a size is asked, else the original) is served."""

    url = graphene.String(
        required=True, size=graphene.Int(), format=graphene.Argument(ThumbnailFormatEnum)
    )
    type = graphene.Field(ProductMediaType, required=True)
    alt = graphene.String(required=True)
    oembed_data = graphene.JSONString(required=True)
    product_id = graphene.ID()

    class Meta:
        model = ProductImage
        name = "ProductMedia"
        interfaces = (relay.Node,)
        fields = ("id", "sort_order")

    def resolve_url(self, info, size=None, format=None):
        return _image_url(info, self, thumbnail=bool(size))

    def resolve_type(self, info):
        return "IMAGE"

    def resolve_oembed_data(self, info):
        return {}

    def resolve_product_id(self, info):
        return to_global_id("Product", self.product_id)


# ---------------------------------------------------------------------------------------------
# Categories (resolved from the per-request category tree)
# ---------------------------------------------------------------------------------------------


class ListSource:
    """A list that ``core.graphql.connection.paginate`` can slice and count."""

    def __init__(self, items):
        self.items = list(items)

    def __getitem__(self, key):
        return self.items[key]

    def count(self) -> int:
        return len(self.items)


class CategoryType(DjangoObjectType):
    seo_title = graphene.String()
    seo_description = graphene.String()
    parent = graphene.Field(lambda: CategoryType)
    level = graphene.Int(required=True)
    ancestors = relay.ConnectionField(lambda: CategoryCountableConnection)
    children = relay.ConnectionField(lambda: CategoryCountableConnection)
    background_image = graphene.Field(
        Thumbnail, size=graphene.Int(), format=graphene.Argument(ThumbnailFormatEnum)
    )

    class Meta:
        model = Category
        name = "Category"
        interfaces = (relay.Node,)
        fields = ("id", "name", "slug", "description")

    def resolve_seo_title(self, info):
        return self.name

    def resolve_seo_description(self, info):
        return self.description or None

    def resolve_parent(self, info):
        return category_tree_for(info).by_id.get(self.parent_id) if self.parent_id else None

    def resolve_level(self, info):
        return category_tree_for(info).level(self)

    def resolve_ancestors(self, info, **kwargs):
        tree = category_tree_for(info)
        return paginate(ListSource(tree.ancestors(self)), CategoryCountableConnection, **kwargs)

    def resolve_children(self, info, **kwargs):
        tree = category_tree_for(info)
        return paginate(ListSource(tree.children(self)), CategoryCountableConnection, **kwargs)

    def resolve_background_image(self, info, size=None, format=None):
        return None


class CategoryCountableConnection(CountableConnection):
    class Meta:
        node = CategoryType


# ---------------------------------------------------------------------------------------------
# Products and variants
# ---------------------------------------------------------------------------------------------


class StockType(graphene.ObjectType):
    """Stock of a variant (visible to the vendor's staff and the centre)."""

    quantity = graphene.Int(required=True, description="Units on hand.")
    quantity_allocated = graphene.Int(required=True, description="Units held by open orders.")

    class Meta:
        name = "Stock"


def _stock(variant: ProductVariant):
    try:
        return variant.stock
    except ProductVariant.stock.RelatedObjectDoesNotExist:
        return None


def variant_quantity_available(variant: ProductVariant) -> int:
    stock = _stock(variant)
    return stock.available if stock is not None else 0


def variant_price(variant: ProductVariant, tax_type: str) -> TaxedMoney:
    return taxed_money(split_gross(variant.price, tax_type))


class ProductVariantType(DjangoObjectType):
    quantity_available = graphene.Int(
        description="Units that can be bought now (on hand minus allocated)."
    )
    pricing = graphene.Field(VariantPricingInfo)
    weight_grams = graphene.Int(description="Weight in grams.")
    servings = graphene.Int(required=True, description="How many people one unit serves.")
    stocks = graphene.List(
        graphene.NonNull(StockType),
        description="Stock records; only for the vendor's staff and the centre.",
    )

    class Meta:
        model = ProductVariant
        name = "ProductVariant"
        interfaces = (relay.Node,)
        fields = ("id", "name", "sku", "product")

    @classmethod
    def get_queryset(cls, queryset, info):
        return queryset.filter(product__in=visible_products(info)).select_related(
            "product", "stock"
        )

    def resolve_quantity_available(self, info):
        return variant_quantity_available(self)

    def resolve_pricing(self, info):
        price = variant_price(self, self.product.tax_type)
        return VariantPricingInfo(
            on_sale=False, discount=None, price=price, price_undiscounted=price
        )

    def resolve_stocks(self, info):
        managed = managed_vendor_ids(info)
        if managed is not None and self.product.vendor_id not in managed:
            return None
        stock = _stock(self)
        if stock is None:
            return []
        return [StockType(quantity=stock.quantity, quantity_allocated=stock.allocated)]


def visible_products(info, queryset=None):
    """Published products of active vendors, plus every product of vendors the user manages."""
    queryset = Product.objects.all() if queryset is None else queryset
    public = {"is_published": True, "vendor__is_active": True}
    user = getattr(info.context, "user", None)
    if user is None or not user.is_authenticated:
        return queryset.filter(**public)
    managed = managed_vendor_ids(info)
    if managed is None:
        return queryset
    return queryset.filter(Q(**public) | Q(vendor_id__in=managed))


class ProductType(DjangoObjectType):
    created = graphene.DateTime(required=True)
    thumbnail = graphene.Field(
        Thumbnail,
        size=graphene.Int(description="Size of the image (accepted; one size is served)."),
        format=graphene.Argument(ThumbnailFormatEnum),
    )
    media = graphene.List(graphene.NonNull(ProductMediaTypeNode))
    pricing = graphene.Field(ProductPricingInfo)
    is_available = graphene.Boolean(description="Published, and at least one variant in stock.")
    variants = graphene.List(graphene.NonNull(ProductVariantType))
    default_variant = graphene.Field(ProductVariantType)
    # Marketplace fields.
    tax_type = graphene.Field(TaxTypeEnum, required=True, description="과세 / 면세 / 영세.")
    allergens = graphene.List(
        graphene.NonNull(AllergenEnum), required=True, description="Declared allergens."
    )
    dietary_tags = graphene.List(graphene.NonNull(DietaryTagEnum), required=True)
    kind = graphene.Field(ProductKindEnum, required=True)
    certification_marks = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="친환경, HACCP, 유기농…"
    )
    counts_for_priority_purchase = graphene.Boolean(
        required=True,
        description="A purchase from this product's vendor today counts for priority purchase.",
    )

    class Meta:
        model = Product
        name = "Product"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "name",
            "slug",
            "description",
            "seo_title",
            "seo_description",
            "category",
            "vendor",
            "origin",
            "is_published",
            "is_featured",
            "updated_at",
        )

    @classmethod
    def get_queryset(cls, queryset, info):
        return visible_products(info, queryset)

    def resolve_created(self, info):
        return self.created_at

    def resolve_category(self, info):
        return self.category

    def resolve_thumbnail(self, info, size=None, format=None):
        images = list(self.images.all())
        if not images:
            return None
        first = images[0]
        return Thumbnail(url=_image_url(info, first, thumbnail=True), alt=first.alt or self.name)

    def resolve_media(self, info):
        return self.images.all()

    def resolve_variants(self, info):
        return self.variants.all()

    def resolve_default_variant(self, info):
        variants = list(self.variants.all())
        return variants[0] if variants else None

    def resolve_pricing(self, info):
        prices = [v.price for v in self.variants.all()]
        if not prices:
            return ProductPricingInfo(on_sale=False, display_gross_prices=True)
        price_range = TaxedMoneyRange(
            start=taxed_money(split_gross(min(prices), self.tax_type)),
            stop=taxed_money(split_gross(max(prices), self.tax_type)),
        )
        return ProductPricingInfo(
            on_sale=False,
            discount=None,
            price_range=price_range,
            price_range_undiscounted=price_range,
            display_gross_prices=True,
        )

    def resolve_is_available(self, info):
        if not self.is_published:
            return False
        return any(variant_quantity_available(v) > 0 for v in self.variants.all())

    def resolve_tax_type(self, info):
        return self.tax_type

    def resolve_allergens(self, info):
        return self.allergens

    def resolve_dietary_tags(self, info):
        return self.dietary_tags

    def resolve_kind(self, info):
        return self.kind

    def resolve_certification_marks(self, info):
        return self.marks

    def resolve_counts_for_priority_purchase(self, info):
        flag = getattr(self, "is_priority", None)
        if flag is not None:
            return bool(flag)
        return organization_is_eligible(self.vendor.organization, on=timezone.localdate()).eligible


class ProductCountableConnection(CountableConnection):
    class Meta:
        node = ProductType


def product_relations(paths: set[str]) -> selectors.ProductRelations:
    """What to load with products, from the fields the client selected below a Product."""

    def asked(*prefixes: str) -> bool:
        return any(p == x or p.startswith(x + ".") for p in paths for x in prefixes)

    org = "vendor.organization."
    return selectors.ProductRelations(
        category=asked("category"),
        vendor=asked("vendor", "countsForPriorityPurchase"),
        variants=asked("variants", "defaultVariant", "pricing", "isAvailable"),
        images=asked("thumbnail", "media"),
        certifications=asked(org + "certifications", org + "eligibility"),
        participations=asked(org + "participations"),
        priority_flag=asked("countsForPriorityPurchase"),
    )
