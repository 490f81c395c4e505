"""Catalog: categories, products (owned by one vendor), variants, stock, images.

Prices are integer KRW *including* VAT; the tax type decides how VAT is split
(DOMAIN.md "Money and tax").
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.uploads import random_name


class TaxType(models.TextChoices):
    TAXABLE = "taxable", _("과세")
    EXEMPT = "exempt", _("면세")
    ZERO_RATED = "zero_rated", _("영세")


class Allergen(models.TextChoices):
    """The 22 allergens of Korea's food labelling standard (식품 등의 표시기준)."""

    EGG = "egg", _("알류(난류)")
    MILK = "milk", _("우유")
    BUCKWHEAT = "buckwheat", _("메밀")
    PEANUT = "peanut", _("땅콩")
    SOYBEAN = "soybean", _("대두")
    WHEAT = "wheat", _("밀")
    MACKEREL = "mackerel", _("고등어")
    CRAB = "crab", _("게")
    SHRIMP = "shrimp", _("새우")
    PORK = "pork", _("돼지고기")
    PEACH = "peach", _("복숭아")
    TOMATO = "tomato", _("토마토")
    SULFITE = "sulfite", _("아황산류")
    WALNUT = "walnut", _("호두")
    CHICKEN = "chicken", _("닭고기")
    BEEF = "beef", _("쇠고기")
    SQUID = "squid", _("오징어")
    SHELLFISH = "shellfish", _("조개류")
    PINE_NUT = "pine_nut", _("잣")


# Allergen groups a buyer excludes with one word ("nuts" → peanut, walnut, pine nut).
ALLERGEN_GROUPS = {"nuts": ["peanut", "walnut", "pine_nut"]}


class DietaryTag(models.TextChoices):
    VEGAN = "vegan", _("비건")
    VEGETARIAN = "vegetarian", _("채식")
    GLUTEN_FREE = "gluten_free", _("글루텐 프리")
    CAFFEINE_FREE = "caffeine_free", _("무카페인")
    SUGAR_FREE = "sugar_free", _("무설탕")
    ORGANIC = "organic", _("유기농")


class ProductKind(models.TextChoices):
    """What a product is for the snack-bundle builder (food feeds, drinks quench)."""

    FOOD = "food", _("먹거리")
    DRINK = "drink", _("음료")
    OTHER = "other", _("기타")


def encode_codes(codes) -> str:
    """Codes stored as ``,a,b,`` so that ``contains=",a,"`` filters portably."""
    cleaned = sorted({c.strip() for c in codes or [] if c and c.strip()})
    return f",{','.join(cleaned)}," if cleaned else ""


def decode_codes(value: str) -> list[str]:
    return [c for c in (value or "").split(",") if c]


class Category(models.Model):
    name = models.CharField(_("이름"), max_length=100)
    slug = models.SlugField(_("주소 이름"), max_length=100, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    description = models.TextField(_("설명"), blank=True)
    sort_order = models.PositiveIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("분류")
        verbose_name_plural = _("분류")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    vendor = models.ForeignKey(
        "vendors.Vendor",
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("판매처"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("분류")
    )
    name = models.CharField(_("상품명"), max_length=200)
    slug = models.SlugField(_("주소 이름"), max_length=220, unique=True, allow_unicode=True)
    description = models.TextField(_("설명"), blank=True)
    seo_title = models.CharField(_("SEO 제목"), max_length=200, blank=True)
    seo_description = models.CharField(_("SEO 설명"), max_length=300, blank=True)
    kind = models.CharField(
        _("구분"), max_length=10, choices=ProductKind.choices, default=ProductKind.OTHER
    )
    tax_type = models.CharField(
        _("과세 유형"), max_length=12, choices=TaxType.choices, default=TaxType.TAXABLE
    )
    origin = models.CharField(_("원산지"), max_length=100, blank=True)
    allergen_codes = models.CharField(_("알레르기 유발 성분"), max_length=300, blank=True)
    dietary_codes = models.CharField(_("식단 표시"), max_length=200, blank=True)
    certification_marks = models.CharField(
        _("인증 표시"),
        max_length=200,
        blank=True,
        help_text=_("쉼표로 구분: 친환경, HACCP, 유기농"),
    )
    is_published = models.BooleanField(_("공개"), default=False, db_index=True)
    is_featured = models.BooleanField(_("추천"), default=False)
    # Lowest / highest variant price, kept by the variant services (listing sort and filter).
    min_price = models.PositiveIntegerField(_("최저가"), null=True, blank=True, editable=False)
    max_price = models.PositiveIntegerField(_("최고가"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("상품")
        verbose_name_plural = _("상품")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["is_published", "category"]),
            # Storefront listings read published products in these orders (partial indexes).
            models.Index(
                F("is_featured").desc(),
                F("created_at").desc(),
                F("id").desc(),
                name="product_pub_featured_idx",
                condition=Q(is_published=True),
            ),
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                name="product_pub_newest_idx",
                condition=Q(is_published=True),
            ),
            models.Index(
                fields=["name", "id"], name="product_pub_name_idx", condition=Q(is_published=True)
            ),
            models.Index(
                fields=["min_price", "id"],
                name="product_pub_price_idx",
                condition=Q(is_published=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def allergens(self) -> list[str]:
        return decode_codes(self.allergen_codes)

    @allergens.setter
    def allergens(self, codes) -> None:
        self.allergen_codes = encode_codes(codes)

    @property
    def dietary_tags(self) -> list[str]:
        return decode_codes(self.dietary_codes)

    @dietary_tags.setter
    def dietary_tags(self, codes) -> None:
        self.dietary_codes = encode_codes(codes)

    @property
    def marks(self) -> list[str]:
        return [m.strip() for m in self.certification_marks.split(",") if m.strip()]


def product_image_upload_to(instance, filename: str) -> str:
    return f"products/{instance.product_id}/{random_name(filename)}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("이미지"), upload_to=product_image_upload_to)
    thumbnail = models.ImageField(_("썸네일"), upload_to=product_image_upload_to, blank=True)
    alt = models.CharField(_("대체 텍스트"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("상품 이미지")
        verbose_name_plural = _("상품 이미지")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.alt or self.image.name


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("옵션명"), max_length=100, blank=True)
    price = models.PositiveIntegerField(_("판매가(원, 부가세 포함)"))
    weight_grams = models.PositiveIntegerField(_("중량(g)"), null=True, blank=True)
    servings = models.PositiveIntegerField(
        _("제공량(인분)"), default=1, help_text=_("이 옵션 하나로 몇 명이 먹거나 마실 수 있는지")
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("상품 옵션")
        verbose_name_plural = _("상품 옵션")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.product.name} {self.name}".strip()


class Stock(models.Model):
    """Units of a variant held by its vendor; ``allocated`` are reserved by open orders."""

    variant = models.OneToOneField(ProductVariant, on_delete=models.CASCADE, related_name="stock")
    quantity = models.PositiveIntegerField(_("재고 수량"), default=0)
    allocated = models.PositiveIntegerField(_("할당 수량"), default=0)

    class Meta:
        verbose_name = _("재고")
        verbose_name_plural = _("재고")
        constraints = [
            models.CheckConstraint(
                condition=Q(allocated__lte=models.F("quantity")),
                name="stock_allocated_lte_quantity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.available}"

    @property
    def available(self) -> int:
        return max(self.quantity - self.allocated, 0)
