"""Properties of 사업자등록번호 validation (``vendors.identifiers``; python-stdnum for the
format, our checksum on top).

The check digit is re-derived here from DOMAIN.md "Identifiers": weights 1,3,7,1,3,7,1,3,5
over digits 1–9, plus floor(d9 * 5 / 10), check = (10 - sum % 10) % 10. Every valid number
is accepted however it is written (dashes, spaces, none), and a change to any single digit
is caught.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from vendors.identifiers import brn_format, brn_is_valid, brn_normalize


def domain_check_digit(first9: str) -> int:
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    total = sum(int(d) * w for d, w in zip(first9, weights, strict=True))
    total += int(first9[8]) * 5 // 10
    return (10 - total % 10) % 10


@st.composite
def valid_brns(draw) -> str:
    office = draw(st.integers(101, 999))
    kind = draw(st.integers(1, 99))
    serial = draw(st.integers(1, 9999))
    first9 = f"{office:03d}{kind:02d}{serial:04d}"
    return first9 + str(domain_check_digit(first9))


def _written(digits: str, style: str) -> str:
    a, b, c = digits[:3], digits[3:5], digits[5:]
    return {
        "plain": digits,
        "dashes": f"{a}-{b}-{c}",
        "spaces": f"{a} {b} {c}",
        "padded": f"  {a}-{b}-{c}  ",
        "loose": f"{a} - {b} - {c}",
    }[style]


STYLES = ["plain", "dashes", "spaces", "padded", "loose"]


@settings(max_examples=300, deadline=None)
@given(valid_brns(), st.sampled_from(STYLES))
@example("1248100998", "dashes")  # DOMAIN.md's known-valid 124-81-00998
def test_valid_numbers_are_accepted_in_every_formatting(digits, style):
    assert brn_normalize(_written(digits, style)) == digits
    assert brn_is_valid(_written(digits, style))
    assert brn_format(digits) == _written(digits, "dashes")
    # Normalizing is idempotent, and the shown form reads back.
    assert brn_normalize(brn_normalize(digits)) == digits
    assert brn_normalize(brn_format(digits)) == digits


@settings(max_examples=300, deadline=None)
@given(valid_brns(), st.integers(0, 9), st.integers(1, 9), st.sampled_from(STYLES))
def test_any_single_digit_change_is_rejected(digits, position, delta, style):
    changed = list(digits)
    changed[position] = str((int(changed[position]) + delta) % 10)
    changed = "".join(changed)
    assert changed != digits
    with pytest.raises(DomainError) as exc:
        brn_normalize(_written(changed, style), field="brn")
    assert exc.value.code == "INVALID_BRN"
    assert exc.value.field == "brn"
    assert not brn_is_valid(changed)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789- ", max_size=16)))
@example("")
@example("124-81-00998\x00")
@example("１２４-８１-００９９８")  # full-width digits: stdnum folds them to ASCII
def test_arbitrary_text_is_a_valid_number_or_invalid_brn(text):
    try:
        digits = brn_normalize(text, field="brn")
    except DomainError as exc:
        refusal = exc
    else:
        refusal = None
    if refusal is not None:
        assert refusal.code == "INVALID_BRN"
        assert refusal.field == "brn"
        assert str(refusal.message)
        return
    # Whatever is accepted is ten ASCII digits with the right check digit.
    assert len(digits) == 10
    assert digits.isascii()
    assert digits.isdigit()
    assert int(digits[9]) == domain_check_digit(digits[:9])
