"""Cart and checkout pages: one cart across vendors kept in the session, delivery fee per
vendor with the free-delivery hint, VAT split, Korean field errors from the services, the test
gateway (approve, decline, 3-D Secure), stock problems shown before paying, anonymous buyers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shop.catalog.models import Stock
from shop.checkout.models import Checkout
from shop.checkout.services import CHECKOUT_SESSION_KEY
from shop.orders.models import Order
from shop.payments.models import Transaction
from shop.storefront.cart import CART_COUNT_KEY
from tests.factories import UserFactory, VendorFactory
from tests.factories.orders import sellable

pytestmark = pytest.mark.django_db

CART = "/cart/"
CHECKOUT = "/checkout/"
ADDRESS = {
    "email": "guest@example.kr",
    "recipient_name": "김누리",
    "phone": "010-1234-5678",
    "postcode": "03900",
    "road_address": "서울특별시 마포구 월드컵북로 400",
    "detail_address": "5층",
    "delivery_method": "standard",
    "card_number": "4242 4242 4242 4242",
}


class Two:
    """Two vendors: a bakery (₩3,000 delivery, free from ₩30,000) and a farm (free from
    ₩20,000) selling exempt rice."""

    def __init__(self):
        self.bakery = VendorFactory(
            store_name="햇살베이커리", shipping_base_fee=3_000, shipping_free_over=30_000
        )
        self.farm = VendorFactory(
            store_name="들녘농장", shipping_base_fee=4_000, shipping_free_over=20_000
        )
        self.cookie = sellable(vendor=self.bakery, price=10_000, stock=10, name="우리밀 쿠키")
        self.rice = sellable(
            vendor=self.farm, price=12_000, stock=5, name="유기농 현미", tax_type="exempt"
        )


@pytest.fixture
def two():
    return Two()


def add(client, variant, quantity=1, **extra):
    return client.post(
        "/cart/add/", {"variant": variant.pk, "quantity": quantity, **extra}, follow=False
    )


def html(resp) -> str:
    return resp.content.decode()


def text(resp) -> str:
    """The page's text without tags and with single spaces (for phrases across elements)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html(resp)).split())


# --- the cart ---------------------------------------------------------------------------------


def test_the_product_page_posts_to_the_cart(client, two):
    page = html(client.get(reverse("storefront:product_detail", args=[two.cookie.product.slug])))
    assert f'action="{reverse("storefront:cart_add")}"' in page
    assert f'name="variant" value="{two.cookie.pk}"' in page
    assert "장바구니 담기" in page
    assert "disabled" not in page.split('id="add-to-cart"')[1].split("</form>")[0]


def test_a_sold_out_product_cannot_be_added(client):
    variant = sellable(stock=0, name="품절 과자")
    page = html(client.get(reverse("storefront:product_detail", args=[variant.product.slug])))
    assert 'id="add-to-cart"' not in page
    resp = add(client, variant)
    assert resp.status_code == 302
    msgs = text(client.get(CART))
    assert "재고가 부족합니다" in msgs
    assert "장바구니가 비어 있습니다" in msgs


def test_cart_groups_lines_by_vendor_with_fees_hint_and_vat(client, two):
    assert add(client, two.cookie, next="/products/x/").url == "/products/x/"
    add(client, two.rice, 2)
    resp = client.get(CART)
    assert resp.status_code == 200
    page = text(resp)
    # One group per vendor, each with its delivery fee.
    assert html(resp).count('class="vgroup"') == 2
    assert "햇살베이커리" in page
    assert "들녘농장" in page
    assert "배송비 ₩3,000" in page
    assert "₩20,000 더 담으면 무료 배송" in page  # 30,000 - 10,000
    assert "상품 ₩24,000 + 배송비 ₩0 = ₩24,000" in page  # the farm's is free
    # Totals: 10,000 + 24,000 + 3,000 delivery; VAT only on the cookie and the delivery.
    assert "상품 금액 ₩34,000" in page
    assert "배송비 ₩3,000" in page
    assert "총 결제 금액 ₩37,000" in page
    tax = 10_000 // 11 + 3_000 // 11
    assert f"부가세 포함 ₩{tax:,} (공급가액 ₩{37_000 - tax:,})" in page
    # The header shows the number of lines, from the session.
    assert client.session[CART_COUNT_KEY]["lines"] == 2
    assert re.search(r'class="cart-count">2<', html(resp))


