"""Vendor-side catalog mutations, in Saleor's names: thin wrappers over
``shop.catalog.services`` (which check ``require_vendor_manager`` and validate).

Each returns its object and ``errors { field code message }`` with ``ProductErrorCode``
(``PERMISSION_DENIED``, ``NOT_FOUND``, ``REQUIRED``, ``INVALID``, ``UNIQUE``, …). The
permission is checked before anything else, so another vendor's staff learn nothing
from validation errors and change nothing.
"""

from __future__ import annotations

import graphene

from core.errors import DomainError
from core.graphql.errors import error_type
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import require_login
from shop.catalog import services
from shop.catalog.models import Category, Product, ProductVariant
from shop.catalog.permissions import require_vendor_manager
from shop.errors import ProductErrorCode
from shop.graphql.types import (
    AllergenEnum,
    DietaryTagEnum,
    ProductKindEnum,
    ProductType,
    ProductVariantType,
    TaxTypeEnum,
    enum_value,
)
from vendors.models import Vendor

ProductError = error_type("ProductError", ProductErrorCode)


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


class SeoInput(graphene.InputObjectType):
    title = graphene.String(description="SEO title.")
    description = graphene.String(description="SEO description.")


class ProductInput(graphene.InputObjectType):
    category = graphene.ID(description="ID of the product's category.")
    name = graphene.String(description="Product name.")
    slug = graphene.String(description="Product slug; made from the name when empty.")
    description = graphene.String(description="Product description (plain text).")
    seo = graphene.Field(SeoInput, description="Search engine optimization fields.")
    tax_type = graphene.Field(TaxTypeEnum, description="과세 / 면세 / 영세 (default 과세).")
    kind = graphene.Field(ProductKindEnum)
    origin = graphene.String(description="원산지.")
    allergens = graphene.List(graphene.NonNull(AllergenEnum))
    dietary_tags = graphene.List(graphene.NonNull(DietaryTagEnum))
    certification_marks = graphene.List(graphene.NonNull(graphene.String))
    is_published = graphene.Boolean()
    is_featured = graphene.Boolean()


class ProductCreateInput(ProductInput):
    vendor = graphene.ID(
        description="The selling vendor; optional when the user manages exactly one vendor."
    )


class StockInput(graphene.InputObjectType):
    warehouse = graphene.ID(
        description="Accepted for compatibility: each vendor ships from one stock location."
    )
    quantity = graphene.Int(required=True, description="Units on hand.")


class ProductVariantInput(graphene.InputObjectType):
    sku = graphene.String(description="Stock keeping unit (unique).")
    name = graphene.String(description="Variant name (옵션명).")
    price = graphene.Int(description="Price in won, VAT included.")
    weight_grams = graphene.Int()
    servings = graphene.Int(description="How many people one unit serves.")
    sort_order = graphene.Int()


class ProductVariantCreateInput(ProductVariantInput):
    product = graphene.ID(required=True, description="Product ID of which the variant is.")
    stocks = graphene.List(
        graphene.NonNull(StockInput), description="Initial stock (one entry: one location)."
    )


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

_STRING_FIELDS = ("name", "slug", "description", "origin")


def _category(global_id) -> Category:
    if not global_id:
        raise DomainError("REQUIRED", "분류를 선택하세요.", "category")
    pk = decode_id(global_id, "Category", field="category")
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise DomainError("NOT_FOUND", "분류를 찾을 수 없습니다.", "category")
    return category


def _product_data(data: dict) -> dict:
    """GraphQL input → ``product_create``/``product_update`` keyword arguments."""
    out: dict = {}
    for key in _STRING_FIELDS:
        if key in data:
            out[key] = data[key] or ""
    if "category" in data:
        out["category"] = _category(data["category"])
    if data.get("seo") is not None:
        seo = data["seo"]
        if "title" in seo:
            out["seo_title"] = seo["title"] or ""
        if "description" in seo:
            out["seo_description"] = seo["description"] or ""
    for key in ("tax_type", "kind"):
        if data.get(key) is not None:
            out[key] = enum_value(data[key])
    for key in ("allergens", "dietary_tags"):
        if key in data:
            out[key] = [enum_value(v) for v in data[key] or []]
    if "certification_marks" in data:
        marks = [m.strip() for m in data["certification_marks"] or [] if m and m.strip()]
        out["certification_marks"] = ", ".join(marks)
    for key in ("is_published", "is_featured"):
        if data.get(key) is not None:
            out[key] = bool(data[key])
    return out


def _vendor_for_create(user, global_id) -> Vendor:
    if global_id:
        pk = decode_id(global_id, "Vendor", field="vendor")
        vendor = Vendor.objects.filter(pk=pk).first()
        if vendor is None:
            raise DomainError("NOT_FOUND", "판매처를 찾을 수 없습니다.", "vendor")
        return vendor
    vendors = list(Vendor.objects.filter(staff__user=user)[:2])
    if len(vendors) == 1:
        return vendors[0]
    if not vendors and not user.is_staff:
        raise DomainError("PERMISSION_DENIED", "상품을 등록할 판매처가 없습니다.")
    raise DomainError("REQUIRED", "상품을 등록할 판매처를 선택하세요.", "vendor")


def _product(global_id, field: str = "id") -> Product:
    if not global_id:
        raise DomainError("REQUIRED", "상품 ID가 필요합니다.", field)
    pk = decode_id(global_id, "Product", field=field)
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise DomainError("NOT_FOUND", "상품을 찾을 수 없습니다.", field)
    return product


