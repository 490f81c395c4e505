"""Saleor-shaped filter and sort inputs for ``products`` and ``categories``.

Shared with Saleor: ``ProductFilterInput`` (``search``, ``categories``, ``ids``, ``slugs``,
``price``, ``minimalPrice``, ``stockAvailability``, ``isAvailable``), ``PriceRangeInput``,
``ProductOrder`` / ``ProductOrderField`` / ``OrderDirection``, ``CategoryFilterInput``.
Ours, next to them: organization type, district, tax type, dietary tags, allergens and
"counts for priority purchase".
"""

from __future__ import annotations

import graphene

from core.errors import DomainError
from core.graphql.ids import decode_id
from shop.graphql.types import AllergenEnum, DietaryTagEnum, TaxTypeEnum, enum_value
from shop.selectors import ProductFilter, SortField
from vendors.districts import district_normalize
from vendors.graphql.types import OrgTypeEnum


class PriceRangeInput(graphene.InputObjectType):
    gte = graphene.Float(description="Price greater than or equal to (KRW, VAT included).")
    lte = graphene.Float(description="Price less than or equal to (KRW, VAT included).")


StockAvailability = graphene.Enum(
    "StockAvailability", [("IN_STOCK", "IN_STOCK"), ("OUT_OF_STOCK", "OUT_OF_STOCK")]
)


class ProductFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Korean full-text search (morphemes, 초성, typos).")
    categories = graphene.List(
        graphene.NonNull(graphene.ID), description="Category IDs; their subcategories included."
    )
    ids = graphene.List(graphene.NonNull(graphene.ID))
    slugs = graphene.List(graphene.NonNull(graphene.String))
    price = graphene.Field(PriceRangeInput, description="At least one variant in this range.")
    minimal_price = graphene.Field(
        PriceRangeInput, description="The product's lowest variant price in this range."
    )
    stock_availability = graphene.Field(StockAvailability)
    is_available = graphene.Boolean(description="Same as stockAvailability: IN_STOCK when true.")
    # Marketplace filters.
    vendors = graphene.List(graphene.NonNull(graphene.ID), description="Vendor IDs.")
    organization_types = graphene.List(
        graphene.NonNull(OrgTypeEnum), description="The vendor's organization type (조직 유형)."
    )
    districts = graphene.List(
        graphene.NonNull(graphene.String),
        description="The vendor's district (자치구): code (11440) or name (마포구).",
    )
    tax_types = graphene.List(graphene.NonNull(TaxTypeEnum), description="과세 / 면세 / 영세.")
    dietary_tags = graphene.List(
        graphene.NonNull(DietaryTagEnum), description="All of these labels (e.g. VEGAN)."
    )
    exclude_allergens = graphene.List(
        graphene.NonNull(AllergenEnum), description="None of these allergens declared."
    )
    allergen_free = graphene.Boolean(description="No allergen declared at all.")
    counts_for_priority_purchase = graphene.Boolean(
        description="Only vendors whose sales count for priority purchase (우선구매)."
    )
    priority_purchase_on = graphene.Date(
        description="Date for countsForPriorityPurchase; today (Asia/Seoul) by default."
    )


OrderDirection = graphene.Enum(
    "OrderDirection",
    [("ASC", "ASC"), ("DESC", "DESC")],
    description=lambda m: {"ASC": "Ascending order.", "DESC": "Descending order."}.get(
        getattr(m, "value", None)
    ),
)

_ORDER_FIELDS = {
    "NAME": (SortField.NAME, "Sort products by name."),
    "RANK": (SortField.RANK, "Sort products by rank. Only with the `search` filter."),
    "PRICE": (SortField.PRICE, "Sort products by price (the lowest variant price)."),
    "MINIMAL_PRICE": (SortField.PRICE, "Sort products by the lowest variant price."),
    "CREATED_AT": (SortField.CREATED, "Sort products by creation date."),
    "LAST_MODIFIED_AT": (SortField.UPDATED, "Sort products by update date."),
}

ProductOrderField = graphene.Enum(
    "ProductOrderField",
    [(k, k) for k in _ORDER_FIELDS],
    description=lambda m: _ORDER_FIELDS[m.value][1] if m is not None else None,
)


class ProductOrder(graphene.InputObjectType):
    direction = graphene.InputField(
        OrderDirection, required=True, description="Specifies the direction to sort products."
    )
    field = graphene.Field(ProductOrderField, description="Sort products by the selected field.")
    channel = graphene.String(description="Accepted for compatibility; one channel.")


class CategoryFilterInput(graphene.InputObjectType):
    search = graphene.String()
    ids = graphene.List(graphene.NonNull(graphene.ID))
    slugs = graphene.List(graphene.NonNull(graphene.String))


def _ids(values, type_name: str, field: str) -> tuple[int, ...]:
    return tuple(decode_id(v, type_name, field=field) for v in values or [])


def _won(value, field: str) -> int | None:
    if value is None:
        return None
    if value < 0 or value != int(value):
        raise DomainError("INVALID", "가격은 0원 이상의 정수(원)여야 합니다.", field)
    return int(value)


def product_filter(data: dict | None, *, search: str | None = None) -> ProductFilter:
    """``ProductFilterInput`` (and the top-level ``search`` argument) → ``ProductFilter``."""
    f = data or {}
    price = f.get("price") or {}
    minimal = f.get("minimal_price") or {}
    in_stock = None
    if f.get("stock_availability") is not None:
        in_stock = enum_value(f["stock_availability"]) == "IN_STOCK"
    if f.get("is_available") is not None:
        in_stock = bool(f["is_available"])
    terms = " ".join(t.strip() for t in (f.get("search"), search) if t and t.strip())
    return ProductFilter(
        search=terms,
        categories=_ids(f.get("categories"), "Category", "categories"),
        ids=_ids(f.get("ids"), "Product", "ids"),
        slugs=tuple(f.get("slugs") or ()),
        vendors=_ids(f.get("vendors"), "Vendor", "vendors"),
        org_types=tuple(enum_value(v) for v in f.get("organization_types") or ()),
        districts=tuple(district_normalize(d, field="districts") for d in f.get("districts") or ()),
        tax_types=tuple(enum_value(v) for v in f.get("tax_types") or ()),
        price_gte=_won(price.get("gte"), "price"),
        price_lte=_won(price.get("lte"), "price"),
        minimal_price_gte=_won(minimal.get("gte"), "minimalPrice"),
        minimal_price_lte=_won(minimal.get("lte"), "minimalPrice"),
        dietary_tags=tuple(enum_value(v) for v in f.get("dietary_tags") or ()),
        exclude_allergens=tuple(enum_value(v) for v in f.get("exclude_allergens") or ()),
        allergen_free=bool(f.get("allergen_free")),
        priority_purchase=bool(f.get("counts_for_priority_purchase")),
        priority_on=f.get("priority_purchase_on"),
        in_stock=in_stock,
    )


def product_sort(sort_by: dict | None) -> tuple[str, bool]:
    """``ProductOrder`` → (selector sort field, descending)."""
    if not sort_by:
        return SortField.RECOMMENDED, False
    field = enum_value(sort_by.get("field")) or "NAME"
    descending = enum_value(sort_by.get("direction")) == "DESC"
    return _ORDER_FIELDS[field][0], descending
