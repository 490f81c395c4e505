"""Money is integer KRW. Formatting and VAT rules shared by every app (DOMAIN.md)."""

from __future__ import annotations

from babel.numbers import format_decimal


def format_krw(amount: int | None, *, style: str = "symbol") -> str:
    """``₩12,000`` (style="symbol") or ``12,000원`` (style="won")."""
    if amount is None:
        return ""
    digits = format_decimal(abs(int(amount)), locale="ko_KR")
    sign = "-" if amount < 0 else ""
    if style == "won":
        return f"{sign}{digits}원"
    return f"{sign}₩{digits}"
