"""Money is integer KRW. Formatting and VAT rules shared by every app (DOMAIN.md)."""

from __future__ import annotations


def format_krw(amount: int | None, *, style: str = "symbol") -> str:
    """``₩12,000`` (style="symbol") or ``12,000원`` (style="won")."""
    if amount is None:
        return ""
    # Korean groups by thousands with commas, exactly like Python's "," format; unlike
    # babel's Decimal formatting this holds for integers of any size (babel raised
    # InvalidOperation from 26 digits on).
    won = int(amount)
    digits = f"{abs(won):,}"
    sign = "-" if won < 0 else ""
    if style == "won":
        return f"{sign}{digits}원"
    return f"{sign}₩{digits}"
