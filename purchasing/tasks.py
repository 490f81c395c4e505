"""Celery tasks of purchasing: thin entry points that load by id and call a service.

- ``purchasing_event_emails(event_id)``: the e-mails of one event, each sent once (a sent
  e-mail is recorded as an ``email_sent`` event; a re-delivered task skips it);
- ``purchasing_reminders``: beat, daily — inspection and payment due-date reminders;
- ``purchasing_expire_quotes``: beat, daily — submitted quotes past their validity expire.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.core.mail import send_mail

from purchasing.models import PurchasingEvent

logger = logging.getLogger(__name__)

RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(**RETRY)
def purchasing_event_emails(self, event_id: int) -> int:
    """Send the e-mails of one purchasing event; returns how many were sent now."""
    from purchasing.emails import event_messages
    from purchasing.services import EventType

    event = (
        PurchasingEvent.objects.select_related(
            "agency", "request__requested_by", "quote__vendor__organization", "delivery"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        logger.info("purchasing e-mail: event %s does not exist", event_id)
        return 0
    already = set(
        PurchasingEvent.objects.filter(
            agency_id=event.agency_id, type=EventType.EMAIL_SENT, data__source_event=event.pk
        ).values_list("data__kind", flat=True)
    )
    sent = 0
    for mail in event_messages(event):
        if mail.kind in already:
            continue
        sent += send_mail(mail.subject, mail.body, None, mail.recipients)
        PurchasingEvent.objects.create(
            agency_id=event.agency_id,
            request_id=event.request_id,
            quote_id=event.quote_id,
            delivery_id=event.delivery_id,
            type=EventType.EMAIL_SENT,
            message=mail.subject,
            data={"source_event": event.pk, "kind": mail.kind, "to": mail.recipients},
        )
    return sent


@shared_task(bind=True, acks_late=True)
def purchasing_reminders(self) -> int:
    """Daily: e-mail the inspection and payment reminders that are due (idempotent)."""
    from purchasing.services import reminders_send

    return reminders_send()


@shared_task(bind=True, acks_late=True)
def purchasing_expire_quotes(self) -> int:
    """Daily: submitted quotes past their validity date become expired (idempotent)."""
    from purchasing.services import quotes_expire

    return quotes_expire()
