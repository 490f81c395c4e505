"""Korean business identifiers (DOMAIN.md "Identifiers").

python-stdnum's ``stdnum.kr.brn`` checks the *format* of a 사업자등록번호 but not its
check digit, so we use it for the format and add the checksum here.
"""

from __future__ import annotations

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.kr import brn as stdnum_brn

from core.errors import DomainError

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_check_digit(first9: str) -> int:
    total = sum(int(d) * w for d, w in zip(first9, BRN_WEIGHTS, strict=True))
    total += (int(first9[8]) * 5) // 10
    return (10 - total % 10) % 10


def brn_normalize(value: str, *, field: str = "brn") -> str:
    """Return the 10 digits of a valid 사업자등록번호 or raise ``INVALID_BRN``."""
    raw = str(value or "").strip()
    if not raw:
        raise DomainError("INVALID_BRN", "사업자등록번호를 입력하세요.", field)
    try:
        digits = stdnum_brn.validate(raw)
    except StdnumError:
        raise DomainError(
            "INVALID_BRN",
            f"사업자등록번호 '{raw}'의 형식이 올바르지 않습니다 (###-##-#####).",
            field,
        )
    if brn_check_digit(digits[:9]) != int(digits[9]):
        raise DomainError(
            "INVALID_BRN", f"사업자등록번호 '{raw}'의 검증번호가 맞지 않습니다.", field
        )
    return digits


def brn_is_valid(value: str) -> bool:
    try:
        brn_normalize(value)
    except DomainError:
        return False
    return True


def brn_format(digits: str | None) -> str:
    if not digits:
        return ""
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def crn_check_digit(first12: str) -> int:
    weights = (1, 2) * 6
    total = sum(int(d) * w for d, w in zip(first12, weights, strict=True))
    return (10 - total % 10) % 10


def crn_normalize(value: str, *, field: str = "crn") -> str:
    """Return the 13 digits of a valid 법인등록번호 or raise ``INVALID_CRN``."""
    raw = str(value or "").strip()
    digits = raw.replace("-", "").replace(" ", "")
    if len(digits) != 13 or not digits.isdigit():
        raise DomainError(
            "INVALID_CRN",
            f"법인등록번호 '{raw}'의 형식이 올바르지 않습니다 (######-#######).",
            field,
        )
    if crn_check_digit(digits[:12]) != int(digits[12]):
        raise DomainError("INVALID_CRN", f"법인등록번호 '{raw}'의 검증번호가 맞지 않습니다.", field)
    return digits


def crn_format(digits: str | None) -> str:
    if not digits:
        return ""
    return f"{digits[:6]}-{digits[6:]}"