def _variant(global_id=None, sku=None, *, field: str = "id") -> ProductVariant:
    qs = ProductVariant.objects.select_related("product")
    if global_id:
        variant = qs.filter(pk=decode_id(global_id, "ProductVariant", field=field)).first()
    elif sku:
        variant = qs.filter(sku=sku.strip()).first()
    else:
        raise DomainError("REQUIRED", "옵션 ID 또는 SKU가 필요합니다.", field)
    if variant is None:
        raise DomainError("NOT_FOUND", "상품 옵션을 찾을 수 없습니다.", field)
    return variant


def _single_stock(stocks, field: str = "stocks") -> int | None:
    if not stocks:
        return None
    if len(stocks) > 1:
        raise DomainError(
            "DUPLICATED_INPUT_ITEM", "재고 위치는 하나입니다: 재고를 한 번만 입력하세요.", field
        )
    return stocks[0]["quantity"]


def _variant_data(data: dict) -> dict:
    out = {}
    for key in ("sku", "name"):
        if key in data:
            out[key] = data[key] or ""
    for key in ("price", "weight_grams", "servings", "sort_order"):
        if key in data:
            out[key] = data[key]
    return out


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


class ProductCreate(BaseMutation):
    """Create a product for a vendor the user manages."""

    class Arguments:
        input = ProductCreateInput(
            required=True, description="Fields required to create a product."
        )

    class Meta:
        error_type_class = ProductError

    product = graphene.Field(ProductType)

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = require_login(info)
        vendor = _vendor_for_create(user, input.get("vendor"))
        require_vendor_manager(user, vendor)
        data = _product_data(input)
        product = services.product_create(actor=user, vendor=vendor, **data)
        return cls(product=product)


class ProductUpdate(BaseMutation):
    """Update a product of a vendor the user manages."""

    class Arguments:
        id = graphene.ID(description="ID of the product to update.")
        input = ProductInput(required=True, description="Fields to change.")

    class Meta:
        error_type_class = ProductError

    product = graphene.Field(ProductType)

    @classmethod
    def perform_mutation(cls, root, info, input, id=None):
        user = require_login(info)
        product = _product(id)
        require_vendor_manager(user, product.vendor_id)
        data = _product_data(input)
        product = services.product_update(actor=user, product=product, **data)
        return cls(product=product)


class ProductDelete(BaseMutation):
    """Delete a product (its variants and stock go with it)."""

    class Arguments:
        id = graphene.ID(description="ID of the product to delete.")

    class Meta:
        error_type_class = ProductError

    product = graphene.Field(ProductType)

    @classmethod
    def perform_mutation(cls, root, info, id=None):
        user = require_login(info)
        product = _product(id)
        require_vendor_manager(user, product.vendor_id)
        pk = services.product_delete(actor=user, product=product)
        product.pk = pk  # Django clears it on delete; the payload still names the product
        return cls(product=product)


class ProductVariantCreate(BaseMutation):
    """Add a variant (with its price and initial stock) to a product."""

    class Arguments:
        input = ProductVariantCreateInput(
            required=True, description="Fields required to create a product variant."
        )

    class Meta:
        error_type_class = ProductError

    product_variant = graphene.Field(ProductVariantType)

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = require_login(info)
        product = _product(input.get("product"), field="product")
        require_vendor_manager(user, product.vendor_id)
        quantity = _single_stock(input.get("stocks"))
        data = _variant_data(input)
        variant = services.variant_create(
            actor=user, product=product, quantity=quantity or 0, **data
        )
        return cls(product_variant=variant)


class ProductVariantUpdate(BaseMutation):
    """Update a variant, found by ID or SKU."""

    class Arguments:
        id = graphene.ID(description="ID of the variant to update.")
        sku = graphene.String(description="SKU of the variant to update.")
        input = ProductVariantInput(required=True, description="Fields to change.")

    class Meta:
        error_type_class = ProductError

    product_variant = graphene.Field(ProductVariantType)

    @classmethod
    def perform_mutation(cls, root, info, input, id=None, sku=None):
        user = require_login(info)
        variant = _variant(id, sku)
        require_vendor_manager(user, variant.product.vendor_id)
        variant = services.variant_update(actor=user, variant=variant, **_variant_data(input))
        return cls(product_variant=variant)


class ProductVariantStocksUpdate(BaseMutation):
    """Set a variant's on-hand quantity (never below what open orders hold)."""

    class Arguments:
        variant_id = graphene.ID(description="ID of the variant.")
        sku = graphene.String(description="SKU of the variant.")
        stocks = graphene.List(
            graphene.NonNull(StockInput), required=True, description="Input list of stocks."
        )

    class Meta:
        error_type_class = ProductError

    product_variant = graphene.Field(ProductVariantType)

    @classmethod
    def perform_mutation(cls, root, info, stocks, variant_id=None, sku=None):
        user = require_login(info)
        variant = _variant(variant_id, sku, field="variantId")
        require_vendor_manager(user, variant.product.vendor_id)
        quantity = _single_stock(stocks)
        if quantity is None:
            raise DomainError("REQUIRED", "재고 수량을 입력하세요.", "stocks")
        services.stock_set(actor=user, variant=variant, quantity=quantity)
        variant = ProductVariant.objects.select_related("product", "stock").get(pk=variant.pk)
        return cls(product_variant=variant)


class ProductMutations(graphene.ObjectType):
    product_create = ProductCreate.Field()
    product_update = ProductUpdate.Field()
    product_delete = ProductDelete.Field()
    product_variant_create = ProductVariantCreate.Field()
    product_variant_update = ProductVariantUpdate.Field()
    product_variant_stocks_update = ProductVariantStocksUpdate.Field()
