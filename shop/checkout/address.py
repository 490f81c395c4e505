"""Korean delivery addresses: validation with clear, field-level errors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

from core.errors import DomainError, DomainErrors

# ASCII digits only (``\d`` alone would accept any script's digits, e.g. Arabic-Indic);
# full-width digits typed with a Korean IME are folded to ASCII first (``_ascii``).
MOBILE_RE = re.compile(r"^(01[016789])-?(\d{3,4})-?(\d{4})$", re.ASCII)
LANDLINE_RE = re.compile(r"^(02|0[3-6][1-5]|070)-?(\d{3,4})-?(\d{4})$", re.ASCII)
POSTCODE_RE = re.compile(r"^\d{5}$", re.ASCII)

# Column sizes of ``AddressFields`` (PostgreSQL refuses longer values).
MAX_NAME = 100
MAX_ROAD = 300
MAX_DETAIL = 200


def _ascii(raw: str) -> str:
    """Full-width forms (０１０－１２３４) to ASCII; anything else is left as it is."""
    return unicodedata.normalize("NFKC", raw or "")


def _words(raw: str) -> str:
    """Runs of whitespace (tabs, newlines, ideographic spaces) collapsed to one space."""
    return " ".join((raw or "").split())


def _has_control(text: str) -> bool:
    """NUL and other control characters, or lone surrogates: never part of an address
    (and PostgreSQL cannot store NUL)."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


@dataclass(frozen=True)
class Address:
    recipient_name: str
    phone: str
    postcode: str
    road_address: str
    detail_address: str = ""

    def as_fields(self) -> dict:
        return {
            "recipient_name": self.recipient_name,
            "phone": self.phone,
            "postcode": self.postcode,
            "road_address": self.road_address,
            "detail_address": self.detail_address,
        }


def normalize_phone(raw: str) -> str | None:
    digits = re.sub(r"[\s.()]", "", _ascii(raw))
    for pattern in (MOBILE_RE, LANDLINE_RE):
        m = pattern.match(digits)
        if m:
            return "-".join(m.groups())
    return None


def address_validate(
    *,
    recipient_name: str,
    phone: str,
    postcode: str,
    road_address: str,
    detail_address: str = "",
    code: str = "INVALID_SHIPPING_ADDRESS",
) -> Address:
    """Validate every field, raising all problems at once with ``code`` and the field name."""
    errors: list[DomainError] = []
    name = _words(recipient_name)
    if not name:
        errors.append(DomainError(code, "받는 분 이름을 입력하세요.", "recipientName"))
    elif len(name) > MAX_NAME:
        errors.append(DomainError(code, "받는 분 이름이 너무 깁니다.", "recipientName"))
    elif _has_control(name):
        errors.append(
            DomainError(code, "받는 분 이름에 쓸 수 없는 문자가 있습니다.", "recipientName")
        )
    normalized_phone = normalize_phone(phone)
    if normalized_phone is None:
        errors.append(
            DomainError(code, "연락처 형식이 올바르지 않습니다 (예: 010-1234-5678).", "phone")
        )
    pc = _ascii(postcode).strip()
    if not POSTCODE_RE.fullmatch(pc):
        errors.append(DomainError(code, "우편번호는 5자리 숫자입니다 (예: 03900).", "postcode"))
    road = _words(road_address)
    if len(road) < 5:
        errors.append(DomainError(code, "도로명 주소를 입력하세요.", "roadAddress"))
    elif len(road) > MAX_ROAD:
        errors.append(DomainError(code, "도로명 주소가 너무 깁니다.", "roadAddress"))
    elif _has_control(road):
        errors.append(DomainError(code, "도로명 주소에 쓸 수 없는 문자가 있습니다.", "roadAddress"))
    detail = _words(detail_address)
    if len(detail) > MAX_DETAIL:
        errors.append(DomainError(code, "상세 주소가 너무 깁니다.", "detailAddress"))
    elif _has_control(detail):
        errors.append(DomainError(code, "상세 주소에 쓸 수 없는 문자가 있습니다.", "detailAddress"))
    if errors:
        raise DomainErrors(errors)
    return Address(
        recipient_name=name,
        phone=normalized_phone,
        postcode=pc,
        road_address=road,
        detail_address=detail,
    )


def _in_ranges(postcode: str, ranges) -> bool:
    if not postcode or not POSTCODE_RE.fullmatch(postcode):
        return False
    value = int(postcode)
    return any(int(lo) <= value <= int(hi) for lo, hi in ranges)


def is_jeju(postcode: str) -> bool:
    return _in_ranges(postcode, settings.SHIPPING_JEJU_POSTCODES)


def is_remote_island(postcode: str) -> bool:
    return _in_ranges(postcode, settings.SHIPPING_REMOTE_POSTCODES)
