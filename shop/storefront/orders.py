"""Buyer order pages (Korean): ``/orders/`` (signed-in buyers) and ``/orders/<token>/``.

An order is reached by its secret token (the URL the checkout redirects to), so buyers
without an account can follow it too. An order that belongs to an account is shown to that
account (and centre staff) only: another signed-in buyer gets 404 even with the URL, and a
signed-out visitor is asked to sign in. Each vendor's part is shown as its own shipment with
its lines, delivery fee, status and tracking number.

Cancelling (before shipment) and withdrawal requests (청약철회, within 7 days of delivery)
go through ``shop.orders.services``, which check the rules again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, DomainErrors, as_error_list
from shop.orders import services
from shop.orders.models import (
    ChargeStatus,
    Order,
    OrderStatus,
    ReturnStatus,
    VendorOrder,
    VendorOrderStatus,
)
from shop.orders.selectors import order_queryset

PAGE_SIZE = 10

STATUS_CLASS = {
    OrderStatus.UNCONFIRMED: "warn",
    OrderStatus.UNFULFILLED: "",
    OrderStatus.PARTIALLY_FULFILLED: "info",
    OrderStatus.FULFILLED: "info",
    OrderStatus.DELIVERED: "done",
    OrderStatus.CANCELED: "bad",
    VendorOrderStatus.SHIPPED: "info",
}

GATEWAY_LABELS = {"test": "카드 (테스트 결제)", "stripe": "카드", "invoice": "후불 (계산서)"}


# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------


class LoginNeeded(Exception):
    pass


def _order_for(request, token) -> Order:
    """The order for its token, if this visitor may see it (else 404 / sign-in)."""
    order = order_queryset().filter(token=token).first()
    if order is None:
        raise Http404("주문을 찾을 수 없습니다.")
    if order.user_id is None:
        return order  # placed without an account: the token is the key
    user = request.user
    if not user.is_authenticated:
        raise LoginNeeded
    if user.pk != order.user_id and not user.is_staff:
        raise Http404("주문을 찾을 수 없습니다.")
    return order


def _buyer_token(order: Order):
    """What proves the buyer to the services: the token for an order without an account."""
    return order.token if order.user_id is None else None


def order_view(view):
    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        try:
            order = _order_for(request, token)
        except LoginNeeded:
            return redirect_to_login(request.get_full_path())
        return view(request, order, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------------------
# What the pages show
# ---------------------------------------------------------------------------------------------


@dataclass
class Shipment:
    vendor_order: VendorOrder
    can_cancel: bool
    can_withdraw: bool
    withdrawal_deadline: object
    return_requests: list

    @property
    def status_class(self) -> str:
        return STATUS_CLASS.get(self.vendor_order.status, "")


def _shipments(order: Order) -> list[Shipment]:
    today = timezone.localdate()
    out = []
    for vo in order.vendor_orders.all():
        deadline = services.withdrawal_deadline(vo)
        requests = list(vo.return_requests.all())
        pending = any(r.status == ReturnStatus.REQUESTED for r in requests)
        unrefunded = any(line.quantity > line.quantity_refunded for line in vo.lines.all())
        out.append(
            Shipment(
                vendor_order=vo,
                can_cancel=vo.status == VendorOrderStatus.UNFULFILLED,
                can_withdraw=(
                    vo.status == VendorOrderStatus.DELIVERED
                    and deadline is not None
                    and today <= deadline
                    and not pending
                    and unrefunded
                ),
                withdrawal_deadline=deadline,
                return_requests=requests,
            )
        )
    return out


def order_summary(order: Order) -> dict:
    """Numbers for the totals box: VAT split (supply = total - tax, DOMAIN.md)."""
    return {
        "subtotal": order.subtotal,
        "shipping": order.shipping_total,
        "discount": order.discount_total,
        "total": order.total,
        "tax": order.tax_total,
        "supply": order.total - order.tax_total,
        "refunded": order.total_refunded,
    }


def _first_names(order: Order) -> tuple[str, int]:
    names = [line.product_name for vo in order.vendor_orders.all() for line in vo.lines.all()]
    return (names[0] if names else ""), max(len(names) - 1, 0)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def order_list(request):
    """The signed-in buyer's orders, newest first (a fixed number of queries per page)."""
    orders = order_queryset(returns=False).filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for order in page.object_list:
        first, more = _first_names(order)
        vendor_orders = list(order.vendor_orders.all())
        rows.append(
            {
                "order": order,
                "first": first,
                "more": more,
                "shipments": len(vendor_orders),
                "vendors": [vo.vendor.store_name for vo in vendor_orders],
                "status_class": STATUS_CLASS.get(order.status, ""),
            }
        )
    return render(request, "shop/storefront/orders/list.html", {"page": page, "rows": rows})


