"""Plain data for 견적서, 거래명세서 and 세금계산서 (DOMAIN.md "Documents").

The documents package knows nothing about models: the purchasing app adapts its quotes and
orders to these frozen dataclasses, and every renderer (PDF, CSV) reads only them.

Numbers are integer KRW and are *computed here* from ``unit_price × quantity`` with the one VAT
rule (``shop.tax.add_tax_to_supply``: tax = floor(supply / 10) per line for taxable lines, no
tax for exempt / zero-rated lines), then summed. ``supply + tax == total`` is checked per line
and overall whenever a document is built. An adapter that stores its own line or document
amounts passes them as ``expected_*``: a document whose numbers differ from the database's is
refused (``DocumentTotalsError``) instead of being printed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from shop.tax import TaxedAmount, add_tax_to_supply

TAXABLE = "taxable"
EXEMPT = "exempt"
ZERO_RATED = "zero_rated"
TAX_TYPE_LABELS = {TAXABLE: "과세", EXEMPT: "면세", ZERO_RATED: "영세"}


class DocumentKind(StrEnum):
    QUOTE = "quote"  # 견적서
    STATEMENT = "statement"  # 거래명세서
    TAX_INVOICE = "tax_invoice"  # 세금계산서 (data for issuing it)


KIND_TITLES = {
    DocumentKind.QUOTE: "견적서",
    DocumentKind.STATEMENT: "거래명세서",
    DocumentKind.TAX_INVOICE: "세금계산서",
}


class DocumentTotalsError(AssertionError):
    """The amounts of a document do not reconcile (or differ from the recorded ones)."""


_NON_DIGITS = re.compile(r"[\s-]")


def format_brn(value: str) -> str:
    """``1248100998`` or ``124-81-00998`` → ``124-81-00998``; empty stays empty.

    Only the shape is checked here (the registry validated the check digit on import)."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    digits = _NON_DIGITS.sub("", raw)
    if len(digits) != 10 or not digits.isdigit():
        raise ValueError(f"사업자등록번호 '{raw}'의 형식이 올바르지 않습니다 (###-##-#####).")
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


@dataclass(frozen=True)
class Party:
    """A business as documents show it: 공급자 (supplier) or 공급받는자 (buyer)."""

    name: str  # 상호 (법인명)
    brn: str = ""  # 사업자등록번호 (or an agency's 고유번호), normalized to ###-##-#####
    representative: str = ""  # 대표자 (성명)
    address: str = ""  # 사업장 주소
    business_category: str = ""  # 업태
    business_item: str = ""  # 종목
    phone: str = ""  # 연락처
    email: str = ""

    def __post_init__(self) -> None:
        if not str(self.name or "").strip():
            raise ValueError("상호가 비어 있습니다.")
        object.__setattr__(self, "brn", format_brn(self.brn))

    @classmethod
    def from_registry(cls, org: Any, **overrides: Any) -> Party:
        """From any object with the registry's fields (``vendors.models.Organization``: name, brn,
        representative, address, business_category, business_item, phone, email). Plain
        attribute access: this module never imports a model."""
        values = {
            name: getattr(org, name, "") or ""
            for name in (
                "name",
                "brn",
                "representative",
                "address",
                "business_category",
                "business_item",
                "phone",
                "email",
            )
        }
        values.update(overrides)
        return cls(**values)


@dataclass(frozen=True)
class Recipient:
    """Who a quote is addressed to: ``서울특별시 성동구 일자리정책과 홍길동 귀하``."""

    agency: str  # 기관명
    department: str = ""  # 부서
    person: str = ""  # 담당자

    def display(self) -> str:
        return " ".join(p for p in (self.agency, self.department, self.person) if p)


