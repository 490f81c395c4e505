"""The bundle API through the real ``/graphql/`` endpoint: ``bundles``/``bundle`` (with
components, pricing, vendor shares and availability, N+1-free), ``bundleCreate``/
``bundleUpdate``, bundles in ``checkoutCreate``/``checkoutLinesAdd``/``checkoutLinesUpdate``,
and ``subscriptionCreate``/``Pause``/``Resume``/``Cancel`` with ``mySubscriptions``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from bundles.models import Bundle, Subscription
from shop.catalog.models import Stock
from shop.checkout import services as checkout_services
from shop.checkout.selectors import checkout_get
from shop.orders.models import OrderLine
from tests.factories import StaffFactory, VendorFactory, VendorStaffFactory
from tests.factories.bundles import SubscriptionFactory, make_bundle
from tests.factories.orders import CheckoutFactory, pay, sellable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bundle_api")]

BUNDLE_FIELDS = """
  id name slug description occasion serves imageUrl isPublished priceRule
  components { quantity variant { id sku name } product { name } vendor { storeName }
               unitPrice { gross { amount } } }
  pricing { undiscounted { gross { amount } }
            price { gross { amount } net { amount } tax { amount } }
            discount { amount } }
  vendorShares { vendor { storeName } amount { amount } }
  availability { available count reasons }
"""
BUNDLES = f"""
query Bundles($first: Int, $after: String, $filter: BundleFilterInput) {{
  bundles(first: $first, after: $after, filter: $filter) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ {BUNDLE_FIELDS} }} }}
  }}
}}"""
BUNDLE = f"query Bundle($slug: String) {{ bundle(slug: $slug) {{ {BUNDLE_FIELDS} }} }}"
ERRORS = "errors { field code message }"
CREATE = f"""
mutation Create($input: BundleCreateInput!) {{
  bundleCreate(input: $input) {{ bundle {{ {BUNDLE_FIELDS} }} {ERRORS} }}
}}"""
UPDATE = f"""
mutation Update($id: ID!, $input: BundleInput!) {{
  bundleUpdate(id: $id, input: $input) {{ bundle {{ {BUNDLE_FIELDS} }} {ERRORS} }}
}}"""
CHECKOUT_FIELDS = """
  id discount { amount }
  totalPrice { gross { amount } net { amount } tax { amount } }
  subtotalPrice { gross { amount } }
  lines { id quantity bundleQuantity bundle { name slug }
          variant { sku } totalPrice { gross { amount } net { amount } tax { amount } }
          undiscountedTotalPrice { amount } }
  vendorGroups { vendor { storeName } lines { id } }
"""
CHECKOUT_ERRORS = "errors { field code message variants }"
LINES_ADD = f"""
mutation Add($id: ID!, $lines: [CheckoutLineInput!], $bundles: [CheckoutBundleInput!]) {{
  checkoutLinesAdd(id: $id, lines: $lines, bundles: $bundles) {{
    checkout {{ {CHECKOUT_FIELDS} }} {CHECKOUT_ERRORS}
  }}
}}"""
LINES_UPDATE = f"""
mutation Update($id: ID!, $lines: [CheckoutLineUpdateInput!], $bundles: [CheckoutBundleInput!]) {{
  checkoutLinesUpdate(id: $id, lines: $lines, bundles: $bundles) {{
    checkout {{ {CHECKOUT_FIELDS} }} {CHECKOUT_ERRORS}
  }}
}}"""
CHECKOUT_CREATE = f"""
mutation Create($input: CheckoutCreateInput!) {{
  checkoutCreate(input: $input) {{ checkout {{ {CHECKOUT_FIELDS} }} {CHECKOUT_ERRORS} }}
}}"""
SUBSCRIPTION_FIELDS = """
  id status frequency quantity nextDeliveryOn gateway recipientName
  bundle { slug } monthlyEstimate { amount }
  runs { periodDate status orderNumber message }
