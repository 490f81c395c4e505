"""Vendors' settlement bank accounts, stored encrypted.

The account number is encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived
from ``settings.SECRET_KEY`` with HKDF; only the last four digits are kept in clear for the
masked display (``****1234``). Keys derived from ``settings.SECRET_KEY_FALLBACKS`` still
decrypt, so rotating the secret key does not lose the stored numbers (re-save to re-encrypt).
"""

from __future__ import annotations

import base64
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from core.errors import DomainError, DomainErrors
from vendors.models import Vendor

_HKDF_INFO = b"nuri.vendors.bank-account.v1"
# Korean bank account numbers are 10-14 digits (some banks up to 16); allow a little slack.
_MIN_DIGITS, _MAX_DIGITS = 8, 20


def _derive_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


def _fernet() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_derive_key(s)) for s in secrets])


def bank_account_normalize(number: str, *, field: str = "bankAccountNumber") -> str:
    """Digits of an account number (hyphens and spaces dropped) or ``INVALID``."""
    raw = str(number or "").strip()
    if not re.fullmatch(r"[0-9][0-9 \-]*", raw):
        raise DomainError("INVALID", "계좌번호는 숫자와 '-'만 입력할 수 있습니다.", field)
    digits = re.sub(r"\D", "", raw)
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
        raise DomainError(
            "INVALID", f"계좌번호는 {_MIN_DIGITS}~{_MAX_DIGITS}자리 숫자여야 합니다.", field
        )
    return digits


def bank_account_encrypt(digits: str) -> str:
    return _fernet().encrypt(digits.encode()).decode()


def bank_account_decrypt(token: str) -> str:
    """The clear account number (for settlement payouts only; never display it)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DomainError("INVALID", "저장된 계좌번호를 복호화할 수 없습니다 (키 확인 필요).")


def bank_account_mask(digits: str) -> str:
    return f"****{digits[-4:]}" if digits else ""


@transaction.atomic
def vendor_set_bank_account(*, vendor: Vendor, bank_name: str, holder: str, number: str) -> Vendor:
    """Set the settlement account: the number is stored encrypted, the last 4 digits in clear."""
    errors = []
    bank_name, holder = (bank_name or "").strip(), (holder or "").strip()
    if not bank_name:
        errors.append(DomainError("REQUIRED", "정산 은행을 입력하세요.", "bankName"))
    if not holder:
        errors.append(DomainError("REQUIRED", "예금주를 입력하세요.", "bankAccountHolder"))
    digits = ""
    try:
        digits = bank_account_normalize(number)
    except DomainError as exc:
        errors.append(exc)
    if errors:
        raise DomainErrors(errors)
    vendor.bank_name = bank_name
    vendor.bank_account_holder = holder
    vendor.bank_account_encrypted = bank_account_encrypt(digits)
    vendor.bank_account_last4 = digits[-4:]
    if vendor.pk:
        vendor.save(
            update_fields=[
                "bank_name",
                "bank_account_holder",
                "bank_account_encrypted",
                "bank_account_last4",
            ]
        )
    else:
        vendor.save()
    return vendor
