"""A citizen's purchase from three vendors in a real browser, then each vendor's view of it.

The citizen searches "유기농" in the header, opens each vendor's product and adds it to the
cart, sees three vendor groups in the cart, checks out with a Korean address and the test
card 4242 4242 4242 4242, and lands on one order with three shipments. Each vendor's staff
then sign in at /vendor/ and see their own line of that order, and none of the others'.
Screenshots of the cart and the order page (desktop and mobile) are left in /tmp.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shop.orders.models import Order
from shop.search.registry import get_backend
from tests.factories import UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.orders import sellable

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp"
PASSWORD = "pw-12345678"
MOBILE = {"width": 390, "height": 844}

SELLERS = [
    # (store, slug, product, price, tax type)
    ("햇살베이커리", "sunny-bakery", "유기농 우리밀 식빵", 6_500, "taxable"),
    ("들녘농장", "field-farm", "유기농 현미 4kg", 24_000, "exempt"),
    ("맑은비누 협동조합", "clear-soap", "유기농 올리브 비누", 9_000, "taxable"),
]


@pytest.fixture
def market():
    vendors = []
    for store, slug, product, price, tax_type in SELLERS:
        vendor = VendorFactory(
            store_name=store, slug=slug, shipping_base_fee=3_000, shipping_free_over=30_000
        )
        staff = VendorStaffFactory(
            vendor=vendor, user=UserFactory(email=f"staff@{slug}.kr", name=f"{store} 담당")
        ).user
        sellable(vendor=vendor, price=price, stock=20, name=product, tax_type=tax_type)
        vendors.append((vendor, staff, product))
    sellable(name="우리밀 쿠키", price=5_000)  # does not match the search
    get_backend().rebuild()
    return vendors


def _search(page, word: str) -> None:
    box = page.locator("header.site input[name=q]")
    box.fill(word)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))


def test_search_add_three_vendors_pay_and_each_vendor_sees_its_line(new_page, market):
    page = new_page()
    page.goto("/")

    # 1. Search in the header and add each vendor's product from its page.
    for _vendor, _staff, product in market:
        _search(page, "유기농")
        for _v, _s, name in market:
            expect(page.locator("a.pname", has_text=name)).to_be_visible()
        expect(page.locator("a.pname", has_text="우리밀 쿠키")).to_have_count(0)
        page.locator("a.pname", has_text=product).click()
        expect(page.locator("h1")).to_have_text(product)
        page.get_by_role("button", name="장바구니 담기").click()
        expect(page.locator(".messages")).to_contain_text("장바구니에 담았습니다")
    expect(page.locator("header.site .cart-count")).to_have_text("3")

    # 2. The cart: three vendor groups, each with its delivery fee.
    page.locator("header.site a.cart-link").click()
    expect(page.locator("h1")).to_have_text("장바구니")
    groups = page.locator("section.vgroup")
    expect(groups).to_have_count(3)
    for vendor, _staff, product in market:
        group = page.locator(f"section.vgroup[data-vendor='{vendor.slug}']")
        expect(group).to_contain_text(vendor.store_name)
        expect(group).to_contain_text(product)
    expect(page.locator("#cart-summary")).to_contain_text("총 결제 금액")
    # 6,500 + 24,000 + 9,000 + 3 × 3,000 delivery
    expect(page.locator("#grand-total")).to_have_text("₩48,500")
    expect(page.locator("body")).to_contain_text("₩23,500 더 담으면 무료 배송")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-cart.png", full_page=True)
    page.set_viewport_size(MOBILE)
    page.screenshot(path=f"{SCREENSHOTS}/nuri-cart-mobile.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # 3. Checkout as a guest with a Korean address and the test card.
    page.get_by_role("link", name="주문하기").click()
    expect(page.locator("h1")).to_have_text("주문서 작성")
    page.fill("#id_email", "citizen@example.kr")
    page.fill("#id_recipient_name", "김시민")
    page.fill("#id_phone", "010-1234-5678")
    page.fill("#id_postcode", "03900")
    page.fill("#id_road_address", "서울특별시 마포구 월드컵북로 400")
    page.fill("#id_detail_address", "5층 501호")
    page.fill("#id_card_number", "4242 4242 4242 4242")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-checkout.png", full_page=True)
    page.get_by_role("button", name=re.compile("결제하기")).click()

    # 4. One order with three shipments.
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    order = Order.objects.get()
    expect(page.locator("h1")).to_have_text(f"주문 {order.number}")
    expect(page.locator(".messages")).to_contain_text("주문이 접수되었습니다")
    expect(page.locator("section.shipment")).to_have_count(3)
    for vendor, _staff, product in market:
        shipment = page.locator(f"section.shipment[data-vendor='{vendor.slug}']")
        expect(shipment).to_contain_text(product)
        expect(shipment).to_contain_text("배송 준비")
    expect(page.locator("#order-summary")).to_contain_text("₩48,500")
    expect(page.locator("#order-summary")).to_contain_text("공급가액")
    expect(page.locator("header.site .cart-count")).to_have_count(0)
    page.screenshot(path=f"{SCREENSHOTS}/nuri-order.png", full_page=True)
    page.set_viewport_size(MOBILE)
    page.screenshot(path=f"{SCREENSHOTS}/nuri-order-mobile.png", full_page=True)
    assert order.total == 48_500
    assert order.total_charged == 48_500
    assert order.vendor_orders.count() == 3

    # 5. Each vendor's staff see their own line only.
    for vendor, staff, product in market:
        vendor_page = new_page()
        vendor_page.goto("/accounts/login/?next=/vendor/")
        vendor_page.fill("#id_username", staff.email)
        vendor_page.fill("#id_password", PASSWORD)
        vendor_page.get_by_role("button", name="로그인").click()
        expect(vendor_page.locator(".dash-head h1")).to_contain_text(vendor.store_name)
        vendor_page.locator(".dash-nav").get_by_role("link", name="주문").click()
        vo = order.vendor_orders.get(vendor=vendor)
        vendor_page.get_by_role("link", name=vo.number).click()
        expect(vendor_page.locator("#vo-lines")).to_contain_text(product)
        body = vendor_page.locator("body")
        for other_vendor, _s, other_product in market:
            if other_vendor != vendor:
                expect(body).not_to_contain_text(other_product)
                expect(body).not_to_contain_text(other_vendor.store_name)
        expect(body).not_to_contain_text("₩48,500")
        if vendor.slug == "field-farm":
            vendor_page.screenshot(path=f"{SCREENSHOTS}/nuri-vendor-order.png", full_page=True)
