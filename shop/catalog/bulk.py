"""Bulk import and export of a vendor's catalog as CSV or XLSX.

One row per variant (a row without SKU and variant values touches only its product). Columns
are named in Korean, each with an English alias (``COLUMNS``); either works in a header.

Rows are grouped into products by 주소이름 (slug), else by 상품명; existing products are found by
slug, by one of their SKUs, or by their exact name within the vendor, and existing variants by
SKU within the vendor. A header that is absent leaves that field alone; a cell that is blank
clears an optional text field (원산지, 알레르기, 식단, 인증표시, 설명, 옵션명, 중량) and keeps the
others. Product cells repeat on each row of a product (as the export writes them); blank ones
inherit, different ones are an error.

``bulk_preview`` reads and checks a file and writes nothing; ``bulk_apply`` checks again against
the database as it is now and writes everything through the catalog services in one
transaction: one error anywhere and nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch

from core.errors import DomainError, DomainErrors, as_error_list
from shop.catalog import services
from shop.catalog.models import (
    Allergen,
    Category,
    DietaryTag,
    Product,
    ProductKind,
    ProductVariant,
    Stock,
    TaxType,
    decode_codes,
    encode_codes,
)
from shop.catalog.permissions import require_vendor_manager

MAX_ROWS = 5000
MAX_PRICE = 2_147_483_647
# The template's example row: rows with this SKU are shown and skipped, never imported.
EXAMPLE_SKU = "EXAMPLE-001"

CREATE, UPDATE, UNCHANGED, SKIP, ERROR = "create", "update", "unchanged", "skip", "error"
ACTION_LABELS = {
    CREATE: "새로 등록",
    UPDATE: "수정",
    UNCHANGED: "변경 없음",
    SKIP: "건너뜀",
    ERROR: "오류",
}

TAX_HELP = {
    TaxType.TAXABLE: "부가세 10%가 붙는 상품. 가격은 부가세 포함. 과자·빵·음료 등 가공식품 대부분.",
    TaxType.EXEMPT: (
        "부가세 면제. 가공하지 않은 농·축·수산물과 건조·냉동·염장·포장 같은 1차 가공품, "
        "김치·두부 같은 단순 가공식품."
    ),
    TaxType.ZERO_RATED: "영세율(세율 0%) 적용 대상(수출 등). 세액은 0원.",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    level: str  # "product" or "variant"
    example: str
    help: str
    required: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        key="name",
        label="상품명",
        level="product",
        example="(예시) 유기농 쌀과자",
        required="새 상품에 필수",
        help="상품 이름. 같은 상품의 옵션은 같은 이름으로 여러 행에 씁니다.",
    ),
    Column(
        key="slug",
        label="주소이름",
        level="product",
        example="example-rice-cracker",
        help=(
            "상품 주소에 쓰는 이름(영문·한글·숫자·-). 비우면 상품명으로 만듭니다. "
            "있으면 이 값으로 상품을 찾습니다."
        ),
    ),
    Column(
        key="category",
        label="분류",
        level="product",
        example="과자",
        required="새 상품에 필수",
        help="분류의 주소 이름이나 이름('안내' 시트의 분류 목록).",
    ),
    Column(
        key="kind",
        label="구분",
        level="product",
        example="먹거리",
        help="먹거리 / 음료 / 기타 (또는 food / drink / other).",
    ),
    Column(
        key="tax_type",
        label="과세유형",
        level="product",
        example="과세",
        help="과세 / 면세 / 영세 (또는 taxable / exempt / zero_rated).",
    ),
    Column(
        key="origin",
        label="원산지",
        level="product",
        example="국내산(쌀)",
        help="예: 국내산(쌀), 수입산(설탕)",
    ),
    Column(
        key="allergens",
        label="알레르기",
        level="product",
        example="밀, 대두",
        help="알레르기 유발 성분. 쉼표로 구분(예: 밀, 대두).",
    ),
    Column(
        key="dietary",
        label="식단",
        level="product",
        example="유기농",
        help="비건, 채식, 글루텐 프리, 무카페인, 무설탕, 유기농 중에서 쉼표로 구분.",
    ),
    Column(
        key="marks",
        label="인증표시",
        level="product",
        example="HACCP",
        help="인증 표시. 쉼표로 구분(예: 친환경, HACCP).",
    ),
    Column(
        key="published",
        label="공개",
        level="product",
        example="N",
        help="Y(공개) / N(비공개). 옵션이 하나 이상 있어야 공개할 수 있습니다.",
    ),
    Column(
        key="description",
        label="설명",
        level="product",
        example="국산 쌀로 만든 바삭한 과자입니다.",
        help="상품 설명.",
    ),
    Column(
        key="sku",
        label="SKU",
        level="variant",
        example=EXAMPLE_SKU,
        required="옵션 행에 필수",
        help="옵션마다 다른 관리 코드. 같은 SKU가 있으면 그 옵션을 고칩니다.",
    ),
    Column(
        key="variant_name",
        label="옵션명",
        level="variant",
        example="10개입",
        help="예: 10개입, 500g",
    ),
    Column(
        key="price",
        label="가격",
        level="variant",
        example="12000",
        required="새 옵션에 필수",
        help="판매가(원, 부가세 포함). 정수. '12,000'이나 '12000원'도 됩니다.",
    ),
    Column(
        key="weight_grams",
        label="중량",
        level="variant",
        example="300",
        help="그램(g) 단위 정수.",
    ),
    Column(
        key="servings",
        label="제공량",
        level="variant",
        example="10",
        help="이 옵션 하나로 몇 명이 먹는지(1 이상). 비우면 1.",
    ),
    Column(
        key="stock",
        label="재고",
        level="variant",
        example="50",
        help="재고 수량(0 이상). 비우면 그대로 둡니다(새 옵션은 0).",
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.label for c in COLUMNS]

_EXTRA_HEADER_ALIASES = {
    "주소이름": "slug",
    "주소": "slug",
    "카테고리": "category",
    "과세": "tax_type",
    "taxtype": "tax_type",
    "알레르기유발성분": "allergens",
    "allergen": "allergens",
    "dietarytags": "dietary",
    "dietary_tags": "dietary",
    "식단표시": "dietary",
    "인증": "marks",
    "certificationmarks": "marks",
    "certification_marks": "marks",
    "ispublished": "published",
    "is_published": "published",
    "공개여부": "published",
    "옵션": "variant_name",
    "variant": "variant_name",
    "variantname": "variant_name",
    "판매가": "price",
    "weight": "weight_grams",
    "weightgrams": "weight_grams",
    "중량(g)": "weight_grams",
    "재고수량": "stock",
    "quantity": "stock",
    "상품설명": "description",
}

# Fields a blank cell clears (the rest keep their value when blank).
_CLEARABLE = {
    "origin",
    "allergens",
    "dietary",
    "marks",
    "description",
    "variant_name",
    "weight_grams",
}
_PRODUCT_KEYS = [c.key for c in COLUMNS if c.level == "product"]
_VARIANT_VALUE_KEYS = ["variant_name", "price", "weight_grams", "servings", "stock"]
# Bulk column -> catalog service field.
_PRODUCT_FIELD = {
    "name": "name",
    "slug": "slug",
    "category": "category",
    "kind": "kind",
    "tax_type": "tax_type",
    "origin": "origin",
    "allergens": "allergens",
    "dietary": "dietary_tags",
    "marks": "certification_marks",
    "published": "is_published",
    "description": "description",
}
_VARIANT_FIELD = {
    "sku": "sku",
    "variant_name": "name",
    "price": "price",
    "weight_grams": "weight_grams",
    "servings": "servings",
}
_MAX_LENGTH = {
    "name": 200,
    "slug": 220,
    "origin": 100,
    "marks": 200,
    "sku": 64,
    "variant_name": 100,
}


# --- Results ------------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    number: int  # the row number as the spreadsheet shows it (the header is row 1)
    values: dict[str, str]
    action: str = UNCHANGED
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    def cell(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class Preview:
    filename: str
    header: list[str] = field(default_factory=list)  # column keys, in file order
    raw_rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file
    warnings: list[str] = field(default_factory=list)
    plans: list[_ProductPlan] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(r.errors for r in self.rows)

    @property
    def error_rows(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.errors]

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            out[row.action] += 1
        return out

    @property
    def has_changes(self) -> bool:
        return any(r.action in (CREATE, UPDATE) for r in self.rows)

    def error_messages(self) -> list[str]:
        out = list(self.errors)
        for row in self.rows:
            out.extend(f"{row.number}행: {e}" for e in row.errors)
        return out

    def domain_errors(self) -> list[DomainError]:
        out = [DomainError("INVALID", e, "file") for e in self.errors]
        for row in self.rows:
            out.extend(DomainError("INVALID", f"{row.number}행: {e}", "rows") for e in row.errors)
        return out


@dataclass
class ApplyResult:
    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    unchanged_rows: int = 0

    def summary(self) -> str:
        return (
            f"상품 {self.products_created}개 등록, {self.products_updated}개 수정 · "
            f"옵션 {self.variants_created}개 등록, {self.variants_updated}개 수정 · "
            f"변경 없음 {self.unchanged_rows}행"
        )


@dataclass
class _VariantPlan:
    row: PreviewRow
    variant: ProductVariant | None
    fields: dict[str, Any]
    quantity: int | None  # stock to set; None leaves it


@dataclass
class _ProductPlan:
    rows: list[PreviewRow]
    product: Product | None
    fields: dict[str, Any] = field(default_factory=dict)
    variants: list[_VariantPlan] = field(default_factory=list)
    explicit_slug: bool = False


# --- Reading files --------------------------------------------------------------------------------


def _norm_header(text: str) -> str:
    text = str(text or "").strip().lower().lstrip("\ufeff").rstrip("*")
    text = re.sub(r"\s+", "", text)
    return text


def _header_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for col in COLUMNS:
        out[_norm_header(col.label)] = col.key
        out[_norm_header(col.key)] = col.key
        out[_norm_header(col.key.replace("_", ""))] = col.key
    for alias, key in _EXTRA_HEADER_ALIASES.items():
        out.setdefault(_norm_header(alias), key)
    return out


_HEADERS = _header_lookup()


def _header_key(text: str) -> str | None:
    norm = _norm_header(text)
    if norm in _HEADERS:
        return _HEADERS[norm]
    bare = re.sub(r"\(.*?\)", "", norm)  # "가격(원)" -> "가격"
    return _HEADERS.get(bare)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(
            "INVALID",
            "CSV 파일의 문자 인코딩을 알 수 없습니다. UTF-8로 저장해 주세요.",
            "file",
        )
    first = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(i, [c.strip() for c in row]) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise DomainError("INVALID", f"CSV 파일을 읽을 수 없습니다: {exc}", "file")


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise DomainError("INVALID", f"XLSX 파일을 읽을 수 없습니다({type(exc).__name__}).", "file")
    try:
        ws = wb["상품"] if "상품" in wb.sheetnames else wb.worksheets[0]
        rows = []
        for i, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                rows.append((i, cells))
                if len(rows) > MAX_ROWS + 1:
                    break
        return rows
    finally:
        wb.close()


def read_table(file, filename: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) of every non-empty row of a CSV or XLSX file."""
    data = file if isinstance(file, bytes) else file.read()
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if not data:
        raise DomainError("INVALID", "파일이 비어 있습니다.", "file")
    if ext == "csv":
        rows = _read_csv(data)
    elif ext in ("xlsx", "xlsm"):
        rows = _read_xlsx(data)
    elif ext == "xls":
        raise DomainError(
            "INVALID",
            "XLS(구 엑셀) 형식은 읽을 수 없습니다. 엑셀에서 XLSX나 CSV로 저장해 주세요.",
            "file",
        )
    else:
        raise DomainError("INVALID", "CSV 또는 XLSX 파일만 올릴 수 있습니다.", "file")
    return [(n, cells) for n, cells in rows if any(cells)]


