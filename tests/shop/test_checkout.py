"""Cart and checkout: the Saleor-shaped API, Korean addresses, delivery fees per vendor, VAT
split that reconciles to the won, completion into an order (idempotent), stock allocation,
the anonymous cart joining the account at sign-in, and the order e-mails."""

from __future__ import annotations

import pytest
from django.core import mail
from graphql_relay import to_global_id

from core.errors import DomainError, DomainErrors
from shop.catalog.models import Stock
from shop.checkout import services
from shop.checkout.models import Checkout, CheckoutLine
from shop.checkout.selectors import checkout_get, checkout_quote
from shop.checkout.signals import connect_signals
from shop.orders.models import Order, OrderEvent, OrderLine, VendorOrder
from shop.payments.models import Transaction
from tests.factories import UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.orders import (
    CheckoutFactory,
    invoice,
    pay,
    place_order,
    ready_checkout,
    sellable,
    wire_order_schema,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _api(monkeypatch):
    wire_order_schema(monkeypatch)
    connect_signals()


def vid(variant) -> str:
    return to_global_id("ProductVariant", variant.pk)


CHECKOUT_FIELDS = """
  id token email quantity
  lines { id quantity variant { id sku }
          unitPrice { gross { amount } }
          totalPrice { gross { amount currency } net { amount } tax { amount } } }
  vendorGroups { vendor { storeName }
                 lines { id quantity }
                 subtotal { gross { amount } net { amount } tax { amount } }
                 shippingFee { gross { amount } net { amount } tax { amount } }
                 total { gross { amount } net { amount } tax { amount } }
                 amountToFreeShipping { amount } }
  subtotalPrice { gross { amount } net { amount } tax { amount } }
  shippingPrice { gross { amount } net { amount } tax { amount } }
  totalPrice { gross { amount currency } net { amount } tax { amount } }
  shippingAddress { firstName streetAddress1 streetAddress2 postalCode phone recipientName }
  deliveryMethod { ... on ShippingMethod { id name price { amount } } }
  availableShippingMethods { id name price { amount } }
"""
ERRORS = "errors { field code message variants }"

CREATE = f"""
mutation Create($input: CheckoutCreateInput!) {{
  checkoutCreate(input: $input) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}"""
LINES_ADD = f"""
mutation Add($id: ID!, $lines: [CheckoutLineInput!]!) {{
  checkoutLinesAdd(id: $id, lines: $lines) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}"""
LINES_UPDATE = f"""
mutation Update($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {{
  checkoutLinesUpdate(id: $id, lines: $lines) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}"""
LINES_DELETE = f"""
mutation Delete($id: ID!, $ids: [ID!]!) {{
  checkoutLinesDelete(id: $id, linesIds: $ids) {{ checkout {{ {CHECKOUT_FIELDS} }} {ERRORS} }}
}}"""
EMAIL = f"""
mutation Email($id: ID!, $email: String!) {{
  checkoutEmailUpdate(id: $id, email: $email) {{ checkout {{ email }} {ERRORS} }}
}}"""
ADDRESS = f"""
mutation Address($id: ID!, $address: AddressInput!) {{
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {{
    checkout {{ {CHECKOUT_FIELDS} }} {ERRORS}
  }}
}}"""
DELIVERY = f"""
mutation Delivery($id: ID!, $method: ID!) {{
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {{
    checkout {{ deliveryMethod {{ id name price {{ amount }} }} }} {ERRORS}
  }}
}}"""
COMPLETE = f"""
mutation Complete($id: ID!) {{
  checkoutComplete(id: $id) {{
    order {{ id number status chargeStatus userEmail
      total {{ gross {{ amount }} net {{ amount }} tax {{ amount }} }}
      vendorOrders {{ number status lines {{ productSku quantity }} }} }}
    confirmationNeeded
    {ERRORS}
  }}
}}"""
CHECKOUT = f"query Checkout($id: ID) {{ checkout(id: $id) {{ {CHECKOUT_FIELDS} }} }}"

ADDRESS_INPUT = {
    "firstName": "김누리",
    "phone": "01012345678",
    "postalCode": "03900",
    "streetAddress1": "서울특별시 마포구 월드컵북로 400",
    "streetAddress2": "5층",
}


def amount(money) -> int:
    value = money["amount"]
    assert value == int(value)
    return int(value)


def assert_taxed_reconciles(taxed) -> None:
    assert amount(taxed["net"]) + amount(taxed["tax"]) == amount(taxed["gross"])


# --- the whole flow through the API ----------------------------------------------------------


def test_checkout_flow_through_the_api(gql):
    vendor = VendorFactory(
        store_name="함께베이커리", shipping_base_fee=3000, shipping_free_over=50000
    )
    cookie = sellable(vendor=vendor, price=12_000, stock=10, name="우리밀 쿠키")
    jam = sellable(vendor=vendor, price=8_000, stock=10, name="딸기잼")

    data = gql(
        CREATE,
        {
            "input": {
                "channel": "default-channel",
                "email": "Buyer@Example.kr",
                "lines": [{"variantId": vid(cookie), "quantity": 2}],
            }
        },
    )["data"]["checkoutCreate"]
    assert data["errors"] == []
    checkout = data["checkout"]
    cid = checkout["id"]
    assert checkout["email"] == "buyer@example.kr"
    assert checkout["quantity"] == 2
    assert amount(checkout["subtotalPrice"]["gross"]) == 24_000
    assert amount(checkout["shippingPrice"]["gross"]) == 3_000
    assert amount(checkout["totalPrice"]["gross"]) == 27_000
    assert checkout["vendorGroups"][0]["vendor"]["storeName"] == "함께베이커리"
    assert amount(checkout["vendorGroups"][0]["amountToFreeShipping"]) == 26_000

    data = gql(LINES_ADD, {"id": cid, "lines": [{"variantId": vid(jam), "quantity": 1}]})
    checkout = data["data"]["checkoutLinesAdd"]["checkout"]
    assert [line["quantity"] for line in checkout["lines"]] == [2, 1]

    data = gql(LINES_UPDATE, {"id": cid, "lines": [{"variantId": vid(cookie), "quantity": 5}]})
    checkout = data["data"]["checkoutLinesUpdate"]["checkout"]
    assert amount(checkout["subtotalPrice"]["gross"]) == 68_000
    assert amount(checkout["shippingPrice"]["gross"]) == 0  # free over 50,000
    assert checkout["vendorGroups"][0]["amountToFreeShipping"] is None

    jam_line = next(line for line in checkout["lines"] if line["variant"]["sku"] == jam.sku)
    data = gql(LINES_DELETE, {"id": cid, "ids": [jam_line["id"]]})
    checkout = data["data"]["checkoutLinesDelete"]["checkout"]
    assert [line["variant"]["sku"] for line in checkout["lines"]] == [cookie.sku]

    assert gql(EMAIL, {"id": cid, "email": "nuri@example.kr"})["data"]["checkoutEmailUpdate"][
        "checkout"
    ] == {"email": "nuri@example.kr"}

    data = gql(ADDRESS, {"id": cid, "address": ADDRESS_INPUT})["data"]
    address = data["checkoutShippingAddressUpdate"]["checkout"]["shippingAddress"]
    assert address == {
        "firstName": "김누리",
        "streetAddress1": "서울특별시 마포구 월드컵북로 400",
        "streetAddress2": "5층",
        "postalCode": "03900",
        "phone": "010-1234-5678",
        "recipientName": "김누리",
    }

    methods = data["checkoutShippingAddressUpdate"]["checkout"]["availableShippingMethods"]
    assert [m["name"] for m in methods] == ["택배 (일반 배송)"]
    data = gql(DELIVERY, {"id": cid, "method": methods[0]["id"]})["data"]
    assert data["checkoutDeliveryMethodUpdate"]["checkout"]["deliveryMethod"]["name"] == (
        "택배 (일반 배송)"
    )

    data = gql(COMPLETE, {"id": cid})["data"]["checkoutComplete"]
    assert data["errors"][0]["code"] == "CHECKOUT_NOT_FULLY_PAID"
    assert data["order"] is None

    pay(Checkout.objects.get())
    data = gql(COMPLETE, {"id": cid})["data"]["checkoutComplete"]
    assert data["errors"] == []
    order = data["order"]
    assert order["status"] == "UNFULFILLED"
    assert order["chargeStatus"] == "FULL"
    assert order["userEmail"] == "nuri@example.kr"
    assert amount(order["total"]["gross"]) == 60_000
    assert_taxed_reconciles(order["total"])
    assert order["vendorOrders"][0]["lines"] == [{"productSku": cookie.sku, "quantity": 5}]
    assert order["vendorOrders"][0]["number"] == order["number"] + "-01"

    # The cart is gone; completing again returns the same order.
    assert not Checkout.objects.exists()
    again = gql(COMPLETE, {"id": cid})["data"]["checkoutComplete"]
    assert again["errors"] == []
    assert again["order"]["number"] == order["number"]
    assert Stock.objects.get(variant=cookie).allocated == 5


def test_checkout_query_by_id_and_token_and_current_session_cart(gql):
    variant = sellable(price=5_000)
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(variant), "quantity": 1}]}})
    checkout = data["data"]["checkoutCreate"]["checkout"]
    by_id = gql(CHECKOUT, {"id": checkout["id"]})["data"]["checkout"]
    by_token = gql(CHECKOUT, {"id": checkout["token"]})["data"]["checkout"]
    current = gql(CHECKOUT)["data"]["checkout"]  # the anonymous cart of this session
    assert by_id["token"] == by_token["token"] == current["token"] == checkout["token"]
    assert gql(CHECKOUT, {"id": "nonsense"})["data"]["checkout"] is None


