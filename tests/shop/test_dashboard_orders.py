"""Vendor dashboard order pages: a vendor sees and fulfils its own part of orders only.

The list filters by status and runs a fixed number of queries; the detail shows only that
vendor's lines (never another vendor's lines or the order's overall total); ship (carrier
and tracking number), deliver, cancel, partial refund and withdrawal decisions go through the
order services. Another vendor's staff get 404 on every page, signed-out visitors the login.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from shop.orders import services
from shop.orders.models import ReturnRequest, VendorOrder
from tests.factories import StaffFactory, UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.orders import place_order, sellable

pytestmark = pytest.mark.django_db


def text(resp) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", resp.content.decode()).split())


class Market:
    """Three vendors with a staff member each; a buyer's paid order from all three."""

    def __init__(self):
        self.buyer = UserFactory()
        self.vendors = [
            VendorFactory(store_name="햇살베이커리", slug="sunny", shipping_base_fee=3_000),
            VendorFactory(store_name="들녘농장", slug="field", shipping_base_fee=4_000),
            VendorFactory(store_name="맑은비누", slug="soap", shipping_base_fee=2_500),
        ]
        self.staff = [VendorStaffFactory(vendor=v).user for v in self.vendors]
        self.names = ["우리밀 쿠키", "유기농 현미", "올리브 비누"]
        self.variants = [
            sellable(vendor=v, price=p, name=n, stock=50)
            for v, p, n in zip(self.vendors, (10_000, 20_000, 8_000), self.names, strict=True)
        ]
        self.order = place_order([(v, 2) for v in self.variants], user=self.buyer)

    def vo(self, i: int) -> VendorOrder:
        return self.order.vendor_orders.get(vendor=self.vendors[i])

    def url(self, name: str, i: int = 0, *args) -> str:
        slug = self.vendors[i].slug
        if name == "order_list":
            return reverse("dashboard:order_list", args=[slug])
        return reverse(f"dashboard:{name}", args=[slug, self.vo(i).number, *args])


@pytest.fixture
def market():
    return Market()


def test_the_list_shows_this_vendors_orders_only(client, market):
    other = place_order([(market.variants[1], 1)], user=UserFactory())  # the farm only
    client.force_login(market.staff[0])
    page = text(client.get(market.url("order_list")))
    assert market.vo(0).number in page
    assert market.vo(1).number not in page
    assert other.vendor_orders.get().number not in page
    assert "우리밀 쿠키" in page
    assert "유기농 현미" not in page
    assert "배송 준비 1" in page  # the status tab with its count


def test_the_detail_shows_only_this_vendors_lines(client, market):
    client.force_login(market.staff[1])
    resp = client.get(market.url("order_detail", 1))
    assert resp.status_code == 200
    page = text(resp)
    vo = market.vo(1)
    assert "유기농 현미" in page
    assert "우리밀 쿠키" not in page
    assert "올리브 비누" not in page
    assert "햇살베이커리" not in page
    assert "맑은비누" not in page
    assert f"₩{vo.total:,}" in page
    assert f"₩{market.order.total:,}" not in page  # never the whole order's total
    assert market.order.recipient_name in page  # the address to ship to
    assert market.order.road_address in page
    for carrier in ("CJ대한통운", "롯데택배", "한진택배", "우체국택배", "로젠택배"):
        assert carrier in page


def test_the_dashboard_nav_links_to_orders(client, market):
    client.force_login(market.staff[0])
    page = client.get(reverse("dashboard:product_list", args=["sunny"])).content.decode()
    assert f'href="{market.url("order_list")}"' in page


ACTIONS = ["order_ship", "order_deliver", "order_cancel", "order_refund"]
PAGES = ["order_list", "order_detail"]
RETURNS = ["return_accept", "return_reject"]


