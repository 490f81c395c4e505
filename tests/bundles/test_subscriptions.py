"""Office subscriptions (정기배송): creating, pausing, cancelling, and the daily runs that
place each period's order through the real checkout (on invoice), skip it with a Korean
reason and an e-mail when stock is short, and never run a period twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from bundles import subscriptions as subs
from bundles.models import Subscription, SubscriptionRun
from bundles.tasks import bundles_run_subscriptions
from core.errors import DomainError, DomainErrors
from shop.catalog.models import Stock
from shop.orders.models import Order, OrderLine
from tests.factories import StaffFactory, UserFactory, VendorFactory
from tests.factories.bundles import SubscriptionFactory, make_bundle
from tests.factories.orders import SEOUL_ADDRESS, sellable

pytestmark = pytest.mark.django_db

D = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def snack():
    """An office snack bundle of two vendors: ₩60,000 − 5% = ₩57,000 a delivery."""
    a, b = VendorFactory(store_name="빵집"), VendorFactory(store_name="농장")
    cookie = sellable(price=15_000, stock=40, vendor=a, name="쿠키 상자")
    fruit = sellable(price=10_000, stock=12, vendor=b, name="제철 과일", tax_type="exempt")
    bundle = make_bundle(
        [(cookie, 2), (fruit, 3)],
        name="사무실 간식 꾸러미",
        occasion="office_snack",
        price_rule="sum_discount",
        discount_percent=5,
    )
    return {"bundle": bundle, "cookie": cookie, "fruit": fruit}


def _subscribe(bundle, **fields):
    fields.setdefault("next_delivery_on", D)
    return SubscriptionFactory(bundle=bundle, **fields)


# ---------------------------------------------------------------------------------------------
# Creating
# ---------------------------------------------------------------------------------------------


def test_create_a_monthly_subscription(snack, user):
    start = timezone.localdate() + dt.timedelta(days=3)
    if start.day > 28:
        start = start + dt.timedelta(days=5)
    sub = subs.subscription_create(
        user=user,
        bundle=snack["bundle"],
        frequency="monthly",
        start_on=start,
        quantity=2,
        **SEOUL_ADDRESS,
    )
    assert (sub.status, sub.gateway, sub.email, sub.next_delivery_on) == (
        "active",
        "invoice",
        user.email,
        start,
    )
    # Within the centre's ₩50,000–300,000 a month.
    assert subs.monthly_estimate(snack["bundle"], 2, "monthly") == 114_000
    assert subs.monthly_estimate(snack["bundle"], 1, "weekly") == 57_000 * 52 // 12


def test_create_checks_everything_at_once(snack, user):
    snack["bundle"].is_published = False
    snack["bundle"].save()
    with pytest.raises(DomainErrors) as exc:
        subs.subscription_create(
            user=user,
            bundle=snack["bundle"],
            frequency="yearly",
            start_on=timezone.localdate() - dt.timedelta(days=1),
            quantity=0,
            gateway="test",
            recipient_name="",
            phone="123",
            postcode="1",
            road_address="",
        )
    fields = {e.field for e in exc.value.errors}
    assert {"bundle", "frequency", "startOn", "quantity", "gateway", "phone"} <= fields
    assert {"recipientName", "postcode", "roadAddress"} <= fields


def test_monthly_deliveries_start_on_the_1st_to_the_28th(snack, user):
    today = timezone.localdate()
    start = dt.date(today.year + 1, 1, 29)
    with pytest.raises(DomainError) as exc:
        subs.subscription_create(
            user=user, bundle=snack["bundle"], frequency="monthly", start_on=start, **SEOUL_ADDRESS
        )
    assert exc.value.field == "startOn"
    weekly = subs.subscription_create(
        user=user, bundle=snack["bundle"], frequency="weekly", start_on=start, **SEOUL_ADDRESS
    )
    assert weekly.next_delivery_on == start


def test_signed_out_buyers_cannot_subscribe(snack):
    with pytest.raises(DomainError) as exc:
        subs.subscription_create(
            user=None,
            bundle=snack["bundle"],
            frequency="weekly",
            start_on=timezone.localdate(),
            **SEOUL_ADDRESS,
        )
    assert exc.value.code == "PERMISSION_DENIED"


def test_next_period():
    assert subs.next_period(D, "weekly") == dt.date(2026, 3, 9)
    assert subs.next_period(D, "monthly") == dt.date(2026, 4, 2)
    assert subs.next_period(dt.date(2026, 12, 15), "monthly") == dt.date(2027, 1, 15)
    assert subs.next_period(dt.date(2026, 1, 31), "monthly") == dt.date(2026, 2, 28)


# ---------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------


def test_a_weekly_run_places_an_invoice_order_and_moves_on(
    snack, django_capture_on_commit_callbacks
):
    sub = _subscribe(snack["bundle"], quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        runs = subs.subscription_run_due(D)
    assert len(runs) == 1
    run = runs[0]
    assert run.status == "ordered"
    order = run.order
    assert order.user == sub.user
    assert order.charge_status == "invoice"
    assert order.gateway == "invoice"
    assert order.vendor_orders.count() == 2
    assert order.discount_total == 2 * 3_000
    assert order.subtotal == 2 * 57_000
    assert (order.recipient_name, order.postcode) == (sub.recipient_name, sub.postcode)
    lines = OrderLine.objects.filter(vendor_order__order=order)
    assert {(x.product_name, x.quantity, x.bundle_name, x.bundle_quantity) for x in lines} == {
        ("쿠키 상자", 4, "사무실 간식 꾸러미", 2),
        ("제철 과일", 6, "사무실 간식 꾸러미", 2),
    }
    assert Stock.objects.get(variant=snack["cookie"]).allocated == 4
    assert Stock.objects.get(variant=snack["fruit"]).allocated == 6
    sub.refresh_from_db()
    assert sub.next_delivery_on == dt.date(2026, 3, 9)
    assert run.message.startswith(f"주문 {order.number}")
    # The buyer got the usual order e-mail (no skip report).
    assert any(sub.email in m.to and "주문이 접수" in m.subject for m in mail.outbox)


def test_a_monthly_run(snack):
    sub = _subscribe(snack["bundle"], frequency="monthly", next_delivery_on=dt.date(2026, 1, 28))
    (run,) = subs.subscription_run_due(dt.date(2026, 1, 28))
    assert run.status == "ordered"
    sub.refresh_from_db()
    assert sub.next_delivery_on == dt.date(2026, 2, 28)
    assert subs.subscription_run_due(dt.date(2026, 2, 27)) == []
    (run,) = subs.subscription_run_due(dt.date(2026, 2, 28))
    assert run.period_date == dt.date(2026, 2, 28)
    sub.refresh_from_db()
    assert sub.next_delivery_on == dt.date(2026, 3, 28)


def test_runs_are_idempotent(snack):
    sub = _subscribe(snack["bundle"])
    (first,) = subs.subscription_run_due(D)
    assert subs.subscription_run_due(D) == []
    # A worker that died after the run but before moving the date on: the period is not
    # ordered again.
    Subscription.objects.filter(pk=sub.pk).update(next_delivery_on=D)
    (again,) = subs.subscription_run_due(D)
    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert SubscriptionRun.objects.count() == 1
    sub.refresh_from_db()
    assert sub.next_delivery_on == dt.date(2026, 3, 9)


def test_short_stock_skips_the_period_and_reports_it(snack, django_capture_on_commit_callbacks):
    sub = _subscribe(snack["bundle"], quantity=5)  # needs 15 fruits, 12 in stock
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = subs.subscription_run_due(D)
    assert run.status == "skipped"
    assert run.order is None
    assert "재고 부족" in run.message
    assert "제철 과일" in run.message
    assert Order.objects.count() == 0
    assert Stock.objects.get(variant=snack["cookie"]).allocated == 0
    sub.refresh_from_db()
    assert sub.next_delivery_on == dt.date(2026, 3, 9)
    (report,) = mail.outbox
    assert report.to == [sub.email]
    assert "2026-03-02" in report.subject
    assert "제철 과일" in report.body
    assert "2026-03-09" in report.body


def test_an_unpublished_component_skips_with_its_reason(snack):
    snack["cookie"].product.is_published = False
    snack["cookie"].product.save()
    _subscribe(snack["bundle"])
    (run,) = subs.subscription_run_due(D)
    assert run.status == "skipped"
    assert "구성품 '쿠키 상자'이(가) 판매 중지되었습니다" in run.message


def test_a_refused_gateway_fails_the_run(snack, settings, django_capture_on_commit_callbacks):
    settings.PAYMENT_GATEWAYS = "test"
    sub = _subscribe(snack["bundle"])
    with django_capture_on_commit_callbacks(execute=True):
        (run,) = subs.subscription_run_due(D)
    assert run.status == "failed"
    assert "사용할 수 없는 결제 수단" in run.message
    assert Order.objects.count() == 0
    assert Stock.objects.get(variant=snack["cookie"]).allocated == 0
    assert [m.to for m in mail.outbox] == [[sub.email]]


def test_missed_periods_are_skipped_not_ordered_at_once(snack):
    sub = _subscribe(snack["bundle"], next_delivery_on=D - dt.timedelta(days=14))
    (run,) = subs.subscription_run_due(D)
    assert run.period_date == D
    assert run.status == "ordered"
    statuses = dict(SubscriptionRun.objects.values_list("period_date", "status"))
    assert statuses == {
        D - dt.timedelta(days=14): "skipped",
        D - dt.timedelta(days=7): "skipped",
        D: "ordered",
    }
    assert Order.objects.count() == 1
    sub.refresh_from_db()
    assert sub.next_delivery_on == D + dt.timedelta(days=7)


def test_pause_resume_and_cancel(snack):
    sub = _subscribe(snack["bundle"])
    owner = sub.user
    sub = subs.subscription_pause(subscription=sub, actor=owner)
    assert subs.subscription_run_due(D + dt.timedelta(days=21)) == []
    with pytest.raises(DomainError) as exc:
        subs.subscription_pause(subscription=sub, actor=owner)
    assert exc.value.code == "INVALID_STATUS"
    # Resumed three weeks later: the next delivery is the first period date from today on.
    sub = subs.subscription_resume(subscription=sub, actor=owner, today=D + dt.timedelta(days=17))
    assert (sub.status, sub.next_delivery_on) == ("active", D + dt.timedelta(days=21))
    sub = subs.subscription_cancel(subscription=sub, actor=owner)
    assert sub.status == "canceled"
    assert subs.subscription_run_due(D + dt.timedelta(days=60)) == []
    for action in (subs.subscription_resume, subs.subscription_cancel):
        with pytest.raises(DomainError) as exc:
            action(subscription=sub, actor=owner)
        assert exc.value.code == "INVALID_STATUS"
    assert Order.objects.count() == 0


def test_only_the_owner_or_staff_change_a_subscription(snack):
    sub = _subscribe(snack["bundle"])
    with pytest.raises(DomainError) as exc:
        subs.subscription_pause(subscription=sub, actor=UserFactory())
    assert exc.value.code == "PERMISSION_DENIED"
    assert subs.subscription_pause(subscription=sub, actor=StaffFactory()).status == "paused"


def test_the_beat_task(snack):
    _subscribe(snack["bundle"])
    _subscribe(snack["bundle"], quantity=10)  # stock short
    _subscribe(snack["bundle"], next_delivery_on=D + dt.timedelta(days=1))  # not due
    assert bundles_run_subscriptions(D.isoformat()) == {"ordered": 1, "skipped": 1, "failed": 0}
    assert bundles_run_subscriptions(D.isoformat()) == {"ordered": 0, "skipped": 0, "failed": 0}