def test_an_accounts_cart_is_reachable_by_its_owner_only(gql, user):
    other = UserFactory()
    checkout = ready_checkout([(sellable(), 1)], user=user)
    cid = to_global_id("Checkout", str(checkout.token))
    assert gql(CHECKOUT, {"id": cid})["data"]["checkout"] is None  # anonymous
    gql.login(other)
    assert gql(CHECKOUT, {"id": cid})["data"]["checkout"] is None
    errors = gql(EMAIL, {"id": cid, "email": "x@example.kr"})["data"]["checkoutEmailUpdate"]
    assert errors["errors"][0]["code"] == "PERMISSION_DENIED"
    gql.login(user)
    assert gql(CHECKOUT, {"id": cid})["data"]["checkout"]["token"] == str(checkout.token)


def test_signed_in_buyer_gets_their_email_and_owns_the_cart(gql, user):
    gql.login(user)
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(sellable()), "quantity": 1}]}})
    assert data["data"]["checkoutCreate"]["checkout"]["email"] == user.email
    assert Checkout.objects.get().user == user


# --- errors ----------------------------------------------------------------------------------


def test_insufficient_stock_names_the_variant(gql):
    variant = sellable(price=5_000, stock=3, name="유기농 쌀과자")
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(variant), "quantity": 4}]}})
    result = data["data"]["checkoutCreate"]
    assert result["checkout"] is None
    [error] = result["errors"]
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert error["field"] == "lines"
    assert error["variants"] == [vid(variant)]
    assert variant.sku in error["message"]
    assert "유기농 쌀과자" in error["message"]
    assert "3개" in error["message"]
    assert not Checkout.objects.exists()  # rolled back

    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(variant), "quantity": 2}]}})
    cid = data["data"]["checkoutCreate"]["checkout"]["id"]
    # 2 in the cart + 2 more > 3 on hand
    data = gql(LINES_ADD, {"id": cid, "lines": [{"variantId": vid(variant), "quantity": 2}]})
    assert data["data"]["checkoutLinesAdd"]["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert CheckoutLine.objects.get().quantity == 2


def test_allocated_units_are_not_available(gql):
    variant = sellable(stock=5)
    Stock.objects.filter(variant=variant).update(allocated=4)
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(variant), "quantity": 2}]}})
    assert data["data"]["checkoutCreate"]["errors"][0]["code"] == "INSUFFICIENT_STOCK"


