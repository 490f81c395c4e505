"""Uploaded files: the bytes decide what a file is, never its name or the browser's word.

``upload_check(upload, kinds=…)`` is the one check every upload path runs (vendor
applications' certification documents and logos, product images, bundle images, registry
and product imports, the admin's file fields). In order, it refuses with a Korean message:

1. nothing sent (``REQUIRED``), an extension outside the allowed kinds, an empty file
   (``INVALID_FILE_TYPE``), more than ``settings.MAX_UPLOAD_BYTES`` (``FILE_TOO_LARGE``);
2. content that is none of the allowed kinds, judged by its first bytes (magic numbers), or
   whose real kind does not match the extension — a PNG named ``.pdf``, HTML named ``.png``
   (``INVALID_FILE_TYPE``);
3. content that does not parse as what it claims: images are opened, verified and fully
   decoded by Pillow (a truncated or corrupt file fails; more than ``MAX_PIXELS`` is refused
   before decoding), PDFs are parsed by pypdf (at least one page, not encrypted), XLSX must be
   a workbook ZIP without a decompression bomb, CSV must be text (UTF-8 or CP949) and not
   markup;
4. images carrying web markup (``<script``, ``<html``, ``<svg``…) at their start or end —
   the image/HTML polyglots that a browser could be tricked into rendering as a page.

The browser's declared content type is ignored (it is derived from the name anyway). Stored
names are random (``random_name``): the uploader's file name never reaches the storage path.

``UploadValidator(kinds)`` wraps the same check for Django form fields (the admin's file
fields use it through ``UploadCheckedAdminMixin``), raising ``ValidationError`` with the code.
"""

from __future__ import annotations

import io
import os
import uuid
import warnings
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from core.errors import DomainError

JPEG, PNG, WEBP, GIF, PDF, CSV, XLSX = "JPEG", "PNG", "WEBP", "GIF", "PDF", "CSV", "XLSX"

# Extensions each kind may carry (the first is the one random names get).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    WEBP: (".webp",),
    GIF: (".gif",),
    PDF: (".pdf",),
    CSV: (".csv",),
    XLSX: (".xlsx", ".xlsm"),
}
LABELS = {JPEG: "JPG", PNG: "PNG", WEBP: "WebP", GIF: "GIF", PDF: "PDF", CSV: "CSV", XLSX: "XLSX"}

IMAGE_KINDS = frozenset({JPEG, PNG, WEBP, GIF})
DOCUMENT_KINDS = frozenset({PDF, JPEG, PNG})
SPREADSHEET_KINDS = frozenset({CSV, XLSX})
# Display order of kinds in messages.
_ORDER = [PDF, JPEG, PNG, WEBP, GIF, CSV, XLSX]

# Refuse images whose pixel count would make decoding a memory hazard (40 megapixels).
MAX_PIXELS = 40_000_000
# A workbook may unpack to at most this many bytes (ZIP bombs), whatever the upload limit.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Web markup that has no business at either end of an image (polyglot files).
_MARKUP = (
    b"<script",
    b"<html",
    b"<svg",
    b"<body",
    b"<iframe",
    b"<!doctype",
    b"<?php",
    b"javascript:",
)
_SCAN_BYTES = 4096

REQUIRED = "REQUIRED"
INVALID_FILE_TYPE = "INVALID_FILE_TYPE"
FILE_TOO_LARGE = "FILE_TOO_LARGE"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}MB"


def allowed_label(kinds) -> str:
    return ", ".join(LABELS[k] for k in _ORDER if k in kinds)


def file_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        pos = upload.tell()
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(pos)
    return int(size)


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if isinstance(data, str):  # pragma: no cover - text-mode file objects
        data = data.encode("utf-8")
    return data


