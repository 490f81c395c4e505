"""Seoul's 25 autonomous districts (자치구) and their 5-digit administrative codes."""

from __future__ import annotations

from core.errors import DomainError

DISTRICTS: dict[str, str] = {
    "11110": "종로구", "11140": "중구", "11170": "용산구", "11200": "성동구", "11215": "광진구",
    "11230": "동대문구", "11260": "중랑구", "11290": "성북구", "11305": "강북구", "11320": "도봉구",
    "11350": "노원구", "11380": "은평구", "11410": "서대문구", "11440": "마포구", "11470": "양천구",
    "11500": "강서구", "11530": "구로구", "11545": "금천구", "11560": "영등포구", "11590": "동작구",
    "11620": "관악구", "11650": "서초구", "11680": "강남구", "11710": "송파구", "11740": "강동구",
}  # fmt: skip
DISTRICT_BY_NAME = {name: code for code, name in DISTRICTS.items()}
DISTRICT_CHOICES = list(DISTRICTS.items())


def district_normalize(value: str | None, *, field: str = "district") -> str:
    """Accept a code (``11440``) or a name (``마포구``, ``서울 마포구``); '' for none."""
    raw = (value or "").strip()
    if not raw:
        return ""
    if raw in DISTRICTS:
        return raw
    name = raw.split()[-1]
    if name in DISTRICT_BY_NAME:
        return DISTRICT_BY_NAME[name]
    raise DomainError("INVALID_DISTRICT", f"'{raw}'은(는) 서울시 자치구가 아닙니다.", field)


def district_from_address(address: str) -> str:
    """Find a Seoul district named in an address (``서울특별시 마포구 …``), or ''."""
    if not address or "서울" not in address:
        return ""
    for token in address.replace(",", " ").split():
        if token in DISTRICT_BY_NAME:
            return DISTRICT_BY_NAME[token]
    return ""