def test_unpublished_product_and_inactive_vendor_are_unavailable(gql):
    hidden = sellable(is_published=False)
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(hidden), "quantity": 1}]}})
    error = data["data"]["checkoutCreate"]["errors"][0]
    assert error["code"] == "PRODUCT_UNAVAILABLE"
    assert error["variants"] == [vid(hidden)]

    closed = sellable(vendor=VendorFactory(is_active=False))
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(closed), "quantity": 1}]}})
    assert data["data"]["checkoutCreate"]["errors"][0]["code"] == "PRODUCT_UNAVAILABLE"


def test_quantity_rules(gql):
    variant = sellable()
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(variant), "quantity": 0}]}})
    assert data["data"]["checkoutCreate"]["errors"][0]["code"] == "ZERO_QUANTITY"
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(variant), "quantity": 1}]}})
    cid = data["data"]["checkoutCreate"]["checkout"]["id"]
    data = gql(LINES_UPDATE, {"id": cid, "lines": [{"variantId": vid(variant), "quantity": 0}]})
    assert data["data"]["checkoutLinesUpdate"]["checkout"]["lines"] == []
    bad = to_global_id("ProductVariant", 999_999)
    data = gql(LINES_ADD, {"id": cid, "lines": [{"variantId": bad, "quantity": 1}]})
    assert data["data"]["checkoutLinesAdd"]["errors"][0]["code"] == "NOT_FOUND"
    data = gql(CREATE, {"input": {"channel": "nowhere", "lines": []}})
    assert data["data"]["checkoutCreate"]["errors"][0]["field"] == "channel"


