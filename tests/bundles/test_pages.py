"""Bundle pages (Korean): the list, a bundle's page, putting it in the cart (grouped under the
bundle, still per vendor), the subscription form and "내 정기배송", bundles on the home page
and in search results; list query counts constant from 3 to 20 bundles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bundles.models import Subscription
from shop.catalog.models import Stock
from shop.checkout.selectors import checkout_get
from shop.checkout.services import CHECKOUT_SESSION_KEY
from tests.factories import UserFactory, VendorFactory
from tests.factories.bundles import SubscriptionFactory, make_bundle
from tests.factories.orders import sellable

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bundles.urls")]


@pytest.fixture
def party():
    a = VendorFactory(store_name="떡집 협동조합", slug="rice-cake-coop")
    b = VendorFactory(store_name="공정무역 카페", slug="fair-cafe")
    c = VendorFactory(store_name="마을 과일가게", slug="fruit-shop")
    tteok = sellable(price=18_000, stock=20, vendor=a, name="모둠 떡")
    coffee = sellable(price=2_500, stock=100, vendor=b, name="드립커피")
    fruit = sellable(price=9_000, stock=4, vendor=c, name="과일 도시락", tax_type="exempt")
    bundle = make_bundle(
        [(tteok, 2), (coffee, 10), (fruit, 2)],
        name="행사 다과 꾸러미",
        slug="event-snacks",
        occasion="event",
        serves=20,
        price_rule="sum_discount",
        discount_percent=10,
        description="20명이 먹을 떡, 커피, 과일",
    )
    return {"bundle": bundle, "tteok": tteok, "coffee": coffee, "fruit": fruit}


def test_the_list_page(client, party):
    make_bundle([(party["coffee"], 4)], name="회의 커피 꾸러미", occasion="meeting")
    response = client.get("/bundles/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "다과꾸러미" in html
    assert "행사 다과 꾸러미" in html
    assert "₩71,100" in html  # 79,000 − 10%
    assert "판매처 3곳" in html
    assert "지금 2개 주문 가능" in html
    response = client.get("/bundles/", {"occasion": "meeting"})
    assert [c.name for c in response.context["cards"]] == ["회의 커피 꾸러미"]


def test_the_list_shows_unavailable_bundles_with_reasons(client, party):
    Stock.objects.filter(variant=party["fruit"]).update(quantity=1)
    html = client.get("/bundles/").content.decode()
    assert "주문 불가" in html
    assert "구성품 &#x27;과일 도시락&#x27; 재고 부족" in html
    response = client.get("/bundles/", {"available": "1"})
    assert response.context["cards"] == []


def _many(n: int):
    vendors = [VendorFactory() for _ in range(3)]
    for i in range(n):
        make_bundle([(sellable(price=1_000 + i, vendor=v), 1) for v in vendors])


def test_the_list_page_runs_a_fixed_number_of_queries(client, count_queries):
    _many(3)
    with count_queries() as few:
        assert client.get("/bundles/").status_code == 200
    _many(17)
    with count_queries() as many:
        response = client.get("/bundles/")
    assert len(response.context["cards"]) == 20
    assert len(few) == len(many) <= 4, [q["sql"][:80] for q in many.captured_queries]


def test_the_bundle_page(client, party):
    response = client.get("/bundles/event-snacks/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "행사 다과 꾸러미",
        "행사",
        "20인 기준",
        "떡집 협동조합",
        "공정무역 카페",
        "마을 과일가게",
        "모둠 떡",
        "면세",
        "₩79,000",
        "₩71,100",
        "₩7,900 할인",
        "지금 2개 주문 가능",
        "장바구니 담기",
        "로그인",  # the subscription form needs an account
    ):
        assert text in html, text
    groups = response.context["groups"]
    assert [g["vendor"].store_name for g in groups] == [
        "떡집 협동조합",
        "공정무역 카페",
        "마을 과일가게",
    ]
    # Each vendor's share, after the discount, adds up to the price.
    assert [g["share"] for g in groups] == [32_400, 22_500, 16_200]
    assert sum(g["share"] for g in groups) == 71_100
    assert "₩32,400" in html


def test_an_unavailable_bundle_page_says_why(client, party):
    party["coffee"].product.is_published = False
    party["coffee"].product.save()
    html = client.get("/bundles/event-snacks/").content.decode()
    assert "지금은 주문할 수 없습니다" in html
    assert "구성품 &#x27;드립커피&#x27;이(가) 판매 중지되었습니다" in html


def test_unpublished_bundles_are_not_found(client, party):
    party["bundle"].is_published = False
    party["bundle"].save()
    assert client.get("/bundles/event-snacks/").status_code == 404
    assert client.get("/bundles/nope/").status_code == 404


def test_put_in_the_cart_and_see_it_grouped(client, party):
    response = client.post("/bundles/event-snacks/add/", {"quantity": "2"})
    assert response.status_code == 302
    assert response.url == reverse("storefront:cart")
    checkout = checkout_get(client.session[CHECKOUT_SESSION_KEY])
    assert {(x.variant_id, x.quantity, x.bundle_quantity) for x in checkout.lines.all()} == {
        (party["tteok"].pk, 4, 2),
        (party["coffee"].pk, 20, 2),
        (party["fruit"].pk, 4, 2),
    }
    response = client.get("/cart/")
    html = response.content.decode()
    assert "담은 꾸러미" in html
    assert "꾸러미 ‘행사 다과 꾸러미’ × 2" in html
    assert html.count("꾸러미 ‘행사 다과 꾸러미’ × 2") == 3  # under each vendor
    assert "꾸러미 할인" in html
    assert "-₩15,800" in html
    assert "₩142,200" in html
    (cb,) = response.context["bundles"]
    assert (cb.quantity, cb.total, cb.discount, cb.vendor_count) == (2, 142_200, 15_800, 3)
    assert [g.vendor.store_name for g in response.context["groups"]] == [
        "떡집 협동조합",
        "공정무역 카페",
        "마을 과일가게",
    ]


def test_too_many_bundles_says_which_component(client, party):
    response = client.post("/bundles/event-snacks/add/", {"quantity": "3"}, follow=True)
    html = response.content.decode()
    assert "과일 도시락" in html
    assert "재고 부족" in html
    assert (
        CHECKOUT_SESSION_KEY not in client.session
        or not checkout_get(client.session[CHECKOUT_SESSION_KEY]).lines.exists()
    )


def test_change_and_remove_a_bundle_in_the_cart(client, party):
    client.post("/bundles/event-snacks/add/", {"quantity": "1"})
    bundle = party["bundle"]
    client.post(f"/bundles/cart/{bundle.pk}/", {"quantity": "2"})
    checkout = checkout_get(client.session[CHECKOUT_SESSION_KEY])
    assert {x.bundle_quantity for x in checkout.lines.all()} == {2}
    # A component line cannot be changed on its own, and deleting one removes the bundle.
    line = checkout.lines.first()
    client.post(f"/cart/lines/{line.pk}/", {"quantity": "7"})
    assert checkout_get(checkout.token).lines.get(pk=line.pk).quantity == line.quantity
    client.post(f"/cart/lines/{line.pk}/delete/")
    assert not checkout_get(checkout.token).lines.exists()
    client.post("/bundles/event-snacks/add/", {"quantity": "1"})
    response = client.post(f"/bundles/cart/{bundle.pk}/", {"remove": "1"}, follow=True)
    assert "뺐습니다" in response.content.decode()
    assert not checkout_get(checkout.token).lines.exists()


def test_a_bundle_through_the_checkout_page(client, party):
    client.post("/bundles/event-snacks/add/", {"quantity": "1"})
    response = client.post(
        "/checkout/",
        {
            "email": "office@example.kr",
            "recipient_name": "김누리",
            "phone": "010-1234-5678",
            "postcode": "03900",
            "road_address": "서울특별시 마포구 월드컵북로 400",
            "delivery_method": "standard",
            "card_number": "4242 4242 4242 4242",
            "attempt": "bundle-page-test",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from shop.orders.models import Order

    order = Order.objects.get()
    assert order.vendor_orders.count() == 3
    assert order.discount_total == 7_900
    assert order.total == order.subtotal + order.shipping_total
    assert order.total_charged == order.total


def _start() -> dt.date:
    start = timezone.localdate() + dt.timedelta(days=3)
    return start if start.day <= 28 else start + dt.timedelta(days=5)


def test_subscribe_from_the_bundle_page(client, party):
    user = UserFactory(name="총무팀", phone="02-2133-0000")
    client.force_login(user)
    html = client.get("/bundles/event-snacks/").content.decode()
    assert "정기배송 신청" in html
    data = {
        "frequency": "weekly",
        "quantity": "1",
        "start_on": _start().isoformat(),
        "recipient_name": "총무팀",
        "phone": "02-2133-0000",
        "postcode": "1234",
        "road_address": "서울특별시 중구 세종대로 110",
    }
    response = client.post("/bundles/event-snacks/subscribe/", data)
    assert response.status_code == 400
    assert "우편번호는 5자리 숫자입니다" in response.content.decode()
    data["postcode"] = "04524"
    response = client.post("/bundles/event-snacks/subscribe/", data)
    assert response.status_code == 302
    assert response.url == "/bundles/subscriptions/"
    sub = Subscription.objects.get()
    assert (sub.user, sub.frequency, sub.next_delivery_on, sub.email) == (
        user,
        "weekly",
        _start(),
        user.email,
    )


def test_my_subscriptions_page_pause_resume_cancel(client, party):
    sub = SubscriptionFactory(bundle=party["bundle"], next_delivery_on=dt.date(2026, 3, 2))
    from bundles.subscriptions import subscription_run_due

    subscription_run_due(dt.date(2026, 3, 2))
    assert client.get("/bundles/subscriptions/").status_code == 302  # sign in first
    client.force_login(sub.user)
    html = client.get("/bundles/subscriptions/").content.decode()
    assert "행사 다과 꾸러미" in html
    assert "진행 중" in html
    assert "2026-03-09" in html
    assert "주문 생성" in html
    client.post(f"/bundles/subscriptions/{sub.pk}/pause/")
    sub.refresh_from_db()
    assert sub.status == "paused"
    client.post(f"/bundles/subscriptions/{sub.pk}/resume/")
    sub.refresh_from_db()
    assert sub.status == "active"
    response = client.post(f"/bundles/subscriptions/{sub.pk}/cancel/", follow=True)
    assert "해지했습니다" in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == "canceled"
    # Someone else's subscription is not found.
    other = SubscriptionFactory(bundle=party["bundle"])
    assert client.post(f"/bundles/subscriptions/{other.pk}/pause/").status_code == 404


def test_home_shows_published_bundles(client, party):
    html = client.get("/").content.decode()
    assert "행사 다과 꾸러미" in html
    assert "/bundles/event-snacks/" in html


class _Search:
    def __init__(self, results):
        self.results = results

    def search(self, query, *, limit=1000):
        return self.results.get(query, [])[:limit]


def test_search_shows_matching_bundles_above_products(client, party, monkeypatch):
    backend = _Search({"커피": [party["coffee"].product_id]})
    monkeypatch.setattr("shop.search.registry.get_backend", lambda: backend)
    other = make_bundle([(party["tteok"], 1)], name="떡 한 상자")
    # By a component the search found (particles, spacing, 초성 work as for products).
    response = client.get("/search/", {"q": "커피"})
    html = response.content.decode()
    assert [c.name for c in response.context["bundle_cards"]] == ["행사 다과 꾸러미"]
    assert html.index("행사 다과 꾸러미") < html.index("드립커피")
    # By the bundle's own name or description.
    response = client.get("/search/", {"q": "떡 한"})
    assert [c.bundle for c in response.context["bundle_cards"]] == [other]
    response = client.get("/search/", {"q": "20명이"})
    assert [c.bundle for c in response.context["bundle_cards"]] == [party["bundle"]]
    # Unpublished bundles never show.
    other.is_published = False
    other.save()
    assert client.get("/search/", {"q": "떡 한"}).context["bundle_cards"] == []


def test_admin_pages(client, party, staff_user):
    sub = SubscriptionFactory(bundle=party["bundle"], next_delivery_on=dt.date(2026, 3, 2))
    client.force_login(staff_user)
    html = client.get("/admin/bundles/bundle/").content.decode()
    assert "행사 다과 꾸러미" in html
    assert "2개" in html  # how many can be made now
    html = client.get(f"/admin/bundles/bundle/{party['bundle'].pk}/change/").content.decode()
    assert "₩71,100" in html
    assert "공정무역 카페: ₩22,500" in html
    assert client.get("/admin/bundles/subscription/").status_code == 200
    assert client.get(f"/admin/bundles/subscription/{sub.pk}/change/").status_code == 200
    response = client.post(
        "/admin/bundles/subscription/",
        {"action": "pause", "_selected_action": [sub.pk]},
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "paused"