def test_every_order_url_is_covered_by_the_permission_test():
    from shop.dashboard import orders, urls

    names = {
        p.name
        for p in urls.urlpatterns
        if getattr(getattr(p, "callback", None), "__module__", "") == orders.__name__
    }
    assert names == set(ACTIONS + PAGES + RETURNS)


def test_other_vendors_staff_get_404_on_every_order_page(client, market):
    request = ReturnRequest.objects.create(
        vendor_order=market.vo(0), reason="x", lines=[], requested_by=market.buyer
    )
    client.force_login(market.staff[1])  # the farm's staff at the bakery's pages
    assert client.get(market.url("order_list")).status_code == 404
    assert client.get(market.url("order_detail")).status_code == 404
    for name in ACTIONS:
        assert client.post(market.url(name), {"amount": 1000, "reason": "x"}).status_code == 404
    for name in RETURNS:
        resp = client.post(market.url(name, 0, request.pk), {"reason": "x"})
        assert resp.status_code == 404
    # Their own slug with the bakery's order number: not theirs either.
    url = reverse("dashboard:order_detail", args=["field", market.vo(0).number])
    assert client.get(url).status_code == 404
    vo = market.vo(0)
    assert vo.status == "unfulfilled"
    assert vo.refunded == 0
    # A buyer without a vendor, too.
    client.force_login(market.buyer)
    assert client.get(market.url("order_list")).status_code == 404
    assert client.get(market.url("order_detail")).status_code == 404


def test_signed_out_visitors_go_to_the_login(client, market):
    for url in (market.url("order_list"), market.url("order_detail")):
        resp = client.get(url)
        assert resp.status_code == 302
        assert resp.url.startswith(reverse("accounts:login"))
    resp = client.post(market.url("order_ship"), {"carrier": "CJ대한통운", "tracking_number": "1"})
    assert resp.status_code == 302
    assert market.vo(0).status == "unfulfilled"


def test_centre_staff_may_open_any_vendors_orders(client, market):
    client.force_login(StaffFactory())
    assert client.get(market.url("order_detail", 2)).status_code == 200


def _vendor_orders(vendor, n: int):
    other = VendorFactory()
    mine = sellable(vendor=vendor, stock=1000)
    theirs = sellable(vendor=other, stock=1000)
    for _ in range(n):
        place_order([(mine, 1), (theirs, 1)], user=UserFactory())


@pytest.mark.parametrize("status", ["", "unfulfilled"])
def test_the_list_runs_a_fixed_number_of_queries(client, count_queries, status):
    counts = []
    for n in (3, 20):
        vendor = VendorFactory()
        staff = VendorStaffFactory(vendor=vendor).user
        _vendor_orders(vendor, n)
        client.force_login(staff)
        url = reverse("dashboard:order_list", args=[vendor.slug]) + f"?status={status}"
        client.get(url)
        with count_queries() as q:
            resp = client.get(url)
        assert resp.status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1]


def test_status_filter(client, market):
    services.vendor_order_ship(
        vendor_order=market.vo(0), actor=market.staff[0], carrier="롯데택배", tracking_number="9"
    )
    second = place_order([(market.variants[0], 1)], user=UserFactory())
    client.force_login(market.staff[0])
    shipped = text(client.get(market.url("order_list") + "?status=shipped"))
    assert market.vo(0).number in shipped
    assert second.vendor_orders.get().number not in shipped
    waiting = text(client.get(market.url("order_list") + "?status=unfulfilled"))
    assert second.vendor_orders.get().number in waiting
    assert market.vo(0).number not in waiting


# --- fulfilment -------------------------------------------------------------------------------


