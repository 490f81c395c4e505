"""Sending an e-mail at most once per thing it is about, even when its task runs twice.

``send_once(kind, object_id, subject=…, body=…, recipients=…)`` is for Celery tasks
(``acks_late``: a task whose worker died is delivered again):

1. claim ``(kind, object_id)`` by inserting a ``SentEmail`` row in state ``sending`` (a unique
   constraint: of two deliveries running at once, one wins and the other sends nothing);
2. send; on an error the claim is released, so the task's retry sends it;
3. mark the row ``sent``.

A claim left ``sending`` by a worker that died between 1 and 3 is taken over after
``SENDING_LEASE`` (ten minutes, well below the broker's visibility timeout, so the redelivered
task sends it). That e-mail may then go out twice if the worker died right after the SMTP
server accepted it: no mail server lets us do better than that.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import SentEmail, SentEmailStatus

logger = logging.getLogger(__name__)

SENDING_LEASE = dt.timedelta(minutes=10)


def already_sent(kind: str, object_id) -> bool:
    return SentEmail.objects.filter(
        kind=kind, object_id=str(object_id), status=SentEmailStatus.SENT
    ).exists()


def _claim(kind: str, object_id: str, subject: str, recipients: list[str]) -> SentEmail | None:
    now = timezone.now()
    try:
        with transaction.atomic():
            return SentEmail.objects.create(
                kind=kind,
                object_id=object_id,
                subject=subject[:300],
                recipients=list(recipients),
                claimed_at=now,
            )
    except IntegrityError:
        pass
    # Sent already, or being sent by another delivery; a stale claim (its worker died) is
    # taken over.
    taken = SentEmail.objects.filter(
        kind=kind,
        object_id=object_id,
        status=SentEmailStatus.SENDING,
        claimed_at__lt=now - SENDING_LEASE,
    ).update(claimed_at=now)
    if taken:
        return SentEmail.objects.get(kind=kind, object_id=object_id)
    return None


def send_once(
    kind: str,
    object_id,
    *,
    subject: str,
    body: str,
    recipients: list[str],
    from_email: str | None = None,
    html_message: str | None = None,
) -> int:
    """Send the e-mail unless ``(kind, object_id)`` was sent (or is being sent) already.
    Returns how many messages went out now (0 or 1)."""
    recipients = [r for r in recipients if r]
    if not recipients:
        return 0
    claim = _claim(kind, str(object_id), subject, recipients)
    if claim is None:
        logger.info("e-mail %s #%s was sent already; not sent again", kind, object_id)
        return 0
    try:
        sent = send_mail(subject, body, from_email, recipients, html_message=html_message)
    except Exception:
        SentEmail.objects.filter(pk=claim.pk, status=SentEmailStatus.SENDING).delete()
        raise
    SentEmail.objects.filter(pk=claim.pk).update(
        status=SentEmailStatus.SENT, sent_at=timezone.now()
    )
    return sent
