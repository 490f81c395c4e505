"""One place that says who may touch a vendor's catalog."""

from __future__ import annotations

from core.errors import DomainError
from vendors.models import Vendor


def user_can_manage_vendor(user, vendor: Vendor | int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    vendor_id = vendor if isinstance(vendor, int) else vendor.pk
    return user.vendor_roles.filter(vendor_id=vendor_id).exists()


def require_vendor_manager(user, vendor: Vendor | int) -> None:
    if not user_can_manage_vendor(user, vendor):
        raise DomainError("PERMISSION_DENIED", "이 판매처의 상품을 관리할 권한이 없습니다.")
