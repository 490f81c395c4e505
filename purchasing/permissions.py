"""The one place that says who may see and do what in purchasing.

- an **approved buyer** acts for their own agency only: its quote requests, the quotes they
  received, its deliveries, plan and report; nothing of another agency;
- a **vendor's staff** see the quote requests their vendor was asked to quote, their own
  quotes (never another vendor's) and their own deliveries;
- **centre staff** (``is_staff``) see and may do everything.

Lookups are cached on the user object for the request.
"""

from __future__ import annotations

from core.errors import DomainError
from purchasing import errors as codes
from purchasing.models import Buyer, BuyerStatus, Delivery, Quote, QuoteRequest


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated


def buyer_of(user) -> Buyer | None:
    """The user's buyer record (any status), or None."""
    if not _authenticated(user):
        return None
    if not hasattr(user, "_nuri_buyer"):
        user._nuri_buyer = (
            Buyer.objects.select_related("agency", "department").filter(user_id=user.pk).first()
        )
    return user._nuri_buyer


def approved_buyer(user) -> Buyer | None:
    buyer = buyer_of(user)
    return buyer if buyer is not None and buyer.status == BuyerStatus.APPROVED else None


def agency_ids_for(user) -> set[int] | None:
    """Agencies whose data the user sees: ``None`` means all of them (centre staff)."""
    if not _authenticated(user):
        return set()
    if user.is_staff:
        return None
    buyer = approved_buyer(user)
    return {buyer.agency_id} if buyer is not None else set()


def vendor_ids_for(user) -> set[int] | None:
    """Vendors the user works for: ``None`` means all (centre staff)."""
    if not _authenticated(user):
        return set()
    if user.is_staff:
        return None
    if not hasattr(user, "_nuri_vendor_ids"):
        user._nuri_vendor_ids = set(user.vendor_roles.values_list("vendor_id", flat=True))
    return user._nuri_vendor_ids


def can_act_for_agency(user, agency_id: int) -> bool:
    ids = agency_ids_for(user)
    return ids is None or agency_id in ids


def require_agency(user, agency_id: int) -> None:
    """Raise unless the user is an approved buyer of the agency, or centre staff."""
    if can_act_for_agency(user, agency_id):
        return
    if not _authenticated(user):
        raise DomainError("PERMISSION_DENIED", "로그인이 필요합니다.")
    raise DomainError(codes.NOT_A_BUYER, "이 기관의 승인된 구매 담당자만 할 수 있습니다.")


def require_vendor(user, vendor_id: int) -> None:
    ids = vendor_ids_for(user)
    if ids is None or vendor_id in ids:
        return
    raise DomainError("PERMISSION_DENIED", "이 판매처의 담당자만 할 수 있습니다.")


def can_view_request(user, request: QuoteRequest) -> bool:
    if can_act_for_agency(user, request.agency_id):
        return True
    vendors = vendor_ids_for(user)
    if not vendors:
        return False
    return request.invited_vendors.filter(pk__in=vendors).exists()


def can_view_quote(user, quote: Quote) -> bool:
    """The buyers of the agency that asked, the quoting vendor's staff, centre staff."""
    if can_act_for_agency(user, quote.request.agency_id):
        return True
    vendors = vendor_ids_for(user)
    return vendors is None or quote.vendor_id in vendors


def can_view_delivery(user, delivery: Delivery) -> bool:
    if can_act_for_agency(user, delivery.agency_id):
        return True
    vendors = vendor_ids_for(user)
    return vendors is None or delivery.vendor_id in vendors