def sniff(data: bytes) -> str | None:
    """The kind the first bytes announce (CSV and XLSX need the deeper checks too)."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return XLSX
    return None


def _has_markup(data: bytes) -> bool:
    ends = (data[:_SCAN_BYTES] + b" " + data[-_SCAN_BYTES:]).lower()
    return any(token in ends for token in _MARKUP)


def _image_ok(data: bytes, kind: str) -> str | None:
    """None when ``data`` is a whole, decodable image of ``kind``; else the reason code."""
    from PIL import Image, UnidentifiedImageError

    errors = (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format != kind:
                    return "mismatch"
                width, height = img.size
                if width * height > MAX_PIXELS:
                    return "pixels"
                img.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()  # decode it all: a truncated or corrupt file fails here
    except errors:
        return "unreadable"
    return None


def _pdf_ok(data: bytes) -> str | None:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)  # malformed uploads are expected here, not news
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return "encrypted"
        if len(reader.pages) < 1:
            return "unreadable"
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, OSError):
        return "unreadable"
    except RecursionError:
        return "unreadable"
    finally:
        pypdf_logger.setLevel(level)
    return None


def _xlsx_ok(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return "unreadable"
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                return "unzipped"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return "unreadable"
    return None


def _csv_ok(data: bytes) -> str | None:
    if b"\x00" in data:
        return "unreadable"
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        head = text.lstrip()[:1]
        if head == "<":  # an HTML/XML/SVG page renamed .csv
            return "markup"
        return None
    return "unreadable"


def upload_check(upload, *, kinds, field: str = "file", label: str = "파일") -> str:
    """Check ``upload`` (see the module docstring) and return its real kind.

    Raises ``DomainError`` with ``REQUIRED``, ``INVALID_FILE_TYPE`` or ``FILE_TOO_LARGE`` and a
    Korean message about ``label`` (``"증빙 서류"``, ``"이미지"``…) for ``field``.
    """
    kinds = frozenset(kinds)
    allowed = allowed_label(kinds)
    noun = "이미지" if kinds <= IMAGE_KINDS else "파일"
    if upload is None or not hasattr(upload, "read"):
        raise DomainError(REQUIRED, f"{label} 파일을 첨부하세요.", field)
    name = os.path.basename(str(getattr(upload, "name", "") or ""))
    ext = os.path.splitext(name)[1].lower()
    extensions = {e for k in kinds for e in EXTENSIONS[k]}
    if ext not in extensions:
        raise DomainError(
            INVALID_FILE_TYPE, f"{allowed} {noun}만 올릴 수 있습니다 (올린 파일: '{name}').", field
        )
    size = file_size(upload)
    if not size:
        raise DomainError(INVALID_FILE_TYPE, f"{label} 파일이 비어 있습니다.", field)
    limit = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise DomainError(
            FILE_TOO_LARGE,
            f"{label} 파일이 너무 큽니다({_mb(size)}). {_mb(limit)} 이하로 올려 주세요.",
            field,
        )
    data = _read_all(upload)
    claimed = next(k for k in _ORDER if ext in EXTENSIONS[k])
    kind = sniff(data)
    if kind is None and CSV in kinds and claimed == CSV:
        kind = CSV
    unreadable = DomainError(
        INVALID_FILE_TYPE,
        f"{label} 파일을 읽을 수 없습니다. {LABELS[claimed]} 파일이 아니거나 손상된 "
        f"파일입니다. {allowed} {noun}만 올릴 수 있습니다.",
        field,
    )
    if kind is None:
        raise unreadable
    if kind != claimed or kind not in kinds:
        raise DomainError(
            INVALID_FILE_TYPE,
            f"{label}의 내용이 {LABELS[claimed]} 파일이 아닙니다. 실제 형식은 {LABELS[kind]}(으)로 "
            f"확장자({ext})와 맞지 않습니다.",
            field,
        )
    if kind in IMAGE_KINDS:
        problem = _image_ok(data, kind)
    elif kind == PDF:
        problem = _pdf_ok(data)
    elif kind == XLSX:
        problem = _xlsx_ok(data)
    else:
        problem = _csv_ok(data)
    if problem is None and kind in IMAGE_KINDS and _has_markup(data):
        problem = "markup"
    if problem == "mismatch":
        raise DomainError(
            INVALID_FILE_TYPE, f"{label}의 내용이 {LABELS[claimed]} 파일이 아닙니다.", field
        )
    if problem == "pixels":
        raise DomainError(
            FILE_TOO_LARGE, "이미지가 너무 큽니다. 4천만 화소 이하로 줄여 주세요.", field
        )
    if problem == "unzipped":
        raise DomainError(
            FILE_TOO_LARGE,
            f"엑셀 파일의 내용이 너무 큽니다. 풀었을 때 {_mb(MAX_UNZIPPED_BYTES)} 이하여야 합니다.",
            field,
        )
    if problem == "encrypted":
        raise DomainError(
            INVALID_FILE_TYPE, "암호가 걸린 PDF는 올릴 수 없습니다. 암호를 풀어 올려 주세요.", field
        )
    if problem == "markup":
        raise DomainError(
            INVALID_FILE_TYPE,
            f"{label}에 웹 페이지 코드(HTML·스크립트)가 들어 있어 올릴 수 없습니다.",
            field,
        )
    if problem is not None:
        raise unreadable
    return kind


def random_name(filename: str) -> str:
    """A random, unguessable file name keeping only a known extension of ``filename``."""
    ext = os.path.splitext(str(filename or ""))[1].lower()
    known = {e for exts in EXTENSIONS.values() for e in exts}
    return f"{uuid.uuid4().hex}{ext if ext in known else ''}"


@deconstructible
class UploadValidator:
    """``upload_check`` for Django form and model fields (only fresh uploads are checked)."""

    def __init__(self, kinds, label: str = "파일"):
        self.kinds = tuple(sorted(kinds))
        self.label = label

    def __call__(self, value) -> None:
        upload = getattr(value, "file", value) if hasattr(value, "_committed") else value
        if getattr(value, "_committed", False):
            return  # a file already stored (an unchanged field of an edited object)
        if upload is None:
            return
        try:
            upload_check(upload, kinds=self.kinds, label=self.label)
        except DomainError as exc:
            raise ValidationError(str(exc.message), code=exc.code.lower())

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.kinds == other.kinds
            and self.label == other.label
        )


class UploadCheckedAdminMixin:
    """For ``ModelAdmin``/inlines: ``upload_fields = {"document": (DOCUMENT_KINDS, "증빙 서류")}``
    adds ``UploadValidator`` to those file fields of the admin's forms. Fields listed in
    ``private_upload_fields`` link their current file to the staff-only view
    (``core.media.private_media``) instead of ``MEDIA_URL``."""

    upload_fields: dict[str, tuple] = {}
    private_upload_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.private_upload_fields:
            from core.media import PrivateAdminFileWidget

            kwargs["widget"] = PrivateAdminFileWidget
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        spec = self.upload_fields.get(db_field.name)
        if formfield is not None and spec is not None:
            kinds, label = spec
            formfield.validators.append(UploadValidator(kinds, label))
        return formfield