def test_invalid_korean_address_reports_every_field(gql):
    checkout = ready_checkout([(sellable(), 1)])
    checkout.recipient_name = ""
    cid = to_global_id("Checkout", str(checkout.token))
    data = gql(
        ADDRESS,
        {
            "id": cid,
            "address": {
                "recipientName": "",
                "phone": "1234",
                "postcode": "0390",
                "roadAddress": "",
            },
        },
    )["data"]["checkoutShippingAddressUpdate"]
    assert data["checkout"] is None
    assert {e["code"] for e in data["errors"]} == {"INVALID_SHIPPING_ADDRESS"}
    assert {e["field"] for e in data["errors"]} == {
        "recipientName",
        "phone",
        "postcode",
        "roadAddress",
    }
    assert any("010-1234-5678" in e["message"] for e in data["errors"])
    # Korean field names work too, and the phone is normalized.
    data = gql(
        ADDRESS,
        {
            "id": cid,
            "address": {
                "recipientName": "이서울",
                "phone": "010 9876 5432",
                "postcode": "63100",
                "roadAddress": "제주특별자치도 제주시 첨단로 242",
            },
        },
    )["data"]["checkoutShippingAddressUpdate"]
    assert data["errors"] == []
    assert data["checkout"]["shippingAddress"]["phone"] == "010-9876-5432"


def test_unknown_delivery_method_is_refused(gql):
    checkout = ready_checkout([(sellable(), 1)])
    data = gql(DELIVERY, {"id": str(checkout.token), "method": "drone"})
    assert data["data"]["checkoutDeliveryMethodUpdate"]["errors"][0]["code"] == (
        "INVALID_SHIPPING_METHOD"
    )


def test_complete_needs_lines_email_address_and_delivery_method():
    variant = sellable()
    empty = CheckoutFactory()
    with pytest.raises(DomainError) as exc:
        services.checkout_complete(checkout=empty)
    assert exc.value.code == "NO_LINES"

    bare = Checkout.objects.create()
    CheckoutLine.objects.create(checkout=bare, variant=variant, quantity=1)
    with pytest.raises(DomainErrors) as many:
        services.checkout_complete(checkout=checkout_get(bare.token))
    assert [e.code for e in many.value.errors] == [
        "EMAIL_NOT_SET",
        "SHIPPING_ADDRESS_NOT_SET",
        "SHIPPING_METHOD_NOT_SET",
    ]
    assert not Order.objects.exists()


