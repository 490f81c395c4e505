"""Product images: validate an upload by decoding it, keep the original, make a thumbnail.

The browser's declared content type and the file name are not trusted: the bytes are opened
with Pillow and only JPEG, PNG and WebP are accepted. The stored names are random (the
uploader's file name never reaches the storage path) and carry the detected format's extension.
"""

from __future__ import annotations

import contextlib
import io
import os
import uuid
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError
from shop.catalog.models import Product, ProductImage
from shop.catalog.permissions import require_vendor_manager

# Pillow format name -> file extension of the stored original.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (400, 400)
THUMBNAIL_FORMAT = "WEBP"
# Refuse images whose pixel count would make decoding a memory hazard (40 megapixels).
MAX_PIXELS = 40_000_000

_ALLOWED_LABEL = "JPG, PNG, WebP"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}MB"


def _file_size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(0)
    return int(size)


def image_validate(file, *, field: str = "file") -> str:
    """Check size and decode the image; return its Pillow format (JPEG, PNG or WEBP)."""
    if file is None or not hasattr(file, "read"):
        raise DomainError("REQUIRED", "이미지 파일을 선택하세요.", field)
    size = _file_size(file)
    if not size:
        raise DomainError("INVALID", "이미지 파일이 비어 있습니다.", field)
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise DomainError(
            "INVALID",
            f"이미지 파일이 너무 큽니다({_mb(size)}). {_mb(limit)} 이하로 올려 주세요.",
            field,
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as img:
                fmt = img.format
                width, height = img.size
                if fmt in ALLOWED_FORMATS and width * height <= MAX_PIXELS:
                    img.load()  # decode it all: a truncated or corrupt file fails here
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise DomainError(
            "INVALID",
            f"이미지 파일을 읽을 수 없습니다. {_ALLOWED_LABEL} 파일만 올릴 수 있습니다.",
            field,
        )
    finally:
        file.seek(0)
    if fmt not in ALLOWED_FORMATS:
        raise DomainError(
            "INVALID",
            f"{_ALLOWED_LABEL} 이미지만 올릴 수 있습니다(올린 파일 형식: {fmt or '알 수 없음'}).",
            field,
        )
    if width * height > MAX_PIXELS:
        raise DomainError(
            "INVALID",
            f"이미지가 너무 큽니다({width}×{height}). 4천만 화소 이하로 줄여 주세요.",
            field,
        )
    return fmt


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