# --- Parsing cells --------------------------------------------------------------------------------


def _norm_word(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(text).strip().lower())


def _choice_lookup(choices, aliases: dict[str, str] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, label in choices:
        label = str(label)
        out[_norm_word(value)] = value
        out[_norm_word(label)] = value
        for part in re.split(r"[()]", label):  # "알류(난류)" -> "알류", "난류"
            if part.strip():
                out.setdefault(_norm_word(part), value)
    for alias, value in (aliases or {}).items():
        out.setdefault(_norm_word(alias), value)
    return out


_KIND = _choice_lookup(ProductKind.choices, {"식품": "food", "음식": "food", "음료수": "drink"})
_TAX = _choice_lookup(TaxType.choices, {"영세율": "zero_rated", "zero": "zero_rated"})
_ALLERGEN = _choice_lookup(
    Allergen.choices,
    {"계란": "egg", "달걀": "egg", "소고기": "beef", "조개": "shellfish", "아황산": "sulfite"},
)
_DIETARY = _choice_lookup(
    DietaryTag.choices, {"채식주의": "vegetarian", "디카페인": "caffeine_free"}
)
_YES = {"y", "yes", "true", "1", "o", "예", "네", "공개", "on"}
_NO = {"n", "no", "false", "0", "x", "아니오", "아니요", "비공개", "off"}


def _split_list(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,，、;/]", text) if p.strip()]


def _parse_int(text: str, *, suffixes: tuple[str, ...] = ()) -> int:
    t = re.sub(r"[\s,₩￦]", "", text)
    for suffix in suffixes:
        if t.endswith(suffix):
            t = t[: -len(suffix)]
            break
    if re.fullmatch(r"\+?\d+(\.0+)?", t):
        return int(float(t)) if "." in t else int(t)
    raise ValueError(text)


def _parse_cell(key: str, text: str, ctx: _Context) -> Any:
    """The typed value of a non-blank cell; raises ``ValueError`` with a Korean message."""
    if key == "description":
        return text.replace("\r\n", "\n").strip()
    if key in ("name", "origin", "variant_name", "sku"):
        limit = _MAX_LENGTH.get(key)
        if limit and len(text) > limit:
            raise ValueError(f"{COLUMN_BY_KEY[key].label}은(는) {limit}자 이하로 입력하세요.")
        return text
    if key == "slug":
        try:
            validate_unicode_slug(text)
        except ValidationError:
            raise ValueError("주소이름에는 글자, 숫자, 하이픈(-), 밑줄(_)만 쓸 수 있습니다.")
        if len(text) > _MAX_LENGTH["slug"]:
            raise ValueError("주소이름은 220자 이하로 입력하세요.")
        return text
    if key == "category":
        return ctx.category(text)
    if key == "kind":
        if _norm_word(text) not in _KIND:
            raise ValueError(f"구분은 먹거리, 음료, 기타 중 하나여야 합니다('{text}').")
        return _KIND[_norm_word(text)]
    if key == "tax_type":
        if _norm_word(text) not in _TAX:
            raise ValueError(f"과세유형은 과세, 면세, 영세 중 하나여야 합니다('{text}').")
        return _TAX[_norm_word(text)]
    if key == "allergens":
        parts = _split_list(text)
        bad = [p for p in parts if _norm_word(p) not in _ALLERGEN]
        if bad:
            raise ValueError(f"알 수 없는 알레르기 성분: {', '.join(bad)}")
        return sorted({_ALLERGEN[_norm_word(p)] for p in parts})
    if key == "dietary":
        parts = _split_list(text)
        bad = [p for p in parts if _norm_word(p) not in _DIETARY]
        if bad:
            raise ValueError(f"알 수 없는 식단 표시: {', '.join(bad)}")
        return sorted({_DIETARY[_norm_word(p)] for p in parts})
    if key == "marks":
        value = ", ".join(p.strip() for p in text.split(",") if p.strip())
        if len(value) > _MAX_LENGTH["marks"]:
            raise ValueError("인증표시는 200자 이하로 입력하세요.")
        return value
    if key == "published":
        word = _norm_word(text)
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError(f"공개는 Y 또는 N으로 입력하세요('{text}').")
    if key == "price":
        try:
            value = _parse_int(text, suffixes=("원",))
        except ValueError:
            raise ValueError(f"가격은 0원 이상의 정수여야 합니다(입력값: {text}).")
        if value > MAX_PRICE:
            raise ValueError(f"가격이 너무 큽니다(입력값: {text}).")
        return value
    if key == "weight_grams":
        try:
            return _parse_int(text, suffixes=("g", "그램"))
        except ValueError:
            raise ValueError(f"중량은 0 이상의 정수(g)여야 합니다(입력값: {text}).")
    if key == "servings":
        try:
            value = _parse_int(text, suffixes=("인분", "명"))
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(f"제공량은 1 이상의 정수여야 합니다(입력값: {text}).")
        return value
    if key == "stock":
        try:
            return _parse_int(text, suffixes=("개",))
        except ValueError:
            raise ValueError(f"재고는 0 이상의 정수여야 합니다(입력값: {text}).")
    raise ValueError(key)  # pragma: no cover


def _blank_value(key: str) -> Any:
    if key in ("allergens", "dietary"):
        return []
    if key == "weight_grams":
        return None
    return ""


class _Context:
    """Lookups shared by every row of one file (categories are few: load them once)."""

    def __init__(self) -> None:
        self._categories: list[Category] | None = None

    @property
    def categories(self) -> list[Category]:
        if self._categories is None:
            self._categories = list(Category.objects.select_related("parent"))
        return self._categories

    def category(self, text: str) -> Category:
        for cat in self.categories:
            if cat.slug == text:
                return cat
        named = [c for c in self.categories if c.name.strip().lower() == text.strip().lower()]
        if len(named) == 1:
            return named[0]
        if named:
            raise ValueError(
                f"이름이 '{text}'인 분류가 여러 개입니다. 분류의 주소 이름으로 입력하세요."
            )
        raise ValueError(f"분류 '{text}'을(를) 찾을 수 없습니다.")


# --- Planning -------------------------------------------------------------------------------------


def _display(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(없음)"
    if key == "category":
        return value.name
    if key == "kind":
        return str(ProductKind(value).label)
    if key == "tax_type":
        return str(TaxType(value).label)
    if key == "allergens":
        return ", ".join(str(Allergen(v).label) for v in value)
    if key == "dietary":
        return ", ".join(str(DietaryTag(v).label) for v in value)
    if key == "published":
        return "공개" if value else "비공개"
    if key == "price":
        return f"{value:,}원"
    if key == "description":
        text = str(value)
        return text if len(text) <= 20 else text[:20] + "…"
    return str(value)


def _current_product_value(product: Product, key: str) -> Any:
    if key == "category":
        return product.category
    if key == "allergens":
        return sorted(product.allergens)
    if key == "dietary":
        return sorted(product.dietary_tags)
    if key == "marks":
        return ", ".join(product.marks)
    if key == "description":
        return product.description.replace("\r\n", "\n").strip()
    return getattr(product, _PRODUCT_FIELD[key])


def _same(key: str, old: Any, new: Any) -> bool:
    if key == "category":
        return old is not None and new is not None and old.pk == new.pk
    if key in ("allergens", "dietary"):
        return encode_codes(old) == encode_codes(new)
    return old == new


def _stock_of(variant: ProductVariant) -> Stock | None:
    try:
        return variant.stock
    except Stock.DoesNotExist:
        return None


def _group_rows(parsed: list[tuple[PreviewRow, dict[str, Any]]]) -> list[list]:
    """Rows grouped into products: by slug, else by name (a name row joins its slug group)."""
    groups: dict[tuple[str, str], list] = {}
    slug_by_name: dict[str, set[str]] = defaultdict(set)
    for _row, vals in parsed:
        if vals.get("slug") and vals.get("name"):
            slug_by_name[vals["name"]].add(vals["slug"])
    for row, vals in parsed:
        if vals.get("slug"):
            key = ("slug", vals["slug"])
        elif vals.get("name"):
            slugs = slug_by_name.get(vals["name"], set())
            key = ("slug", next(iter(slugs))) if len(slugs) == 1 else ("name", vals["name"])
        else:
            row.errors.append("상품명 또는 주소이름을 입력하세요.")
            continue
        groups.setdefault(key, []).append((row, vals))
    return [[key, *members] for key, members in groups.items()]


def _plan(vendor, header: list[str], raw_rows: list[tuple[int, dict[str, str]]]):
    ctx = _Context()
    present = set(header)
    rows: list[PreviewRow] = []
    parsed: list[tuple[PreviewRow, dict[str, Any]]] = []

    # 1. Cells -> typed values (only non-blank cells).
    for number, values in raw_rows:
        row = PreviewRow(number=number, values=values)
        rows.append(row)
        if values.get("sku", "") == EXAMPLE_SKU:
            row.action = SKIP
            row.changes.append("양식의 예시 행이라 가져오지 않습니다.")
            continue
        vals: dict[str, Any] = {}
        for key in header:
            text = values.get(key, "")
            if not text:
                continue
            try:
                vals[key] = _parse_cell(key, text, ctx)
            except ValueError as exc:
                row.errors.append(str(exc))
        has_variant_values = any(values.get(k) for k in _VARIANT_VALUE_KEYS)
        if has_variant_values and not values.get("sku"):
            row.errors.append("SKU를 입력하세요.")
        parsed.append((row, vals))

    # 2. SKUs: unique within the file; existing ones must be this vendor's.
    first_row_of_sku: dict[str, int] = {}
    for row, vals in parsed:
        sku = vals.get("sku")
        if not sku:
            continue
        if sku in first_row_of_sku:
            row.errors.append(f"SKU '{sku}'가 {first_row_of_sku[sku]}행에도 있습니다.")
            vals.pop("sku")
        else:
            first_row_of_sku[sku] = row.number
    existing_variants = {
        v.sku: v
        for v in ProductVariant.objects.filter(sku__in=list(first_row_of_sku)).select_related(
            "product", "stock"
        )
    }
    for row, vals in parsed:
        variant = existing_variants.get(vals.get("sku"))
        if variant is not None and variant.product.vendor_id != vendor.pk:
            row.errors.append(f"SKU '{vals['sku']}'는 다른 판매처에서 이미 사용 중입니다.")

    # 3. Group rows into products and find each existing product.
    groups = _group_rows(parsed)
    slugs = [key[1] for key, *_ in groups if key[0] == "slug"]
    names = [key[1] for key, *_ in groups if key[0] == "name"]
    by_slug = {p.slug: p for p in Product.objects.filter(slug__in=slugs).select_related("category")}
    by_name: dict[str, list[Product]] = defaultdict(list)
    for p in Product.objects.filter(vendor=vendor, name__in=names).select_related("category"):
        by_name[p.name].append(p)
    by_id = {v.product_id: v.product for v in existing_variants.values()}

    plans: list[_ProductPlan] = []
    claimed: dict[int, int] = {}  # product id -> first row number of the group that has it
    for key, *members in groups:
        group_rows = [r for r, _ in members]
        first = group_rows[0]
        kind, ident = key
        own_product_ids = {
            existing_variants[v["sku"]].product_id
            for _, v in members
            if v.get("sku") in existing_variants
            and existing_variants[v["sku"]].product.vendor_id == vendor.pk
        }
        product: Product | None = None
        group_error = None
        if kind == "slug":
            product = by_slug.get(ident)
            if product is not None and product.vendor_id != vendor.pk:
                group_error = f"주소이름 '{ident}'은(는) 다른 판매처의 상품이 사용 중입니다."
                product = None
        elif len(own_product_ids) == 1:
            product = by_id[next(iter(own_product_ids))]
        elif len(own_product_ids) > 1:
            group_error = (
                f"상품 '{ident}'의 SKU들이 서로 다른 상품에 속해 있습니다. "
                "주소이름으로 구분해 주세요."
            )
        elif len(by_name.get(ident, [])) == 1:
            product = by_name[ident][0]
        elif len(by_name.get(ident, [])) > 1:
            group_error = (
                f"이름이 '{ident}'인 상품이 여러 개입니다. 주소이름(slug) 열로 구분해 주세요."
            )
        if group_error:
            for row in group_rows:
                row.errors.append(group_error)
        if product is not None:
            if product.pk in claimed:
                for row in group_rows:
                    row.errors.append(
                        f"{claimed[product.pk]}행과 같은 상품입니다. "
                        "같은 상품명·주소이름으로 적어 주세요."
                    )
            claimed.setdefault(product.pk, first.number)
        plan = _ProductPlan(rows=group_rows, product=product, explicit_slug=kind == "slug")
        _plan_product(plan, members, present)
        for row, vals in members:
            if not vals.get("sku"):
                continue
            variant = existing_variants.get(vals["sku"])
            if variant is not None and variant.product.vendor_id != vendor.pk:
                continue  # already reported
            if variant is not None and (product is None or variant.product_id != product.pk):
                row.errors.append(
                    f"SKU '{vals['sku']}'는 다른 상품('{variant.product.name}')의 옵션입니다."
                )
                continue
            plan.variants.append(_plan_variant(row, vals, variant, present))
        plans.append(plan)

    # 4. A product that ends up published needs at least one variant.
    counts = dict(
        Product.objects.filter(pk__in=[p.product.pk for p in plans if p.product])
        .annotate(n=Count("variants"))
        .values_list("pk", "n")
    )
    for plan in plans:
        publish = plan.fields.get(
            "is_published", plan.product.is_published if plan.product else False
        )
        new_variants = sum(1 for v in plan.variants if v.variant is None)
        total = (counts.get(plan.product.pk, 0) if plan.product else 0) + new_variants
        if publish and total == 0:
            plan.rows[0].errors.append("옵션(SKU·가격)이 하나 이상 있어야 공개할 수 있습니다.")

    # 5. Each row's action.
    for plan in plans:
        for i, row in enumerate(plan.rows):
            if row.errors:
                row.action = ERROR
                continue
            vplan = next((v for v in plan.variants if v.row is row), None)
            creates_variant = vplan is not None and vplan.variant is None
            if creates_variant or (i == 0 and plan.product is None):
                row.action = CREATE
            elif (vplan is not None and (vplan.fields or vplan.quantity is not None)) or (
                i == 0 and plan.fields
            ):
                row.action = UPDATE
            else:
                row.action = UNCHANGED
    for row in rows:
        if row.errors:
            row.action = ERROR
    return rows, plans


def _plan_product(plan: _ProductPlan, members, present: set[str]) -> None:
    first = plan.rows[0]
    merged: dict[str, Any] = {}
    for key in _PRODUCT_KEYS:
        if key not in present:
            continue
        found = [(row, vals[key]) for row, vals in members if key in vals]
        if found:
            origin_row, value = found[0]
            for row, other in found[1:]:
                if not _same(key, value, other):
                    row.errors.append(
                        f"{COLUMN_BY_KEY[key].label} 값이 같은 상품의 "
                        f"{origin_row.number}행과 다릅니다."
                    )
            merged[key] = value
        elif key in _CLEARABLE:
            merged[key] = _blank_value(key)
    product = plan.product
    if product is None:
        for key, label in (("name", "상품명"), ("category", "분류")):
            # A cell that failed to parse already has its own error.
            if not merged.get(key) and not any(r.values.get(key) for r in plan.rows):
                first.errors.append(f"새 상품에는 {label}이(가) 필요합니다.")
        plan.fields = {_PRODUCT_FIELD[k]: v for k, v in merged.items()}
        return
    for key, value in merged.items():
        if key == "slug":
            continue
        old = _current_product_value(product, key)
        if not _same(key, old, value):
            plan.fields[_PRODUCT_FIELD[key]] = value
            first.changes.append(
                f"{COLUMN_BY_KEY[key].label}: {_display(key, old)} → {_display(key, value)}"
            )


def _plan_variant(row: PreviewRow, vals: dict, variant, present: set[str]) -> _VariantPlan:
    wanted: dict[str, Any] = {}
    for key in ("sku", "variant_name", "price", "weight_grams", "servings"):
        if key in vals:
            wanted[key] = vals[key]
        elif key in present and key in _CLEARABLE:
            wanted[key] = _blank_value(key)
    quantity = vals.get("stock")
    if variant is None:
        if "price" not in wanted:
            row.errors.append("새 옵션에는 가격이 필요합니다.")
        fields = {_VARIANT_FIELD[k]: v for k, v in wanted.items()}
        return _VariantPlan(row=row, variant=None, fields=fields, quantity=quantity or 0)
    fields = {}
    for key, value in wanted.items():
        old = getattr(variant, _VARIANT_FIELD[key])
        if old != value:
            fields[_VARIANT_FIELD[key]] = value
            row.changes.append(
                f"{COLUMN_BY_KEY[key].label}: {_display(key, old)} → {_display(key, value)}"
            )
    stock = _stock_of(variant)
    current = stock.quantity if stock else 0
    allocated = stock.allocated if stock else 0
    if quantity is not None and quantity != current:
        if quantity < allocated:
            row.errors.append(f"이미 주문에 할당된 {allocated}개보다 재고를 적게 둘 수 없습니다.")
        row.changes.append(f"재고: {current} → {quantity}")
    else:
        quantity = None
    return _VariantPlan(row=row, variant=variant, fields=fields, quantity=quantity)


# --- Public API -----------------------------------------------------------------------------------


def _build(vendor, filename: str, header: list[str], raw_rows, warnings=()) -> Preview:
    preview = Preview(filename=filename, header=header, raw_rows=raw_rows)
    preview.warnings = list(warnings)
    preview.rows, preview.plans = _plan(vendor, header, raw_rows)
    return preview


def bulk_preview(*, vendor, file, filename: str) -> Preview:
    """Read and check ``file`` (CSV or XLSX bytes or a file object); write nothing."""
    preview = Preview(filename=filename)
    try:
        table = read_table(file, filename)
    except DomainError as exc:
        preview.errors.append(exc.message)
        return preview
    if not table:
        preview.errors.append("파일에 내용이 없습니다.")
        return preview
    _, head_cells = table[0]
    header: list[str] = []
    positions: list[tuple[int, str]] = []
    for i, text in enumerate(head_cells):
        if not text:
            continue
        key = _header_key(text)
        if key is None:
            preview.warnings.append(f"알 수 없는 열 '{text}'은(는) 무시합니다.")
        elif key in header:
            preview.errors.append(f"'{COLUMN_BY_KEY[key].label}' 열이 두 번 있습니다.")
        else:
            header.append(key)
            positions.append((i, key))
    if "name" not in header and "slug" not in header:
        preview.errors.append(
            "첫 행(머리글)에 '상품명' 또는 '주소이름' 열이 있어야 합니다. "
            "양식을 내려받아 확인해 주세요."
        )
    data_rows = table[1:]
    if len(data_rows) > MAX_ROWS:
        preview.errors.append(f"한 번에 {MAX_ROWS:,}행까지 가져올 수 있습니다. 파일을 나눠 주세요.")
    if not data_rows and not preview.errors:
        preview.errors.append("머리글 아래에 가져올 행이 없습니다.")
    if preview.errors:
        return preview
    raw_rows = [
        (number, {key: cells[i] if i < len(cells) else "" for i, key in positions})
        for number, cells in data_rows
    ]
    raw_rows = [(n, values) for n, values in raw_rows if any(values.values())]
    return _build(vendor, filename, header, raw_rows, preview.warnings)


def bulk_apply(*, actor, vendor, preview: Preview) -> ApplyResult:
    """Check the rows again and write them all in one transaction, or nothing.

    Raises ``DomainErrors`` whose messages start with the row number ("3행: ...").
    """
    require_vendor_manager(actor, vendor)
    if preview.errors:
        raise DomainErrors(preview.domain_errors())
    result = ApplyResult()
    with transaction.atomic():
        fresh = _build(vendor, preview.filename, preview.header, preview.raw_rows)
        if not fresh.ok:
            raise DomainErrors(fresh.domain_errors())
        errors: list[DomainError] = []
        # Products with an explicit slug first, so generated slugs never take one of theirs.
        for plan in sorted(fresh.plans, key=lambda p: not p.explicit_slug):
            try:
                _apply_plan(actor, vendor, plan, result, errors)
            except IntegrityError:
                errors.append(
                    DomainError(
                        "UNIQUE",
                        f"{plan.rows[0].number}행: 같은 SKU나 주소이름이 방금 다른 곳에서 "
                        "저장되었습니다. 다시 시도해 주세요.",
                        "rows",
                    )
                )
        if errors:
            raise DomainErrors(errors)
        result.unchanged_rows = sum(1 for r in fresh.rows if r.action == UNCHANGED)
    return result


def _row_errors(row: PreviewRow, exc: DomainError | DomainErrors) -> list[DomainError]:
    return [
        DomainError(e.code, f"{row.number}행: {e.message}", e.field or "rows")
        for e in as_error_list(exc)
    ]


def _apply_plan(actor, vendor, plan: _ProductPlan, result: ApplyResult, errors: list) -> None:
    product = plan.product
    try:
        if product is None:
            product = services.product_create(actor=actor, vendor=vendor, **plan.fields)
            result.products_created += 1
        elif plan.fields:
            services.product_update(actor=actor, product=product, **plan.fields)
            result.products_updated += 1
    except (DomainError, DomainErrors) as exc:
        errors.extend(_row_errors(plan.rows[0], exc))
        return
    for vplan in plan.variants:
        try:
            if vplan.variant is None:
                services.variant_create(
                    actor=actor, product=product, quantity=vplan.quantity or 0, **vplan.fields
                )
                result.variants_created += 1
                continue
            if vplan.fields:
                services.variant_update(actor=actor, variant=vplan.variant, **vplan.fields)
            if vplan.quantity is not None:
                services.stock_set(actor=actor, variant=vplan.variant, quantity=vplan.quantity)
            if vplan.fields or vplan.quantity is not None:
                result.variants_updated += 1
        except (DomainError, DomainErrors) as exc:
            errors.extend(_row_errors(vplan.row, exc))


# --- Export and template --------------------------------------------------------------------------


def _category_labels() -> dict[int, str]:
    """Category id -> the name if no other category has it, else the slug."""
    cats = list(Category.objects.only("id", "name", "slug"))
    seen: dict[str, int] = defaultdict(int)
    for c in cats:
        seen[c.name.strip().lower()] += 1
    return {c.pk: c.name if seen[c.name.strip().lower()] == 1 else c.slug for c in cats}


def _labels(choices_cls, codes: list[str]) -> str:
    out = []
    for code in codes:
        try:
            out.append(str(choices_cls(code).label))
        except ValueError:
            out.append(code)
    return ", ".join(out)


def _product_cells(product: Product, categories: dict[int, str]) -> list[Any]:
    return [
        product.name,
        product.slug,
        categories.get(product.category_id, ""),
        str(ProductKind(product.kind).label)
        if product.kind in ProductKind.values
        else product.kind,
        str(TaxType(product.tax_type).label) if product.tax_type in TaxType.values else "",
        product.origin,
        _labels(Allergen, decode_codes(product.allergen_codes)),
        _labels(DietaryTag, decode_codes(product.dietary_codes)),
        ", ".join(product.marks),
        "Y" if product.is_published else "N",
        product.description,
    ]


def export_rows(*, vendor) -> list[list[Any]]:
    """The header and one row per variant (a product without variants gets one row)."""
    categories = _category_labels()
    products = (
        Product.objects.filter(vendor=vendor)
        .order_by("id")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.select_related("stock").order_by(
                    "sort_order", "id"
                ),
            )
        )
    )
    rows: list[list[Any]] = [list(HEADERS)]
    for product in products:
        cells = _product_cells(product, categories)
        variants = list(product.variants.all())
        if not variants:
            rows.append([*cells, "", "", "", "", "", ""])
        for v in variants:
            stock = _stock_of(v)
            rows.append(
                [
                    *cells,
                    v.sku,
                    v.name,
                    v.price,
                    v.weight_grams if v.weight_grams is not None else "",
                    v.servings,
                    stock.quantity if stock else 0,
                ]
            )
    return rows


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _example_row() -> list[Any]:
    return [COLUMN_BY_KEY[c.key].example for c in COLUMNS]