def test_complete_refuses_an_unpaid_or_partly_paid_checkout():
    checkout = ready_checkout([(sellable(price=10_000), 1)])  # 13,000 with delivery
    with pytest.raises(DomainError) as exc:
        services.checkout_complete(checkout=checkout)
    assert exc.value.code == "CHECKOUT_NOT_FULLY_PAID"
    pay(checkout, 12_999)
    with pytest.raises(DomainError) as exc:
        services.checkout_complete(checkout=checkout)
    assert exc.value.code == "CHECKOUT_NOT_FULLY_PAID"
    assert "13,000원" in exc.value.message
    pay(checkout, 1)
    order = services.checkout_complete(checkout=checkout)
    assert order.total == 13_000
    assert order.total_charged == 13_000
    assert order.charge_status == "full"
    assert set(Transaction.objects.values_list("order_id", flat=True)) == {order.pk}


def test_an_invoice_checkout_completes_unpaid():
    checkout = ready_checkout([(sellable(price=20_000), 2)])
    invoice(checkout)
    order = services.checkout_complete(checkout=checkout)
    assert order.charge_status == "invoice"
    assert order.total_charged == 0
    assert order.gateway == "invoice"


def test_stock_running_out_before_completion_is_insufficient_stock():
    variant = sellable(stock=2)
    checkout = ready_checkout([(variant, 2)])
    pay(checkout)
    Stock.objects.filter(variant=variant).update(allocated=1)  # someone else bought one
    with pytest.raises(DomainError) as exc:
        services.checkout_complete(checkout=checkout)
    assert exc.value.code == "INSUFFICIENT_STOCK"
    assert variant.sku in exc.value.message
    assert Stock.objects.get(variant=variant).allocated == 1
    assert not Order.objects.exists()


def test_product_unpublished_after_adding_is_unavailable_at_completion():
    variant = sellable()
    checkout = ready_checkout([(variant, 1)])
    pay(checkout)
    variant.product.is_published = False
    variant.product.save()
    with pytest.raises(DomainError) as exc:
        services.checkout_complete(checkout=checkout_get(checkout.token))
    assert exc.value.code == "PRODUCT_UNAVAILABLE"


# --- shipping and money ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subtotal_units", "postcode", "fee"),
    [
        (1, "03900", 3_000),  # base fee (Seoul)
        (5, "03900", 0),  # 50,000: free over the threshold
        (1, "63100", 6_000),  # Jeju: base + 3,000
        (5, "63100", 3_000),  # Jeju, free base: the surcharge stays
        (1, "40200", 8_000),  # Ulleung (remote island): base + 5,000
    ],
)
def test_vendor_delivery_fee(subtotal_units, postcode, fee):
    vendor = VendorFactory(
        shipping_base_fee=3_000,
        shipping_free_over=50_000,
        shipping_jeju_extra=3_000,
        shipping_remote_extra=5_000,
    )
    checkout = ready_checkout([(sellable(vendor=vendor, price=10_000), subtotal_units)])
    services.checkout_shipping_address_update(
        checkout=checkout,
        recipient_name="김누리",
        phone="010-1234-5678",
        postcode=postcode,
        road_address="어딘가로 123번길 45",
    )
    quote = checkout_quote(checkout_get(checkout.token))
    assert quote.shipping_total == fee
    assert quote.total == 10_000 * subtotal_units + fee


def test_each_vendor_has_its_own_fee_and_a_vendor_without_threshold_always_charges(gql):
    a = VendorFactory(shipping_base_fee=2_500, shipping_free_over=30_000)
    b = VendorFactory(shipping_base_fee=4_000, shipping_free_over=None)
    checkout = ready_checkout(
        [(sellable(vendor=a, price=30_000), 1), (sellable(vendor=b, price=100_000), 1)]
    )
    data = gql(CHECKOUT, {"id": str(checkout.token)})["data"]["checkout"]
    fees = [amount(g["shippingFee"]["gross"]) for g in data["vendorGroups"]]
    assert fees == [0, 4_000]
    assert amount(data["shippingPrice"]["gross"]) == 4_000
    assert amount(data["deliveryMethod"]["price"]) == 4_000


