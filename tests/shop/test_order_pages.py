"""Buyer order pages: the list (signed-in), the detail by token with one shipment per vendor
(lines, delivery fee, status, carrier and tracking number), totals with the VAT split,
cancelling before shipment, withdrawal within 7 days of delivery, and who may see what."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shop.orders import services
from shop.orders.models import Order, ReturnRequest, VendorOrder
from tests.factories import StaffFactory, UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.orders import place_order, sellable

pytestmark = pytest.mark.django_db


def text(resp) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", resp.content.decode()).split())


def detail_url(order: Order) -> str:
    return reverse("storefront:order_detail", args=[order.token])


class ThreeVendors:
    """A signed-in buyer's paid order from three vendors."""

    def __init__(self, buyer=None):
        self.buyer = buyer or UserFactory()
        self.vendors = [
            VendorFactory(store_name="햇살베이커리", shipping_base_fee=3_000),
            VendorFactory(store_name="들녘농장", shipping_base_fee=4_000),
            VendorFactory(store_name="맑은비누", shipping_base_fee=2_500),
        ]
        self.staff = [VendorStaffFactory(vendor=v).user for v in self.vendors]
        self.variants = [
            sellable(vendor=self.vendors[0], price=10_000, name="우리밀 쿠키"),
            sellable(vendor=self.vendors[1], price=20_000, name="유기농 현미", tax_type="exempt"),
            sellable(vendor=self.vendors[2], price=8_000, name="올리브 비누"),
        ]
        self.order = place_order([(v, 1) for v in self.variants], user=self.buyer)

    def vo(self, i: int) -> VendorOrder:
        return self.order.vendor_orders.get(vendor=self.vendors[i])


@pytest.fixture
def three():
    return ThreeVendors()


def test_the_order_page_shows_one_shipment_per_vendor(client, three):
    client.force_login(three.buyer)
    resp = client.get(detail_url(three.order))
    assert resp.status_code == 200
    page = text(resp)
    assert f"주문 {three.order.number}" in page
    assert resp.content.decode().count('class="vgroup shipment"') == 3
    for name in (
        "햇살베이커리",
        "들녘농장",
        "맑은비누",
        "우리밀 쿠키",
        "유기농 현미",
        "올리브 비누",
    ):
        assert name in page
    assert "상품 ₩10,000 + 배송비 ₩3,000 = ₩13,000" in page
    assert "상품 ₩20,000 + 배송비 ₩4,000 = ₩24,000" in page
    assert page.count("배송 준비") >= 3
    order = three.order
    assert f"총 결제 금액 {'₩'}{order.total:,}" in page
    assert f"부가세 포함 ₩{order.tax_total:,} (공급가액 ₩{order.total - order.tax_total:,})" in page
    # supply + tax reconcile; the exempt rice carries no tax
    expected_tax = 10_000 // 11 + 8_000 // 11 + 3_000 // 11 + 4_000 // 11 + 2_500 // 11
    assert order.tax_total == expected_tax
    assert "주문 전체 취소" in page


def test_tracking_number_and_status_after_shipment(client, three):
    services.vendor_order_ship(
        vendor_order=three.vo(1),
        actor=three.staff[1],
        carrier="우체국택배",
        tracking_number="6070-1234-5678",
    )
    client.force_login(three.buyer)
    page = text(client.get(detail_url(three.order)))
    assert "우체국택배 6070-1234-5678" in page
    assert "일부 발송" in page  # the order's status
    assert "주문 전체 취소" not in page  # something shipped
    assert page.count("이 판매처 상품만 취소") == 2  # the two unshipped ones


def test_the_buyer_cancels_the_whole_order_before_shipment(client, three):
    client.force_login(three.buyer)
    resp = client.post(reverse("storefront:order_cancel", args=[three.order.token]))
    assert resp.status_code == 302
    three.order.refresh_from_db()
    assert three.order.status == "canceled"
    assert three.order.total_refunded == three.order.total
    page = text(client.get(resp.url))
    assert "주문을 취소했습니다" in page
    assert "주문 전체 취소" not in page


def test_cancelling_after_shipment_is_refused_with_a_message(client, three):
    services.vendor_order_ship(
        vendor_order=three.vo(0), actor=three.staff[0], carrier="CJ대한통운", tracking_number="1"
    )
    client.force_login(three.buyer)
    resp = client.post(reverse("storefront:order_cancel", args=[three.order.token]), follow=True)
    assert "주문 전체를 취소할 수 없습니다" in text(resp)
    three.order.refresh_from_db()
    assert three.order.status == "partially_fulfilled"
    # One unshipped vendor's part can still be cancelled.
    vo = three.vo(1)
    resp = client.post(
        reverse("storefront:shipment_cancel", args=[three.order.token, vo.number]), follow=True
    )
    assert "들녘농장 주문을 취소했습니다" in text(resp)
    vo.refresh_from_db()
    assert vo.status == "canceled"
    assert vo.refunded == vo.total
    # The shipped one cannot.
    resp = client.post(
        reverse("storefront:shipment_cancel", args=[three.order.token, three.vo(0).number]),
        follow=True,
    )
    assert "발송 전에만 취소할 수 있습니다" in text(resp)