"""
SUBSCRIBE = f"""
mutation Subscribe($input: SubscriptionCreateInput!) {{
  subscriptionCreate(input: $input) {{ subscription {{ {SUBSCRIPTION_FIELDS} }} {ERRORS} }}
}}"""
MY_SUBSCRIPTIONS = f"""
query {{ mySubscriptions(first: 10) {{ edges {{ node {{ {SUBSCRIPTION_FIELDS} }} }} }} }}"""


def amount(money) -> int:
    return int(money["amount"])


def gid(kind, obj) -> str:
    return to_global_id(kind, obj.pk)


@pytest.fixture
def two_vendor_bundle():
    a, b = VendorFactory(store_name="빵집"), VendorFactory(store_name="두부공방")
    bread = sellable(price=11_000, stock=10, vendor=a, name="통밀빵")
    tofu = sellable(price=4_500, stock=6, vendor=b, name="손두부", tax_type="exempt")
    bundle = make_bundle(
        [(bread, 1), (tofu, 2)],
        name="아침 회의 꾸러미",
        slug="morning",
        price_rule="sum_discount",
        discount_amount=1_000,
    )
    return {"bundle": bundle, "bread": bread, "tofu": tofu, "vendors": (a, b)}


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


def test_bundle_by_slug(gql, two_vendor_bundle):
    data = gql(BUNDLE, {"slug": "morning"})["data"]["bundle"]
    assert data["name"] == "아침 회의 꾸러미"
    assert data["occasion"] == "MEETING"
    assert [(c["product"]["name"], c["quantity"]) for c in data["components"]] == [
        ("통밀빵", 1),
        ("손두부", 2),
    ]
    pricing = data["pricing"]
    assert amount(pricing["undiscounted"]["gross"]) == 20_000
    assert amount(pricing["price"]["gross"]) == 19_000
    assert amount(pricing["discount"]) == 1_000
    price = pricing["price"]
    assert amount(price["net"]) + amount(price["tax"]) == 19_000
    # 1,000 off split 11,000 : 9,000 → 550 : 450; only the bread is taxable.
    assert amount(price["tax"]) == (11_000 - 550) // 11
    assert [(s["vendor"]["storeName"], amount(s["amount"])) for s in data["vendorShares"]] == [
        ("빵집", 10_450),
        ("두부공방", 8_550),
    ]
    assert data["availability"] == {"available": True, "count": 3, "reasons": []}


def test_unavailable_bundle_reasons_and_the_available_filter(gql, two_vendor_bundle):
    make_bundle([(two_vendor_bundle["bread"], 1)], name="빵만", occasion="reception")
    Stock.objects.filter(variant=two_vendor_bundle["tofu"]).update(quantity=1)
    data = gql(BUNDLE, {"slug": "morning"})["data"]["bundle"]["availability"]
    assert data == {"available": False, "count": 0, "reasons": ["구성품 '손두부' 재고 부족"]}
    names = lambda body: [e["node"]["name"] for e in body["data"]["bundles"]["edges"]]  # noqa: E731
    assert names(gql(BUNDLES, {"filter": {"available": True}})) == ["빵만"]
    assert names(gql(BUNDLES, {"filter": {"available": False}})) == ["아침 회의 꾸러미"]
    assert names(gql(BUNDLES, {"filter": {"occasion": "RECEPTION"}})) == ["빵만"]
    assert names(gql(BUNDLES, {"filter": {"search": "아침"}})) == ["아침 회의 꾸러미"]


def test_unpublished_bundles_are_hidden_from_the_public(gql, two_vendor_bundle):
    Bundle.objects.filter(pk=two_vendor_bundle["bundle"].pk).update(is_published=False)
    assert gql(BUNDLE, {"slug": "morning"})["data"]["bundle"] is None
    assert gql(BUNDLES)["data"]["bundles"]["edges"] == []
    gql.login(StaffFactory())
    assert gql(BUNDLE, {"slug": "morning"})["data"]["bundle"]["isPublished"] is False


def _many_bundles(n: int):
    vendors = [VendorFactory() for _ in range(3)]
    for i in range(n):
        variants = [sellable(price=3_000 + i, vendor=v) for v in vendors]
        make_bundle([(v, 2) for v in variants], price_rule="sum_discount", discount_percent=10)


def test_the_bundle_list_runs_a_fixed_number_of_queries(gql, count_queries):
    _many_bundles(3)
    with count_queries() as few:
        body = gql(BUNDLES, {"first": 50})
    assert len(body["data"]["bundles"]["edges"]) == 3
    _many_bundles(17)
    with count_queries() as many:
        body = gql(BUNDLES, {"first": 50})
    assert len(body["data"]["bundles"]["edges"]) == 20
    assert len(many) == len(few)
    # bundles + components (with variant, product, vendor, organization, stock) + count.
    assert len(few) <= 3, [q["sql"] for q in few.captured_queries]


def test_pagination(gql):
    _many_bundles(5)
    first = gql(BUNDLES, {"first": 2})["data"]["bundles"]
    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"]
    rest = gql(BUNDLES, {"first": 10, "after": first["pageInfo"]["endCursor"]})["data"]
    assert len(rest["bundles"]["edges"]) == 3


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


def test_staff_create_and_update_a_bundle(gql, two_vendor_bundle):
    gql.login(StaffFactory())
    bread, tofu = two_vendor_bundle["bread"], two_vendor_bundle["tofu"]
    body = gql(
        CREATE,
        {
            "input": {
                "name": "손님 접대 꾸러미",
                "occasion": "RECEPTION",
                "serves": 6,
                "priceRule": "FIXED",
                "fixedPrice": 25_000,
                "isPublished": True,
                "components": [
                    {"variantId": gid("ProductVariant", bread), "quantity": 1},
                    {"variantId": gid("ProductVariant", tofu), "quantity": 4, "note": "냉장"},
                ],
            }
        },
    )["data"]["bundleCreate"]
    assert body["errors"] == []
    created = body["bundle"]
    assert (created["slug"], created["serves"], created["priceRule"]) == (
        "손님-접대-꾸러미",
        6,
        "FIXED",
    )
    assert amount(created["pricing"]["price"]["gross"]) == 25_000
    assert amount(created["pricing"]["discount"]) == 29_000 - 25_000
    body = gql(
        UPDATE,
        {
            "id": created["id"],
            "input": {
                "priceRule": "SUM",
                "components": [{"variantId": gid("ProductVariant", bread), "quantity": 2}],
            },
        },
    )["data"]["bundleUpdate"]
    assert body["errors"] == []
    assert amount(body["bundle"]["pricing"]["price"]["gross"]) == 22_000
    assert len(body["bundle"]["components"]) == 1


def test_bundle_create_errors(gql, two_vendor_bundle):
    variables = {
        "input": {
            "name": "",
            "occasion": "MEETING",
            "components": [
                {"variantId": gid("ProductVariant", two_vendor_bundle["tofu"]), "quantity": 1}
            ],
        }
    }
    body = gql(CREATE, variables)["data"]["bundleCreate"]
    assert [e["code"] for e in body["errors"]] == ["PERMISSION_DENIED"]
    vendor_staff = VendorStaffFactory(vendor=two_vendor_bundle["vendors"][0]).user
    gql.login(vendor_staff)
    body = gql(CREATE, variables)["data"]["bundleCreate"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("name", "REQUIRED")]
    variables["input"]["name"] = "남의 두부"
    variables["input"]["isPublished"] = True
    body = gql(CREATE, variables)["data"]["bundleCreate"]
    assert [e["code"] for e in body["errors"]] == ["PERMISSION_DENIED"]
    assert body["bundle"] is None
    variables["input"]["components"][0]["variantId"] = "bad"
    body = gql(CREATE, variables)["data"]["bundleCreate"]
    assert [e["code"] for e in body["errors"]] == ["INVALID"]


def test_a_vendor_cannot_update_anothers_bundle(gql, two_vendor_bundle):
    gql.login(VendorStaffFactory(vendor=two_vendor_bundle["vendors"][0]).user)
    body = gql(
        UPDATE,
        {"id": gid("Bundle", two_vendor_bundle["bundle"]), "input": {"name": "바꿈"}},
    )["data"]["bundleUpdate"]
    assert [e["code"] for e in body["errors"]] == ["PERMISSION_DENIED"]
    assert Bundle.objects.get(pk=two_vendor_bundle["bundle"].pk).name == "아침 회의 꾸러미"


# ---------------------------------------------------------------------------------------------
# Cart
# ---------------------------------------------------------------------------------------------


def test_checkout_lines_add_accepts_bundles(gql, two_vendor_bundle):
    bundle, bread = two_vendor_bundle["bundle"], two_vendor_bundle["bread"]
    checkout = CheckoutFactory()
    body = gql(
        LINES_ADD,
        {
            "id": str(checkout.token),
            "lines": [{"variantId": gid("ProductVariant", bread), "quantity": 1}],
            "bundles": [{"bundleSlug": "morning", "quantity": 1}],
        },
    )["data"]["checkoutLinesAdd"]
    assert body["errors"] == []
    body = gql(
        LINES_ADD,
        {
            "id": str(checkout.token),
            "bundles": [{"bundleId": gid("Bundle", bundle), "quantity": 1}],
        },
    )["data"]["checkoutLinesAdd"]
    assert body["errors"] == []
    c = body["checkout"]
    assert amount(c["discount"]) == 2_000
    assert amount(c["subtotalPrice"]["gross"]) == 11_000 + 2 * 19_000
    bundle_lines = [x for x in c["lines"] if x["bundle"]]
    assert {(x["variant"]["sku"], x["quantity"], x["bundleQuantity"]) for x in bundle_lines} == {
        (bread.sku, 2, 2),
        (two_vendor_bundle["tofu"].sku, 4, 2),
    }
    assert {x["bundle"]["slug"] for x in bundle_lines} == {"morning"}
    assert (
        sum(
            amount(x["undiscountedTotalPrice"]) - amount(x["totalPrice"]["gross"])
            for x in bundle_lines
        )
        == 2_000
    )
    plain = [x for x in c["lines"] if not x["bundle"]]
    assert [(x["quantity"], x["bundleQuantity"]) for x in plain] == [(1, 0)]
    assert len(c["vendorGroups"]) == 2

    # Too many: the component is named, nothing changes.
    body = gql(
        LINES_ADD,
        {"id": str(checkout.token), "bundles": [{"bundleSlug": "morning", "quantity": 2}]},
    )["data"]["checkoutLinesAdd"]
    (error,) = body["errors"]
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert "손두부" in error["message"]
    assert error["variants"] == [gid("ProductVariant", two_vendor_bundle["tofu"])]

    # Set the count, refuse a component's own quantity, then remove the bundle.
    body = gql(
        LINES_UPDATE,
        {"id": str(checkout.token), "bundles": [{"bundleSlug": "morning", "quantity": 1}]},
    )["data"]["checkoutLinesUpdate"]
    assert body["errors"] == []
    assert {x["bundleQuantity"] for x in body["checkout"]["lines"] if x["bundle"]} == {1}
    line_id = next(x["id"] for x in body["checkout"]["lines"] if x["bundle"])
    body = gql(
        LINES_UPDATE, {"id": str(checkout.token), "lines": [{"lineId": line_id, "quantity": 5}]}
    )["data"]["checkoutLinesUpdate"]
    assert [e["code"] for e in body["errors"]] == ["INVALID"]
    body = gql(
        LINES_UPDATE,
        {"id": str(checkout.token), "bundles": [{"bundleSlug": "morning", "quantity": 0}]},
    )["data"]["checkoutLinesUpdate"]
    assert [x["bundle"] for x in body["checkout"]["lines"]] == [None]


def test_checkout_create_with_a_bundle_then_complete(gql, two_vendor_bundle):
    body = gql(
        CHECKOUT_CREATE,
        {
            "input": {
                "email": "office@example.kr",
                "lines": [],
                "bundles": [{"bundleSlug": "morning", "quantity": 2}],
            }
        },
    )["data"]["checkoutCreate"]
    assert body["errors"] == []
    token = body["checkout"]["id"]
    assert amount(body["checkout"]["totalPrice"]["gross"]) == 2 * 19_000 + 2 * 3_000
    checkout = checkout_get(
        __import__("shop.graphql.checkout", fromlist=["x"]).parse_checkout_token(token)
    )
    checkout = checkout_services.checkout_shipping_address_update(
        checkout=checkout,
        recipient_name="김누리",
        phone="010-1234-5678",
        postcode="03900",
        road_address="서울특별시 마포구 월드컵북로 400",
    )
    checkout = checkout_services.checkout_delivery_method_update(
        checkout=checkout, delivery_method_id="standard"
    )
    pay(checkout)
    order = checkout_services.checkout_complete(checkout=checkout)
    assert order.vendor_orders.count() == 2
    assert order.discount_total == 2_000
    assert set(
        OrderLine.objects.filter(vendor_order__order=order).values_list("bundle_name", flat=True)
    ) == {"아침 회의 꾸러미"}


def test_an_unknown_bundle_is_not_found(gql):
    checkout = CheckoutFactory()
    body = gql(
        LINES_ADD, {"id": str(checkout.token), "bundles": [{"bundleSlug": "nope", "quantity": 1}]}
    )["data"]["checkoutLinesAdd"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("bundles", "NOT_FOUND")]
    body = gql(LINES_ADD, {"id": str(checkout.token)})["data"]["checkoutLinesAdd"]
    assert [e["code"] for e in body["errors"]] == ["REQUIRED"]


# ---------------------------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------------------------


def _start() -> str:
    start = timezone.localdate() + dt.timedelta(days=2)
    if start.day > 28:
        start += dt.timedelta(days=4)
    return start.isoformat()


ADDRESS = {
    "recipientName": "총무팀 김누리",
    "phone": "02-2133-0000",
    "postcode": "04524",
    "roadAddress": "서울특별시 중구 세종대로 110",
    "detailAddress": "3층 총무과",
}


def test_subscribe_pause_resume_cancel(gql, user, two_vendor_bundle):
    body = gql(
        SUBSCRIBE,
        {
            "input": {
                "bundleSlug": "morning",
                "frequency": "MONTHLY",
                "startOn": _start(),
                "shippingAddress": ADDRESS,
            }
        },
    )["data"]["subscriptionCreate"]
    assert [e["code"] for e in body["errors"]] == ["PERMISSION_DENIED"]
    gql.login(user)
    body = gql(
        SUBSCRIBE,
        {
            "input": {
                "bundleSlug": "morning",
                "quantity": 3,
                "frequency": "MONTHLY",
                "startOn": _start(),
                "shippingAddress": ADDRESS,
            }
        },
    )["data"]["subscriptionCreate"]
    assert body["errors"] == []
    sub = body["subscription"]
    assert (sub["status"], sub["frequency"], sub["quantity"], sub["gateway"]) == (
        "ACTIVE",
        "MONTHLY",
        3,
        "invoice",
    )
    assert amount(sub["monthlyEstimate"]) == 3 * 19_000
    assert sub["recipientName"] == "총무팀 김누리"

    for action, status in (("Pause", "PAUSED"), ("Resume", "ACTIVE"), ("Cancel", "CANCELED")):
        mutation = f"""mutation($id: ID!) {{ subscription{action}(id: $id) {{
            subscription {{ status }} {ERRORS} }} }}"""
        body = gql(mutation, {"id": sub["id"]})["data"][f"subscription{action}"]
        assert body["errors"] == []
        assert body["subscription"]["status"] == status
    body = gql(
        "mutation($id: ID!) { subscriptionResume(id: $id) { errors { code } } }", {"id": sub["id"]}
    )["data"]["subscriptionResume"]
    assert body["errors"] == [{"code": "INVALID_STATUS"}]


def test_subscription_create_errors_and_others_subscriptions(gql, user, two_vendor_bundle):
    gql.login(user)
    body = gql(
        SUBSCRIBE,
        {
            "input": {
                "bundleSlug": "morning",
                "frequency": "WEEKLY",
                "startOn": "2020-01-01",
                "gateway": "stripe",
                "shippingAddress": {**ADDRESS, "postcode": "123"},
            }
        },
    )["data"]["subscriptionCreate"]
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("startOn", "INVALID"),
        ("gateway", "GATEWAY_NOT_AVAILABLE"),
        ("postcode", "INVALID_SHIPPING_ADDRESS"),
    }
    other = SubscriptionFactory(bundle=two_vendor_bundle["bundle"])
    body = gql(
        "mutation($id: ID!) { subscriptionPause(id: $id) { errors { code } } }",
        {"id": gid("BundleSubscription", other)},
    )["data"]["subscriptionPause"]
    assert body["errors"] == [{"code": "NOT_FOUND"}]
    assert Subscription.objects.get(pk=other.pk).status == "active"


def test_my_subscriptions_with_runs(gql, user, two_vendor_bundle, count_queries):
    from bundles.subscriptions import subscription_run_due

    day = dt.date(2026, 3, 2)
    for _ in range(2):
        SubscriptionFactory(user=user, bundle=two_vendor_bundle["bundle"], next_delivery_on=day)
    SubscriptionFactory(bundle=two_vendor_bundle["bundle"], next_delivery_on=day)  # someone else
    subscription_run_due(day)
    assert gql(MY_SUBSCRIPTIONS)["data"]["mySubscriptions"]["edges"] == []
    gql.login(user)
    with count_queries() as q:
        edges = gql(MY_SUBSCRIPTIONS)["data"]["mySubscriptions"]["edges"]
    assert len(edges) == 2
    runs = [run for e in edges for run in e["node"]["runs"]]
    assert sorted(run["status"] for run in runs) == ["ORDERED", "ORDERED"]
    assert all(run["orderNumber"] for run in runs)
    assert len(q) <= 8