def test_ship_then_deliver(client, market):
    client.force_login(market.staff[0])
    resp = client.post(market.url("order_ship"), {"carrier": "CJ대한통운", "tracking_number": ""})
    assert resp.status_code == 400
    assert "운송장 번호를 입력하세요." in text(resp)
    resp = client.post(market.url("order_ship"), {"carrier": "", "tracking_number": "1234"})
    assert "택배사를 입력하세요." in text(resp)
    resp = client.post(
        market.url("order_ship"),
        {"carrier": "CJ대한통운", "tracking_number": "6789 0123 4567"},
        follow=True,
    )
    assert "발송 처리했습니다" in text(resp)
    vo = market.vo(0)
    assert vo.status == "shipped"
    assert vo.carrier == "CJ대한통운"
    assert vo.tracking_number == "678901234567"
    assert vo.events.filter(type="shipped", actor=market.staff[0]).exists()
    # The buyer sees it.
    client.force_login(market.buyer)
    page = text(client.get(reverse("storefront:order_detail", args=[market.order.token])))
    assert "CJ대한통운 678901234567" in page
    client.force_login(market.staff[0])
    resp = client.post(market.url("order_deliver"), follow=True)
    assert "배송 완료로 바꿨습니다" in text(resp)
    assert market.vo(0).status == "delivered"
    resp = client.post(market.url("order_deliver"), follow=True)
    assert "발송된 주문만 배송 완료로 바꿀 수 있습니다" in text(resp)


def test_cancel_refunds_this_vendors_part(client, market):
    client.force_login(market.staff[2])
    resp = client.post(market.url("order_cancel", 2), {"reason": "재고 파손"}, follow=True)
    assert "주문을 취소했습니다" in text(resp)
    vo = market.vo(2)
    assert vo.status == "canceled"
    assert vo.refunded == vo.total
    assert market.vo(0).status == "unfulfilled"


def test_partial_refund(client, market):
    client.force_login(market.staff[0])
    vo = market.vo(0)
    page = text(client.get(market.url("order_detail")))
    assert f"환불 가능 금액 ₩{vo.total:,}" in page
    resp = client.post(market.url("order_refund"), {"amount": "3,000", "reason": "포장 파손"})
    assert resp.status_code == 302
    vo.refresh_from_db()
    assert vo.refunded == 3_000
    resp = client.post(market.url("order_refund"), {"amount": vo.total, "reason": "전액"})
    assert resp.status_code == 400
    assert f"환불 가능 금액({vo.total - 3_000:,}원)보다 큽니다." in text(resp)
    resp = client.post(market.url("order_refund"), {"amount": "", "reason": ""})
    assert resp.status_code == 400
    vo.refresh_from_db()
    assert vo.refunded == 3_000


def _delivered_with_request(market) -> ReturnRequest:
    vo = market.vo(0)
    services.vendor_order_ship(
        vendor_order=vo, actor=market.staff[0], carrier="로젠택배", tracking_number="77"
    )
    services.vendor_order_deliver(vendor_order=vo, actor=market.staff[0])
    return services.return_request_create(
        vendor_order=vo, actor=market.buyer, reason="맛이 이상해요"
    )


def test_accept_a_withdrawal_request(client, market):
    request = _delivered_with_request(market)
    client.force_login(market.staff[0])
    assert "반품 요청" in text(client.get(market.url("order_list")))
    page = text(client.get(market.url("order_detail")))
    assert "맛이 이상해요" in page
    assert "우리밀 쿠키 × 2" in page
    resp = client.post(
        market.url("return_accept", 0, request.pk), {"restock": "1", "note": "확인했습니다"}
    )
    assert resp.status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted"
    vo = market.vo(0)
    assert vo.refunded == vo.lines.get().total


def test_reject_a_withdrawal_request_needs_a_reason(client, market):
    request = _delivered_with_request(market)
    client.force_login(market.staff[0])
    resp = client.post(market.url("return_reject", 0, request.pk), {"reason": ""})
    assert resp.status_code == 400
    resp = client.post(market.url("return_reject", 0, request.pk), {"reason": "사용한 상품"})
    assert resp.status_code == 302
    request.refresh_from_db()
    assert request.status == "rejected"
    assert request.decision_note == "사용한 상품"
