"""Catalog writes: keyword-only, transactional, permission-checked, queue a reindex after commit."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

import audit
from core.errors import DomainError, DomainErrors
from shop.catalog.models import (
    ALLERGEN_GROUPS,
    Allergen,
    Category,
    DietaryTag,
    Product,
    ProductKind,
    ProductVariant,
    Stock,
    TaxType,
)
from shop.catalog.permissions import require_vendor_manager
from shop.search import queue_index

PRODUCT_FIELDS = (
    "name",
    "slug",
    "description",
    "seo_title",
    "seo_description",
    "category",
    "kind",
    "tax_type",
    "origin",
    "allergens",
    "dietary_tags",
    "certification_marks",
    "is_published",
    "is_featured",
)


def expand_allergens(codes) -> list[str]:
    out: list[str] = []
    for code in codes or []:
        out.extend(ALLERGEN_GROUPS.get(code, [code]))
    return out


def _validate_product(data: dict, *, creating: bool, actor=None) -> list[DomainError]:
    errors = []
    if data.get("is_featured") and not getattr(actor, "is_staff", False):
        errors.append(
            DomainError("PERMISSION_DENIED", "추천 상품은 센터 직원만 지정합니다.", "isFeatured")
        )
    if (creating or "name" in data) and not (data.get("name") or "").strip():
        errors.append(DomainError("REQUIRED", "상품명을 입력하세요.", "name"))
    if creating and data.get("category") is None:
        errors.append(DomainError("REQUIRED", "분류를 선택하세요.", "category"))
    if "tax_type" in data and data["tax_type"] not in TaxType.values:
        errors.append(DomainError("INVALID", "과세 유형이 올바르지 않습니다.", "taxType"))
    if "kind" in data and data["kind"] not in ProductKind.values:
        errors.append(DomainError("INVALID", "상품 구분이 올바르지 않습니다.", "kind"))
    bad = [c for c in data.get("allergens") or [] if c not in Allergen.values]
    if bad:
        errors.append(
            DomainError("INVALID", f"알 수 없는 알레르기 성분: {', '.join(bad)}", "allergens")
        )
    bad = [c for c in data.get("dietary_tags") or [] if c not in DietaryTag.values]
    if bad:
        errors.append(
            DomainError("INVALID", f"알 수 없는 식단 표시: {', '.join(bad)}", "dietaryTags")
        )
    return errors


def _unique_slug(base: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(base, allow_unicode=True)[:200] or "product"
    slug, n = base, 2
    qs = Product.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(product: Product, data: dict) -> None:
    for key, value in data.items():
        if key not in PRODUCT_FIELDS:
            raise DomainError("INVALID", f"Unknown field {key}", key)
        if isinstance(value, str) and key != "description":
            value = value.strip()
        setattr(product, key, value)


@transaction.atomic
def product_create(*, actor, vendor, **data) -> Product:
    require_vendor_manager(actor, vendor)
    errors = _validate_product(data, creating=True, actor=actor)
    if data.get("slug") and Product.objects.filter(slug=data["slug"]).exists():
        errors.append(DomainError("UNIQUE", "이미 사용 중인 주소 이름입니다.", "slug"))
    if errors:
        raise DomainErrors(errors)
    product = Product(vendor=vendor)
    _apply(product, data)
    product.slug = product.slug or _unique_slug(product.name)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise DomainError("UNIQUE", "이미 사용 중인 주소 이름입니다.", "slug")
    queue_index([product.pk])
    return product


@transaction.atomic
def product_update(*, actor, product: Product, **data) -> Product:
    require_vendor_manager(actor, product.vendor_id)
    errors = _validate_product(data, creating=False, actor=actor)
    if (
        data.get("slug")
        and Product.objects.filter(slug=data["slug"]).exclude(pk=product.pk).exists()
    ):
        errors.append(DomainError("UNIQUE", "이미 사용 중인 주소 이름입니다.", "slug"))
    if errors:
        raise DomainErrors(errors)
    _apply(product, data)
    product.save()
    queue_index([product.pk])
    return product


@transaction.atomic
def product_delete(*, actor, product: Product) -> int:
    """Delete a product with its variants and images (files removed after commit)."""
    from shop.catalog.images import delete_files_on_commit

    require_vendor_manager(actor, product.vendor_id)
    pk = product.pk
    files = [n for img in product.images.all() for n in (img.image.name, img.thumbnail.name) if n]
    product.delete()
    delete_files_on_commit(files)
    queue_index([pk])
    return pk


def product_refresh_prices(product_ids) -> None:
    """Store each product's lowest and highest variant price (one UPDATE)."""
    from django.db.models import Max, Min, OuterRef, Subquery

    variants = ProductVariant.objects.filter(product=OuterRef("pk")).values("product")
    Product.objects.filter(pk__in=list(product_ids)).update(
        min_price=Subquery(variants.annotate(v=Min("price")).values("v")[:1]),
        max_price=Subquery(variants.annotate(v=Max("price")).values("v")[:1]),
    )


