"""Quotes and orders as document data (견적서, 거래명세서, 세금계산서), the beat tasks, the
e-mails of each step, and racing acceptances."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from core.errors import DomainError
from purchasing import document_data, services, tasks
from purchasing.documents.data import DocumentKind
from purchasing.models import Delivery, PurchasingEvent, QuoteStatus
from tests.purchasing.factories import BuyerFactory, item, quote, rfq, supplier


@pytest.fixture
def buyer():
    return BuyerFactory(agency__name="서울특별시 중구청", agency__brn="2018300005")


@pytest.fixture
def se():
    return supplier(kind="social_enterprise", name="행복한베이커리")


def mixed_quote(buyer, se):
    request = rfq(buyer, [se], items=[item("수제 쿠키", 7), item("두부", 3), item("생수", 11)])
    return quote(request, se, [1_999, 3_333, 455], tax_types=["taxable", "exempt", "taxable"])


@pytest.mark.django_db
def test_mixed_quote_document_data_reconciles_with_the_quote(buyer, se):
    q = mixed_quote(buyer, se)
    data = document_data.quote_document_data(q.pk)
    assert data.kind == DocumentKind.QUOTE
    assert data.number == q.number
    assert data.supplier.name == se.organization.name
    assert data.recipient.agency == "서울특별시 중구청"
    for line, stored in zip(data.lines, q.lines.order_by("sort_order"), strict=True):
        assert (line.supply, line.tax, line.total) == (stored.supply, stored.tax, stored.total)
        assert line.supply + line.tax == line.total
    assert (data.supply_total, data.tax_total, data.total) == (
        q.supply_total,
        q.tax_total,
        q.total,
    )
    assert data.supply_total + data.tax_total == data.total
    assert data.tax_types == {"taxable", "exempt"}
    assert data.contract_route_note.startswith("1인 견적 수의계약")
    assert data.valid_until == q.valid_until


@pytest.mark.django_db
def test_statement_and_tax_invoice_data_of_an_order(buyer, se):
    q = mixed_quote(buyer, se)
    delivery = services.quote_accept(quote=q, actor=buyer.user)
    services.delivery_complete(delivery=delivery, actor=se.owner)
    services.delivery_inspect(delivery=delivery, actor=buyer.user, accepted=True)
    delivery.refresh_from_db()
    statement = document_data.delivery_statement_data(delivery.pk)
    assert statement.total == delivery.vendor_order.total == q.total
    invoice = document_data.delivery_tax_invoice_data(delivery.pk)
    assert invoice.kind == DocumentKind.TAX_INVOICE
    assert invoice.buyer.brn == "201-83-00005"
    assert invoice.issue_date == delivery.invoice_claimed_on
    assert invoice.tax_invoice_purpose == "청구"
    from purchasing.documents.tasks import document_csv, get_or_render

    csv_text = document_csv("delivery", delivery.pk)
    assert "201-83-00005" in csv_text
    stored = get_or_render("statement", "delivery", delivery.pk)
    assert stored.path.read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
def test_beat_tasks_are_idempotent(buyer, se, django_capture_on_commit_callbacks):
    request = rfq(buyer, [se])
    q = quote(request, se, [1000], valid_days=0)
    q.valid_until = timezone.localdate() - dt.timedelta(days=1)
    q.save(update_fields=["valid_until"])
    assert tasks.purchasing_expire_quotes.delay().get() == 1
    assert tasks.purchasing_expire_quotes.delay().get() == 0
    q.refresh_from_db()
    assert q.status == QuoteStatus.EXPIRED
    assert tasks.purchasing_reminders.delay().get() == 0


@pytest.mark.django_db
def test_each_step_tells_the_other_side(buyer, se, django_capture_on_commit_callbacks):
    def mails_after(action):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result, [(m.subject, tuple(m.to)) for m in mail.outbox]

    vendor_mail = se.owner.email
    buyer_mail = buyer.user.email
    request, sent = mails_after(lambda: rfq(buyer, [se]))
    assert any("견적 요청" in s and vendor_mail in to for s, to in sent)
    q, sent = mails_after(lambda: quote(request, se, [1000]))
    assert any("견적이 도착했습니다" in s and buyer_mail in to for s, to in sent)
    delivery, sent = mails_after(lambda: services.quote_accept(quote=q, actor=buyer.user))
    assert any("새 주문" in s and vendor_mail in to for s, to in sent)  # the shop's order mail
    _, sent = mails_after(lambda: services.delivery_complete(delivery=delivery, actor=se.owner))
    assert any("검수해 주세요" in s and buyer_mail in to for s, to in sent)
    _, sent = mails_after(
        lambda: services.delivery_inspect(delivery=delivery, actor=buyer.user, accepted=True)
    )
    assert any("검수에 합격" in s and vendor_mail in to for s, to in sent)
    _, sent = mails_after(
        lambda: services.delivery_payment_record(delivery=delivery, actor=se.owner)
    )
    assert any("대금 지급이 완료" in s and vendor_mail in to for s, to in sent)
    # every e-mail was recorded once; re-running an event's task sends nothing again
    event = PurchasingEvent.objects.filter(type="delivered").get()
    assert tasks.purchasing_event_emails.delay(event.pk).get() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_acceptances_place_one_order():
    """Two buyers of the agency accept two quotes of the same request at once: the request row
    lock lets one through; the other gets REQUEST_CLOSED (or sees the quote declined)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    first = BuyerFactory()
    second = BuyerFactory(agency=first.agency)
    a = supplier(kind="social_enterprise")
    b = supplier(kind="social_coop")
    request = rfq(first, [a, b])
    qa, qb = quote(request, a, [1000]), quote(request, b, [1100])
    barrier = threading.Barrier(2)
    results: list[str] = []
    lock = threading.Lock()

    def accept(q, user):
        try:
            barrier.wait(timeout=30)
            services.quote_accept(quote=q, actor=user)
            outcome = "ok"
        except DomainError as exc:
            outcome = exc.code
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [
        threading.Thread(target=accept, args=(qa, first.user)),
        threading.Thread(target=accept, args=(qb, second.user)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results)[-1] == "ok"
    assert results.count("ok") == 1
    assert set(results) - {"ok"} <= {"REQUEST_CLOSED", "QUOTE_NOT_SUBMITTED"}
    assert Delivery.objects.count() == 1
