"""Catalog factories: categories, products, variants (each with its stock row), images.

``ProductFactory()`` makes a published product of a new vendor in a new category;
``ProductFactory(variants=3, variants__price=5000, variants__stock=10)`` also makes three
variants of 5,000원 with 10 units each.
``VariantFactory`` always creates the variant's ``Stock`` (``stock=`` sets the quantity).
These go straight to the models (fast, no search indexing): use the catalog services when a
test is about what the services do, and ``get_backend().rebuild()`` to index factory data.
"""

from __future__ import annotations

import factory
from django.utils.text import slugify

from shop.catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductKind,
    ProductVariant,
    Stock,
    TaxType,
)
from shop.catalog.services import product_refresh_prices
from tests.factories import VendorFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"분류{n}")
    slug = factory.LazyAttributeSequence(
        lambda o, n: f"{slugify(o.name, allow_unicode=True) or 'category'}-c{n}"
    )
    parent = None
    sort_order = 0


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"상품 {n}")
    slug = factory.Sequence(lambda n: f"catalog-product-{n}")
    description = ""
    kind = ProductKind.FOOD
    tax_type = TaxType.TAXABLE
    origin = "국산"
    is_published = True
    is_featured = False

    class Params:
        unpublished = factory.Trait(is_published=False)

    @factory.post_generation
    def allergens(obj, create, extracted, **kwargs):
        if extracted is not None:
            obj.allergens = extracted
            if create:
                obj.save(update_fields=["allergen_codes"])

    @factory.post_generation
    def dietary_tags(obj, create, extracted, **kwargs):
        if extracted is not None:
            obj.dietary_tags = extracted
            if create:
                obj.save(update_fields=["dietary_codes"])

    @factory.post_generation
    def variants(obj, create, extracted, **kwargs):
        """``variants=N`` makes N variants; ``variants__<field>`` applies to each of them."""
        if create and extracted:
            for i in range(int(extracted)):
                VariantFactory(product=obj, name=f"옵션 {i + 1}", **kwargs)


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"CAT-{n:06d}")
    name = "기본"
    price = 10_000
    servings = 1

    @factory.post_generation
    def stock(obj, create, extracted, **kwargs):
        """The stock row: ``stock=5`` (quantity) or ``stock__allocated=2``; default 100."""
        if not create:
            return
        quantity = 100 if extracted is None else int(extracted)
        Stock.objects.update_or_create(
            variant=obj,
            defaults={"quantity": quantity, "allocated": kwargs.get("allocated", 0)},
        )
        product_refresh_prices([obj.product_id])


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.django.ImageField(color="green", width=64, height=64)
    alt = factory.SelfAttribute("product.name")
