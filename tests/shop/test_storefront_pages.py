"""Storefront pages (Korean): home, category, search with facets, product and vendor pages.

Every page runs the same number of SQL statements with 10 and with 1,000 products.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from shop.catalog.models import Product
from tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    ParticipationFactory,
    VendorFactory,
)
from tests.factories.storefront import CategoryFactory, bulk_products, make_product

pytestmark = pytest.mark.django_db


class FakeSearch:
    def __init__(self, results):
        self.results = results

    def search(self, query, *, limit=1000):
        return self.results.get(query, [])[:limit]


@pytest.fixture
def fake_search(monkeypatch):
    def install(results):
        backend = FakeSearch(results)
        monkeypatch.setattr("shop.search.registry.get_backend", lambda: backend)
        return backend

    return install


@pytest.fixture
def catalog():
    """Two vendors of different types and districts, a small category tree, five products."""
    food = CategoryFactory(name="식품", slug="food", sort_order=1)
    snacks = CategoryFactory(name="과자", slug="snacks", parent=food)
    living = CategoryFactory(name="생활용품", slug="living", sort_order=2)
    se_org = OrganizationFactory(org_type="social_enterprise", district="11440")
    CertificationFactory(organization=se_org, kind="social_enterprise", number="제2015-001호")
    coop_org = OrganizationFactory(org_type="coop", district="11680")
    CertificationFactory(organization=coop_org, kind="coop")
    se = VendorFactory(organization=se_org, store_name="마포 우리밀", slug="mapo")
    coop = VendorFactory(organization=coop_org, store_name="강남 비누협동조합", slug="soap")
    products = {
        "cookie": make_product(
            name="우리밀 쿠키",
            slug="cookie",
            vendor=se,
            category=snacks,
            prices=(6500, 12000),
            allergen_codes=",milk,wheat,",
            is_featured=True,
            image=True,
        ),
        "ricecake": make_product(
            name="현미 쌀과자",
            slug="ricecake",
            vendor=se,
            category=snacks,
            prices=(8000,),
            dietary_codes=",vegan,",
        ),
        "tofu": make_product(
            name="유기농 두부",
            slug="tofu",
            vendor=se,
            category=food,
            prices=(4500,),
            tax_type="exempt",
            allergen_codes=",soybean,",
            dietary_codes=",vegan,",
        ),
        "soap": make_product(
            name="천연 비누", slug="soap", vendor=coop, category=living, prices=(15000,)
        ),
        "candle": make_product(
            name="밀랍 초", slug="candle", vendor=coop, category=living, prices=(32000,), quantity=0
        ),
    }
    return {"food": food, "snacks": snacks, "living": living, "se": se, "coop": coop, **products}


def card_names(response) -> list[str]:
    return [c.product.name for c in response.context["cards"]]


# --- pages render ---------------------------------------------------------------------------


def test_home_shows_featured_products_vendors_and_bundle_slot(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("storefront:home") == "/"
    assert "서울 사회적경제 장터" in html
    assert "추천 상품" in html
    assert "우리밀 쿠키" in html
    assert "₩6,500" in html
    assert "다과꾸러미" in html
    assert "마포 우리밀" in html
    assert "사회적기업" in html
    assert "식품" in html  # category chips
    assert [c.product.name for c in response.context["featured"]] == ["우리밀 쿠키"]


def test_category_page_lists_subcategories_products(client, catalog):
    response = client.get("/categories/food/")
    assert response.status_code == 200
    assert sorted(card_names(response)) == ["우리밀 쿠키", "유기농 두부", "현미 쌀과자"]
    html = response.content.decode()
    assert "과자" in html
    assert "총 3개" in html
    assert response.context["category_facets"] == [(catalog["snacks"], 2)]
    assert client.get("/categories/nope/").status_code == 404


def test_search_page_ranks_and_filters(client, catalog, fake_search):
    fake_search({"쌀": [catalog["ricecake"].pk, catalog["cookie"].pk, catalog["soap"].pk]})
    response = client.get("/search/", {"q": "쌀"})
    assert card_names(response) == ["현미 쌀과자", "우리밀 쿠키", "천연 비누"]
    html = response.content.decode()
    assert "‘쌀’ 검색 결과" in html
    assert "총 3개" in html
    narrowed = client.get("/search/", {"q": "쌀", "type": "social_enterprise", "sort": "price_asc"})
    assert card_names(narrowed) == ["우리밀 쿠키", "현미 쌀과자"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "coop"}, {"천연 비누", "밀랍 초"}),
        ({"district": "11440"}, {"우리밀 쿠키", "현미 쌀과자", "유기농 두부"}),
        ({"tax": "exempt"}, {"유기농 두부"}),
        ({"min_price": "10000", "max_price": "20000"}, {"우리밀 쿠키", "천연 비누"}),
        ({"vegan": "1"}, {"현미 쌀과자", "유기농 두부"}),
        ({"allergen": ["milk", "soybean"]}, {"현미 쌀과자", "천연 비누", "밀랍 초"}),
        ({"allergen_free": "1"}, {"현미 쌀과자", "천연 비누", "밀랍 초"}),
        ({"priority": "1"}, {"우리밀 쿠키", "현미 쌀과자", "유기농 두부"}),
        ({"in_stock": "1"}, {"우리밀 쿠키", "현미 쌀과자", "유기농 두부", "천연 비누"}),
        ({"category": "living"}, {"천연 비누", "밀랍 초"}),
        ({"vendor": "soap"}, {"천연 비누", "밀랍 초"}),
        (
            {"type": "bogus", "district": "99999"},
            {"우리밀 쿠키", "현미 쌀과자", "유기농 두부", "천연 비누", "밀랍 초"},
        ),
    ],
)
def test_search_page_filters(client, catalog, params, expected):
    assert set(card_names(client.get("/search/", params))) == expected


def test_sorting(client, catalog):
    def order(sort):
        return card_names(client.get("/search/", {"sort": sort}))

    assert order("price_asc") == [
        "유기농 두부",
        "우리밀 쿠키",
        "현미 쌀과자",
        "천연 비누",
        "밀랍 초",
    ]
    assert order("price_desc") == [
        "밀랍 초",
        "천연 비누",
        "현미 쌀과자",
        "우리밀 쿠키",
        "유기농 두부",
    ]
    assert order("newest") == ["밀랍 초", "천연 비누", "유기농 두부", "현미 쌀과자", "우리밀 쿠키"]
    assert order("recommended")[0] == "우리밀 쿠키"  # featured first
    html = client.get("/search/", {"sort": "price_asc"}).content.decode()
    for label in ("추천순", "낮은 가격순", "높은 가격순", "최신순"):
        assert label in html


def test_facet_counts(client, catalog):
    facets = client.get("/search/", {"type": "social_enterprise"}).context["facets"]
    assert facets.total == 3
    # The organization type facet ignores its own filter: both types keep their counts.
    assert {(f.value, f.count, f.selected) for f in facets.org_types} == {
        ("social_enterprise", 3, True),
        ("coop", 2, False),
    }
    assert {(f.value, f.count) for f in facets.districts} == {("11440", 3)}
    assert {(f.value, f.count) for f in facets.tax_types} == {
        ("taxable", 2),
        ("exempt", 1),
        ("zero_rated", 0),
    }
    assert facets.vegan == 2
    assert facets.allergen_free == 1
    assert facets.priority_purchase == 3
    assert facets.category_counts[catalog["food"].pk] == 3
    assert facets.category_counts[catalog["snacks"].pk] == 2
    assert facets.category_counts.get(catalog["living"].pk, 0) == 0

    # Organization type and district: each facet applies the other one's filter only.
    crossed = client.get("/search/", {"type": "social_enterprise", "district": "11680"})
    facets = crossed.context["facets"]
    assert facets.total == 0
    assert {(f.value, f.count, f.selected) for f in facets.org_types} == {
        ("social_enterprise", 0, True),  # none in 강남구, still shown because it is ticked
        ("coop", 2, False),
    }
    assert {(f.value, f.count, f.selected) for f in facets.districts} == {
        ("11440", 3, False),
        ("11680", 0, True),
    }
    # The tax facet ignores its own filter but the totals honour it.
    taxed = client.get("/search/", {"tax": "exempt"}).context["facets"]
    assert taxed.total == 1
    assert {(f.value, f.count) for f in taxed.tax_types} == {
        ("taxable", 4),
        ("exempt", 1),
        ("zero_rated", 0),
    }
    assert (taxed.vegan, taxed.allergen_free, taxed.priority_purchase) == (1, 0, 1)

    everything = client.get("/search/").context["facets"]
    assert everything.total == 5
    assert everything.priority_purchase == 3  # the coop is not a priority-purchase kind
    assert everything.category_counts[catalog["living"].pk] == 2
    html = client.get("/search/").content.decode()
    for label in (
        "분류",
        "조직 유형",
        "자치구",
        "가격",
        "과세/면세",
        "비건",
        "알레르기 제외",
        "우선구매 대상",
    ):
        assert label in html


def test_pagination(client):
    bulk_products(30, vendor=VendorFactory(), category=CategoryFactory())
    first = client.get("/search/", {"sort": "newest"})
    assert len(first.context["cards"]) == 24
    assert first.context["page"].paginator.num_pages == 2
    second = client.get("/search/", {"sort": "newest", "page": 2})
    assert len(second.context["cards"]) == 6
    assert not set(card_names(first)) & set(card_names(second))


def test_product_page(client, catalog):
    response = client.get("/products/cookie/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "우리밀 쿠키" in html
    assert "₩6,500" in html
    assert "₩12,000" in html
    assert "₩5,910 / ₩590" in html  # 공급가액 / 세액 of ₩6,500
    assert "10개" in html  # stock
    assert "우유, 밀" in html  # allergens in Korean, in the labelling standard's order
    assert "국산" in html  # origin
    assert "취약계층에게 일자리를 제공합니다." in html  # the vendor's mission
    assert "사회적기업 인증" in html
    assert "제2015-001호" in html
    assert "우선구매 대상" in html
    image = Product.objects.get(slug="cookie").images.first()
    assert image.image.url in html  # the image (stored under a random name)
    assert response.context["more"][0].product.name in {"현미 쌀과자", "유기농 두부"}
    assert client.get("/products/nope/").status_code == 404
    Product.objects.filter(slug="soap").update(is_published=False)
    assert client.get("/products/soap/").status_code == 404


def test_sold_out_product_page(client, catalog):
    html = client.get("/products/candle/").content.decode()
    assert "품절" in html


def test_vendor_page_shows_products_and_registry_facts(client, catalog):
    ParticipationFactory(organization=catalog["se"].organization)
    response = client.get("/vendors/mapo/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "마포 우리밀" in html
    assert "사회적기업" in html
    assert "마포구" in html
    assert "사회적기업 인증" in html
    assert "제2015-001호" in html
    assert "사회적경제 학습동아리" in html  # the centre program it took part in
    assert "판매 상품" in html
    assert "우리밀 쿠키" in html
    assert "₩4,500" in html
    assert "천연 비누" not in html


# --- query counts: 10 vs 1,000 products -------------------------------------------------------


def _queries(client, count_queries, url, params=None) -> int:
    with count_queries() as q:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(q)


PAGES = [
    ("/", None),
    ("/categories/big/", None),
    ("/categories/big/", {"type": "social_enterprise", "tax": "taxable", "sort": "price_asc"}),
    ("/search/", {"q": "대량"}),
    ("/search/", {"q": "대량", "vegan": "1", "priority": "1", "min_price": "1000", "page": "2"}),
    ("/search/", {"allergen": "milk", "district": "11440", "sort": "newest"}),
    ("/products/big-0/", None),
    ("/vendors/big-vendor/", None),
]


def test_page_query_counts_are_constant_from_10_to_1000_products(
    client, count_queries, fake_search
):
    parent = CategoryFactory(name="대분류", slug="big")
    category = CategoryFactory(name="소분류", slug="big-child", parent=parent)
    org = OrganizationFactory(org_type="social_enterprise", district="11440")
    CertificationFactory(organization=org, kind="social_enterprise", valid_from=dt.date(2015, 1, 1))
    vendor = VendorFactory(organization=org, slug="big-vendor")
    ParticipationFactory(organization=org)
    bulk_products(10, vendor=vendor, category=category, prefix="big")
    Product.objects.filter(slug__in=["big-1", "big-2"]).update(is_featured=True)
    fake_search({"대량": list(Product.objects.values_list("pk", flat=True))})
    small = {(url, str(p)): _queries(client, count_queries, url, p) for url, p in PAGES}

    bulk_products(990, vendor=vendor, category=category, prefix="big", start=10)
    Product.objects.filter(pk__in=Product.objects.order_by("pk").values("pk")[:200]).update(
        is_featured=True
    )
    fake_search({"대량": list(Product.objects.values_list("pk", flat=True))})
    assert Product.objects.count() == 1000
    large = {(url, str(p)): _queries(client, count_queries, url, p) for url, p in PAGES}
    assert small == large
    assert max(large.values()) <= 10, large
