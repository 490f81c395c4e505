"""Helpers for the vendor dashboard and bulk import tests (catalog factories are in storefront)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shop.catalog.models import Product, ProductImage, ProductVariant, Stock
from tests.factories import VendorFactory, VendorStaffFactory


def vendor_with_owner(**kwargs):
    """A vendor and a user who is its owner."""
    vendor = VendorFactory(**kwargs)
    staff = VendorStaffFactory(vendor=vendor, role="owner")
    return vendor, staff.user


def image_bytes(fmt: str = "PNG", size=(800, 600), color="green") -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def image_upload(name="photo.png", fmt="PNG", size=(800, 600), content_type="image/png"):
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=content_type)


def dashboard_products(n: int, *, vendor, category, prefix: str = "dash") -> list[Product]:
    """``n`` products with two variants each (stock included) and an image with a thumbnail."""
    products = Product.objects.bulk_create(
        Product(
            vendor=vendor,
            category=category,
            name=f"대시보드 상품 {prefix} {i}",
            slug=f"{prefix}-{i}",
            is_published=bool(i % 2),
        )
        for i in range(n)
    )
    variants = ProductVariant.objects.bulk_create(
        ProductVariant(product=p, sku=f"{p.slug}-{k}", name=f"옵션{k}", price=1000 * (k + 1))
        for p in products
        for k in range(2)
    )
    Stock.objects.bulk_create(Stock(variant=v, quantity=k % 3) for k, v in enumerate(variants))
    ProductImage.objects.bulk_create(
        ProductImage(
            product=p,
            image=f"products/{p.pk}/photo.png",
            thumbnail=f"products/{p.pk}/photo-thumb.webp",
            alt=p.name,
        )
        for p in products
    )
    return products