def test_withdrawal_within_7_days_of_delivery(client, three):
    vo = three.vo(2)
    services.vendor_order_ship(
        vendor_order=vo, actor=three.staff[2], carrier="한진택배", tracking_number="555"
    )
    services.vendor_order_deliver(vendor_order=vo, actor=three.staff[2])
    client.force_login(three.buyer)
    page = text(client.get(detail_url(three.order)))
    assert "청약철회(반품) 요청" in page
    url = reverse("storefront:shipment_withdraw", args=[three.order.token, vo.number])
    resp = client.post(url, {"reason": ""}, follow=True)
    assert "청약철회 사유를 입력하세요." in text(resp)
    resp = client.post(url, {"reason": "포장이 뜯겨 왔어요"}, follow=True)
    assert "맑은비누에 청약철회(반품)를 요청했습니다" in text(resp)
    request = ReturnRequest.objects.get()
    assert request.vendor_order == vo
    assert request.requested_by == three.buyer
    page = text(client.get(detail_url(three.order)))
    assert "포장이 뜯겨 왔어요" in page
    assert "요청" in page


def test_no_withdrawal_after_7_days(client, three):
    vo = three.vo(2)
    services.vendor_order_ship(
        vendor_order=vo, actor=three.staff[2], carrier="한진택배", tracking_number="555"
    )
    services.vendor_order_deliver(vendor_order=vo, actor=three.staff[2])
    VendorOrder.objects.filter(pk=vo.pk).update(delivered_at=timezone.now() - dt.timedelta(days=9))
    client.force_login(three.buyer)
    assert "반품 요청하기" not in text(client.get(detail_url(three.order)))
    url = reverse("storefront:shipment_withdraw", args=[three.order.token, vo.number])
    resp = client.post(url, {"reason": "늦었지만"}, follow=True)
    assert "청약철회 기간(7일" in text(resp)
    assert not ReturnRequest.objects.exists()


# --- who sees what ----------------------------------------------------------------------------


def test_buyer_a_cannot_see_buyer_b_order(client, three):
    other = UserFactory()
    client.force_login(other)
    url = detail_url(three.order)
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("storefront:order_cancel", args=[three.order.token])).status_code == 404
    )
    vo = three.vo(0)
    for name in ("storefront:shipment_cancel", "storefront:shipment_withdraw"):
        assert client.post(reverse(name, args=[three.order.token, vo.number])).status_code == 404
    three.order.refresh_from_db()
    assert three.order.status == "unfulfilled"
    assert three.order.number not in text(client.get("/orders/"))


def test_signed_out_visitors_are_asked_to_sign_in_for_an_account_order(client, three):
    resp = client.get(detail_url(three.order))
    assert resp.status_code == 302
    assert resp.url.startswith(reverse("accounts:login"))
    assert client.get("/orders/").status_code == 302


def test_centre_staff_see_any_order(client, three):
    client.force_login(StaffFactory())
    assert client.get(detail_url(three.order)).status_code == 200


def test_a_guest_order_is_reached_by_its_token_only(client):
    variant = sellable(name="유기농 두부")
    order = place_order([(variant, 2)])
    assert order.user is None
    page = text(Client().get(detail_url(order)))
    assert order.number in page
    assert "유기농 두부" in page
    assert "회원이 아닌 주문입니다" in page
    assert client.get(reverse("storefront:order_detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get(f"/orders/{order.number}/").status_code == 404
    # The guest cancels with the token.
    resp = client.post(reverse("storefront:order_cancel", args=[order.token]))
    assert resp.status_code == 302
    order.refresh_from_db()
    assert order.status == "canceled"


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_the_buyers_orders_newest_first(client, three):
    later = place_order([(three.variants[0], 1)], user=three.buyer)
    place_order([(three.variants[0], 1)], user=UserFactory())  # someone else's
    client.force_login(three.buyer)
    resp = client.get("/orders/")
    page = text(resp)
    assert page.index(later.number) < page.index(three.order.number)
    assert "2건" in page
    assert "판매처 3곳" in page
    assert Order.objects.count() == 3


def _orders(buyer, n: int):
    vendors = [VendorFactory() for _ in range(2)]
    variants = [sellable(vendor=v, stock=1000) for v in vendors]
    for _ in range(n):
        place_order([(variants[0], 1), (variants[1], 2)], user=buyer)


def test_the_list_runs_a_fixed_number_of_queries(client, count_queries):
    few_buyer, many_buyer = UserFactory(), UserFactory()
    _orders(few_buyer, 3)
    _orders(many_buyer, 20)
    counts = []
    for buyer in (few_buyer, many_buyer):
        client.force_login(buyer)
        client.get("/orders/")
        with count_queries() as q:
            resp = client.get("/orders/")
        assert resp.status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1]