@require_GET
@order_view
def order_detail(request, order: Order):
    shipments = _shipments(order)
    active = [s for s in shipments if s.vendor_order.status != VendorOrderStatus.CANCELED]
    return render(
        request,
        "shop/storefront/orders/detail.html",
        {
            "order": order,
            "shipments": shipments,
            "summary": order_summary(order),
            "status_class": STATUS_CLASS.get(order.status, ""),
            "can_cancel_all": bool(active) and all(s.can_cancel for s in active),
            "several_active": len(active) > 1,
            "guest": order.user_id is None,
            "gateway_label": GATEWAY_LABELS.get(order.gateway, order.gateway),
            "charge_refunded": order.charge_status == ChargeStatus.REFUNDED,
            "withdrawal_days": services.WITHDRAWAL_DAYS,
        },
    )


def _done(request, order: Order, exc: DomainError | DomainErrors | None, ok: str):
    if exc is None:
        messages.success(request, ok)
    else:
        for err in as_error_list(exc):
            messages.error(request, str(err.message))
    return redirect("storefront:order_detail", token=order.token)


def _vendor_order_or_404(order: Order, number: str) -> VendorOrder:
    vo = next((v for v in order.vendor_orders.all() if v.number == number), None)
    if vo is None:
        raise Http404("배송 건을 찾을 수 없습니다.")
    return vo


@require_POST
@order_view
def order_cancel(request, order: Order):
    """Cancel the whole order (nothing shipped yet); paid money is refunded."""
    reason = (request.POST.get("reason") or "").strip()[:500] or "구매자 취소"
    try:
        services.order_cancel(
            order=order, actor=request.user, reason=reason, token=_buyer_token(order)
        )
    except (DomainError, DomainErrors) as exc:
        return _done(request, order, exc, "")
    return _done(request, order, None, "주문을 취소했습니다. 결제하신 금액은 환불됩니다.")


@require_POST
@order_view
def shipment_cancel(request, order: Order, number: str):
    """Cancel one vendor's part before it ships."""
    vo = _vendor_order_or_404(order, number)
    reason = (request.POST.get("reason") or "").strip()[:500] or "구매자 취소"
    try:
        services.vendor_order_cancel(
            vendor_order=vo, actor=request.user, reason=reason, token=_buyer_token(order)
        )
    except (DomainError, DomainErrors) as exc:
        return _done(request, order, exc, "")
    return _done(request, order, None, f"{vo.vendor.store_name} 주문을 취소했습니다.")


@require_POST
@order_view
def shipment_withdraw(request, order: Order, number: str):
    """청약철회: ask the vendor to take back a delivered shipment (within 7 days)."""
    vo = _vendor_order_or_404(order, number)
    try:
        services.return_request_create(
            vendor_order=vo,
            actor=request.user,
            reason=(request.POST.get("reason") or "")[:1000],
            token=_buyer_token(order),
        )
    except (DomainError, DomainErrors) as exc:
        return _done(request, order, exc, "")
    return _done(
        request,
        order,
        None,
        f"{vo.vendor.store_name}에 청약철회(반품)를 요청했습니다. 판매처가 확인하면 환불됩니다.",
    )
