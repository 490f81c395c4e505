"""The bundle builder in a real browser, on a phone-sized screen: build, swap, buy.

A citizen opens /bundles/builder/ on a 390 px wide screen, asks for 30 people at ₩7,000
each without nuts, sees the proposal (no nut product, per-person cost, vendors, servings),
opens an item's alternatives and swaps it, puts the bundle in the cart, checks out with a
Korean address and the test card 4242 4242 4242 4242, and lands on the order page with one
shipment per vendor of the bundle. Screenshots are left in /tmp.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, include, path
from playwright.sync_api import expect

from bundles import builder
from shop.orders.models import Order, OrderLine
from tests.factories import CertificationFactory, OrganizationFactory, VendorFactory
from tests.factories.catalog import ProductFactory, VariantFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]

SCREENSHOTS = "/tmp"
MOBILE = {"width": 390, "height": 844}
NUT_PRODUCTS = {"땅콩버터 쿠키 3팩", "호두 파운드케이크", "잣 강정", "하루견과 30봉"}


def _urlpatterns():
    from config import urls as root

    patterns = list(root.urlpatterns)
    namespaces = {p.namespace for p in patterns if isinstance(p, URLResolver)}
    if "bundles" not in namespaces:
        patterns.insert(0, path("bundles/", include("bundles.urls")))
    if "bundle_builder" not in namespaces:
        patterns.insert(0, path("bundles/builder/", include("bundles.builder_urls")))
    return patterns


urlpatterns = _urlpatterns()


def _vendor(name, slug, org_type):
    org = OrganizationFactory(name=name, org_type=org_type)
    CertificationFactory(organization=org, kind=org_type)
    return VendorFactory(
        organization=org, store_name=name, slug=slug, shipping_base_fee=3_000,
        shipping_free_over=50_000,
    )  # fmt: skip


def _item(vendor, name, kind, price, servings, allergens=(), dietary=()):
    product = ProductFactory(
        vendor=vendor, name=name, kind=kind, allergens=list(allergens), dietary_tags=list(dietary)
    )
    return VariantFactory(product=product, price=price, servings=servings, stock=50)


@pytest.fixture
def market():
    builder.pool_clear()
    sunny = _vendor("햇살베이커리", "sunny", "social_enterprise")
    dure = _vendor("두레떡방앗간", "dure", "village_enterprise")
    neulbom = _vendor("늘봄쌀과자 협동조합", "neulbom", "coop")
    ieum = _vendor("이음커피", "ieum", "self_sufficiency")
    chorok = _vendor("초록찻집", "chorok", "prelim_regional")
    _item(sunny, "우리밀 버터쿠키 3팩", "food", 8_400, 6, ["wheat", "egg", "milk"])
    _item(sunny, "땅콩버터 쿠키 3팩", "food", 7_800, 6, ["peanut", "wheat"])
    _item(sunny, "호두 파운드케이크", "food", 12_000, 8, ["walnut", "wheat", "egg"])
    _item(sunny, "통밀 크래커", "food", 9_600, 8, ["wheat"])
    _item(dure, "쑥 인절미 3팩", "food", 11_200, 9, ["soybean"], ["vegan"])
    _item(dure, "흑임자 인절미 3팩", "food", 11_700, 9, ["soybean"], ["vegan"])
    _item(dure, "잣 강정", "food", 9_000, 6, ["pine_nut"])
    _item(neulbom, "현미 쌀과자 12봉 박스", "food", 25_200, 12, (), ["gluten_free", "vegan"])
    _item(neulbom, "하루견과 30봉", "food", 24_000, 30, ["peanut", "walnut"])
    _item(ieum, "공정무역 드립백 커피 30개입", "drink", 24_300, 30, (), ["vegan"])
    _item(ieum, "디카페인 드립백 10개입", "drink", 9_000, 10, (), ["vegan", "caffeine_free"])
    _item(chorok, "보성 녹차 티백 20개입", "drink", 6_000, 20, (), ["vegan"])
    _item(chorok, "유자차 티백 20개입", "drink", 7_000, 20, (), ["vegan", "caffeine_free"])
    _item(chorok, "NFC 사과주스 10포", "drink", 14_400, 10, (), ["vegan", "caffeine_free"])
    yield
    builder.pool_clear()


def _won(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text))


def test_build_swap_and_buy_on_a_phone(new_page, market):
    page = new_page()
    page.set_viewport_size(MOBILE)
    page.goto("/bundles/builder/")
    expect(page.locator("h1")).to_have_text("다과꾸러미 만들기")

    # 1. The request: 30 people, ₩7,000 each, no nuts.
    page.fill("#id_headcount", "30")
    page.fill("#id_budget", "7000")
    page.locator("#allergens label", has_text="견과류").click()
    page.screenshot(path=f"{SCREENSHOTS}/nuri-builder-form-mobile.png", full_page=True)
    page.get_by_role("button", name="꾸러미 제안받기").click()

    # 2. The proposal: no nuts, within budget, servings for everyone, two vendors or more.
    items = page.locator("#proposal-items > li")
    expect(items.first).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("꾸러미를 제안했습니다")
    names = [n.strip() for n in page.locator("#proposal-items .bb-name").all_inner_texts()]
    assert names
    assert not NUT_PRODUCTS & set(names)
    assert _won(page.locator("#proposal-total").inner_text()) <= 210_000
    assert int(page.locator("#food-servings").inner_text().split("인분")[0]) >= 30
    assert int(page.locator("#drink-servings").inner_text().split("잔")[0]) >= 30
    expect(page.locator("#proposal-vendors")).to_contain_text("판매처")
    assert page.locator("#proposal-vendors .bb-vendor").count() >= 2
    expect(items.first.locator(".bb-reason")).to_contain_text("1")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-builder-proposal-mobile.png", full_page=True)

    # 3. Swap the first item for its first alternative.
    first = items.first
    old_name = first.locator(".bb-name").inner_text().strip()
    first.get_by_role("link", name="바꾸기").click()
    alternatives = page.locator("#alternatives .bb-alt")
    expect(alternatives.first).to_be_visible()
    new_name = alternatives.first.locator(".alt-name").inner_text().strip()
    assert new_name not in NUT_PRODUCTS
    page.screenshot(path=f"{SCREENSHOTS}/nuri-builder-swap-mobile.png", full_page=True)
    alternatives.first.get_by_role("button", name="이걸로 바꾸기").click()
    expect(page.locator(".messages")).to_contain_text(f"'{old_name}'을(를) '{new_name}'")
    expect(page.locator("#item-0 .bb-name")).to_have_text(new_name)
    names = [n.strip() for n in page.locator("#proposal-items .bb-name").all_inner_texts()]
    assert old_name not in names

    # 4. Into the cart, then checkout with the test card.
    page.get_by_role("button", name="장바구니에 담기").click()
    expect(page).to_have_url(re.compile(r"/cart/$"))
    expect(page.locator(".messages")).to_contain_text("장바구니에 담았습니다")
    for name in names:
        expect(page.locator("body")).to_contain_text(name)
    groups = page.locator("section.vgroup").count()
    assert groups >= 2
    page.get_by_role("link", name="주문하기").click()
    expect(page.locator("h1")).to_have_text("주문서 작성")
    page.fill("#id_email", "buyer@example.kr")
    page.fill("#id_recipient_name", "김누리")
    page.fill("#id_phone", "010-1234-5678")
    page.fill("#id_postcode", "03900")
    page.fill("#id_road_address", "서울특별시 마포구 월드컵북로 400")
    page.fill("#id_detail_address", "5층 회의실")
    page.fill("#id_card_number", "4242424242424242")
    page.get_by_role("button", name=re.compile("결제하기")).click()

    # 5. The order page: one shipment per vendor, paid.
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]{36}/$"))
    order = Order.objects.get()
    expect(page.locator("h1")).to_have_text(f"주문 {order.number}")
    expect(page.locator(".messages")).to_contain_text("주문이 접수되었습니다")
    expect(page.locator("section.shipment")).to_have_count(groups)
    page.screenshot(path=f"{SCREENSHOTS}/nuri-builder-order-mobile.png", full_page=True)
    assert order.total_charged == order.total
    ordered = set(
        OrderLine.objects.filter(vendor_order__order=order).values_list("product_name", flat=True)
    )
    assert ordered == set(names)
    assert not NUT_PRODUCTS & ordered
