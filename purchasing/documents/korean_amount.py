"""Amounts in Korean words for documents: ``일금 일백이십삼만사천오백원정 (₩1,234,500)``.

Style (DOMAIN.md "Money and tax"; the form banks and contracts use for 금액 한글 표기):

* Sino-Korean digits 일이삼사오육칠팔구, positions 십/백/천 inside each group of four digits and
  the group units 만 (10^4), 억 (10^8), 조 (10^12).
* **일 is always written**, before 십/백/천 and before 만/억/조: 10 → 일십, 100 → 일백,
  1,000 → 일천, 10,000 → 일만, 100,000,000 → 일억, 11 → 일십일. Formal documents write it so that
  nobody can slip a digit in front of a bare 십/백/천 (the same reason for 일금 … 원정).
* Zero digits and all-zero groups are simply left out (10,001 → 일만일, 100,000,010 → 일억일십);
  there is no 영 inside a number. Zero itself is 영.
* No spaces between groups (일백이십삼만사천오백), so the line cannot be altered by insertion.

Range: 0 … 10^16 − 1 (up to 9,999조), which covers any document amount in KRW.
"""

from __future__ import annotations

from core.money import format_krw

MAX_AMOUNT = 10**16 - 1

_DIGITS = "영일이삼사오육칠팔구"
_POSITIONS = ("천", "백", "십", "")  # within a group of four digits, most significant first
_GROUPS = ("조", "억", "만", "")  # 10^12, 10^8, 10^4, 1


def _check(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"amount must be an integer number of won, got {n!r}")
    if n < 0 or n > MAX_AMOUNT:
        raise ValueError(f"amount must be between 0 and {MAX_AMOUNT:,}, got {n:,}")
    return n


def _group_words(group: int) -> str:
    """0 < group < 10,000 → e.g. 1234 → 일천이백삼십사, 10 → 일십."""
    words = []
    for digit_char, position in zip(f"{group:04d}", _POSITIONS, strict=True):
        digit = int(digit_char)
        if digit:
            words.append(_DIGITS[digit] + position)
    return "".join(words)


def amount_in_korean_words(n: int) -> str:
    """The numerals only, in the formal style: 1,234,500 → ``일백이십삼만사천오백``; 0 → ``영``."""
    n = _check(n)
    if n == 0:
        return _DIGITS[0]
    parts = []
    for index, unit in enumerate(_GROUPS):
        group = (n // 10 ** (4 * (len(_GROUPS) - 1 - index))) % 10_000
        if group:
            parts.append(_group_words(group) + unit)
    return "".join(parts)


def amount_in_words_won(n: int) -> str:
    """``일금 일백이십삼만사천오백원정`` (일금 … 원정: "the sum of … won exactly")."""
    return f"일금 {amount_in_korean_words(n)}원정"


def document_amount_line(n: int) -> str:
    """The amount as documents print it: ``일금 일백이십삼만사천오백원정 (₩1,234,500)``."""
    return f"{amount_in_words_won(n)} ({format_krw(n)})"
