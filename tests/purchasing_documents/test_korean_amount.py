from __future__ import annotations

import pytest

from purchasing.documents.korean_amount import (
    MAX_AMOUNT,
    amount_in_korean_words,
    amount_in_words_won,
    document_amount_line,
)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "영"),
        (1, "일"),
        (2, "이"),
        (9, "구"),
        (10, "일십"),
        (11, "일십일"),
        (19, "일십구"),
        (20, "이십"),
        (99, "구십구"),
        (100, "일백"),
        (101, "일백일"),
        (110, "일백일십"),
        (1_000, "일천"),
        (1_001, "일천일"),
        (9_999, "구천구백구십구"),
        (10_000, "일만"),
        (10_001, "일만일"),
        (10_010, "일만일십"),
        (11_000, "일만일천"),
        (20_000, "이만"),
        (100_000, "일십만"),
        (110_000, "일십일만"),
        (1_000_000, "일백만"),
        (1_234_500, "일백이십삼만사천오백"),
        (1_727_950, "일백칠십이만칠천구백오십"),
        (10_000_000, "일천만"),
        (20_000_000, "이천만"),
        (45_000_000, "사천오백만"),
        (50_000_000, "오천만"),
        (60_000_000, "육천만"),
        (99_999_999, "구천구백구십구만구천구백구십구"),
        (100_000_000, "일억"),
        (100_000_010, "일억일십"),
        (100_010_000, "일억일만"),
        (123_456_789, "일억이천삼백사십오만육천칠백팔십구"),
        (1_000_001_000, "일십억일천"),
        (1_000_000_000_000, "일조"),
        (1_000_000_000_001, "일조일"),
        (12_345_678_901_234, "일십이조삼천사백오십육억칠천팔백구십만일천이백삼십사"),
        (MAX_AMOUNT, "구천구백구십구조구천구백구십구억구천구백구십구만구천구백구십구"),
    ],
)
def test_amount_in_korean_words(n, words):
    assert amount_in_korean_words(n) == words


def test_domain_example_exactly():
    assert document_amount_line(1_234_500) == "일금 일백이십삼만사천오백원정 (₩1,234,500)"
    assert amount_in_words_won(1_234_500) == "일금 일백이십삼만사천오백원정"


@pytest.mark.parametrize(
    ("n", "line"),
    [
        (0, "일금 영원정 (₩0)"),
        (10_000, "일금 일만원정 (₩10,000)"),
        (100_000_000, "일금 일억원정 (₩100,000,000)"),
        (50_000_000, "일금 오천만원정 (₩50,000,000)"),
    ],
)
def test_document_amount_line(n, line):
    assert document_amount_line(n) == line


def test_no_spaces_and_no_zero_digit_inside_numbers():
    for n in (10_001, 100_000_010, 1_000_000_000_001, 305_060_708):
        words = amount_in_korean_words(n)
        assert " " not in words
        assert "영" not in words


@pytest.mark.parametrize("bad", [-1, MAX_AMOUNT + 1])
def test_out_of_range(bad):
    with pytest.raises(ValueError, match="between 0"):
        amount_in_korean_words(bad)


@pytest.mark.parametrize("bad", [1.5, "100", True, None])
def test_not_an_integer(bad):
    with pytest.raises(TypeError):
        amount_in_korean_words(bad)
