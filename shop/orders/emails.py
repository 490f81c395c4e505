"""Which e-mails an order event sends, in Korean: to the buyer, and to each vendor concerned.

``order_event_messages(event)`` gives ``(kind, subject, body, recipients)`` tuples; the task
(``shop.orders.tasks.order_event_emails``) sends them once each. Bodies are plain text from
``shop/templates/shop/emails/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from shop.orders.models import OrderEvent, VendorOrder
from shop.orders.services import EventType, withdrawal_deadline


@dataclass(frozen=True)
class Mail:
    kind: str  # stable name of this e-mail within its event (idempotency key)
    subject: str
    body: str
    recipients: list[str]


BUYER_SUBJECTS = {
    EventType.PLACED: "[누리] 주문이 접수되었습니다 ({number})",
    EventType.SHIPPED: "[누리] 상품이 발송되었습니다 ({number})",
    EventType.TRACKING_UPDATED: "[누리] 운송장 번호가 바뀌었습니다 ({number})",
    EventType.CANCELED: "[누리] 주문이 취소되었습니다 ({number})",
    EventType.VENDOR_ORDER_CANCELED: "[누리] 주문 일부가 취소되었습니다 ({number})",
    EventType.REFUNDED: "[누리] 환불이 처리되었습니다 ({number})",
    EventType.RETURN_ACCEPTED: "[누리] 청약철회(반품)가 승인되었습니다 ({number})",
    EventType.RETURN_REJECTED: "[누리] 청약철회(반품) 요청 결과를 알려 드립니다 ({number})",
}
VENDOR_SUBJECTS = {
    EventType.PLACED: "[누리 판매자] 새 주문이 들어왔습니다 ({number})",
    EventType.CANCELED: "[누리 판매자] 구매자가 주문을 취소했습니다 ({number})",
    EventType.VENDOR_ORDER_CANCELED: "[누리 판매자] 구매자가 주문을 취소했습니다 ({number})",
    EventType.RETURN_REQUESTED: "[누리 판매자] 청약철회(반품) 요청이 들어왔습니다 ({number})",
}


def site_url(path: str = "/") -> str:
    base = getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + path


def vendor_recipients(vendor) -> list[str]:
    """The vendor's staff accounts, or the organization's address when it has none."""
    emails = sorted(
        {
            s.user.email
            for s in vendor.staff.select_related("user").all()
            if s.user.is_active and s.user.email
        }
    )
    if not emails and vendor.organization.email:
        emails = [vendor.organization.email]
    return emails


def _vendor_orders(event: OrderEvent) -> list[VendorOrder]:
    qs = VendorOrder.objects.select_related("vendor__organization").prefetch_related("lines")
    if event.vendor_order_id:
        return list(qs.filter(pk=event.vendor_order_id))
    numbers = event.data.get("vendor_orders")
    qs = qs.filter(order_id=event.order_id).order_by("number")
    if event.type == EventType.CANCELED and numbers:
        qs = qs.filter(number__in=numbers)
    return list(qs)


def order_event_messages(event: OrderEvent) -> list[Mail]:
    order = event.order
    vendor_orders = _vendor_orders(event)
    by_buyer = event.data.get("actor_role") == "buyer"
    ctx = {
        "event": event,
        "order": order,
        "vendor_orders": vendor_orders,
        "vendor_order": vendor_orders[0] if event.vendor_order_id and vendor_orders else None,
        "data": event.data,
        "site_url": site_url(),
    }
    if ctx["vendor_order"] is not None:
        ctx["withdrawal_deadline"] = withdrawal_deadline(ctx["vendor_order"])
    mails: list[Mail] = []
    number = vendor_orders[0].number if event.vendor_order_id and vendor_orders else order.number
    if event.type in BUYER_SUBJECTS and order.email:
        template = (
            "shop/emails/order_placed.txt"
            if event.type == EventType.PLACED
            else "shop/emails/buyer_update.txt"
        )
        mails.append(
            Mail(
                kind="buyer",
                subject=BUYER_SUBJECTS[event.type].format(number=number),
                body=render_to_string(template, ctx),
                recipients=[order.email],
            )
        )
    vendor_wanted = event.type in (EventType.PLACED, EventType.RETURN_REQUESTED) or (
        event.type in (EventType.CANCELED, EventType.VENDOR_ORDER_CANCELED) and by_buyer
    )
    if vendor_wanted:
        template = (
            "shop/emails/vendor_order_new.txt"
            if event.type == EventType.PLACED
            else "shop/emails/vendor_update.txt"
        )
        for vo in vendor_orders:
            recipients = vendor_recipients(vo.vendor)
            if not recipients:
                continue
            mails.append(
                Mail(
                    kind=f"vendor:{vo.number}",
                    subject=VENDOR_SUBJECTS[event.type].format(number=vo.number),
                    body=render_to_string(template, {**ctx, "vendor_order": vo}),
                    recipients=recipients,
                )
            )
    return mails
