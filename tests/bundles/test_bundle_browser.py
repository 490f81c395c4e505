"""A bundle bought on a phone, in a real browser (headless Chromium, 390×844).

The buyer opens 다과꾸러미, picks the three-vendor bundle (its page shows the components per
vendor, each vendor's share and how many can be ordered), puts two in the cart (one bundle
control above three vendor groups, the components under the bundle's name, the discount in
the totals), pays with the test card and lands on one order with three shipments.
Screenshots of the bundle page and the cart are left in /tmp.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shop.catalog.models import Stock
from shop.orders.models import Order
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    new_page,  # noqa: F401 - pages on the live server
)
from tests.factories import VendorFactory
from tests.factories.bundles import make_bundle
from tests.factories.orders import sellable

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.bundles.urls"),
]

MOBILE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only (closed before ``tests/e2e`` opens its own: one sync
    Playwright per thread at a time)."""
    import os

    from playwright.sync_api import Error, sync_playwright

    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (install Debian's `chromium` package)"
        if os.environ.get("NURI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}; NURI_REQUIRE_BROWSER=1 makes this an error.")
        pytest.skip(reason)
    try:
        pw = sync_playwright().start()
    except Error as exc:  # tests/e2e's session browser is still open in this process
        pytest.skip(f"another Playwright session is open here; run this file on its own ({exc})")
    chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def bundle():
    a = VendorFactory(store_name="떡집 협동조합", slug="tteok")
    b = VendorFactory(store_name="공정무역 카페", slug="cafe")
    c = VendorFactory(store_name="마을 과일가게", slug="fruit")
    tteok = sellable(price=18_000, stock=20, vendor=a, name="모둠 떡")
    coffee = sellable(price=2_500, stock=100, vendor=b, name="드립커피")
    fruit = sellable(price=9_000, stock=10, vendor=c, name="과일 도시락", tax_type="exempt")
    return make_bundle(
        [(tteok, 2), (coffee, 10), (fruit, 2)],
        name="행사 다과 꾸러미",
        slug="event-snacks",
        occasion="event",
        serves=20,
        price_rule="sum_discount",
        discount_percent=10,
    )


def test_buy_a_bundle_on_a_phone(new_page, bundle):  # noqa: F811
    page = new_page()
    page.set_viewport_size(MOBILE)
    page.goto("/bundles/")
    page.get_by_role("link", name="행사 다과 꾸러미").first.click()
    expect(page).to_have_url(re.compile(r"/bundles/event-snacks/$"))
    expect(page.locator("#bundle-availability")).to_contain_text("지금 5개 주문 가능")
    for store in ("떡집 협동조합", "공정무역 카페", "마을 과일가게"):
        expect(page.locator("section.bd-vendor", has_text=store)).to_contain_text("이 판매처 몫")
    # Usable on a phone: nothing wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"] + 1, width
    page.screenshot(path="/tmp/nuri-bundle-page-mobile.png", full_page=True)

    page.fill("#bundle-qty", "2")
    page.get_by_role("button", name="장바구니 담기").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator(".bundles-box")).to_contain_text("행사 다과 꾸러미")
    expect(page.locator("section.vgroup[data-vendor]")).to_have_count(3)
    expect(page.locator("li.bsub")).to_have_count(3)
    expect(page.locator("#bundle-discount")).to_have_text("-₩15,800")
    page.screenshot(path="/tmp/nuri-bundle-cart-mobile.png", full_page=True)

    page.get_by_role("link", name="주문하기").click()
    page.fill("input[name=email]", "office@example.kr")
    page.fill("input[name=recipient_name]", "김누리")
    page.fill("input[name=phone]", "010-1234-5678")
    page.fill("input[name=postcode]", "03900")
    page.fill("input[name=road_address]", "서울특별시 마포구 월드컵북로 400")
    page.fill("input[name=card_number]", "4242 4242 4242 4242")
    page.get_by_role("button", name=re.compile("결제하기")).click()
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]+/$"))

    order = Order.objects.get()
    assert order.vendor_orders.count() == 3
    assert order.discount_total == 15_800
    assert order.total_charged == order.total
    assert Stock.objects.get(variant__product__name="과일 도시락").allocated == 4
