"""Which e-mails a purchasing event sends, in Korean (plain text).

``event_messages(event)`` gives ``Mail`` tuples (a stable ``kind`` per e-mail of the event, so
that the task sends each once). Buyers get: quotes received, completion notices, reminders;
vendors get: requests to quote, a declined quote, inspection results, recorded payments, and
payment reminders. The shop's order e-mails tell both sides about the order itself.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from purchasing.models import PurchasingEvent
from purchasing.services import EventType
from shop.orders.emails import Mail, site_url, vendor_recipients

BUYER_SUBJECTS = {
    EventType.QUOTE_SUBMITTED: "[누리 공공구매] 견적이 도착했습니다 ({number})",
    EventType.DELIVERED: "[누리 공공구매] 납품 완료 통지: 검수해 주세요 ({number})",
    EventType.INSPECTION_REMINDER: "[누리 공공구매] 검수 기한 알림 ({number})",
    EventType.PAYMENT_REMINDER: "[누리 공공구매] 대금 지급 기한 알림 ({number})",
}
VENDOR_SUBJECTS = {
    EventType.REQUEST_CREATED: "[누리 판매자] 견적 요청이 왔습니다 ({number})",
    EventType.QUOTE_REJECTED: "[누리 판매자] 견적 결과를 알려 드립니다 ({number})",
    EventType.INSPECTION_ACCEPTED: "[누리 판매자] 검수에 합격했습니다 ({number})",
    EventType.INSPECTION_REJECTED: "[누리 판매자] 검수에서 반려되었습니다 ({number})",
    EventType.PAYMENT_RECORDED: "[누리 판매자] 입금이 기록되었습니다 ({number})",
    EventType.PAID: "[누리 판매자] 대금 지급이 완료되었습니다 ({number})",
    EventType.PAYMENT_REMINDER: "[누리 판매자] 대금 지급 기한 알림 ({number})",
}


def _url(name: str, *args) -> str:
    try:
        return site_url(reverse(name, args=args))
    except NoReverseMatch:  # the portal is not wired in this URLconf
        return site_url("/")


def _buyer_recipients(event: PurchasingEvent) -> list[str]:
    emails = set()
    request = event.request
    if request is not None and request.requested_by.email:
        emails.add(request.requested_by.email)
    if event.type == EventType.PAYMENT_REMINDER and event.agency.invoice_email:
        emails.add(event.agency.invoice_email)
    return sorted(emails)


def event_messages(event: PurchasingEvent) -> list[Mail]:
    request = event.request
    number = request.number if request is not None else str(event.pk)
    ctx = {
        "event": event,
        "request": request,
        "quote": event.quote,
        "delivery": event.delivery,
        "agency": event.agency,
        "site_url": site_url(),
    }
    mails: list[Mail] = []
    if event.type in BUYER_SUBJECTS and request is not None:
        recipients = _buyer_recipients(event)
        if recipients:
            ctx["link"] = _url("agency:request_detail", request.pk)
            if event.delivery is not None:
                ctx["link"] = _url("agency:delivery_detail", event.delivery.pk)
            mails.append(
                Mail(
                    kind="buyer",
                    subject=BUYER_SUBJECTS[event.type].format(number=number),
                    body=render_to_string("purchasing/emails/buyer.txt", ctx),
                    recipients=recipients,
                )
            )
    if event.type in VENDOR_SUBJECTS and request is not None:
        if event.type == EventType.REQUEST_CREATED:
            vendors = list(request.invited_vendors.select_related("organization"))
        elif event.quote is not None:
            vendors = [event.quote.vendor]
        else:
            vendors = []
        for vendor in vendors:
            recipients = vendor_recipients(vendor)
            if not recipients:
                continue
            link = _url("dashboard:quotes_request", vendor.slug, request.pk)
            if event.delivery is not None:
                link = _url("dashboard:quotes_delivery", vendor.slug, event.delivery.pk)
            mails.append(
                Mail(
                    kind=f"vendor:{vendor.pk}",
                    subject=VENDOR_SUBJECTS[event.type].format(number=number),
                    body=render_to_string(
                        "purchasing/emails/vendor.txt", {**ctx, "vendor": vendor, "link": link}
                    ),
                    recipients=recipients,
                )
            )
    return mails