def test_the_header_count_needs_no_query_and_ignores_a_stale_count(client, two, count_queries):
    add(client, two.cookie)
    with count_queries() as with_count:
        home = html(client.get("/"))
    assert re.search(r'class="cart-count">1<', home)
    session = client.session
    session[CART_COUNT_KEY] = {"token": "someone-else", "lines": 9}
    session.save()
    with count_queries() as stale:
        home = html(client.get("/"))
    assert 'class="cart-count"' not in home
    assert len(with_count) == len(stale)  # the count is read from the session, not the cart
    assert not any("checkout" in q["sql"] for q in with_count.captured_queries)


def test_quantity_update_and_removal(client, two):
    add(client, two.cookie)
    add(client, two.rice)
    checkout = Checkout.objects.get()
    line = checkout.lines.get(variant=two.cookie)
    client.post(f"/cart/lines/{line.pk}/", {"quantity": 3})
    line.refresh_from_db()
    assert line.quantity == 3
    assert "수량을 3개로 바꿨습니다" in text(client.get(CART))

    # More than is in stock: the services' message, the quantity unchanged.
    client.post(f"/cart/lines/{line.pk}/", {"quantity": 11})
    line.refresh_from_db()
    assert line.quantity == 3
    assert "재고가 부족합니다 (주문 가능 수량 10개)" in text(client.get(CART))

    client.post(f"/cart/lines/{line.pk}/delete/")
    assert not checkout.lines.filter(variant=two.cookie).exists()
    rice_line = checkout.lines.get()
    client.post(f"/cart/lines/{rice_line.pk}/", {"quantity": 0})
    page = text(client.get(CART))
    assert "장바구니가 비어 있습니다" in page
    assert client.session[CART_COUNT_KEY]["lines"] == 0


def test_another_session_cannot_touch_the_cart(client, two):
    from django.test import Client

    add(client, two.cookie)
    line = Checkout.objects.get().lines.get()
    other = Client()
    assert "장바구니가 비어 있습니다" in text(other.get(CART))
    assert other.post(f"/cart/lines/{line.pk}/", {"quantity": 5}).status_code == 404
    assert other.post(f"/cart/lines/{line.pk}/delete/").status_code == 404
    line.refresh_from_db()
    assert line.quantity == 1


def test_a_cart_line_that_cannot_be_ordered_is_flagged(client, two):
    add(client, two.rice, 3)
    Stock.objects.filter(variant=two.rice).update(allocated=4)  # one left
    page = text(client.get(CART))
    assert "재고가 부족합니다 (주문 가능 수량 1개)" in page
    assert "주문할 수 없는 상품이 있습니다" in page


def test_the_cart_page_runs_a_fixed_number_of_queries(client, count_queries):
    variants = [sellable(name=f"상품{i}") for i in range(6)]
    add(client, variants[0])
    add(client, variants[1])
    client.get(CART)
    with count_queries() as few:
        client.get(CART)
    for v in variants[2:]:
        add(client, v)
    client.get(CART)
    with count_queries() as many:
        client.get(CART)
    assert len(few) == len(many), [q["sql"] for q in many.captured_queries]


def test_a_signed_in_buyer_keeps_the_cart_and_sees_the_email_prefilled(client, two):
    add(client, two.cookie)  # anonymous first
    buyer = UserFactory(email="citizen@example.kr", name="박시민")
    client.post("/accounts/login/", {"username": buyer.email, "password": "pw-12345678"})
    checkout = Checkout.objects.get()
    assert checkout.user == buyer  # joined at sign-in
    page = html(client.get(CHECKOUT))
    assert 'value="citizen@example.kr"' in page
    assert 'value="박시민"' in page


# --- checkout -------------------------------------------------------------------------------