def export_csv(*, vendor) -> bytes:
    return _csv_bytes(export_rows(vendor=vendor))


def template_csv() -> bytes:
    return _csv_bytes([list(HEADERS), _example_row()])


def _xlsx_sheet(wb, rows: list[list[Any]], *, title: str):
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.active
    ws.title = title
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    bold = Font(bold=True)
    required = PatternFill("solid", fgColor="FFE6F2EC")
    for c, col in enumerate(COLUMNS, start=1):
        head = ws.cell(row=1, column=c)
        head.font = bold
        if col.required:
            head.fill = required
        ws.column_dimensions[get_column_letter(c)].width = max(10, min(40, len(col.label) * 3 + 6))
    price_col = [c.key for c in COLUMNS].index("price") + 1
    for r in range(2, len(rows) + 1):
        ws.cell(row=r, column=price_col).number_format = "#,##0"
    ws.freeze_panes = "A2"
    return ws


def _xlsx_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_xlsx(*, vendor) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    _xlsx_sheet(wb, export_rows(vendor=vendor), title="상품")
    return _xlsx_bytes(wb)


def template_xlsx() -> bytes:
    """The 상품 sheet (headers, one example row, drop-downs) and an 안내 sheet of valid values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = _xlsx_sheet(wb, [list(HEADERS), _example_row()], title="상품")
    ws.cell(row=2, column=1).font = Font(italic=True, color="FF666666")
    keys = [c.key for c in COLUMNS]
    for key, options in (
        ("kind", [str(label) for label in ProductKind.labels]),
        ("tax_type", [str(label) for label in TaxType.labels]),
        ("published", ["Y", "N"]),
    ):
        letter = ws.cell(row=1, column=keys.index(key) + 1).column_letter
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        ws.add_data_validation(dv)

    notes = wb.create_sheet("안내")
    bold = Font(bold=True)
    lines: list[list[Any]] = [
        ["누리 상품 일괄 등록 양식"],
        ["한 행이 옵션(SKU) 하나입니다."],
        ["옵션이 여러 개인 상품은 상품 정보를 같게 하여 여러 행에 적습니다."],
        [f"SKU가 {EXAMPLE_SKU}인 예시 행은 가져오지 않습니다. 지우거나 그대로 두어도 됩니다."],
        ["올리면 먼저 미리보기에서 행마다 처리 내용과 오류를 보여 줍니다."],
        ["'적용'을 눌러야 저장됩니다."],
        ["오류가 한 행이라도 있으면 아무것도 저장하지 않습니다."],
        [],
        ["열 이름", "영문 이름", "필수", "설명", "예시"],
    ]
    lines += [[c.label, c.key, c.required, c.help, c.example] for c in COLUMNS]
    lines += [[], ["과세유형", "코드", "", "설명"]]
    lines += [[str(t.label), t.value, "", TAX_HELP[t]] for t in TaxType]
    lines += [[], ["구분", "코드"]]
    lines += [[str(k.label), k.value] for k in ProductKind]
    lines += [[], ["알레르기", "코드"]]
    lines += [[str(a.label), a.value] for a in Allergen]
    lines += [[], ["식단", "코드"]]
    lines += [[str(d.label), d.value] for d in DietaryTag]
    lines += [[], ["분류 이름", "분류 주소 이름", "상위 분류"]]
    lines += [
        [c.name, c.slug, c.parent.name if c.parent else ""]
        for c in Category.objects.select_related("parent").order_by("sort_order", "name")
    ]
    section_heads = {"열 이름", "과세유형", "구분", "알레르기", "식단", "분류 이름"}
    for r, values in enumerate(lines, start=1):
        for c, value in enumerate(values, start=1):
            cell = notes.cell(row=r, column=c, value=value)
            if r == 1 or (values and values[0] in section_heads):
                cell.font = bold
    for letter, width in zip("ABCDE", (16, 16, 14, 80, 24), strict=True):
        notes.column_dimensions[letter].width = width
    return _xlsx_bytes(wb)