def test_money_reconciles_to_the_won_with_mixed_tax_types_and_two_vendors(gql):
    a = VendorFactory(shipping_base_fee=3_000, shipping_free_over=50_000)
    b = VendorFactory(shipping_base_fee=3_000, shipping_free_over=50_000)
    cookie = sellable(vendor=a, price=10_000, tax_type="taxable")  # 2 × 10,000
    rice = sellable(vendor=a, price=7_700, tax_type="exempt")  # 면세
    tea = sellable(vendor=b, price=55_001, tax_type="taxable")  # free delivery
    sesame = sellable(vendor=b, price=3_333, tax_type="zero_rated")  # 영세
    checkout = ready_checkout([(cookie, 2), (rice, 1), (tea, 1), (sesame, 3)])

    data = gql(CHECKOUT, {"id": str(checkout.token)})["data"]["checkout"]
    for line in data["lines"]:
        assert_taxed_reconciles(line["totalPrice"])
    for group in data["vendorGroups"]:
        for key in ("subtotal", "shippingFee", "total"):
            assert_taxed_reconciles(group[key])
    for key in ("subtotalPrice", "shippingPrice", "totalPrice"):
        assert_taxed_reconciles(data[key])
    # 20,000 → 1,818 tax; 7,700 exempt; shipping 3,000 → 272; 55,001 → 5,000; 9,999 zero-rated.
    assert amount(data["totalPrice"]["gross"]) == 20_000 + 7_700 + 3_000 + 55_001 + 9_999
    assert amount(data["totalPrice"]["tax"]) == 1_818 + 272 + 5_000
    assert sum(amount(g["total"]["gross"]) for g in data["vendorGroups"]) == amount(
        data["totalPrice"]["gross"]
    )

    pay(checkout)
    order = services.checkout_complete(checkout=checkout)
    lines = list(OrderLine.objects.filter(vendor_order__order=order))
    for line in lines:
        assert line.supply + line.tax == line.total
    by_sku = {line.sku: line for line in lines}
    assert (by_sku[cookie.sku].supply, by_sku[cookie.sku].tax) == (18_182, 1_818)
    assert (by_sku[rice.sku].supply, by_sku[rice.sku].tax) == (7_700, 0)
    assert (by_sku[sesame.sku].supply, by_sku[sesame.sku].tax) == (9_999, 0)
    assert by_sku[rice.sku].tax_type == "exempt"
    vendor_orders = list(order.vendor_orders.order_by("number"))
    assert [vo.shipping_fee for vo in vendor_orders] == [3_000, 0]
    for vo in vendor_orders:
        vo_lines = [line for line in lines if line.vendor_order_id == vo.pk]
        shipping_tax = vo.shipping_fee // 11
        assert vo.tax == sum(line.tax for line in vo_lines) + shipping_tax
        assert vo.subtotal == sum(line.total for line in vo_lines)
        assert vo.total == vo.subtotal + vo.shipping_fee
    assert [vo.tax for vo in vendor_orders] == [1_818 + 272, 5_000]
    assert order.total == sum(vo.total for vo in vendor_orders) == 95_700
    assert order.tax_total == sum(vo.tax for vo in vendor_orders) == 7_090
    assert order.subtotal + order.shipping_total == order.total


def test_order_keeps_a_snapshot_of_names_prices_and_tax_types():
    variant = sellable(price=9_900, name="현미 누룽지", tax_type="taxable")
    order = place_order([(variant, 1)])
    product = variant.product
    product.name, product.tax_type = "새 이름", "exempt"
    product.save()
    variant.price, variant.sku = 1, "RENAMED-1"
    variant.save()
    line = OrderLine.objects.get(vendor_order__order=order)
    assert (line.product_name, line.sku, line.unit_price, line.tax_type) == (
        "현미 누룽지",
        line.sku,
        9_900,
        "taxable",
    )
    assert line.sku != "RENAMED-1"
    assert (line.supply, line.tax) == (9_000, 900)