def test_an_anonymous_buyer_pays_and_lands_on_the_order(client, two):
    add(client, two.cookie)
    add(client, two.rice, 2)
    page = text(client.get(CHECKOUT))
    assert "₩37,000 결제하기" in page
    assert "받는 분" in page
    assert "우편번호" in page
    assert "도로명 주소" in page
    resp = client.post(CHECKOUT, ADDRESS)
    order = Order.objects.get()
    assert resp.status_code == 302
    assert resp.url == reverse("storefront:order_detail", args=[order.token])
    assert order.user is None
    assert order.total == 37_000
    assert order.total_charged == 37_000
    assert order.vendor_orders.count() == 2
    assert order.phone == "010-1234-5678"
    assert order.email == "guest@example.kr"
    assert not Checkout.objects.exists()
    assert CHECKOUT_SESSION_KEY not in client.session
    assert CART_COUNT_KEY not in client.session
    detail = text(client.get(resp.url))
    assert order.number in detail
    # Sending the form again lands on the same order (no second payment).
    again = client.post(CHECKOUT, ADDRESS)
    assert again.status_code == 302
    assert again.url == resp.url
    assert client.get(CHECKOUT).url == CART  # but a new visit finds an empty cart
    assert Order.objects.count() == 1
    assert Transaction.objects.count() == 1


def test_address_errors_are_shown_next_to_the_fields_in_korean(client, two):
    add(client, two.cookie)
    data = {**ADDRESS, "phone": "12345", "postcode": "3900", "recipient_name": "", "email": "x@"}
    resp = client.post(CHECKOUT, data)
    assert resp.status_code == 400
    page = html(resp)
    assert "연락처 형식이 올바르지 않습니다 (예: 010-1234-5678)." in page
    assert "우편번호는 5자리 숫자입니다 (예: 03900)." in page
    assert "받는 분 이름을 입력하세요." in page
    assert "이메일 주소 형식이 올바르지 않습니다." in page
    assert page.count('class="f has-error"') == 4
    assert not Transaction.objects.exists()
    assert not Order.objects.exists()


def test_a_declined_card_keeps_the_cart(client, two):
    add(client, two.cookie, 2)
    resp = client.post(CHECKOUT, {**ADDRESS, "card_number": "4000000000000002"})
    assert resp.status_code == 400
    assert "결제하지 못했습니다: 카드가 거절되었습니다." in text(resp)
    assert "카드가 거절되었습니다. 다른 카드로 다시 시도해 주세요." in text(resp)
    assert not Order.objects.exists()
    checkout = Checkout.objects.get()
    assert checkout.lines.get().quantity == 2
    assert Transaction.objects.get().status == "failed"
    # The details stay filled in; another card goes through.
    assert 'value="010-1234-5678"' in html(resp)
    resp = client.post(CHECKOUT, ADDRESS)
    assert resp.status_code == 302
    assert Order.objects.get().total == 23_000


def test_an_invalid_card_number_is_a_field_error(client, two):
    add(client, two.cookie)
    resp = client.post(CHECKOUT, {**ADDRESS, "card_number": "1234"})
    assert resp.status_code == 400
    assert "유효하지 않은 카드 번호입니다." in html(resp)
    resp = client.post(CHECKOUT, {**ADDRESS, "card_number": ""})
    assert "카드 번호를 입력하세요." in html(resp)
    assert not Transaction.objects.exists()


def test_insufficient_stock_is_shown_before_paying(client, two):
    add(client, two.rice, 3)
    Stock.objects.filter(variant=two.rice).update(allocated=3)  # someone bought 3 of 5
    resp = client.post(CHECKOUT, ADDRESS)
    assert resp.status_code == 400
    page = text(resp)
    assert "재고가 부족하거나 판매하지 않는 상품이 있습니다" in page
    assert "재고가 부족합니다 (주문 가능 수량 2개)" in page
    assert "장바구니에서 수량 고치기" in page
    assert not Transaction.objects.exists()
    assert not Order.objects.exists()


def test_a_card_that_needs_authentication(client, two):
    add(client, two.cookie)
    resp = client.post(CHECKOUT, {**ADDRESS, "card_number": "4000000000003220"})
    assert resp.status_code == 200
    assert "카드사 본인 인증" in text(resp)
    tx = Transaction.objects.get()
    assert tx.status == "action_required"
    resp = client.post("/checkout/authenticate/", {"transaction": tx.token, "result": "fail"})
    assert resp.url == CHECKOUT
    assert not Order.objects.exists()
    resp = client.post(CHECKOUT, {**ADDRESS, "card_number": "4000000000003220"})
    tx = Transaction.objects.filter(status="action_required").get()
    resp = client.post("/checkout/authenticate/", {"transaction": tx.token, "result": "approve"})
    order = Order.objects.get()
    assert resp.url == reverse("storefront:order_detail", args=[order.token])
    assert order.total_charged == order.total


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client):
    resp = client.get(CHECKOUT)
    assert resp.status_code == 302
    assert resp.url == CART
