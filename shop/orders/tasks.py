"""Celery tasks of orders: the e-mails of an order event (thin entry point).

``order_event_emails`` is queued after the commit that recorded the event, takes its id and
sends each of the event's e-mails once: a sent e-mail is recorded as an ``email_sent`` event
(who got what, when), and a re-delivered task (``acks_late``) skips the ones already recorded.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.core.mail import send_mail

from shop.orders.models import OrderEvent

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def order_event_emails(self, event_id: int) -> int:
    """Send the e-mails of one order event; returns how many were sent now."""
    from shop.orders.emails import order_event_messages
    from shop.orders.services import EventType

    event = OrderEvent.objects.select_related("order", "vendor_order").filter(pk=event_id).first()
    if event is None:
        logger.info("order e-mail: event %s does not exist", event_id)
        return 0
    already = set(
        OrderEvent.objects.filter(
            order_id=event.order_id, type=EventType.EMAIL_SENT, data__source_event=event.pk
        ).values_list("data__kind", flat=True)
    )
    sent = 0
    for mail in order_event_messages(event):
        if mail.kind in already:
            continue  # sent by an earlier delivery of this task
        sent += send_mail(mail.subject, mail.body, None, mail.recipients)
        OrderEvent.objects.create(
            order_id=event.order_id,
            vendor_order_id=event.vendor_order_id,
            type=EventType.EMAIL_SENT,
            message=mail.subject,
            data={
                "source_event": event.pk,
                "kind": mail.kind,
                "to": mail.recipients,
                "actor_role": "system",
            },
        )
    return sent
