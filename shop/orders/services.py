"""Order writes after checkout: cancel, ship, deliver, refund, withdrawal (청약철회).

Every write is keyword-only, takes the acting user (``actor``), checks who may do it
(``shop.orders.selectors``: the buyer, the vendor's staff, centre staff), runs in one
transaction with the vendor order locked, and records an ``OrderEvent``; the e-mails an
event sends are queued after the commit (``shop.orders.tasks``).

Stock (``shop.catalog.models.Stock``) follows the units of each line:
- placed (``shop.checkout.services.checkout_complete``): ``allocated += q``;
- cancelled, or refunded before shipment: ``allocated -= q`` (released);
- shipped: ``quantity -= q`` and ``allocated -= q`` (the units leave the shelf);
- refunded after shipment with ``restock``: ``quantity += q`` (the units came back).
Rows are updated in variant-id order so that concurrent writers never deadlock.

Money goes through ``shop.payments.services``: what a vendor order may still refund is its
total less its refunds, never more than the order's charged money not yet refunded
(``vendor_order_refundable``: nothing for an order on invoice before the transfer), and
``payment_refund`` refunds through the gateway that charged, records the ``Refund``, updates
``VendorOrder.refunded`` and the order's totals, and records the ``refunded`` event (to which
the refunded lines are added here, and which sends the buyer's e-mail).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Greatest
from django.utils import timezone

import audit
from core.errors import DomainError, DomainErrors
from shop.catalog.models import Stock
from shop.checkout.pricing import spread_discount
from shop.orders import errors as codes
from shop.orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    ReturnRequest,
    ReturnStatus,
    VendorOrder,
    VendorOrderStatus,
)
from shop.orders.selectors import can_manage_vendor_order, is_order_buyer

# 전자상거래법 §17: the buyer may withdraw within 7 days of receiving the goods.
WITHDRAWAL_DAYS = 7


class EventType:
    PLACED = "placed"
    CANCELED = "canceled"
    VENDOR_ORDER_CANCELED = "vendor_order_canceled"
    SHIPPED = "shipped"
    TRACKING_UPDATED = "tracking_updated"
    DELIVERED = "delivered"
    REFUNDED = "refunded"  # recorded by shop.payments.services.payment_refund
    RETURN_REQUESTED = "return_requested"
    RETURN_ACCEPTED = "return_accepted"
    RETURN_REJECTED = "return_rejected"
    EMAIL_SENT = "email_sent"
    # Recorded by shop.payments.services.
    PAYMENT_CHARGED = "payment_charged"
    PAYMENT_FAILED = "payment_failed"
    INVOICE_PAYMENT_RECORDED = "invoice_payment_recorded"
    PAYMENT_REFUNDED_EXTERNALLY = "payment_refunded_externally"
    OTHER = "other"  # shown for a type this list does not know yet

    ALL = (
        PLACED,
        CANCELED,
        VENDOR_ORDER_CANCELED,
        SHIPPED,
        TRACKING_UPDATED,
        DELIVERED,
        REFUNDED,
        RETURN_REQUESTED,
        RETURN_ACCEPTED,
        RETURN_REJECTED,
        EMAIL_SENT,
        PAYMENT_CHARGED,
        PAYMENT_FAILED,
        INVOICE_PAYMENT_RECORDED,
        PAYMENT_REFUNDED_EXTERNALLY,
        OTHER,
    )


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


def actor_role(order: Order, actor, *, token=None) -> str:
    if actor is None or not actor.is_authenticated:
        return "buyer" if token is not None else "system"
    if actor.pk == order.user_id:
        return "buyer"
    if actor.is_staff:
        return "staff"
    return "vendor"


def order_event_record(
    *,
    order: Order,
    type: str,
    actor=None,
    vendor_order: VendorOrder | None = None,
    message: str = "",
    data: dict | None = None,
    role: str | None = None,
    notify: bool = False,
) -> OrderEvent:
    """Append an event (who, what, when); ``notify`` queues its e-mails after the commit."""
    data = dict(data or {})
    data.setdefault("actor_role", role or actor_role(order, actor))
    event = OrderEvent.objects.create(
        order=order,
        vendor_order=vendor_order,
        type=type,
        actor=actor if actor is not None and actor.is_authenticated else None,
        message=message,
        data=data,
    )
    if notify:
        order_event_notify(event)
    return event


def order_event_notify(event: OrderEvent) -> None:
    """Queue the e-mails of an event, after the commit."""
    from shop.orders.tasks import order_event_emails

    event_id = event.pk
    transaction.on_commit(lambda: order_event_emails.delay(event_id))


# ---------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------


def _deny(message: str) -> DomainError:
    return DomainError("PERMISSION_DENIED", message)


def _require_buyer_or_staff(order: Order, actor, token=None) -> None:
    if is_order_buyer(actor, order, token=token):
        return
    if actor is not None and actor.is_authenticated and actor.is_staff:
        return
    raise _deny("주문하신 분만 할 수 있습니다.")


def _require_vendor_side(vendor_order: VendorOrder, actor) -> None:
    if (
        actor is None
        or not actor.is_authenticated
        or not can_manage_vendor_order(actor, vendor_order)
    ):
        raise _deny("이 판매처의 주문을 처리할 권한이 없습니다.")


def _require_any_party(vendor_order: VendorOrder, actor, token=None) -> None:
    if is_order_buyer(actor, vendor_order.order, token=token):
        return
    _require_vendor_side(vendor_order, actor)


def _require_status(vendor_order: VendorOrder, allowed: set[str], message: str) -> None:
    if vendor_order.status not in allowed:
        raise DomainError(
            codes.INVALID_STATUS,
            f"{message} (현재 상태: {vendor_order.get_status_display()})",
        )


def _lock(vendor_order: VendorOrder) -> VendorOrder:
    """The vendor order, locked for this transaction, with its order and lines."""
    locked = VendorOrder.objects.select_for_update().get(pk=vendor_order.pk)
    locked.order = Order.objects.get(pk=locked.order_id)
    return locked


def _lines(vendor_order: VendorOrder) -> list[OrderLine]:
    return list(OrderLine.objects.filter(vendor_order=vendor_order).order_by("id"))


# ---------------------------------------------------------------------------------------------
# Stock
# ---------------------------------------------------------------------------------------------


def _units(lines, quantities: dict[int, int] | None = None) -> dict[int, int]:
    """``{variant_id: units}`` for lines (their unrefunded units, or ``quantities[line.pk]``)."""
    units: dict[int, int] = {}
    for line in lines:
        if line.variant_id is None:
            continue  # the variant was deleted since; nothing to move
        qty = (
            quantities.get(line.pk, 0)
            if quantities is not None
            else line.quantity - line.quantity_refunded
        )
        if qty > 0:
            units[line.variant_id] = units.get(line.variant_id, 0) + qty
    return units


def stock_release(units: dict[int, int]) -> None:
    """Give allocated units back (cancel, refund before shipment)."""
    for variant_id in sorted(units):
        Stock.objects.filter(variant_id=variant_id).update(
            allocated=Greatest(F("allocated") - units[variant_id], Value(0))
        )


def stock_ship(units: dict[int, int]) -> None:
    """Units leave the shelf: on hand and allocated both decrease."""
    for variant_id in sorted(units):
        q = units[variant_id]
        Stock.objects.filter(variant_id=variant_id).update(
            quantity=Greatest(F("quantity") - q, Value(0)),
            allocated=Greatest(F("allocated") - q, Value(0)),
        )


def stock_restock(units: dict[int, int]) -> None:
    """Returned units go back on the shelf."""
    for variant_id in sorted(units):
        Stock.objects.filter(variant_id=variant_id).update(
            quantity=F("quantity") + units[variant_id]
        )


# ---------------------------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------------------------


def vendor_order_refundable_amount(vendor_order: VendorOrder) -> int:
    """What may still be refunded for this vendor order (see the module docstring)."""
    from shop.payments import services as payments

    return payments.vendor_order_refundable(vendor_order)


def _refund(
    vendor_order: VendorOrder,
    *,
    amount: int,
    actor,
    reason: str,
    role: str | None = None,
    data: dict | None = None,
    notify: bool = False,
) -> OrderEvent:
    """Refund through the payments service, then complete the ``refunded`` event it recorded
    with ``data`` and the actor's role (``notify``: queue the buyer's e-mail for it)."""
    from shop.payments import services as payments

    last = OrderEvent.objects.filter(order_id=vendor_order.order_id).aggregate(m=Max("pk"))["m"]
    payments.payment_refund(vendor_order=vendor_order, amount=amount, actor=actor, reason=reason)
    extra = {
        "number": vendor_order.number,
        "amount": amount,
        "reason": reason,
        "actor_role": role or actor_role(vendor_order.order, actor),
        **(data or {}),
    }
    event = (
        OrderEvent.objects.filter(
            order_id=vendor_order.order_id, vendor_order=vendor_order, type=EventType.REFUNDED
        )
        .filter(pk__gt=last or 0)
        .order_by("-pk")
        .first()
    )
    if event is None:  # the payments service recorded none: record ours
        return order_event_record(
            order=vendor_order.order,
            vendor_order=vendor_order,
            type=EventType.REFUNDED,
            actor=actor,
            message=reason or f"{amount:,}원 환불",
            data=extra,
            notify=notify,
        )
    event.data = {**event.data, **extra}
    event.save(update_fields=["data"])
    if notify:
        order_event_notify(event)
    return event


def _line_refund_amounts(lines_by_id: dict[int, OrderLine], quantities: dict[int, int]) -> dict:
    """Won refunded per line for ``quantities`` units: the unit share of the line's total, and
    whatever is left of the line for its last units (so a line never refunds more than it cost)."""
    amounts = {}
    for line_id, qty in quantities.items():
        line = lines_by_id[line_id]
        if line.quantity_refunded + qty >= line.quantity:
            amounts[line_id] = line.total - line.refunded
        else:
            amounts[line_id] = line.total * qty // line.quantity
    return amounts


def _clean_line_quantities(
    vendor_order: VendorOrder, lines: Sequence[tuple[int, int]] | None, *, field: str = "lines"
) -> tuple[dict[int, OrderLine], dict[int, int]]:
    """``[(line_id, quantity)]`` checked against the vendor order's unrefunded units;
    ``None`` means every unrefunded unit."""
    by_id = {line.pk: line for line in _lines(vendor_order)}
    if lines is None:
        return by_id, {
            pk: line.quantity - line.quantity_refunded
            for pk, line in by_id.items()
            if line.quantity > line.quantity_refunded
        }
    quantities: dict[int, int] = {}
    for line_id, qty in lines:
        line = by_id.get(line_id)
        if line is None:
            raise DomainError("NOT_FOUND", "이 판매처 주문에 없는 상품입니다.", field)
        total = quantities.get(line_id, 0) + (qty or 0)
        if qty is None or qty < 1 or total > line.quantity - line.quantity_refunded:
            raise DomainError(
                codes.INVALID_QUANTITY,
                f"'{line.product_name}'은(는) {line.quantity - line.quantity_refunded}개까지 "
                "선택할 수 있습니다.",
                field,
            )
        quantities[line_id] = total
    return by_id, quantities


def _mark_lines_refunded(
    by_id: dict[int, OrderLine], quantities: dict[int, int], amount: int
) -> dict[int, int]:
    """Record refunded units and won on the lines; the won are the lines' shares of ``amount``
    (never more than each line's value). Returns ``{line_id: won}``."""
    ids = list(quantities)
    values = _line_refund_amounts(by_id, quantities)
    shares = spread_discount([values[i] for i in ids], min(amount, sum(values.values())))
    out = {}
    for line_id, share in zip(ids, shares, strict=True):
        OrderLine.objects.filter(pk=line_id).update(
            quantity_refunded=F("quantity_refunded") + quantities[line_id],
            refunded=F("refunded") + share,
        )
        out[line_id] = share
    return out


# ---------------------------------------------------------------------------------------------
# Order status
# ---------------------------------------------------------------------------------------------


def order_refresh_status(order: Order) -> Order:
    """The order's status from its vendor orders (cancelled ones aside)."""
    statuses = list(VendorOrder.objects.filter(order=order).values_list("status", flat=True))
    active = [s for s in statuses if s != VendorOrderStatus.CANCELED]
    if not active:
        status = OrderStatus.CANCELED
    elif all(s == VendorOrderStatus.DELIVERED for s in active):
        status = OrderStatus.DELIVERED
    elif all(s in (VendorOrderStatus.SHIPPED, VendorOrderStatus.DELIVERED) for s in active):
        status = OrderStatus.FULFILLED
    elif any(s in (VendorOrderStatus.SHIPPED, VendorOrderStatus.DELIVERED) for s in active):
        status = OrderStatus.PARTIALLY_FULFILLED
    else:
        status = OrderStatus.UNFULFILLED
    if status != order.status:
        order.status = status
        Order.objects.filter(pk=order.pk).update(status=status, updated_at=timezone.now())
    return order


# ---------------------------------------------------------------------------------------------
# Cancel
# ---------------------------------------------------------------------------------------------


def _cancel_vendor_order(vendor_order: VendorOrder, *, actor, reason: str, role: str) -> int:
    """Cancel a locked, unshipped vendor order: release stock, refund what was paid (the
    cancellation's own event and e-mail tell the buyer about the refund)."""
    units = _units(_lines(vendor_order))
    stock_release(units)
    audit.record_stock("stock.released", vendor_order, units, actor=actor, allocated=-1)
    vendor_order.status = VendorOrderStatus.CANCELED
    vendor_order.canceled_at = timezone.now()
    vendor_order.save(update_fields=["status", "canceled_at"])
    refundable = vendor_order_refundable_amount(vendor_order)
    if refundable > 0:
        _refund(
            vendor_order,
            amount=refundable,
            actor=actor,
            reason=reason or "주문 취소",
            role=role,
            data={"cancel": True},
        )
    audit.record(
        "vendor_order.cancelled",
        vendor_order,
        actor=actor,
        reason=reason,
        changes={
            "status": [VendorOrderStatus.UNFULFILLED, VendorOrderStatus.CANCELED],
            "refunded": refundable,
        },
    )
    return refundable


@transaction.atomic
def vendor_order_cancel(
    *, vendor_order: VendorOrder, actor, reason: str = "", token=None
) -> VendorOrder:
    """Cancel one vendor's part before it ships (the buyer, that vendor or centre staff)."""
    vendor_order = _lock(vendor_order)
    _require_any_party(vendor_order, actor, token)
    _require_status(vendor_order, {VendorOrderStatus.UNFULFILLED}, "발송 전에만 취소할 수 있습니다")
    role = actor_role(vendor_order.order, actor, token=token)
    refunded = _cancel_vendor_order(vendor_order, actor=actor, reason=reason, role=role)
    order = order_refresh_status(vendor_order.order)
    order_event_record(
        order=order,
        vendor_order=vendor_order,
        type=EventType.VENDOR_ORDER_CANCELED,
        actor=actor,
        role=role,
        message=reason or "판매처 주문 취소",
        data={"number": vendor_order.number, "refunded": refunded, "reason": reason},
        notify=True,
    )
    return vendor_order


@transaction.atomic
def order_cancel(*, order: Order, actor, reason: str = "", token=None) -> Order:
    """Cancel a whole order before anything ships (the buyer or centre staff)."""
    _require_buyer_or_staff(order, actor, token)
    vendor_orders = list(VendorOrder.objects.select_for_update().filter(order=order).order_by("pk"))
    active = [vo for vo in vendor_orders if vo.status != VendorOrderStatus.CANCELED]
    if not active:
        raise DomainError(codes.INVALID_STATUS, "이미 취소된 주문입니다.")
    if any(vo.status != VendorOrderStatus.UNFULFILLED for vo in active):
        raise DomainError(
            codes.INVALID_STATUS,
            "이미 발송된 상품이 있어 주문 전체를 취소할 수 없습니다. 판매처별로 취소하세요.",
        )
    order = Order.objects.get(pk=order.pk)
    status_before = order.status
    role = actor_role(order, actor, token=token)
    refunded = 0
    for vo in active:
        vo.order = order
        refunded += _cancel_vendor_order(vo, actor=actor, reason=reason, role=role)
    order = order_refresh_status(order)
    order.refresh_from_db()
    audit.record(
        "order.cancelled",
        order,
        actor=actor,
        reason=reason,
        changes={"status": [status_before, order.status], "refunded": refunded},
    )
    order_event_record(
        order=order,
        type=EventType.CANCELED,
        actor=actor,
        role=role,
        message=reason or "주문 취소",
        data={
            "vendor_orders": [vo.number for vo in active],
            "refunded": refunded,
            "reason": reason,
        },
        notify=True,
    )
    return order


# ---------------------------------------------------------------------------------------------
# Fulfilment
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def vendor_order_ship(
    *, vendor_order: VendorOrder, actor, carrier: str, tracking_number: str
) -> VendorOrder:
    """Hand the parcel to the carrier (or correct the tracking number of a shipped one)."""
    vendor_order = _lock(vendor_order)
    _require_vendor_side(vendor_order, actor)
    carrier = " ".join((carrier or "").split())
    tracking_number = "".join((tracking_number or "").split())
    errors = []
    if not carrier:
        errors.append(DomainError("REQUIRED", "택배사를 입력하세요.", "carrier"))
    if not tracking_number:
        errors.append(DomainError("REQUIRED", "운송장 번호를 입력하세요.", "trackingNumber"))
    if errors:
        raise DomainErrors(errors)
    _require_status(
        vendor_order,
        {VendorOrderStatus.UNFULFILLED, VendorOrderStatus.SHIPPED},
        "발송할 수 없는 주문입니다",
    )
    first_time = vendor_order.status == VendorOrderStatus.UNFULFILLED
    before = {f: getattr(vendor_order, f) for f in ("status", "carrier", "tracking_number")}
    if first_time:
        lines = _lines(vendor_order)
        if not any(line.quantity > line.quantity_refunded for line in lines):
            raise DomainError(codes.INVALID_STATUS, "발송할 상품이 없습니다 (모두 환불됨).")
        units = _units(lines)
        stock_ship(units)
        audit.record_stock(
            "stock.shipped", vendor_order, units, actor=actor, quantity=-1, allocated=-1
        )
        vendor_order.status = VendorOrderStatus.SHIPPED
        vendor_order.shipped_at = timezone.now()
    vendor_order.carrier = carrier
    vendor_order.tracking_number = tracking_number
    vendor_order.save(update_fields=["status", "shipped_at", "carrier", "tracking_number"])
    audit.record(
        "vendor_order.shipped" if first_time else "vendor_order.tracking_updated",
        vendor_order,
        actor=actor,
        changes=audit.diff(before, vendor_order),
    )
    order = order_refresh_status(vendor_order.order)
    order_event_record(
        order=order,
        vendor_order=vendor_order,
        type=EventType.SHIPPED if first_time else EventType.TRACKING_UPDATED,
        actor=actor,
        message=f"{carrier} {tracking_number}",
        data={
            "number": vendor_order.number,
            "carrier": carrier,
            "tracking_number": tracking_number,
        },
        notify=True,
    )
    return vendor_order


@transaction.atomic
def vendor_order_deliver(*, vendor_order: VendorOrder, actor) -> VendorOrder:
    """Mark the parcel delivered; the 7-day withdrawal period starts."""
    vendor_order = _lock(vendor_order)
    _require_vendor_side(vendor_order, actor)
    _require_status(
        vendor_order, {VendorOrderStatus.SHIPPED}, "발송된 주문만 배송 완료로 바꿀 수 있습니다"
    )
    vendor_order.status = VendorOrderStatus.DELIVERED
    vendor_order.delivered_at = timezone.now()
    vendor_order.save(update_fields=["status", "delivered_at"])
    audit.record(
        "vendor_order.delivered",
        vendor_order,
        actor=actor,
        changes={"status": [VendorOrderStatus.SHIPPED, VendorOrderStatus.DELIVERED]},
    )
    order = order_refresh_status(vendor_order.order)
    order_event_record(
        order=order,
        vendor_order=vendor_order,
        type=EventType.DELIVERED,
        actor=actor,
        message="배송 완료",
        data={"number": vendor_order.number},
    )
    return vendor_order


# ---------------------------------------------------------------------------------------------
# Refunds
# ---------------------------------------------------------------------------------------------


def _refund_lines_and_stock(
    vendor_order: VendorOrder,
    by_id: dict[int, OrderLine],
    quantities: dict[int, int],
    *,
    amount: int,
    restock: bool,
) -> dict[int, int]:
    """Mark refunded units on lines and move their stock (release before shipment, put back
    on the shelf after it when ``restock``)."""
    per_line = _mark_lines_refunded(by_id, quantities, amount) if quantities else {}
    units = _units([by_id[i] for i in quantities], quantities)
    if vendor_order.status == VendorOrderStatus.UNFULFILLED:
        stock_release(units)
        audit.record_stock("stock.released", vendor_order, units, allocated=-1)
    elif restock:
        stock_restock(units)
        audit.record_stock("stock.restocked", vendor_order, units, quantity=1)
    return per_line


@transaction.atomic
def vendor_order_refund(
    *,
    vendor_order: VendorOrder,
    actor,
    amount: int | None = None,
    lines: Sequence[tuple[int, int]] | None = None,
    reason: str = "",
    restock: bool = False,
):
    """A partial refund of one vendor order, by amount and/or by lines (vendor or staff).

    ``lines`` (``[(line_id, quantity)]``) refunds those units: their share of each line's
    total, released from allocation before shipment or put back on the shelf with
    ``restock``; ``amount`` overrides the refunded won (e.g. shipping included). The sum of
    refunds never exceeds what was paid for the vendor order.
    """
    vendor_order = _lock(vendor_order)
    _require_vendor_side(vendor_order, actor)
    _require_status(
        vendor_order,
        {VendorOrderStatus.UNFULFILLED, VendorOrderStatus.SHIPPED, VendorOrderStatus.DELIVERED},
        "환불할 수 없는 주문입니다",
    )
    by_id, quantities = ({}, {})
    if lines:
        by_id, quantities = _clean_line_quantities(vendor_order, lines)
    if amount is None:
        if not quantities:
            raise DomainError("REQUIRED", "환불할 금액이나 상품을 입력하세요.", "amount")
        amount = sum(_line_refund_amounts(by_id, quantities).values())
    if amount <= 0:
        raise DomainError("INVALID", "환불 금액은 1원 이상이어야 합니다.", "amount")
    refundable = vendor_order_refundable_amount(vendor_order)
    if refundable <= 0:
        raise DomainError(codes.NOTHING_TO_REFUND, "환불할 결제 금액이 없습니다.", "amount")
    if amount > refundable:
        raise DomainError(
            codes.REFUND_TOO_LARGE,
            f"환불 가능 금액({refundable:,}원)보다 큽니다.",
            "amount",
        )
    per_line = _refund_lines_and_stock(
        vendor_order, by_id, quantities, amount=amount, restock=restock
    )
    _refund(
        vendor_order,
        amount=amount,
        actor=actor,
        reason=reason or "부분 환불",
        data={
            "lines": [
                {"line_id": i, "quantity": quantities[i], "amount": per_line.get(i, 0)}
                for i in quantities
            ],
            "restock": restock,
        },
        notify=True,
    )
    vendor_order.refresh_from_db()
    return vendor_order


# ---------------------------------------------------------------------------------------------
# Withdrawal (청약철회)
# ---------------------------------------------------------------------------------------------


def withdrawal_deadline(vendor_order: VendorOrder) -> dt.date | None:
    """Last day (Asia/Seoul) of the withdrawal period: delivery day + ``WITHDRAWAL_DAYS``
    (the day of delivery is not counted, as in the civil law's reckoning of periods)."""
    if vendor_order.delivered_at is None:
        return None
    delivered_on = timezone.localdate(vendor_order.delivered_at)
    return delivered_on + dt.timedelta(days=WITHDRAWAL_DAYS)


@transaction.atomic
def return_request_create(
    *,
    vendor_order: VendorOrder,
    actor,
    reason: str,
    lines: Sequence[tuple[int, int]] | None = None,
    token=None,
) -> ReturnRequest:
    """The buyer withdraws (all or some units) within 7 days of delivery; the vendor decides."""
    vendor_order = _lock(vendor_order)
    _require_buyer_or_staff(vendor_order.order, actor, token)
    _require_status(
        vendor_order,
        {VendorOrderStatus.DELIVERED},
        "배송이 끝난 주문만 청약철회를 요청할 수 있습니다",
    )
    deadline = withdrawal_deadline(vendor_order)
    if timezone.localdate() > deadline:
        raise DomainError(
            codes.WITHDRAWAL_PERIOD_EXPIRED,
            f"청약철회 기간({WITHDRAWAL_DAYS}일, {deadline:%Y-%m-%d}까지)이 지났습니다.",
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("REQUIRED", "청약철회 사유를 입력하세요.", "reason")
    if vendor_order.return_requests.filter(status=ReturnStatus.REQUESTED).exists():
        raise DomainError(codes.INVALID_STATUS, "처리 중인 청약철회 요청이 이미 있습니다.")
    _, quantities = _clean_line_quantities(vendor_order, lines)
    if not quantities:
        raise DomainError(codes.INVALID_QUANTITY, "반품할 상품이 없습니다.", "lines")
    request = ReturnRequest.objects.create(
        vendor_order=vendor_order,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
        lines=[{"line_id": pk, "quantity": qty} for pk, qty in quantities.items()],
    )
    audit.record(
        "return.requested",
        request,
        actor=actor,
        reason=reason,
        changes={"vendor_order": vendor_order.number, "lines": request.lines},
    )
    order_event_record(
        order=vendor_order.order,
        vendor_order=vendor_order,
        type=EventType.RETURN_REQUESTED,
        actor=actor,
        role=actor_role(vendor_order.order, actor, token=token),
        message=reason,
        data={"number": vendor_order.number, "return_request": request.pk, "lines": request.lines},
        notify=True,
    )
    return request


def _lock_return(return_request: ReturnRequest) -> ReturnRequest:
    request = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
    request.vendor_order = _lock(request.vendor_order)
    return request


@transaction.atomic
def return_request_accept(
    *, return_request: ReturnRequest, actor, restock: bool = False, note: str = ""
) -> ReturnRequest:
    """The vendor accepts the withdrawal: the returned lines are refunded (up to what was paid)
    and, with ``restock``, put back on the shelf."""
    request = _lock_return(return_request)
    vendor_order = request.vendor_order
    _require_vendor_side(vendor_order, actor)
    if request.status != ReturnStatus.REQUESTED:
        raise DomainError(codes.INVALID_STATUS, "이미 처리된 청약철회 요청입니다.")
    requested = [(item["line_id"], item["quantity"]) for item in request.lines]
    by_id, quantities = _clean_line_quantities(vendor_order, requested)
    value = sum(_line_refund_amounts(by_id, quantities).values())
    amount = min(value, vendor_order_refundable_amount(vendor_order))
    _refund_lines_and_stock(vendor_order, by_id, quantities, amount=amount, restock=restock)
    if amount > 0:
        _refund(
            vendor_order,
            amount=amount,
            actor=actor,
            reason=f"청약철회: {request.reason}",
            data={"return_request": request.pk},
        )
    request.status = ReturnStatus.ACCEPTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note or ""
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        "return.accepted",
        request,
        actor=actor,
        reason=note or "",
        changes={
            "status": [ReturnStatus.REQUESTED, ReturnStatus.ACCEPTED],
            "refunded": amount,
            "restock": restock,
        },
    )
    order_event_record(
        order=vendor_order.order,
        vendor_order=vendor_order,
        type=EventType.RETURN_ACCEPTED,
        actor=actor,
        message=note or f"청약철회 승인, {amount:,}원 환불",
        data={
            "number": vendor_order.number,
            "return_request": request.pk,
            "amount": amount,
            "restock": restock,
        },
        notify=True,
    )
    return request


@transaction.atomic
def return_request_reject(*, return_request: ReturnRequest, actor, reason: str) -> ReturnRequest:
    request = _lock_return(return_request)
    vendor_order = request.vendor_order
    _require_vendor_side(vendor_order, actor)
    if request.status != ReturnStatus.REQUESTED:
        raise DomainError(codes.INVALID_STATUS, "이미 처리된 청약철회 요청입니다.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("REQUIRED", "거절 사유를 입력하세요.", "reason")
    request.status = ReturnStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        "return.rejected",
        request,
        actor=actor,
        reason=reason,
        changes={"status": [ReturnStatus.REQUESTED, ReturnStatus.REJECTED]},
    )
    order_event_record(
        order=vendor_order.order,
        vendor_order=vendor_order,
        type=EventType.RETURN_REJECTED,
        actor=actor,
        message=reason,
        data={"number": vendor_order.number, "return_request": request.pk},
        notify=True,
    )
    return request
