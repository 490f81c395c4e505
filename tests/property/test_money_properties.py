"""Properties of money formatting (``core.money``) and of amounts in Korean words
(``purchasing.documents.korean_amount``): for every integer, not just the examples in the
unit tests.

DOMAIN.md "Money and tax": KRW in integer won, shown ``₩12,000`` or ``12,000원``; documents
write amounts as ``일금 일백이십삼만사천오백원정 (₩1,234,500)``.
"""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.money import format_krw
from purchasing.documents.korean_amount import (
    MAX_AMOUNT,
    amount_in_korean_words,
    amount_in_words_won,
    document_amount_line,
)

# Any integer a database column could hold, and far beyond (Python ints are unbounded).
amounts = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-(10**40), max_value=10**40),
)

SYMBOL_RE = re.compile(r"^(-?)₩(\d{1,3}(?:,\d{3})*)$")
WON_RE = re.compile(r"^(-?)(\d{1,3}(?:,\d{3})*)원$")


def _parse(text: str, pattern: re.Pattern) -> int:
    m = pattern.match(text)
    assert m, f"{text!r} is not in the expected shape {pattern.pattern}"
    sign, digits = m.groups()
    value = int(digits.replace(",", ""))
    return -value if sign else value


@settings(max_examples=300, deadline=None)
@given(amounts)
@example(0)
@example(-1)
@example(999)
@example(1_000)
@example(-12_000)
@example(10**25)  # 26 digits: babel's Decimal context (28 digits) raised InvalidOperation here
@example(10**30)
def test_format_krw_round_trips_and_groups_like_python(n):
    symbol = format_krw(n)
    won = format_krw(n, style="won")

    # Parses back to the same integer, in both styles.
    assert _parse(symbol, SYMBOL_RE) == n
    assert _parse(won, WON_RE) == n
    # Thousands separators exactly where Python puts them; never a decimal point.
    assert symbol.lstrip("-").removeprefix("₩") == format(abs(n), ",")
    assert won.lstrip("-").removesuffix("원") == format(abs(n), ",")
    assert "." not in symbol
    assert "." not in won
    # The sign leads, and only for negative amounts (no "-₩0").
    assert symbol.startswith("-") == (n < 0)
    assert won.startswith("-") == (n < 0)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_template_filters_show_the_same_text(n):
    html = Template("{% load nuri %}{{ n|krw }}|{{ n|won }}").render(Context({"n": n}))
    assert html == f"{format_krw(n)}|{format_krw(n, style='won')}"


def test_no_amount_is_empty():
    assert format_krw(None) == ""
    assert format_krw(None, style="won") == ""


# ---------------------------------------------------------------------------------------------
# Amounts in Korean words: an independent, strict parser
# ---------------------------------------------------------------------------------------------

_DIGIT = {c: i for i, c in enumerate("영일이삼사오육칠팔구")}
_SMALL = {"천": 1000, "백": 100, "십": 10}
_BIG = {"조": 10**12, "억": 10**8, "만": 10**4}


def parse_korean_words(words: str) -> int:
    """``일백이십삼만사천오백`` → 1234500, in the formal style only: every position has its
    digit (일십, not 십), positions and group units strictly decrease, no 영 inside a number."""
    if words == "영":
        return 0
    assert words, "empty words"
    total = 0
    group = 0
    digit: int | None = None
    last_small = 10**4  # positions inside the current group must decrease
    last_big = 10**16  # group units must decrease
    for ch in words:
        if ch in _DIGIT:
            assert digit is None, f"two digits in a row in {words!r}"
            assert ch != "영", f"영 inside a number: {words!r}"
            digit = _DIGIT[ch]
        elif ch in _SMALL:
            assert digit is not None, (
                f"{ch} without its digit (formal style writes 일) in {words!r}"
            )
            assert _SMALL[ch] < last_small, f"positions out of order in {words!r}"
            group += digit * _SMALL[ch]
            last_small = _SMALL[ch]
            digit = None
        elif ch in _BIG:
            if digit is not None:
                group += digit
            assert 0 < group < 10**4, f"empty or oversized group before {ch} in {words!r}"
            assert _BIG[ch] < last_big, f"group units out of order in {words!r}"
            total += group * _BIG[ch]
            last_big = _BIG[ch]
            group, digit, last_small = 0, None, 10**4
        else:
            raise AssertionError(f"unexpected character {ch!r} in {words!r}")
    if digit is not None:
        group += digit
    return total + group


def test_the_parser_itself():
    assert parse_korean_words("일백이십삼만사천오백") == 1_234_500
    assert parse_korean_words("일조일") == 10**12 + 1
    for bad in ("십", "일십일십", "일만일억", "이영", "일일", "만"):
        with pytest.raises(AssertionError):
            parse_korean_words(bad)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.integers(min_value=0, max_value=10**13 - 1),
        st.integers(min_value=0, max_value=99_999),
        # Numbers with many zero digits (the tricky ones: 100,000,010, 1,000,000,000,001 …).
        st.lists(st.sampled_from([0, 0, 0, 1, 5, 9]), min_size=1, max_size=13).map(
            lambda ds: int("".join(map(str, ds)))
        ),
    )
)
@example(0)
@example(10)
@example(10_000)
@example(100_000_010)
@example(10**12)
@example(10**13 - 1)
def test_words_parse_back_to_the_amount(n):
    words = amount_in_korean_words(n)
    assert parse_korean_words(words) == n
    assert " " not in words
    assert ("영" in words) == (n == 0)

    won = amount_in_words_won(n)
    assert re.fullmatch(r"일금 [일이삼사오육칠팔구영십백천만억조]+원정", won)
    assert won == f"일금 {words}원정"
    assert document_amount_line(n) == f"{won} ({format_krw(n)})"


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=10**13, max_value=MAX_AMOUNT))
def test_words_up_to_the_documented_maximum(n):
    assert parse_korean_words(amount_in_korean_words(n)) == n


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_AMOUNT + 1)))
def test_words_refuse_amounts_out_of_range(n):
    with pytest.raises(ValueError, match="between 0"):
        amount_in_korean_words(n)
