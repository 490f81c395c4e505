"""Product images: validate an upload by decoding it, keep the original, make a thumbnail.

The browser's declared content type and the file name are not trusted: ``core.uploads`` opens
the bytes with Pillow and only JPEG, PNG and WebP are accepted. The stored names are random (the
uploader's file name never reaches the storage path) and carry the detected format's extension.
"""

from __future__ import annotations

import contextlib
import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps

from core import uploads
from core.errors import DomainError
from shop.catalog.models import Product, ProductImage
from shop.catalog.permissions import require_vendor_manager

# Pillow format name -> file extension of the stored original.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (400, 400)
THUMBNAIL_FORMAT = "WEBP"


def image_validate(file, *, field: str = "file") -> str:
    """Check size, extension and content (decoded in full by Pillow, see ``core.uploads``);
    return the Pillow format (JPEG, PNG or WEBP)."""
    return uploads.upload_check(file, kinds=ALLOWED_FORMATS, field=field, label="이미지")


def make_thumbnail(file, *, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A WebP that fits in ``size`` (aspect kept, EXIF orientation applied, no metadata)."""
    file.seek(0)
    with Image.open(file) as img:
        img.load()
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "RGBA"):
            alpha = "A" in img.getbands() or "transparency" in img.info
            img = img.convert("RGBA" if alpha else "RGB")
        img.thumbnail(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, THUMBNAIL_FORMAT, quality=82, method=4)
    file.seek(0)
    return out.getvalue()


def product_image_add(*, actor, product: Product, file, alt: str = "") -> ProductImage:
    """Validate ``file``, store it and its thumbnail, and append it to the product's images."""
    require_vendor_manager(actor, product.vendor_id)
    fmt = image_validate(file)
    alt = (alt or "").strip()
    if len(alt) > 200:
        raise DomainError("INVALID", "대체 텍스트는 200자 이하로 입력하세요.", "alt")
    thumbnail = make_thumbnail(file)
    stem = uuid.uuid4().hex
    image = ProductImage(product=product, alt=alt)
    file.seek(0)
    image.image.save(f"{stem}.{ALLOWED_FORMATS[fmt]}", ContentFile(file.read()), save=False)
    image.thumbnail.save(f"{stem}-thumb.webp", ContentFile(thumbnail), save=False)
    stored = [image.image.name, image.thumbnail.name]
    try:
        with transaction.atomic():
            last = product.images.aggregate(m=Max("sort_order"))["m"]
            image.sort_order = 0 if last is None else last + 1
            image.save()
    except Exception:
        _delete_files(image.image.storage, stored)
        raise
    return image


@transaction.atomic
def product_image_delete(*, actor, image: ProductImage) -> None:
    """Delete the image row; its files are removed once the transaction commits."""
    require_vendor_manager(actor, image.product.vendor_id)
    storage = image.image.storage
    names = [n for n in (image.image.name, image.thumbnail.name) if n]
    image.delete()
    transaction.on_commit(lambda: _delete_files(storage, names))


def product_image_files(product: Product) -> list[str]:
    """Stored names of a product's images and thumbnails (to remove after deleting it)."""
    names: list[str] = []
    for image, thumbnail in product.images.values_list("image", "thumbnail"):
        names.extend(n for n in (image, thumbnail) if n)
    return names


def delete_files_on_commit(names: list[str]) -> None:
    """Remove stored files once the current transaction commits (at once in autocommit)."""
    storage = ProductImage._meta.get_field("image").storage
    transaction.on_commit(lambda: _delete_files(storage, list(names)))


def _delete_files(storage, names) -> None:
    for name in names:
        with contextlib.suppress(OSError):  # best effort: a stray file is harmless
            storage.delete(name)
