"""Order reads and the one place that says who may see or touch an order.

Who is who for an order:
- the **buyer**: the signed-in account that placed it (or, for an order placed without an
  account, whoever holds its secret token);
- the **vendor**: staff of the vendor of one of its vendor orders (they see and act on their
  own vendor orders only);
- **centre staff** (``is_staff``): everything.

Lists prefetch vendor orders, their lines and vendors (and events when asked), so a page
costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from shop.orders.models import Order, OrderEvent, OrderLine, ReturnRequest, VendorOrder


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated


def managed_vendor_ids(user) -> set[int] | None:
    """Vendor ids the user works for; ``None`` means every vendor (centre staff)."""
    if not _authenticated(user):
        return set()
    if user.is_staff:
        return None
    cached = getattr(user, "_nuri_vendor_ids", None)
    if cached is None:
        cached = set(user.vendor_roles.values_list("vendor_id", flat=True))
        user._nuri_vendor_ids = cached
    return cached


def is_order_buyer(user, order: Order, *, token=None) -> bool:
    if token is not None and str(token) == str(order.token):
        return True
    return _authenticated(user) and order.user_id == user.pk


def can_manage_vendor_order(user, vendor_order: VendorOrder) -> bool:
    managed = managed_vendor_ids(user)
    return managed is None or vendor_order.vendor_id in managed


def can_view_order(user, order: Order, *, token=None) -> bool:
    if is_order_buyer(user, order, token=token):
        return True
    managed = managed_vendor_ids(user)
    if managed is None:
        return True
    if not managed:
        return False
    return order.vendor_orders.filter(vendor_id__in=managed).exists()


def visible_vendor_ids(user, order: Order, *, token=None) -> set[int] | None:
    """Which vendor orders of ``order`` the user sees: ``None`` for all (buyer, staff)."""
    if is_order_buyer(user, order, token=token):
        return None
    return managed_vendor_ids(user)


# ---------------------------------------------------------------------------------------------
# Querysets
# ---------------------------------------------------------------------------------------------


def order_lines_queryset() -> QuerySet[OrderLine]:
    return OrderLine.objects.select_related("variant__product", "variant__stock").order_by("id")


def vendor_order_queryset(*, events: bool = False, returns: bool = True) -> QuerySet[VendorOrder]:
    qs = VendorOrder.objects.select_related("vendor", "order").prefetch_related(
        Prefetch("lines", queryset=order_lines_queryset())
    )
    if returns:
        qs = qs.prefetch_related(Prefetch("return_requests", queryset=ReturnRequest.objects.all()))
    if events:
        qs = qs.prefetch_related(
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor"))
        )
    return qs


def order_queryset(*, events: bool = False, returns: bool = True) -> QuerySet[Order]:
    """Orders with vendor orders (and vendors), lines and, when asked, events."""
    vendor_orders = (
        VendorOrder.objects.select_related("vendor")
        .prefetch_related(Prefetch("lines", queryset=order_lines_queryset()))
        .order_by("number")
    )
    if returns:
        vendor_orders = vendor_orders.prefetch_related("return_requests")
    qs = Order.objects.prefetch_related(Prefetch("vendor_orders", queryset=vendor_orders))
    if events:
        qs = qs.prefetch_related(
            Prefetch(
                "events",
                queryset=OrderEvent.objects.select_related("actor", "vendor_order").order_by(
                    "created_at", "id"
                ),
            )
        )
    return qs


def buyer_orders(user, *, events: bool = False) -> QuerySet[Order]:
    """The signed-in buyer's orders, newest first."""
    if not _authenticated(user):
        return Order.objects.none()
    return order_queryset(events=events).filter(user=user).order_by("-created_at", "-id")


def vendor_orders_for_user(
    user,
    *,
    status: str | None = None,
    vendor_id: int | None = None,
    events: bool = False,
) -> QuerySet[VendorOrder]:
    """Vendor orders of the vendors the user works for (every vendor for centre staff)."""
    managed = managed_vendor_ids(user)
    qs = vendor_order_queryset(events=events).order_by("-created_at", "-id")
    if managed is not None:
        qs = qs.filter(vendor_id__in=managed)
    if vendor_id is not None:
        qs = qs.filter(vendor_id=vendor_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def order_get_for_user(user, *, pk=None, token=None, events: bool = True) -> Order | None:
    """An order by id (for its buyer, its vendors and staff) or by its secret token."""
    qs = order_queryset(events=events)
    try:
        order = qs.filter(token=token).first() if token is not None else qs.filter(pk=pk).first()
    except (ValueError, TypeError):
        return None
    if order is None or not can_view_order(user, order, token=token):
        return None
    return order


def vendor_order_get_for_user(user, *, pk=None, number=None) -> VendorOrder | None:
    qs = vendor_order_queryset(events=True)
    vendor_order = qs.filter(pk=pk).first() if pk is not None else qs.filter(number=number).first()
    if vendor_order is None:
        return None
    if can_manage_vendor_order(user, vendor_order) or is_order_buyer(user, vendor_order.order):
        return vendor_order
    return None
