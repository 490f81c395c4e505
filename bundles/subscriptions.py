"""Office subscriptions (정기배송): a bundle delivered weekly or monthly, on invoice.

``subscription_create`` starts one (a signed-in buyer; the delivery address is checked like
the checkout's); ``subscription_pause``/``resume``/``cancel`` change it (its owner or centre
staff). ``subscription_run_due(today)`` (daily, Celery beat ``bundles_run_subscriptions``)
creates each due period's order through the real checkout services: a cart for the
subscriber with the bundle, the address and the standard delivery, a transaction through the
subscription's gateway (``invoice``: agencies pay by bank transfer after inspection), then
``checkout_complete`` (all components allocated at once, the order split per vendor, the usual
e-mails). One ``SubscriptionRun`` per (subscription, period), so running twice changes
nothing:
- ``ordered``: the order was placed;
- ``skipped``: stock was short (or a component stopped selling): nothing is ordered, the
  reason is recorded in Korean and e-mailed to the subscriber;
- ``failed``: anything else the services refused (e.g. the gateway is switched off); also
  e-mailed.
Either way ``next_delivery_on`` moves on by a week or a month. Periods missed while the task
did not run (more than one period behind) are recorded as skipped and not ordered, so an
office never gets two deliveries at once. Monthly deliveries fall on the same day of every
month, so the first one must be on the 1st–28th.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from bundles import errors as codes
from bundles.models import (
    Bundle,
    Subscription,
    SubscriptionFrequency,
    SubscriptionRun,
    SubscriptionRunStatus,
    SubscriptionStatus,
)
from bundles.pricing import bundle_availability, bundle_price
from bundles.services import bundle_add_to_checkout, bundle_orderable_by
from core.errors import DomainError, DomainErrors, as_error_list
from shop.checkout import services as checkout_services
from shop.checkout.address import address_validate

logger = logging.getLogger(__name__)

# Gateways a subscription can pay with unattended (no card is kept on file).
SUBSCRIPTION_GATEWAYS = ("invoice",)
MAX_SUBSCRIPTION_QUANTITY = 100
# Codes that mean "not enough to make the bundle now": the period is skipped, not failed.
SHORTAGE_CODES = {codes.INSUFFICIENT_STOCK, codes.PRODUCT_UNAVAILABLE}


def next_period(date: dt.date, frequency: str) -> dt.date:
    """The delivery date after ``date``: a week later, or the same day next month
    (clamped to the month's last day)."""
    if frequency == SubscriptionFrequency.WEEKLY:
        return date + dt.timedelta(days=7)
    year, month = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
    day = min(date.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def monthly_estimate(bundle: Bundle, quantity: int, frequency: str) -> int:
    """Won a month, for showing (goods only; a month counted as 52/12 weeks)."""
    price = bundle_price(bundle).price * quantity
    return price if frequency == SubscriptionFrequency.MONTHLY else price * 52 // 12


# ---------------------------------------------------------------------------------------------
# Create, pause, resume, cancel
# ---------------------------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def _require_owner(subscription: Subscription, actor) -> None:
    if not _signed_in(actor):
        raise DomainError("PERMISSION_DENIED", "로그인이 필요합니다.")
    if actor.pk != subscription.user_id and not actor.is_staff:
        raise DomainError("PERMISSION_DENIED", "신청하신 분만 바꿀 수 있습니다.")


@transaction.atomic
def subscription_create(
    *,
    user,
    bundle: Bundle,
    frequency: str,
    start_on: dt.date,
    recipient_name: str,
    phone: str,
    postcode: str,
    road_address: str,
    detail_address: str = "",
    quantity: int = 1,
    email: str = "",
    gateway: str = "invoice",
) -> Subscription:
    """Subscribe ``user`` (signed in) to a published bundle (or to their own personal
    bundle), first delivery on ``start_on`` (today or later)."""
    if not _signed_in(user):
        raise DomainError("PERMISSION_DENIED", "정기배송은 로그인한 뒤 신청할 수 있습니다.")
    errors: list[DomainError] = []
    if not bundle_orderable_by(bundle, user):
        errors.append(
            DomainError(
                codes.PRODUCT_UNAVAILABLE,
                f"꾸러미 '{bundle.name}'은(는) 지금 판매하지 않습니다.",
                "bundle",
            )
        )
    frequency = getattr(frequency, "value", frequency)
    if frequency not in SubscriptionFrequency.values:
        errors.append(DomainError("INVALID", "배송 주기는 매주 또는 매월입니다.", "frequency"))
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        errors.append(DomainError("INVALID", "꾸러미 수는 1개 이상이어야 합니다.", "quantity"))
    elif quantity > MAX_SUBSCRIPTION_QUANTITY:
        errors.append(
            DomainError(
                "INVALID",
                f"꾸러미 수는 {MAX_SUBSCRIPTION_QUANTITY}개까지입니다.",
                "quantity",
            )
        )
    today = timezone.localdate()
    if not isinstance(start_on, dt.date):
        errors.append(DomainError("REQUIRED", "첫 배송일을 고르세요.", "startOn"))
    elif start_on < today:
        errors.append(DomainError("INVALID", "첫 배송일은 오늘 이후여야 합니다.", "startOn"))
    elif frequency == SubscriptionFrequency.MONTHLY and start_on.day > 28:
        errors.append(
            DomainError(
                "INVALID",
                "매월 배송일은 1일부터 28일 사이에서 고르세요 (매달 같은 날에 보냅니다).",
                "startOn",
            )
        )
    gateway = (gateway or "invoice").removeprefix("nuri.payments.")
    if gateway not in SUBSCRIPTION_GATEWAYS:
        errors.append(
            DomainError(
                codes.GATEWAY_NOT_AVAILABLE,
                "정기배송은 계산서 후불(계좌이체)로만 결제할 수 있습니다.",
                "gateway",
            )
        )
    email = (email or user.email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.append(DomainError("INVALID", "이메일 주소 형식이 올바르지 않습니다.", "email"))
    try:
        address = address_validate(
            recipient_name=recipient_name,
            phone=phone,
            postcode=postcode,
            road_address=road_address,
            detail_address=detail_address,
            code=codes.INVALID_SHIPPING_ADDRESS,
        )
    except (DomainError, DomainErrors) as exc:
        errors.extend(as_error_list(exc))
        address = None
    if errors:
        raise DomainErrors(errors) if len(errors) > 1 else errors[0]
    return Subscription.objects.create(
        user=user,
        bundle=bundle,
        quantity=quantity,
        frequency=frequency,
        gateway=gateway,
        email=email,
        next_delivery_on=start_on,
        **address.as_fields(),
    )


def _lock(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().select_related("bundle").get(pk=subscription.pk)


@transaction.atomic
def subscription_pause(*, subscription: Subscription, actor) -> Subscription:
    subscription = _lock(subscription)
    _require_owner(subscription, actor)
    if subscription.status != SubscriptionStatus.ACTIVE:
        raise DomainError(
            codes.INVALID_STATUS,
            f"진행 중인 정기배송만 일시 중지할 수 있습니다 (현재: "
            f"{subscription.get_status_display()}).",
        )
    subscription.status = SubscriptionStatus.PAUSED
    subscription.save(update_fields=["status", "updated_at"])
    return subscription


@transaction.atomic
def subscription_resume(*, subscription: Subscription, actor, today: dt.date | None = None):
    """Resume a paused subscription; delivery dates missed meanwhile are not made up for
    (the next one is the first period date from today on)."""
    subscription = _lock(subscription)
    _require_owner(subscription, actor)
    if subscription.status != SubscriptionStatus.PAUSED:
        raise DomainError(
            codes.INVALID_STATUS,
            f"일시 중지된 정기배송만 다시 시작할 수 있습니다 (현재: "
            f"{subscription.get_status_display()}).",
        )
    today = today or timezone.localdate()
    date = subscription.next_delivery_on
    while date < today:
        date = next_period(date, subscription.frequency)
    subscription.next_delivery_on = date
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.save(update_fields=["status", "next_delivery_on", "updated_at"])
    return subscription


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, actor) -> Subscription:
    """Cancel for good (orders already placed stay; cancel them like any order)."""
    subscription = _lock(subscription)
    _require_owner(subscription, actor)
    if subscription.status == SubscriptionStatus.CANCELED:
        raise DomainError(codes.INVALID_STATUS, "이미 해지된 정기배송입니다.")
    subscription.status = SubscriptionStatus.CANCELED
    subscription.save(update_fields=["status", "updated_at"])
    return subscription


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------


def _place_order(subscription: Subscription):
    """The period's order through the real checkout services (raises their errors)."""
    from shop.payments import services as payments

    user = subscription.user
    checkout = checkout_services.checkout_create(user=user, email=subscription.email)
    checkout = checkout_services.checkout_shipping_address_update(
        checkout=checkout,
        recipient_name=subscription.recipient_name,
        phone=subscription.phone,
        postcode=subscription.postcode,
        road_address=subscription.road_address,
        detail_address=subscription.detail_address,
    )
    checkout = checkout_services.checkout_delivery_method_update(
        checkout=checkout, delivery_method_id=checkout_services.STANDARD_DELIVERY.id
    )
    checkout = bundle_add_to_checkout(
        checkout=checkout, bundle=subscription.bundle, quantity=subscription.quantity, actor=user
    )
    payments.transaction_initialize(
        checkout_or_order=checkout,
        gateway_id=subscription.gateway,
        actor=user,
        idempotency_key=None,
    )
    return checkout_services.checkout_complete(checkout=checkout, user=user)


def _shortage_message(subscription: Subscription, period: dt.date, errors) -> str:
    reasons = list(bundle_availability(subscription.bundle).reasons)
    if not reasons:
        reasons = [str(e.message) for e in errors]
    return f"{period:%Y-%m-%d} 배송분을 재고 부족으로 건너뛰었습니다: " + "; ".join(reasons) + "."


def _report(run: SubscriptionRun) -> None:
    """E-mail the subscriber why a period was not ordered (after the commit)."""
    subscription = run.subscription
    subject = f"[누리] 정기배송 {run.period_date:%Y-%m-%d} 배송분을 보내지 못했습니다"
    body = "\n".join(
        [
            f"{subscription.recipient_name} 님,",
            "",
            f"'{subscription.bundle.name}' 정기배송({subscription.get_frequency_display()}, "
            f"{subscription.quantity}개)의 {run.period_date:%Y-%m-%d} 배송분을 보내지 못했습니다.",
            "",
            f"사유: {run.message}",
            "",
            f"다음 배송 예정일: {subscription.next_delivery_on:%Y-%m-%d}",
            "이번 배송분은 청구되지 않습니다. 정기배송은 '내 정기배송' 화면에서 일시 중지하거나 "
            "해지할 수 있습니다.",
        ]
    )
    recipients = [subscription.email]

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # a mail outage must not undo the run
            logger.exception("subscription report e-mail failed (run %s)", run.pk)

    transaction.on_commit(send)


def subscription_run_period(
    subscription: Subscription, *, today: dt.date | None = None
) -> SubscriptionRun | None:
    """Run one subscription if it is due (see the module docstring); None when not due."""
    today = today or timezone.localdate()
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("bundle", "user")
            .filter(pk=subscription.pk)
            .first()
        )
        if (
            subscription is None
            or subscription.status != SubscriptionStatus.ACTIVE
            or subscription.next_delivery_on > today
        ):
            return None
        periods = [subscription.next_delivery_on]
        while (following := next_period(periods[-1], subscription.frequency)) <= today:
            periods.append(following)
        *missed, period = periods
        for date in missed:
            SubscriptionRun.objects.get_or_create(
                subscription=subscription,
                period_date=date,
                defaults={
                    "status": SubscriptionRunStatus.SKIPPED,
                    "message": f"{date:%Y-%m-%d} 배송분은 배송일이 지나 건너뛰었습니다.",
                },
            )
        subscription.next_delivery_on = next_period(period, subscription.frequency)
        subscription.save(update_fields=["next_delivery_on", "updated_at"])
        run = SubscriptionRun.objects.filter(subscription=subscription, period_date=period).first()
        if run is not None:  # already done (a replayed run after a crash): nothing more
            return run
        order, status, message = None, SubscriptionRunStatus.ORDERED, ""
        try:
            with transaction.atomic():
                order = _place_order(subscription)
            message = f"주문 {order.number} ({order.total:,}원, 계산서 후불)"
        except (DomainError, DomainErrors) as exc:
            errors = as_error_list(exc)
            if all(e.code in SHORTAGE_CODES for e in errors):
                status = SubscriptionRunStatus.SKIPPED
                message = _shortage_message(subscription, period, errors)
            else:
                status = SubscriptionRunStatus.FAILED
                message = f"{period:%Y-%m-%d} 배송분 주문을 만들지 못했습니다: " + "; ".join(
                    str(e.message) for e in errors
                )
        run = SubscriptionRun.objects.create(
            subscription=subscription,
            period_date=period,
            status=status,
            order=order,
            message=message,
        )
        if status != SubscriptionRunStatus.ORDERED:
            _report(run)
        return run


def subscription_run_due(today: dt.date | None = None) -> list[SubscriptionRun]:
    """Every active subscription due on or before ``today`` (Asia/Seoul): one run each.
    Each subscription is its own transaction, so one failure does not stop the others."""
    today = today or timezone.localdate()
    due = list(
        Subscription.objects.filter(
            status=SubscriptionStatus.ACTIVE, next_delivery_on__lte=today
        ).values_list("pk", flat=True)
    )
    runs = []
    for pk in due:
        run = subscription_run_period(Subscription(pk=pk), today=today)
        if run is not None:
            runs.append(run)
    return runs
