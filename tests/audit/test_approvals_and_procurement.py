"""Audit events of vendor application reviews (admin and GraphQL) and of public procurement
(quote request → quote → acceptance → delivery → inspection → payment) over GraphQL, and of
the nightly quote expiry run as a Celery task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from graphql_relay import to_global_id

from purchasing.models import Delivery, Quote, QuoteRequest
from purchasing.tasks import purchasing_expire_quotes
from shop.orders.models import Order
from tests.audit.helpers import about
from tests.factories import StaffFactory
from tests.factories.onboarding import VendorApplicationFactory
from tests.purchasing.factories import BuyerFactory, quote, rfq, supplier
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def gid(obj) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


# --- vendor applications ---------------------------------------------------------------------


def test_approving_an_application_in_the_admin_is_recorded(client, audit_log):
    staff = StaffFactory()
    app = VendorApplicationFactory(store_name="함께 빵집")
    client.force_login(staff)
    url = reverse("admin:vendors_vendorapplication_review", args=[app.pk, "approve"])
    resp = client.post(
        url,
        {"commission_rate": "0.07", "shipping_base_fee": "3000", "note": "환영합니다"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert resp.status_code == 302
    vendor = Vendor.objects.get()
    event = audit_log.one("application.approved")
    assert about(event, app)
    assert (event.actor, event.actor_label, event.actor_kind) == (staff, staff.email, "staff")
    assert event.changes == {
        "status": ["submitted", "approved"],
        "vendor": [None, vendor.pk],
        "store_name": "함께 빵집",
        "commission_rate": "0.0700",
        "verified_certifications": [app.certification_id],
    }
    assert event.reason == "환영합니다"
    assert event.ip == "10.1.2.3"
    assert audit_log.actions() == ["application.approved"]


REJECT = """
mutation($id: ID!, $reason: String!) {
  vendorApplicationReject(id: $id, reason: $reason) {
    vendorApplication { status } errors { code }
  }
}"""
REQUEST_CHANGES = """
mutation($id: ID!, $note: String!) {
  vendorApplicationRequestChanges(id: $id, note: $note) {
    vendorApplication { status } errors { code }
  }
}"""
APPROVE = """
mutation($id: ID!) {
  vendorApplicationApprove(id: $id) { vendorApplication { status } errors { code } }
}"""


def test_asking_for_changes_then_rejecting_over_graphql_is_recorded(gql, audit_log):
    staff = StaffFactory()
    app = VendorApplicationFactory()
    gql.login(staff)
    body = gql(REQUEST_CHANGES, {"id": gid(app), "note": "인증서 사본이 흐립니다."})
    assert body["data"]["vendorApplicationRequestChanges"]["errors"] == []
    body = gql(REJECT, {"id": gid(app), "reason": "서류 미제출"})
    assert body["data"]["vendorApplicationReject"]["errors"] == []
    assert audit_log.actions() == ["application.changes_requested", "application.rejected"]
    asked, rejected = audit_log.new()
    assert asked.changes == {"status": ["submitted", "changes_requested"]}
    assert asked.reason == "인증서 사본이 흐립니다."
    assert rejected.changes == {"status": ["changes_requested", "rejected"]}
    assert rejected.reason == "서류 미제출"
    assert all(about(e, app) and e.actor == staff for e in (asked, rejected))


def test_a_refused_approval_writes_no_audit_row(gql, audit_log):
    app = VendorApplicationFactory(
        certification__valid_from=dt.date(2020, 1, 1),
        certification__valid_until=dt.date(2022, 12, 31),
    )
    gql.login(StaffFactory())
    body = gql(APPROVE, {"id": gid(app)})
    assert body["data"]["vendorApplicationApprove"]["errors"][0]["code"] == "NOT_ELIGIBLE"
    assert audit_log.actions() == []


# --- procurement -----------------------------------------------------------------------------

REQUEST_CREATE = """
mutation($input: QuoteRequestCreateInput!) {
  quoteRequestCreate(input: $input) {
    quoteRequest { id number items { id } } errors { field code message }
  }
}"""
QUOTE_SUBMIT = """
mutation($input: QuoteSubmitInput!) {
  quoteSubmit(input: $input) { quote { id number } errors { field code message } }
}"""
QUOTE_ACCEPT = """
mutation($id: ID!) {
  quoteAccept(id: $id) {
    quote { status } delivery { id status } errors { field code message }
  }
}"""
COMPLETE = """
mutation($id: ID!) { deliveryComplete(id: $id, note: "본관 3층 납품") {
  delivery { status } errors { code } } }"""
INSPECT = """
mutation($id: ID!, $result: InspectionResult!, $reason: String) {
  deliveryInspect(id: $id, result: $result, reason: $reason) {
    delivery { status } errors { code }
  }
}"""
PAYMENT = """
mutation($id: ID!, $reference: String) {
  deliveryPaymentRecord(id: $id, reference: $reference) {
    delivery { status } errors { code }
  }
}"""


def test_quote_request_submit_accept_deliver_inspect_and_pay_are_recorded(gql, audit_log):
    buyer = BuyerFactory()
    se = supplier(kind="social_enterprise", name="행복한베이커리")
    gql.login(buyer.user)
    body = gql(
        REQUEST_CREATE,
        {
            "input": {
                "title": "워크숍 다과",
                "deliveryDate": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
                "deliveryPlace": "서울특별시 중구 세종대로 110",
                "deadline": (timezone.now() + dt.timedelta(days=5)).isoformat(),
                "vendorIds": [gid(se)],
                "items": [{"name": "수제 쿠키", "quantity": 100}],
            }
        },
    )["data"]["quoteRequestCreate"]
    assert body["errors"] == []
    request = QuoteRequest.objects.get(number=body["quoteRequest"]["number"])
    created = audit_log.one("quote_request.created")
    assert about(created, request)
    assert (created.actor, created.actor_kind) == (buyer.user, "user")
    assert created.changes["vendors"] == [se.pk]

    # An invalid quote (a negative price) is refused and writes nothing.
    gql.logout().login(se.owner)
    item_id = body["quoteRequest"]["items"][0]["id"]
    audit_log.mark()
    bad = gql(
        QUOTE_SUBMIT,
        {
            "input": {
                "requestId": body["quoteRequest"]["id"],
                "vendorId": gid(se),
                "validUntil": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
                "lines": [{"itemId": item_id, "unitPrice": -1, "taxType": "TAXABLE"}],
            }
        },
    )["data"]["quoteSubmit"]
    assert bad["errors"][0]["field"] == "lines"
    assert bad["quote"] is None
    assert audit_log.actions() == []

    good = gql(
        QUOTE_SUBMIT,
        {
            "input": {
                "requestId": body["quoteRequest"]["id"],
                "vendorId": gid(se),
                "validUntil": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
                "lines": [{"itemId": item_id, "unitPrice": 1_000, "taxType": "TAXABLE"}],
            }
        },
    )["data"]["quoteSubmit"]
    assert good["errors"] == []
    q = Quote.objects.get(number=good["quote"]["number"])
    submitted = audit_log.one("quote.submitted")
    assert about(submitted, q)
    assert (submitted.actor, submitted.actor_kind) == (se.owner, "user")
    assert (submitted.changes["supply"], submitted.changes["tax"], submitted.changes["total"]) == (
        100_000,
        10_000,
        110_000,
    )

    gql.logout().login(buyer.user)
    audit_log.mark()
    accepted = gql(QUOTE_ACCEPT, {"id": gid(q)})["data"]["quoteAccept"]
    assert accepted["errors"] == []
    order = Order.objects.get()
    assert audit_log.actions() == ["payment.invoiced", "order.created", "quote.accepted"]
    event = audit_log.one("quote.accepted")
    assert about(event, q)
    assert event.actor == buyer.user
    assert event.changes == {
        "status": ["submitted", "accepted"],
        "order": order.number,
        "total": 110_000,
        "route": "single_quote",
    }
    assert about(audit_log.one("order.created"), order)
    assert audit_log.one("order.created").changes["quote"] == q.number

    delivery = Delivery.objects.get()
    delivery_id = accepted["delivery"]["id"]
    gql.logout().login(se.owner)
    audit_log.mark()
    assert gql(COMPLETE, {"id": delivery_id})["data"]["deliveryComplete"]["errors"] == []
    assert audit_log.actions() == [
        "vendor_order.shipped",
        "vendor_order.delivered",
        "delivery.completed",
    ]
    completed = audit_log.one("delivery.completed")
    assert about(completed, delivery)
    assert completed.changes["status"] == ["ordered", "delivered"]
    assert completed.reason == "본관 3층 납품"

    gql.logout().login(buyer.user)
    audit_log.mark()
    body = gql(INSPECT, {"id": delivery_id, "result": "ACCEPTED"})["data"]["deliveryInspect"]
    assert body["errors"] == []
    passed = audit_log.one("inspection.passed")
    assert about(passed, delivery)
    assert (passed.actor, passed.actor_kind) == (buyer.user, "user")
    assert passed.changes == {
        "status": ["delivered", "accepted"],
        "payment_due": [None, (timezone.localdate() + dt.timedelta(days=5)).isoformat()],
    }
    assert audit_log.actions() == ["inspection.passed"]

    staff = StaffFactory()
    gql.logout().login(staff)
    audit_log.mark()
    body = gql(PAYMENT, {"id": delivery_id, "reference": "국고 이체 0001"})
    assert body["data"]["deliveryPaymentRecord"]["errors"] == []
    assert audit_log.actions() == ["payment.transfer_recorded", "delivery.paid"]
    transfer = audit_log.one("payment.transfer_recorded")
    assert transfer.changes == {
        "status": ["invoiced", "charged"],
        "charged": [0, 110_000],
        "amount": 110_000,
        "reference": "국고 이체 0001",
    }
    paid = audit_log.one("delivery.paid")
    assert (paid.actor, paid.actor_kind) == (staff, "staff")
    assert paid.changes["status"] == ["accepted", "paid"]


def test_a_rejected_inspection_is_recorded_with_its_reason(gql, audit_log):
    buyer = BuyerFactory()
    se = supplier()
    q = quote(rfq(buyer, [se]), se, [1_000])
    gql.login(buyer.user)
    delivery_id = gql(QUOTE_ACCEPT, {"id": gid(q)})["data"]["quoteAccept"]["delivery"]["id"]
    gql.logout().login(se.owner)
    gql(COMPLETE, {"id": delivery_id})
    gql.logout().login(buyer.user)
    audit_log.mark()
    body = gql(INSPECT, {"id": delivery_id, "result": "REJECTED", "reason": "수량 부족"})
    assert body["data"]["deliveryInspect"]["errors"] == []
    failed = audit_log.one("inspection.failed")
    assert failed.changes["status"] == ["delivered", "rejected"]
    assert failed.reason == "수량 부족"


def test_the_nightly_expiry_task_records_each_quote_as_the_system(audit_log):
    buyer = BuyerFactory()
    se, coop = supplier(), supplier(kind="social_coop")
    request = rfq(buyer, [se, coop])
    stale = quote(request, se, [1_000])
    fresh = quote(request, coop, [1_100])
    Quote.objects.filter(pk=stale.pk).update(valid_until=timezone.localdate() - dt.timedelta(1))
    audit_log.mark()
    assert purchasing_expire_quotes.delay().get() == 1
    event = audit_log.one("quote.expired")
    assert about(event, stale)
    assert (event.actor, event.actor_label, event.actor_kind) == (None, "", "system")
    assert event.changes == {"status": ["submitted", "expired"]}
    assert audit_log.actions() == ["quote.expired"]
    fresh.refresh_from_db()
    assert fresh.status == "submitted"