def test_order_and_vendor_order_numbers():
    a, b = VendorFactory(), VendorFactory()
    order = place_order([(sellable(vendor=a), 1), (sellable(vendor=b), 1)])
    date = order.created_at.astimezone().strftime("%Y%m%d")
    assert order.number == f"N{date}-{order.pk:06d}"
    numbers = sorted(order.vendor_orders.values_list("number", flat=True))
    assert numbers == [f"{order.number}-01", f"{order.number}-02"]
    assert {vo.vendor_id for vo in order.vendor_orders.all()} == {a.pk, b.pk}


# --- idempotency -----------------------------------------------------------------------------


def test_completing_twice_returns_the_same_order_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    variant = sellable(stock=5)
    checkout = ready_checkout([(variant, 2)])
    pay(checkout)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.checkout_complete(checkout=checkout)
    state = (
        Order.objects.count(),
        VendorOrder.objects.count(),
        OrderLine.objects.count(),
        OrderEvent.objects.count(),
        Stock.objects.get(variant=variant).allocated,
        len(mail.outbox),
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = services.checkout_complete(checkout=checkout)
    assert second.pk == first.pk
    assert state == (
        Order.objects.count(),
        VendorOrder.objects.count(),
        OrderLine.objects.count(),
        OrderEvent.objects.count(),
        Stock.objects.get(variant=variant).allocated,
        len(mail.outbox),
    )
    assert state[4] == 2


# --- e-mails ---------------------------------------------------------------------------------


def test_order_placed_emails_go_to_the_buyer_and_each_vendor(django_capture_on_commit_callbacks):
    a, b = VendorFactory(store_name="가게 가"), VendorFactory(store_name="가게 나")
    staff_a = VendorStaffFactory(vendor=a).user
    staff_b = VendorStaffFactory(vendor=b).user
    checkout = ready_checkout(
        [(sellable(vendor=a, name="쌀과자"), 1), (sellable(vendor=b, name="보리차"), 2)]
    )
    pay(checkout)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.checkout_complete(checkout=checkout)
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert set(by_to) == {(order.email,), (staff_a.email,), (staff_b.email,)}
    buyer = by_to[(order.email,)]
    assert buyer.subject == f"[누리] 주문이 접수되었습니다 ({order.number})"
    assert "쌀과자" in buyer.body
    assert "보리차" in buyer.body
    assert f"{order.total:,}원" in buyer.body
    vendor_mail = by_to[(staff_a.email,)]
    assert "새 주문" in vendor_mail.subject
    assert "쌀과자" in vendor_mail.body
    assert "보리차" not in vendor_mail.body
    assert "김누리" in vendor_mail.body  # the address to ship to
    sent = OrderEvent.objects.filter(order=order, type="email_sent")
    assert sent.count() == 3

    # A re-delivered task sends nothing again.
    from shop.orders.tasks import order_event_emails

    placed = OrderEvent.objects.get(order=order, type="placed")
    assert order_event_emails(placed.pk) == 0
    assert len(mail.outbox) == 3


# --- the anonymous cart joins the account at sign-in -----------------------------------------


def test_anonymous_cart_joins_the_account_through_the_login_page(client, gql):
    user = UserFactory(email="citizen@example.kr")
    variant = sellable(price=4_000)
    data = gql(CREATE, {"input": {"lines": [{"variantId": vid(variant), "quantity": 2}]}})
    token = data["data"]["checkoutCreate"]["checkout"]["token"]
    assert Checkout.objects.get().user is None

    resp = client.post(
        "/accounts/login/", {"username": "citizen@example.kr", "password": "pw-12345678"}
    )
    assert resp.status_code == 302
    checkout = Checkout.objects.get()
    assert str(checkout.token) == token
    assert checkout.user == user
    assert checkout.email == "citizen@example.kr"
    assert client.session[services.CHECKOUT_SESSION_KEY] == token
    assert gql(CHECKOUT)["data"]["checkout"]["token"] == token


def test_anonymous_cart_merges_into_the_accounts_existing_cart(client, gql):
    user = UserFactory(email="merge@example.kr")
    shared = sellable(price=4_000, stock=50)
    only_anon = sellable(price=6_000)
    mine = ready_checkout([(shared, 1)], user=user)
    data = gql(
        CREATE,
        {
            "input": {
                "lines": [
                    {"variantId": vid(shared), "quantity": 2},
                    {"variantId": vid(only_anon), "quantity": 1},
                ]
            }
        },
    )
    assert data["data"]["checkoutCreate"]["errors"] == []

    client.post("/accounts/login/", {"username": "merge@example.kr", "password": "pw-12345678"})
    assert list(Checkout.objects.values_list("token", flat=True)) == [mine.token]
    merged = {line.variant_id: line.quantity for line in CheckoutLine.objects.all()}
    assert merged == {shared.pk: 3, only_anon.pk: 1}
    assert client.session[services.CHECKOUT_SESSION_KEY] == str(mine.token)


def test_a_paid_anonymous_cart_is_assigned_not_merged(user):
    ready_checkout([(sellable(), 1)], user=user)
    anon = ready_checkout([(sellable(), 1)])
    pay(anon)
    result = services.checkout_assign_to_user(checkout=anon, user=user)
    assert result.token == anon.token
    assert result.user == user
    assert Checkout.objects.filter(user=user).count() == 2


# --- query counts ----------------------------------------------------------------------------


def test_checkout_query_count_is_constant_in_lines_and_vendors(gql, count_queries):
    small = ready_checkout([(sellable(), 1)])
    big = ready_checkout([(sellable(), 1) for _ in range(6)])
    counts = []
    for checkout in (small, big):
        with count_queries() as q:
            data = gql(CHECKOUT, {"id": str(checkout.token)})
        assert data["data"]["checkout"]["token"] == str(checkout.token)
        counts.append(len(q))
    assert counts[0] == counts[1]
    assert counts[1] <= 4


# --- with the real payments service ----------------------------------------------------------


def test_pay_with_the_test_gateway_then_complete_and_cancel_with_a_refund(settings):
    from shop.orders.services import vendor_order_cancel
    from shop.payments import services as payments

    settings.PAYMENT_GATEWAYS = "test,invoice"
    settings.STRIPE_SECRET_KEY = ""
    user = UserFactory()
    checkout = ready_checkout([(sellable(price=15_000, stock=3), 2)], user=user)
    declined = payments.transaction_initialize(
        checkout_or_order=checkout,
        gateway_id="nuri.payments.test",
        data={"cardNumber": "4000000000000002"},
    )
    assert declined.status == "failed"
    with pytest.raises(DomainError) as exc:
        services.checkout_complete(checkout=checkout, user=user)
    assert exc.value.code == "CHECKOUT_NOT_FULLY_PAID"

    payments.transaction_initialize(
        checkout_or_order=checkout,
        gateway_id="nuri.payments.test",
        data={"cardNumber": "4242424242424242"},
    )
    order = services.checkout_complete(checkout=checkout, user=user)
    assert (order.total, order.total_charged, order.charge_status, order.gateway) == (
        33_000,  # 2 × 15,000 + 3,000 delivery
        33_000,
        "full",
        "test",
    )
    vendor_order = order.vendor_orders.get()
    vendor_order_cancel(vendor_order=vendor_order, actor=user, reason="마음이 바뀜")
    order.refresh_from_db()
    assert (order.total_refunded, order.charge_status, order.status) == (
        33_000,
        "refunded",
        "canceled",
    )
    assert Transaction.objects.get(status="charged").refunded == 33_000
    refund_event = OrderEvent.objects.get(order=order, type="refunded")
    assert refund_event.data["actor_role"] == "buyer"
    assert refund_event.data["cancel"] is True
