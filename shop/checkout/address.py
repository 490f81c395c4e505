"""Korean delivery addresses: validation with clear, field-level errors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from core.errors import DomainError, DomainErrors

MOBILE_RE = re.compile(r"^(01[016789])-?(\d{3,4})-?(\d{4})$")
LANDLINE_RE = re.compile(r"^(02|0[3-6][1-5]|070)-?(\d{3,4})-?(\d{4})$")
POSTCODE_RE = re.compile(r"^\d{5}$")


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
    digits = re.sub(r"[\s.()]", "", raw or "")
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
    name = (recipient_name or "").strip()
    if not name:
        errors.append(DomainError(code, "받는 분 이름을 입력하세요.", "recipientName"))
    elif len(name) > 100:
        errors.append(DomainError(code, "받는 분 이름이 너무 깁니다.", "recipientName"))
    normalized_phone = normalize_phone(phone)
    if normalized_phone is None:
        errors.append(
            DomainError(code, "연락처 형식이 올바르지 않습니다 (예: 010-1234-5678).", "phone")
        )
    pc = (postcode or "").strip()
    if not POSTCODE_RE.match(pc):
        errors.append(DomainError(code, "우편번호는 5자리 숫자입니다 (예: 03900).", "postcode"))
    road = " ".join((road_address or "").split())
    if len(road) < 5:
        errors.append(DomainError(code, "도로명 주소를 입력하세요.", "roadAddress"))
    if errors:
        raise DomainErrors(errors)
    return Address(
        recipient_name=name,
        phone=normalized_phone,
        postcode=pc,
        road_address=road,
        detail_address=" ".join((detail_address or "").split()),
    )


def _in_ranges(postcode: str, ranges) -> bool:
    if not postcode or not postcode.isdigit():
        return False
    value = int(postcode)
    return any(int(lo) <= value <= int(hi) for lo, hi in ranges)


def is_jeju(postcode: str) -> bool:
    return _in_ranges(postcode, settings.SHIPPING_JEJU_POSTCODES)


def is_remote_island(postcode: str) -> bool:
    return _in_ranges(postcode, settings.SHIPPING_REMOTE_POSTCODES)