def _validate_variant(data: dict, *, creating: bool, exclude_pk=None) -> list[DomainError]:
    errors = []
    if creating or "sku" in data:
        sku = (data.get("sku") or "").strip()
        if not sku:
            errors.append(DomainError("REQUIRED", "SKU를 입력하세요.", "sku"))
        else:
            qs = ProductVariant.objects.filter(sku=sku)
            if exclude_pk:
                qs = qs.exclude(pk=exclude_pk)
            if qs.exists():
                errors.append(DomainError("UNIQUE", f"SKU '{sku}'는 이미 사용 중입니다.", "sku"))
    if creating or "price" in data:
        price = data.get("price")
        if price is None:
            errors.append(DomainError("REQUIRED", "가격을 입력하세요.", "price"))
        elif not isinstance(price, int) or isinstance(price, bool) or price < 0:
            errors.append(DomainError("INVALID", "가격은 0원 이상의 정수(원)여야 합니다.", "price"))
    if "servings" in data and (data["servings"] is None or data["servings"] < 1):
        errors.append(DomainError("INVALID", "제공량은 1 이상이어야 합니다.", "servings"))
    # The columns' limits, checked here so that PostgreSQL never gets a value it refuses.
    for key, limit in (("sku", 64), ("name", 100)):
        if len((data.get(key) or "").strip()) > limit:
            errors.append(DomainError("INVALID", f"{limit}자 이하로 입력하세요.", key))
    if "sort_order" in data and (data["sort_order"] is None or data["sort_order"] < 0):
        errors.append(DomainError("INVALID", "정렬 순서는 0 이상의 정수여야 합니다.", "sortOrder"))
    if data.get("weight_grams") is not None and data["weight_grams"] < 0:
        errors.append(DomainError("INVALID", "중량은 0g 이상이어야 합니다.", "weightGrams"))
    return errors


VARIANT_FIELDS = ("sku", "name", "price", "weight_grams", "servings", "sort_order")


@transaction.atomic
def variant_create(*, actor, product: Product, quantity: int = 0, **data) -> ProductVariant:
    require_vendor_manager(actor, product.vendor_id)
    errors = _validate_variant(data, creating=True)
    if quantity is None or quantity < 0:
        errors.append(DomainError("INVALID", "재고 수량은 0 이상이어야 합니다.", "quantity"))
    if errors:
        raise DomainErrors(errors)
    variant = ProductVariant(product=product)
    for key in VARIANT_FIELDS:
        if key in data:
            setattr(variant, key, data[key].strip() if isinstance(data[key], str) else data[key])
    variant.save()
    Stock.objects.create(variant=variant, quantity=quantity)
    if quantity:
        audit.record("stock.adjusted", variant, actor=actor, changes={"quantity": [None, quantity]})
    product_refresh_prices([product.pk])
    queue_index([product.pk])
    return variant


@transaction.atomic
def variant_update(*, actor, variant: ProductVariant, **data) -> ProductVariant:
    require_vendor_manager(actor, variant.product.vendor_id)
    errors = _validate_variant(data, creating=False, exclude_pk=variant.pk)
    if errors:
        raise DomainErrors(errors)
    for key, value in data.items():
        if key not in VARIANT_FIELDS:
            raise DomainError("INVALID", f"Unknown field {key}", key)
        setattr(variant, key, value.strip() if isinstance(value, str) else value)
    variant.save()
    if "price" in data:
        product_refresh_prices([variant.product_id])
    queue_index([variant.product_id])
    return variant


@transaction.atomic
def variant_delete(*, actor, variant: ProductVariant) -> int:
    """Delete a variant; refused while open orders hold units of it."""
    require_vendor_manager(actor, variant.product.vendor_id)
    stock = Stock.objects.filter(variant=variant).first()
    if stock is not None and stock.allocated:
        raise DomainError(
            "INVALID",
            f"주문에 할당된 재고({stock.allocated}개)가 있어 옵션을 삭제할 수 없습니다.",
            "id",
        )
    pk, product_id = variant.pk, variant.product_id
    variant.delete()
    product_refresh_prices([product_id])
    queue_index([product_id])
    return pk


@transaction.atomic
def stock_set(*, actor, variant: ProductVariant, quantity: int) -> Stock:
    """Set the on-hand quantity; it may not drop below what open orders have allocated."""
    require_vendor_manager(actor, variant.product.vendor_id)
    if quantity is None or quantity < 0:
        raise DomainError("INVALID", "재고 수량은 0 이상이어야 합니다.", "quantity")
    stock, _ = Stock.objects.select_for_update().get_or_create(variant=variant)
    if quantity < stock.allocated:
        raise DomainError(
            "INVALID",
            f"이미 주문에 할당된 {stock.allocated}개보다 적게 설정할 수 없습니다.",
            "quantity",
        )
    before = stock.quantity
    stock.quantity = quantity
    stock.save(update_fields=["quantity"])
    if before != quantity:
        audit.record(
            "stock.adjusted", variant, actor=actor, changes={"quantity": [before, quantity]}
        )
    queue_index([variant.product_id])
    return stock


def category_get_or_create(*, name: str, slug: str, parent: Category | None = None) -> Category:
    category, _ = Category.objects.get_or_create(
        slug=slug, defaults={"name": name, "parent": parent}
    )
    return category
