"""Celery tasks: onboarding e-mails (thin entry points; the rules live in ``vendors.onboarding``).

``application_event_email`` runs after the commit that recorded the event, takes ids, and
sends each e-mail once: ``core.emails.send_once`` records each e-mail of the event in the
database (kind ``onboarding.<event type>.<applicant|staff>``, the event's id), so a
re-delivered task (acks_late), in whatever worker process, skips the ones already sent; a
failed send releases its record so that the retry sends it.
"""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from core.emails import send_once
from vendors.models import ApplicationEventType, VendorApplication, VendorApplicationEvent

logger = logging.getLogger(__name__)

SUBJECTS = {
    ApplicationEventType.SUBMITTED: "[누리] 입점 신청이 접수되었습니다",
    ApplicationEventType.RESUBMITTED: "[누리] 보완한 입점 신청이 접수되었습니다",
    ApplicationEventType.CHANGES_REQUESTED: "[누리] 입점 신청 보완을 요청드립니다",
    ApplicationEventType.APPROVED: "[누리] 입점이 승인되었습니다",
    ApplicationEventType.REJECTED: "[누리] 입점 신청 심사 결과를 알려 드립니다",
}
STAFF_SUBJECTS = {
    ApplicationEventType.SUBMITTED: "[누리 심사] 새 입점 신청: {store} ({org})",
    ApplicationEventType.RESUBMITTED: "[누리 심사] 보완 제출: {store} ({org})",
}


def site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + path


def staff_recipients() -> list[str]:
    """Who reviews applications: ``settings.ONBOARDING_REVIEW_EMAILS`` or the active staff."""
    configured = getattr(settings, "ONBOARDING_REVIEW_EMAILS", None)
    if configured:
        return list(configured)
    from accounts.models import User

    return list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


def _context(application: VendorApplication, event: VendorApplicationEvent) -> dict:
    vendor = application.vendor
    return {
        "application": application,
        "event": event,
        "applicant_name": application.applicant.name or application.applicant.email,
        "status_url": site_url(reverse("vendors:application_detail", args=[application.pk])),
        "resubmit_url": site_url(reverse("vendors:application_resubmit", args=[application.pk])),
        "vendor_url": (
            site_url(reverse("vendors:vendor_detail", args=[vendor.slug])) if vendor else ""
        ),
        "admin_url": site_url(
            reverse("admin:vendors_vendorapplication_change", args=[application.pk])
        ),
    }


def application_event_mails(event: VendorApplicationEvent) -> list[tuple[str, str, str, list[str]]]:
    """The e-mails an event sends, as (kind, subject, body, recipients); the kind says which
    e-mail of which event it is (``onboarding.submitted.applicant``)."""
    application = event.application
    ctx = _context(application, event)
    mails = []
    if application.applicant.email and event.type in SUBJECTS:
        body = render_to_string("vendors/onboarding/email/applicant.txt", ctx)
        kind = f"onboarding.{event.type}.applicant"
        mails.append((kind, SUBJECTS[event.type], body, [application.applicant.email]))
    if event.type in STAFF_SUBJECTS:
        recipients = staff_recipients()
        if recipients:
            subject = STAFF_SUBJECTS[event.type].format(
                store=application.store_name, org=application.organization.name
            )
            body = render_to_string("vendors/onboarding/email/staff.txt", ctx)
            mails.append((f"onboarding.{event.type}.staff", subject, body, recipients))
    return mails


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def application_event_email(
    self, application_id: int, event_type: str, event_id: int | None = None
) -> int:
    """Send the e-mails of one application event; returns how many were sent."""
    events = VendorApplicationEvent.objects.select_related(
        "application__applicant", "application__organization", "application__vendor", "actor"
    ).filter(application_id=application_id, type=event_type)
    event = events.filter(pk=event_id).first() if event_id else events.order_by("-pk").first()
    if event is None:
        logger.info("onboarding e-mail: no %s event for application %s", event_type, application_id)
        return 0
    sent = 0
    for kind, subject, body, recipients in application_event_mails(event):
        # Skipped when this e-mail of this event went out already (the task was redelivered).
        sent += send_once(kind, event.pk, subject=subject, body=body, recipients=recipients)
    return sent
