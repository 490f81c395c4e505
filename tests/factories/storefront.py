"""Catalog factories for the storefront tests, and a bulk loader for query-count tests."""

from __future__ import annotations

import factory

from shop.catalog.models import Category, Product, ProductImage, ProductVariant, Stock
from shop.catalog.services import product_refresh_prices
from tests.factories import VendorFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"분류{n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    vendor = factory.SubFactory(VendorFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"우리밀 쿠키 {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "우리 밀과 유기농 설탕으로 구운 쿠키입니다."
    kind = "food"
    tax_type = "taxable"
    origin = "국산"
    is_published = True


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "기본"
    price = 12000
    stock = factory.RelatedFactory(
        "tests.factories.storefront.StockFactory", factory_related_name="variant"
    )

    @factory.post_generation
    def price_range(obj, create, extracted, **kwargs):
        if create:
            product_refresh_prices([obj.product_id])


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    variant = factory.SubFactory(VariantFactory, stock=None)
    quantity = 10


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.django.ImageField(color="green", width=40, height=40, filename="photo.png")
    alt = "상품 사진"


def make_product(*, prices=(12000,), quantity=10, image=False, **kwargs) -> Product:
    """A published product with one variant (and stock) per price."""
    product = ProductFactory(**kwargs)
    for i, price in enumerate(prices):
        VariantFactory(
            product=product, price=price, name=f"옵션{i + 1}", sort_order=i,
            stock__quantity=quantity,
        )  # fmt: skip
    if image:
        ProductImageFactory(product=product)
    return product


def bulk_products(n: int, *, vendor, category, prefix: str = "bulk", start: int = 0) -> None:
    """``n`` published products, each with two variants (with stock) and an image, fast."""
    products = Product.objects.bulk_create(
        Product(
            vendor=vendor,
            category=category,
            name=f"대량 상품 {prefix} {i}",
            slug=f"{prefix}-{i}",
            tax_type="taxable" if i % 3 else "exempt",
            allergen_codes=",milk," if i % 2 else "",
            dietary_codes=",vegan," if i % 5 == 0 else "",
            is_published=True,
        )
        for i in range(start, start + n)
    )
    variants = ProductVariant.objects.bulk_create(
        ProductVariant(product=p, sku=f"{p.slug}-{k}", name=f"옵션{k}", price=1000 * (k + 1))
        for p in products
        for k in range(2)
    )
    Stock.objects.bulk_create(Stock(variant=v, quantity=5) for v in variants)
    product_refresh_prices([p.pk for p in products])
    ProductImage.objects.bulk_create(
        ProductImage(product=p, image=f"products/{p.pk}/photo.png", alt=p.name) for p in products
    )
