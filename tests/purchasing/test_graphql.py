"""Purchasing over GraphQL: the RFQ → quotes → acceptance → inspection flow, the contract
route, the report, agency isolation, error codes and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from purchasing import services
from purchasing.models import QuoteStatus
from tests.factories import StaffFactory
from tests.purchasing.factories import BuyerFactory, item, quote, rfq, supplier

pytestmark = pytest.mark.django_db


def gid(type_name: str, obj) -> str:
    return to_global_id(type_name, obj.pk)


REQUEST_CREATE = """
mutation($input: QuoteRequestCreateInput!) {
  quoteRequestCreate(input: $input) {
    quoteRequest { id number title status items { id name quantity } invitedVendors { storeName } }
    errors { field code message }
  }
}"""

QUOTE_SUBMIT = """
mutation($input: QuoteSubmitInput!) {
  quoteSubmit(input: $input) {
    quote { id number status total { net { amount } tax { amount } gross { amount } }
            lines { name quantity unitPrice { amount } taxType
                    total { net { amount } tax { amount } gross { amount } } } }
    errors { field code message }
  }
}"""

QUOTE_ACCEPT = """
mutation($id: ID!) {
  quoteAccept(id: $id) {
    quote { status orderNumber }
    delivery { id status orderNumber amount { amount } }
    errors { field code message }
  }
}"""

INSPECT = """
mutation($id: ID!, $result: InspectionResult!, $reason: String) {
  deliveryInspect(id: $id, result: $result, reason: $reason) {
    delivery { status paymentDue inspections { result reason } }
    errors { field code message }
  }
}"""

REQUESTS = """
query { quoteRequests(first: 20) { totalCount edges { node {
  number agency { name } items { name } invitedVendors { storeName }
  quotes { number vendor { storeName } total { gross { amount } }
           contractRoute { route label needs } }
} } } }"""


@pytest.fixture
def world():
    buyer = BuyerFactory()
    se = supplier(kind="social_enterprise", name="행복한베이커리")
    coop = supplier(kind="social_coop", name="우리밀협동조합")
    return buyer, se, coop


def test_flow_over_graphql(pgql, world):
    buyer, se, coop = world
    pgql.login(buyer.user)
    deadline = (timezone.now() + dt.timedelta(days=5)).isoformat()
    body = pgql(
        REQUEST_CREATE,
        {
            "input": {
                "title": "워크숍 다과",
                "deliveryDate": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
                "deliveryPlace": "서울특별시 중구 세종대로 110",
                "deadline": deadline,
                "vendorIds": [gid("Vendor", se), gid("Vendor", coop)],
                "items": [
                    {"name": "수제 쿠키", "spec": "개별 포장", "unit": "개", "quantity": 100},
                    {"name": "두부 과자", "quantity": 50},
                ],
            }
        },
    )
    payload = body["data"]["quoteRequestCreate"]
    assert payload["errors"] == []
    request = payload["quoteRequest"]
    assert request["status"] == "OPEN"
    assert {v["storeName"] for v in request["invitedVendors"]} == {
        "행복한베이커리",
        "우리밀협동조합",
    }
    item_ids = [i["id"] for i in request["items"]]

    pgql.logout().login(se.owner)
    valid = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    body = pgql(
        QUOTE_SUBMIT,
        {
            "input": {
                "requestId": request["id"],
                "vendorId": gid("Vendor", se),
                "validUntil": valid,
                "lines": [
                    {"itemId": item_ids[0], "unitPrice": 1_234, "taxType": "TAXABLE"},
                    {"itemId": item_ids[1], "unitPrice": 2_001, "taxType": "EXEMPT"},
                ],
            }
        },
    )
    q = body["data"]["quoteSubmit"]
    assert q["errors"] == []
    total = q["quote"]["total"]
    assert (total["net"]["amount"], total["tax"]["amount"], total["gross"]["amount"]) == (
        223_450,
        12_340,
        235_790,
    )
    for line in q["quote"]["lines"]:
        t = line["total"]
        assert t["net"]["amount"] + t["tax"]["amount"] == t["gross"]["amount"]

    # the vendor does not see the agency's contract decision
    body = pgql(
        "query($id: ID!) { contractRoute(quoteId: $id) { route } }",
        {"id": q["quote"]["id"]},
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"

    pgql.logout().login(buyer.user)
    body = pgql(
        "query($id: ID!) { contractRoute(quoteId: $id) { route label privileged quotesReceived } }",
        {"id": q["quote"]["id"]},
    )
    assert body["data"]["contractRoute"] == {
        "route": "SINGLE_QUOTE",
        "label": "1인 견적 수의계약",
        "privileged": True,
        "quotesReceived": 1,
    }
    body = pgql(QUOTE_ACCEPT, {"id": q["quote"]["id"]})
    accepted = body["data"]["quoteAccept"]
    assert accepted["errors"] == []
    assert accepted["quote"]["status"] == "ACCEPTED"
    assert accepted["delivery"]["status"] == "ORDERED"
    assert accepted["delivery"]["amount"]["amount"] == 235_790
    assert accepted["quote"]["orderNumber"] == accepted["delivery"]["orderNumber"]
    delivery_id = accepted["delivery"]["id"]

    pgql.logout().login(se.owner)
    body = pgql(
        "mutation($id: ID!) { deliveryComplete(id: $id) { delivery { status inspectionDue } "
        "errors { code } } }",
        {"id": delivery_id},
    )
    assert body["data"]["deliveryComplete"]["delivery"]["status"] == "DELIVERED"

    pgql.logout().login(buyer.user)
    body = pgql(INSPECT, {"id": delivery_id, "result": "REJECTED", "reason": ""})
    assert body["data"]["deliveryInspect"]["errors"][0]["code"] == "REASON_REQUIRED"
    body = pgql(INSPECT, {"id": delivery_id, "result": "ACCEPTED"})
    inspected = body["data"]["deliveryInspect"]
    assert inspected["errors"] == []
    assert inspected["delivery"]["status"] == "ACCEPTED"
    assert (
        inspected["delivery"]["paymentDue"]
        == (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    )

    year = timezone.localdate().year
    body = pgql(
        "query($a: ID!, $y: Int!) { priorityPurchaseReport(agencyId: $a, year: $y) { "
        "eligibleAmount { amount } byCategory { key amount { amount } } } }",
        {"a": gid("Agency", buyer.agency), "y": year},
    )
    report = body["data"]["priorityPurchaseReport"]
    assert report["eligibleAmount"]["amount"] == 235_790
    rows = {r["key"]: r["amount"]["amount"] for r in report["byCategory"]}
    assert rows["social_enterprise"] == 235_790


def test_expired_quote_is_refused_with_quote_expired(pgql, world):
    buyer, se, _ = world
    request = rfq(buyer, [se])
    q = quote(request, se, [1000], valid_days=0)
    q.valid_until = timezone.localdate() - dt.timedelta(days=1)
    q.save(update_fields=["valid_until"])
    pgql.login(buyer.user)
    body = pgql(QUOTE_ACCEPT, {"id": gid("Quote", q)})
    errors = body["data"]["quoteAccept"]["errors"]
    assert [e["code"] for e in errors] == ["QUOTE_EXPIRED"]
    q.refresh_from_db()
    assert q.status == QuoteStatus.SUBMITTED


def test_contract_route_amounts(pgql, world):
    buyer, se, coop = world
    prelim = supplier(kind="prelim_regional", name="예비기업")
    request = rfq(buyer, [se, coop, prelim], items=[item("도시락", 1000)])
    q45 = quote(request, se, [45_000])  # ₩45,000,000 excl. VAT
    q30 = quote(request, prelim, [30_000])
    pgql.login(buyer.user)
    query = (
        "query($id: ID!) { contractRoute(quoteId: $id) { route needs estimatedPrice { amount } } }"
    )
    r45 = pgql(query, {"id": gid("Quote", q45)})["data"]["contractRoute"]
    assert r45["route"] == "SINGLE_QUOTE"
    assert r45["estimatedPrice"]["amount"] == 45_000_000
    r30 = pgql(query, {"id": gid("Quote", q30)})["data"]["contractRoute"]
    assert r30["route"] == "TWO_QUOTES"
    q60 = quote(request, coop, [60_000])
    r60 = pgql(query, {"id": gid("Quote", q60)})["data"]["contractRoute"]
    assert r60["route"] == "TWO_QUOTES"
    assert r60["needs"] == []  # three valid quotes were received


def test_agency_isolation(pgql, world):
    buyer, se, _ = world
    request = rfq(buyer, [se])
    q = quote(request, se, [1000])
    delivery = services.quote_accept(quote=q, actor=buyer.user)
    services.delivery_complete(delivery=delivery, actor=se.owner)
    services.delivery_inspect(delivery=delivery, actor=buyer.user, accepted=True)

    other = BuyerFactory()
    pgql.login(other.user)
    body = pgql(REQUESTS)
    assert body["data"]["quoteRequests"]["totalCount"] == 0
    body = pgql(
        "query($id: ID!) { quoteRequest(id: $id) { number } }", {"id": gid("QuoteRequest", request)}
    )
    assert body["data"]["quoteRequest"] is None
    body = pgql("query { quotes(first: 10) { totalCount } }")
    assert body["data"]["quotes"]["totalCount"] == 0
    body = pgql("query { purchaseDeliveries(first: 10) { totalCount } }")
    assert body["data"]["purchaseDeliveries"]["totalCount"] == 0
    body = pgql("query($id: ID!) { node(id: $id) { id } }", {"id": gid("Quote", q)})
    assert body["data"]["node"] is None
    body = pgql(
        "query($id: ID!) { contractRoute(quoteId: $id) { route } }",
        {"id": gid("Quote", q)},
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = pgql(
        "query($a: ID!) { priorityPurchaseReport(agencyId: $a, year: 2026) { year } }",
        {"a": gid("Agency", buyer.agency)},
        expect_errors=True,
    )
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    # the other agency's own report (no agencyId) has nothing of agency A
    year = timezone.localdate().year
    body = pgql(
        "query($y: Int!) { priorityPurchaseReport(year: $y) { total { count } agency { name } } }",
        {"y": year},
    )
    assert body["data"]["priorityPurchaseReport"]["total"]["count"] == 0
    assert body["data"]["priorityPurchaseReport"]["agency"]["name"] == other.agency.name
    for mutation, variables in [
        (QUOTE_ACCEPT, {"id": gid("Quote", q)}),
        (INSPECT, {"id": gid("PurchaseDelivery", delivery), "result": "ACCEPTED"}),
    ]:
        body = pgql(mutation, variables)
        errors = next(iter(body["data"].values()))["errors"]
        assert errors[0]["code"] == "NOT_FOUND"
    body = pgql("query { agencies(first: 10) { edges { node { name } } } }")
    assert [e["node"]["name"] for e in body["data"]["agencies"]["edges"]] == [other.agency.name]


def test_vendor_sees_only_its_own_quotes(pgql, world):
    buyer, se, coop = world
    request = rfq(buyer, [se, coop])
    quote(request, se, [1000])
    quote(request, coop, [900])
    pgql.login(coop.owner)
    body = pgql(REQUESTS)
    node = body["data"]["quoteRequests"]["edges"][0]["node"]
    assert [q["vendor"]["storeName"] for q in node["quotes"]] == ["우리밀협동조합"]
    assert [v["storeName"] for v in node["invitedVendors"]] == ["우리밀협동조합"]
    assert node["quotes"][0]["contractRoute"] is None
    outsider = supplier()
    pgql.logout().login(outsider.owner)
    assert pgql(REQUESTS)["data"]["quoteRequests"]["totalCount"] == 0


def test_staff_see_all_agencies_in_the_report(pgql, world):
    _buyer, _se, _ = world
    pgql.login(StaffFactory())
    body = pgql(
        "query { agencies(first: 10) { totalCount } "
        "priorityPurchaseReport(year: 2026) { agency { name } byAgency { count } } }"
    )
    assert body["data"]["agencies"]["totalCount"] >= 1
    assert body["data"]["priorityPurchaseReport"]["agency"] is None


def test_quote_requests_list_is_n_plus_one_free(pgql, world, count_queries):
    buyer, se, coop = world
    pgql.login(buyer.user)

    def make(n):
        for _ in range(n):
            request = rfq(buyer, [se, coop], items=[item("쿠키", 10), item("음료", 5)])
            quote(request, se, [1000, 2000])
            quote(request, coop, [900, 2100])

    make(1)
    with count_queries() as one:
        pgql(REQUESTS)
    make(4)
    with count_queries() as five:
        body = pgql(REQUESTS)
    assert body["data"]["quoteRequests"]["totalCount"] == 5
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]


def test_quotes_list_is_n_plus_one_free(pgql, world, count_queries):
    buyer, se, coop = world
    pgql.login(buyer.user)
    query = """query { quotes(first: 50) { edges { node {
        number vendor { storeName organization { name } } lines { name total { gross { amount } } }
        contractRoute { route } request { number } } } } }"""
    request = rfq(buyer, [se, coop])
    quote(request, se, [1000])
    with count_queries() as one:
        pgql(query)
    for _ in range(3):
        r = rfq(buyer, [se, coop])
        quote(r, se, [1000])
        quote(r, coop, [1100])
    with count_queries() as many:
        body = pgql(query)
    assert len(body["data"]["quotes"]["edges"]) == 7
    assert len(many) == len(one)


def test_agencies_and_deliveries_lists_are_n_plus_one_free(pgql, world, count_queries):
    _buyer, se, _coop = world
    staff = StaffFactory()
    pgql.login(staff)
    agencies = "query { agencies(first: 50) { edges { node { name kind departments { name } } } } }"
    deliveries = """query { purchaseDeliveries(first: 50) { edges { node {
        status orderNumber quoteNumber requestNumber vendor { storeName } agency { name }
        inspections { result } isInspectionOverdue amount { amount } } } } }"""

    def add(n):
        for _ in range(n):
            b = BuyerFactory()
            d = services.quote_accept(quote=quote(rfq(b, [se]), se, [1000]), actor=b.user)
            services.delivery_complete(delivery=d, actor=se.owner)
            services.delivery_inspect(delivery=d, actor=b.user, accepted=True)

    add(1)
    with count_queries() as a1:
        pgql(agencies)
    with count_queries() as d1:
        pgql(deliveries)
    add(3)
    with count_queries() as a4:
        body = pgql(agencies)
    assert len(body["data"]["agencies"]["edges"]) == 5
    with count_queries() as d4:
        body = pgql(deliveries)
    assert len(body["data"]["purchaseDeliveries"]["edges"]) == 4
    assert len(a4) == len(a1)
    assert len(d4) == len(d1)
    body = pgql("query { purchaseDeliveries(first: 5, overdue: true) { totalCount } }")
    assert body["data"]["purchaseDeliveries"]["totalCount"] == 0