def _check_int(name: str, value: Any, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class DocumentLine:
    """One line: 품명, 규격, 수량, 단가 (supply price per unit, excluding VAT), 비고.

    ``supply`` = unit_price × quantity; ``tax`` = VAT on that line supply (floor, per line);
    ``total`` = supply + tax."""

    name: str  # 품명
    quantity: int  # 수량
    unit_price: int  # 단가 (공급가, VAT 별도)
    tax_type: str = TAXABLE  # taxable / exempt / zero_rated (shop.catalog.models.TaxType)
    spec: str = ""  # 규격
    note: str = ""  # 비고
    supply_date: dt.date | None = None  # 공급 월/일 on a tax invoice (default: the issue date)
    expected_supply: int | None = None  # the database's line supply, if it stores one
    expected_tax: int | None = None  # the database's line tax, if it stores one

    def __post_init__(self) -> None:
        _check_int("quantity", self.quantity, minimum=1)
        _check_int("unit_price", self.unit_price)
        if self.tax_type not in TAX_TYPE_LABELS:
            raise ValueError(f"Unknown tax type {self.tax_type!r}")
        amount = self.amount  # computes, and so checks, the line
        if amount.net + amount.tax != amount.gross:
            raise DocumentTotalsError(f"line {self.name!r}: {amount}")
        if self.expected_supply is not None and self.expected_supply != amount.net:
            raise DocumentTotalsError(
                f"line {self.name!r}: supply {amount.net:,} != recorded {self.expected_supply:,}"
            )
        if self.expected_tax is not None and self.expected_tax != amount.tax:
            raise DocumentTotalsError(
                f"line {self.name!r}: tax {amount.tax:,} != recorded {self.expected_tax:,}"
            )

    @property
    def amount(self) -> TaxedAmount:
        return add_tax_to_supply(self.unit_price * self.quantity, self.tax_type)

    @property
    def supply(self) -> int:  # 공급가액
        return self.amount.net

    @property
    def tax(self) -> int:  # 세액
        return self.amount.tax

    @property
    def total(self) -> int:  # 합계 (공급가액 + 세액)
        return self.amount.gross

    @property
    def tax_type_label(self) -> str:
        return TAX_TYPE_LABELS[self.tax_type]


@dataclass(frozen=True)
class DocumentData:
    """Everything a 견적서 / 거래명세서 / 세금계산서 shows.

    ``recipient`` is the addressee of a quote (기관, 부서, 담당자); ``buyer`` is the buyer as a
    business (공급받는자: 등록번호, 상호, 성명, 주소, 업태, 종목), required for a tax invoice and
    preferred over ``recipient`` on a statement."""

    kind: str  # DocumentKind value
    number: str  # 견적번호 / 문서번호
    issue_date: dt.date  # 작성일자
    supplier: Party  # 공급자
    lines: tuple[DocumentLine, ...]
    recipient: Recipient | None = None
    buyer: Party | None = None
    valid_until: dt.date | None = None  # 견적 유효기간 (quotes)
    notes: str = ""  # 특기사항 (free text; new lines kept)
    contract_route_note: str = ""  # 계약 방법 안내, e.g. "수의계약 (1인 견적) 가능 …"
    delivery_date: dt.date | None = None  # 납품(예정)일
    delivery_place: str = ""  # 납품 장소
    payment_terms: str = ""  # 결제 조건, e.g. "검수 후 청구일로부터 5일 이내 계좌이체"
    tax_invoice_purpose: str = "청구"  # 세금계산서: 이 금액을 (청구 / 영수) 함
    expected_total: int | None = None  # the database's document total (VAT incl.), if stored

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DocumentKind(self.kind).value)
        object.__setattr__(self, "lines", tuple(self.lines))
        if not isinstance(self.issue_date, dt.date):
            raise TypeError("issue_date must be a date")
        if self.tax_invoice_purpose not in ("청구", "영수"):
            raise ValueError("tax_invoice_purpose is 청구 or 영수")
        self.check_totals()

    # --- totals (summed from the lines: tax is per line, never recomputed on the sum) ---------

    @property
    def amount(self) -> TaxedAmount:
        total = TaxedAmount(0, 0, 0)
        for line in self.lines:
            total = total + line.amount
        return total

    @property
    def supply_total(self) -> int:  # 공급가액 합계
        return self.amount.net

    @property
    def tax_total(self) -> int:  # 세액 합계
        return self.amount.tax

    @property
    def total(self) -> int:  # 총액 (공급가액 + 세액)
        return self.amount.gross

    def check_totals(self) -> None:
        """supply + tax == total per line and overall (and == the recorded total, if any)."""
        for line in self.lines:
            if line.supply + line.tax != line.total:
                raise DocumentTotalsError(f"line {line.name!r} does not reconcile")
        supply = sum(line.supply for line in self.lines)
        tax = sum(line.tax for line in self.lines)
        total = sum(line.total for line in self.lines)
        if supply + tax != total or (supply, tax, total) != (
            self.supply_total,
            self.tax_total,
            self.total,
        ):
            raise DocumentTotalsError(f"document {self.number}: {supply} + {tax} != {total}")
        if self.expected_total is not None and self.expected_total != total:
            raise DocumentTotalsError(
                f"document {self.number}: total {total:,} != recorded {self.expected_total:,}"
            )

    @property
    def title(self) -> str:
        return KIND_TITLES[DocumentKind(self.kind)]

    @property
    def tax_types(self) -> set[str]:
        return {line.tax_type for line in self.lines}
