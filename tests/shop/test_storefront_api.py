"""The Saleor-shaped storefront API: listing, filters, sorting, lookups, channels, query
counts, and the vendor-side catalog mutations with their permission rule and error codes."""

from __future__ import annotations

import datetime as dt

import pytest
from graphql_relay import to_global_id

from shop.catalog.models import Product, ProductVariant, Stock
from tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    UserFactory,
    VendorFactory,
    VendorStaffFactory,
)
from tests.factories.storefront import CategoryFactory, bulk_products, make_product

pytestmark = pytest.mark.django_db

PRODUCTS = """
query Products($first: Int, $after: String, $filter: ProductFilterInput,
               $sortBy: ProductOrder, $channel: String) {
  products(first: $first, after: $after, channel: $channel, filter: $filter, sortBy: $sortBy) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name slug description seoTitle seoDescription
      thumbnail { url alt }
      media { url alt type }
      category { id name slug }
      pricing { priceRange {
        start { gross { amount currency } net { amount } tax { amount } }
        stop { gross { amount currency } }
      } }
      variants { id name sku quantityAvailable
        pricing { price { gross { amount currency } net { amount } tax { amount } } } }
      isAvailable
      taxType allergens
      vendor { storeName organization { orgType district { name } } }
    } }
  }
}"""


def gid(obj) -> str:
    names = {Product: "Product", ProductVariant: "ProductVariant"}
    return to_global_id(names.get(type(obj), type(obj).__name__), obj.pk)


def nodes(result, key="products"):
    return [e["node"] for e in result["data"][key]["edges"]]


def names(result):
    return [n["name"] for n in nodes(result)]


class FakeSearch:
    """A search backend stand-in: fixed ids per query, best first."""

    def __init__(self, results: dict[str, list[int]]):
        self.results = results
        self.queries: list[str] = []

    def search(self, query, *, limit=1000):
        self.queries.append(query)
        return self.results.get(query, [])[:limit]


@pytest.fixture
def fake_search(monkeypatch):
    def install(results):
        backend = FakeSearch(results)
        monkeypatch.setattr("shop.search.registry.get_backend", lambda: backend)
        return backend

    return install


# --- listing ---------------------------------------------------------------------------------


def test_listing_returns_saleor_fields_with_krw_amounts(gql):
    cat = CategoryFactory(name="과자", slug="snacks")
    org = OrganizationFactory(org_type="social_coop", district="11440")
    vendor = VendorFactory(organization=org, store_name="마포 우리밀")
    product = make_product(
        name="우리밀 쿠키",
        vendor=vendor,
        category=cat,
        prices=(10000, 25000),
        image=True,
        seo_title="쿠키",
        allergen_codes=",milk,wheat,",
    )
    result = gql(PRODUCTS, {"first": 12, "channel": "default-channel"})
    [node] = nodes(result)
    assert node["id"] == gid(product)
    assert node["name"] == "우리밀 쿠키"
    assert node["seoTitle"] == "쿠키"
    assert node["category"] == {
        "id": to_global_id("Category", cat.pk),
        "name": "과자",
        "slug": "snacks",
    }
    assert node["thumbnail"]["url"].startswith("http://testserver/media/products/")
    assert node["thumbnail"]["alt"] == "상품 사진"
    assert node["media"][0]["type"] == "IMAGE"
    price_range = node["pricing"]["priceRange"]
    # ₩10,000 taxable: tax = floor(10000 / 11) = 909, net = 9,091.
    assert price_range["start"] == {
        "gross": {"amount": 10000, "currency": "KRW"},
        "net": {"amount": 9091},
        "tax": {"amount": 909},
    }
    assert price_range["stop"]["gross"] == {"amount": 25000, "currency": "KRW"}
    assert [v["pricing"]["price"]["gross"]["amount"] for v in node["variants"]] == [10000, 25000]
    assert node["variants"][1]["pricing"]["price"]["tax"] == {"amount": 2272}
    assert node["variants"][0]["quantityAvailable"] == 10
    assert all(isinstance(v["quantityAvailable"], int) for v in node["variants"])
    assert node["isAvailable"] is True
    assert node["taxType"] == "TAXABLE"
    assert node["allergens"] == ["MILK", "WHEAT"]
    assert node["vendor"] == {
        "storeName": "마포 우리밀",
        "organization": {"orgType": "SOCIAL_COOP", "district": {"name": "마포구"}},
    }


def test_exempt_products_carry_no_tax(gql):
    make_product(name="유기농 두부", tax_type="exempt", prices=(4500,))
    node = nodes(gql(PRODUCTS, {"first": 5}))[0]
    start = node["pricing"]["priceRange"]["start"]
    assert start["gross"]["amount"] == 4500
    assert start["net"]["amount"] == 4500
    assert start["tax"]["amount"] == 0
    assert node["taxType"] == "EXEMPT"


def test_unpublished_and_inactive_vendor_products_are_hidden(gql):
    make_product(name="공개")
    make_product(name="비공개", is_published=False)
    make_product(name="휴점", vendor=VendorFactory(is_active=False))
    assert names(gql(PRODUCTS, {"first": 10})) == ["공개"]


def test_out_of_stock_is_not_available(gql):
    make_product(name="품절 상품", quantity=0)
    node = nodes(gql(PRODUCTS, {"first": 5}))[0]
    assert node["isAvailable"] is False
    assert node["variants"][0]["quantityAvailable"] == 0


def test_pagination_with_cursor_and_total_count(gql):
    for i in range(5):
        make_product(name=f"상품{i}")
    query = """query($after: String) {
      products(first: 2, after: $after, sortBy: {field: NAME, direction: ASC}) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }"""
    first = gql(query)["data"]["products"]
    assert first["totalCount"] == 5
    assert [e["node"]["name"] for e in first["edges"]] == ["상품0", "상품1"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = gql(query, {"after": first["pageInfo"]["endCursor"]})["data"]["products"]
    assert [e["node"]["name"] for e in second["edges"]] == ["상품2", "상품3"]


def test_unknown_channel_is_an_error(gql):
    result = gql(PRODUCTS, {"first": 5, "channel": "nope"}, expect_errors=True)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


# --- filters and sorting ----------------------------------------------------------------------


def test_filter_by_category_includes_subcategories(gql):
    food = CategoryFactory(name="식품", slug="food")
    snacks = CategoryFactory(name="과자", slug="snacks", parent=food)
    other = CategoryFactory(name="생활", slug="living")
    make_product(name="쿠키", category=snacks)
    make_product(name="비누", category=other)
    result = gql(
        PRODUCTS, {"first": 10, "filter": {"categories": [to_global_id("Category", food.pk)]}}
    )
    assert names(result) == ["쿠키"]


def test_sort_by_price_and_name(gql):
    make_product(name="나 상품", prices=(3000, 30000))
    make_product(name="가 상품", prices=(20000,))
    make_product(name="다 상품", prices=(9000,))
    by_price = gql(PRODUCTS, {"first": 10, "sortBy": {"field": "PRICE", "direction": "ASC"}})
    assert names(by_price) == ["나 상품", "다 상품", "가 상품"]
    by_price_desc = gql(PRODUCTS, {"first": 10, "sortBy": {"field": "PRICE", "direction": "DESC"}})
    assert names(by_price_desc) == ["가 상품", "다 상품", "나 상품"]
    by_name = gql(PRODUCTS, {"first": 10, "sortBy": {"field": "NAME", "direction": "ASC"}})
    assert names(by_name) == ["가 상품", "나 상품", "다 상품"]
    by_name_desc = gql(PRODUCTS, {"first": 10, "sortBy": {"field": "NAME", "direction": "DESC"}})
    assert names(by_name_desc) == ["다 상품", "나 상품", "가 상품"]


def test_search_keeps_backend_rank_and_combines_with_filters(gql, fake_search):
    a = make_product(name="쌀과자", prices=(5000,))
    b = make_product(name="쌀국수", prices=(15000,))
    c = make_product(name="현미 쌀과자", prices=(7000,), tax_type="exempt")
    backend = fake_search({"쌀": [c.pk, a.pk, b.pk]})
    assert names(gql(PRODUCTS, {"first": 10, "filter": {"search": "쌀"}})) == [
        "현미 쌀과자",
        "쌀과자",
        "쌀국수",
    ]
    assert backend.queries == ["쌀"]
    priced = gql(PRODUCTS, {"first": 10, "filter": {"search": "쌀", "price": {"lte": 10000}}})
    assert names(priced) == ["현미 쌀과자", "쌀과자"]
    taxable = gql(PRODUCTS, {"first": 10, "filter": {"search": "쌀", "taxTypes": ["TAXABLE"]}})
    assert names(taxable) == ["쌀과자", "쌀국수"]
    # An explicit sort overrides the rank.
    sorted_ = gql(
        PRODUCTS,
        {
            "first": 10,
            "filter": {"search": "쌀"},
            "sortBy": {"field": "PRICE", "direction": "DESC"},
        },
    )
    assert names(sorted_) == ["쌀국수", "현미 쌀과자", "쌀과자"]
    # Paging through ranked results, with totalCount.
    query = """query($after: String) { products(first: 2, after: $after, search: "쌀") {
      totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }"""
    page1 = gql(query)["data"]["products"]
    assert page1["totalCount"] == 3
    assert [e["node"]["name"] for e in page1["edges"]] == ["현미 쌀과자", "쌀과자"]
    page2 = gql(query, {"after": page1["pageInfo"]["endCursor"]})["data"]["products"]
    assert [e["node"]["name"] for e in page2["edges"]] == ["쌀국수"]
    assert page2["pageInfo"]["hasNextPage"] is False
    assert names(gql(PRODUCTS, {"first": 10, "filter": {"search": "없는말"}})) == []


def test_marketplace_filters(gql):
    today = dt.date.today()
    se = OrganizationFactory(org_type="social_enterprise", district="11440")
    CertificationFactory(
        organization=se, kind="social_enterprise", valid_from=today.replace(year=2015)
    )
    coop = OrganizationFactory(org_type="coop", district="11680")
    CertificationFactory(organization=coop, kind="coop")
    se_vendor = VendorFactory(organization=se)
    coop_vendor = VendorFactory(organization=coop)
    make_product(
        name="비건 쿠키", vendor=se_vendor, dietary_codes=",vegan,", allergen_codes=",wheat,"
    )
    make_product(name="우유 푸딩", vendor=coop_vendor, allergen_codes=",milk,egg,", prices=(30000,))
    make_product(name="두부", vendor=coop_vendor, tax_type="exempt")

    def run(f):
        return sorted(names(gql(PRODUCTS, {"first": 10, "filter": f})))

    assert run({"organizationTypes": ["SOCIAL_ENTERPRISE"]}) == ["비건 쿠키"]
    assert run({"districts": ["강남구"]}) == ["두부", "우유 푸딩"]
    assert run({"districts": ["11440"]}) == ["비건 쿠키"]
    assert run({"taxTypes": ["EXEMPT"]}) == ["두부"]
    assert run({"dietaryTags": ["VEGAN"]}) == ["비건 쿠키"]
    assert run({"excludeAllergens": ["MILK"]}) == ["두부", "비건 쿠키"]
    assert run({"allergenFree": True}) == ["두부"]
    assert run({"countsForPriorityPurchase": True}) == ["비건 쿠키"]
    assert run({"price": {"gte": 20000}}) == ["우유 푸딩"]
    assert run({"minimalPrice": {"lte": 12000}}) == ["두부", "비건 쿠키"]
    assert run({"vendors": [to_global_id("Vendor", coop_vendor.pk)]}) == ["두부", "우유 푸딩"]


def test_bad_filter_values_are_coded_errors(gql):
    result = gql(PRODUCTS, {"first": 5, "filter": {"categories": ["bogus"]}}, expect_errors=True)
    assert result["errors"][0]["extensions"]["code"] == "INVALID"
    result = gql(PRODUCTS, {"first": 5, "filter": {"districts": ["해운대구"]}}, expect_errors=True)
    assert result["errors"][0]["extensions"]["code"] == "INVALID_DISTRICT"


# --- lookups ----------------------------------------------------------------------------------

PRODUCT = """query($id: ID, $slug: String) {
  product(id: $id, slug: $slug, channel: "default-channel") {
  id name slug taxType countsForPriorityPurchase
  vendor { storeName mission organization { orgType certifications { kind } } }
  variants { sku quantityAvailable }
} }"""


def test_product_by_slug_and_by_id(gql):
    product = make_product(name="들기름", slug="perilla-oil")
    by_slug = gql(PRODUCT, {"slug": "perilla-oil"})["data"]["product"]
    by_id = gql(PRODUCT, {"id": gid(product)})["data"]["product"]
    assert by_slug == by_id
    assert by_slug["name"] == "들기름"
    assert by_slug["vendor"]["mission"] == "취약계층에게 일자리를 제공합니다."
    assert gql(PRODUCT, {"slug": "nope"})["data"]["product"] is None
    node = gql(
        "query($id: ID!) { node(id: $id) { ... on Product { slug } } }", {"id": gid(product)}
    )
    assert node["data"]["node"] == {"slug": "perilla-oil"}


def test_unpublished_product_is_visible_to_its_vendor_only(gql, user):
    product = make_product(name="준비 중", slug="draft", is_published=False)
    assert gql(PRODUCT, {"slug": "draft"})["data"]["product"] is None
    gql.login(user)
    assert gql(PRODUCT, {"slug": "draft"})["data"]["product"] is None
    staff = VendorStaffFactory(vendor=product.vendor).user
    gql.login(staff)
    assert gql(PRODUCT, {"slug": "draft"})["data"]["product"]["name"] == "준비 중"


def test_product_needs_id_or_slug(gql):
    result = gql("{ product { id } }", expect_errors=True)
    assert result["errors"][0]["extensions"]["code"] == "REQUIRED"


def test_product_variant_by_id_and_sku(gql):
    product = make_product(name="참기름", prices=(9900,), tax_type="taxable")
    variant = product.variants.get()
    query = """query($id: ID, $sku: String) { productVariant(id: $id, sku: $sku) {
      id sku product { name } pricing { price { gross { amount } tax { amount } } } } }"""
    by_id = gql(query, {"id": gid(variant)})["data"]["productVariant"]
    assert by_id["product"]["name"] == "참기름"
    assert by_id["pricing"]["price"] == {"gross": {"amount": 9900}, "tax": {"amount": 900}}
    assert gql(query, {"sku": variant.sku})["data"]["productVariant"]["id"] == gid(variant)


def test_categories_and_category_by_slug(gql):
    food = CategoryFactory(name="식품", slug="food", sort_order=1)
    CategoryFactory(name="과자", slug="snacks", parent=food)
    CategoryFactory(name="생활", slug="living", sort_order=2)
    result = gql("""{ categories(first: 10, level: 0) { totalCount edges { node {
        name slug level children(first: 5) { edges { node { name parent { slug } } } } } } } }""")
    cats = result["data"]["categories"]
    assert cats["totalCount"] == 2
    assert [e["node"]["slug"] for e in cats["edges"]] == ["food", "living"]
    children = cats["edges"][0]["node"]["children"]["edges"]
    assert children == [{"node": {"name": "과자", "parent": {"slug": "food"}}}]
    one = gql(
        '{ category(slug: "snacks") { name level '
        "ancestors(first: 5) { edges { node { slug } } } } }"
    )
    assert one["data"]["category"] == {
        "name": "과자",
        "level": 1,
        "ancestors": {"edges": [{"node": {"slug": "food"}}]},
    }


def test_channels(gql):
    result = gql("{ channels { id slug name currencyCode isActive } }")["data"]["channels"]
    assert result == [
        {
            "id": to_global_id("Channel", 1),
            "slug": "default-channel",
            "name": "누리 기본 채널",
            "currencyCode": "KRW",
            "isActive": True,
        }
    ]
    one = gql('{ channel(slug: "default-channel") { slug currencyCode defaultCountry { code } } }')
    assert one["data"]["channel"] == {
        "slug": "default-channel",
        "currencyCode": "KRW",
        "defaultCountry": {"code": "KR"},
    }
    assert gql('{ channel(slug: "other") { slug } }')["data"]["channel"] is None


# --- query counts -----------------------------------------------------------------------------


def _listing_queries(gql, count_queries, variables=None, *, expect: int = 12) -> int:
    with count_queries() as q:
        result = gql(PRODUCTS, {"first": 12, **(variables or {})})
    assert len(nodes(result)) == expect
    return len(q)


def test_listing_query_count_is_constant_from_10_to_1000_products(gql, count_queries):
    bulk_products(10, vendor=VendorFactory(), category=CategoryFactory(), prefix="a")
    small = _listing_queries(gql, count_queries, expect=10)
    bulk_products(990, vendor=VendorFactory(), category=CategoryFactory(), prefix="b")
    assert Product.objects.count() == 1000
    large = _listing_queries(gql, count_queries)
    assert small == large
    assert large <= 6, large
    # Sorting by price and filtering do not add per-row queries either.
    sort = {"sortBy": {"field": "PRICE", "direction": "ASC"}}
    assert _listing_queries(gql, count_queries, sort) == large
    filt = {"filter": {"taxTypes": ["TAXABLE"], "price": {"lte": 1500}}}
    assert _listing_queries(gql, count_queries, filt) == large


def test_search_query_count_is_constant(gql, count_queries, fake_search):
    cat = CategoryFactory()
    bulk_products(20, vendor=VendorFactory(), category=cat, prefix="a")
    fake_search({"대량": list(Product.objects.values_list("pk", flat=True))})
    with count_queries() as q:
        nodes(gql(PRODUCTS, {"first": 12, "filter": {"search": "대량"}}))
    small = len(q)
    bulk_products(980, vendor=VendorFactory(), category=cat, prefix="b")
    fake_search({"대량": list(Product.objects.values_list("pk", flat=True))})
    with count_queries() as q:
        result = gql(PRODUCTS, {"first": 12, "filter": {"search": "대량"}})
    assert len(nodes(result)) == 12
    assert len(q) == small
    assert small <= 6


def test_page_size_does_not_change_query_count(gql, count_queries):
    bulk_products(60, vendor=VendorFactory(), category=CategoryFactory())
    with count_queries() as q:
        gql(PRODUCTS, {"first": 2})
    two = len(q)
    with count_queries() as q:
        gql(PRODUCTS, {"first": 50})
    assert len(q) == two


# --- mutations --------------------------------------------------------------------------------

PRODUCT_CREATE = """mutation($input: ProductCreateInput!) { productCreate(input: $input) {
  product { id name slug taxType allergens category { slug } vendor { slug } }
  errors { field code message } } }"""
PRODUCT_UPDATE = """mutation($id: ID, $input: ProductInput!) {
  productUpdate(id: $id, input: $input) {
  product { id name seoTitle isPublished } errors { field code message } } }"""
PRODUCT_DELETE = """mutation($id: ID) { productDelete(id: $id) {
  product { id name } errors { field code message } } }"""
VARIANT_CREATE = """mutation($input: ProductVariantCreateInput!) {
  productVariantCreate(input: $input) {
  productVariant { id sku quantityAvailable stocks { quantity quantityAllocated }
    pricing { price { gross { amount } } } }
  errors { field code message } } }"""
VARIANT_UPDATE = """mutation($id: ID, $sku: String, $input: ProductVariantInput!) {
  productVariantUpdate(id: $id, sku: $sku, input: $input) {
  productVariant { id sku pricing { price { gross { amount } } } }
  errors { field code message } } }"""
STOCKS_UPDATE = """mutation($variantId: ID, $stocks: [StockInput!]!) {
  productVariantStocksUpdate(variantId: $variantId, stocks: $stocks) {
  productVariant { quantityAvailable } errors { field code message } } }"""


@pytest.fixture
def shop():
    """Two vendors, each with a staff member, a category, and a product of vendor A."""
    staff_a = VendorStaffFactory()
    staff_b = VendorStaffFactory()
    category = CategoryFactory(name="과자", slug="snacks")
    product = make_product(
        name="원래 이름", vendor=staff_a.vendor, category=category, prices=(5000,)
    )
    return {
        "a": staff_a,
        "b": staff_b,
        "category": category,
        "product": product,
        "variant": product.variants.get(),
    }


def _all_mutations(shop):
    product, variant, category = shop["product"], shop["variant"], shop["category"]
    return {
        "productCreate": (
            PRODUCT_CREATE,
            {
                "input": {
                    "vendor": to_global_id("Vendor", shop["a"].vendor_id),
                    "category": to_global_id("Category", category.pk),
                    "name": "침입 상품",
                }
            },
        ),
        "productUpdate": (PRODUCT_UPDATE, {"id": gid(product), "input": {"name": "바뀐 이름"}}),
        "productDelete": (PRODUCT_DELETE, {"id": gid(product)}),
        "productVariantCreate": (
            VARIANT_CREATE,
            {"input": {"product": gid(product), "sku": "NEW-1", "price": 1000}},
        ),
        "productVariantUpdate": (VARIANT_UPDATE, {"id": gid(variant), "input": {"price": 1}}),
        "productVariantStocksUpdate": (
            STOCKS_UPDATE,
            {"variantId": gid(variant), "stocks": [{"quantity": 0}]},
        ),
    }


def _snapshot():
    return (
        list(Product.objects.values_list("pk", "name").order_by("pk")),
        list(ProductVariant.objects.values_list("pk", "sku", "price").order_by("pk")),
        list(Stock.objects.values_list("pk", "quantity").order_by("pk")),
    )


def test_another_vendors_staff_get_permission_denied_on_every_mutation(gql, shop):
    gql.login(shop["b"].user)
    before = _snapshot()
    for name, (query, variables) in _all_mutations(shop).items():
        payload = gql(query, variables)["data"][name]
        assert [e["code"] for e in payload["errors"]] == ["PERMISSION_DENIED"], name
        assert all(v is None for k, v in payload.items() if k != "errors"), name
    assert _snapshot() == before


def test_anonymous_and_plain_users_are_denied(gql, shop, user):
    before = _snapshot()
    for name, (query, variables) in _all_mutations(shop).items():
        payload = gql(query, variables)["data"][name]
        assert [e["code"] for e in payload["errors"]] == ["PERMISSION_DENIED"], name
    gql.login(user)
    for name, (query, variables) in _all_mutations(shop).items():
        payload = gql(query, variables)["data"][name]
        assert [e["code"] for e in payload["errors"]] == ["PERMISSION_DENIED"], name
    assert _snapshot() == before


def test_vendor_staff_manage_their_catalog(gql, shop):
    gql.login(shop["a"].user)
    created = gql(
        PRODUCT_CREATE,
        {
            "input": {
                "category": to_global_id("Category", shop["category"].pk),
                "name": "유기농 두부",
                "taxType": "EXEMPT",
                "allergens": ["SOYBEAN"],
                "isPublished": True,
            }
        },
    )["data"]["productCreate"]
    assert created["errors"] == []
    product = created["product"]
    assert product["taxType"] == "EXEMPT"
    assert product["allergens"] == ["SOYBEAN"]
    assert product["vendor"]["slug"] == shop["a"].vendor.slug  # the only vendor they manage
    assert product["slug"] == "유기농-두부"

    variant = gql(
        VARIANT_CREATE,
        {
            "input": {
                "product": product["id"],
                "sku": "TOFU-1",
                "name": "300g",
                "price": 4500,
                "stocks": [{"quantity": 7}],
            }
        },
    )["data"]["productVariantCreate"]
    assert variant["errors"] == []
    assert variant["productVariant"]["quantityAvailable"] == 7
    assert variant["productVariant"]["stocks"] == [{"quantity": 7, "quantityAllocated": 0}]
    assert variant["productVariant"]["pricing"]["price"]["gross"]["amount"] == 4500

    updated = gql(VARIANT_UPDATE, {"sku": "TOFU-1", "input": {"price": 5000}})
    assert updated["data"]["productVariantUpdate"]["productVariant"]["pricing"]["price"] == {
        "gross": {"amount": 5000}
    }
    stocks = gql(
        STOCKS_UPDATE,
        {"variantId": variant["productVariant"]["id"], "stocks": [{"quantity": 3}]},
    )["data"]["productVariantStocksUpdate"]
    assert stocks == {"productVariant": {"quantityAvailable": 3}, "errors": []}

    renamed = gql(
        PRODUCT_UPDATE,
        {"id": product["id"], "input": {"name": "국산콩 두부", "seo": {"title": "두부"}}},
    )["data"]["productUpdate"]
    assert renamed["errors"] == []
    assert renamed["product"]["name"] == "국산콩 두부"
    assert renamed["product"]["seoTitle"] == "두부"

    deleted = gql(PRODUCT_DELETE, {"id": product["id"]})["data"]["productDelete"]
    assert deleted["errors"] == []
    assert deleted["product"] == {"id": product["id"], "name": "국산콩 두부"}
    assert not Product.objects.filter(name="국산콩 두부").exists()
    assert not ProductVariant.objects.filter(sku="TOFU-1").exists()


def test_vendor_is_required_when_the_user_manages_several(gql, shop):
    user = shop["a"].user
    VendorStaffFactory(user=user)
    gql.login(user)
    result = gql(
        PRODUCT_CREATE,
        {"input": {"category": to_global_id("Category", shop["category"].pk), "name": "상품"}},
    )["data"]["productCreate"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("vendor", "REQUIRED")]


def test_validation_codes(gql, shop):
    gql.login(shop["a"].user)
    cat = to_global_id("Category", shop["category"].pk)
    missing = gql(PRODUCT_CREATE, {"input": {"name": " "}})["data"]["productCreate"]
    assert {(e["field"], e["code"]) for e in missing["errors"]} == {
        ("name", "REQUIRED"),
        ("category", "REQUIRED"),
    }
    dup = gql(
        PRODUCT_CREATE,
        {"input": {"category": cat, "name": "복제", "slug": shop["product"].slug}},
    )["data"]["productCreate"]
    assert [(e["field"], e["code"]) for e in dup["errors"]] == [("slug", "UNIQUE")]
    bad_id = gql(PRODUCT_CREATE, {"input": {"category": "bogus", "name": "x"}})
    assert bad_id["data"]["productCreate"]["errors"][0]["code"] == "INVALID"

    variant_input = {"product": gid(shop["product"]), "sku": shop["variant"].sku, "price": -5}
    bad = gql(VARIANT_CREATE, {"input": variant_input})["data"]["productVariantCreate"]
    assert {(e["field"], e["code"]) for e in bad["errors"]} == {
        ("sku", "UNIQUE"),
        ("price", "INVALID"),
    }
    no_price = gql(VARIANT_CREATE, {"input": {"product": gid(shop["product"]), "sku": "X-1"}})
    assert [
        (e["field"], e["code"]) for e in no_price["data"]["productVariantCreate"]["errors"]
    ] == [("price", "REQUIRED")]
    negative = gql(STOCKS_UPDATE, {"variantId": gid(shop["variant"]), "stocks": [{"quantity": -1}]})
    assert negative["data"]["productVariantStocksUpdate"]["errors"][0]["code"] == "INVALID"
    missing_product = gql(PRODUCT_UPDATE, {"id": to_global_id("Product", 999999), "input": {}})
    assert missing_product["data"]["productUpdate"]["errors"][0]["code"] == "NOT_FOUND"
    assert shop["variant"].__class__.objects.get(pk=shop["variant"].pk).price == 5000


def test_centre_staff_may_manage_any_vendor(gql, shop, staff_user):
    gql.login(staff_user)
    result = gql(PRODUCT_UPDATE, {"id": gid(shop["product"]), "input": {"isPublished": False}})
    assert result["data"]["productUpdate"]["errors"] == []
    assert result["data"]["productUpdate"]["product"]["isPublished"] is False


def test_other_vendor_user_is_not_a_vendor(gql, shop):
    """A user without any vendor cannot create products (no vendor to default to)."""
    gql.login(UserFactory())
    result = gql(
        PRODUCT_CREATE,
        {"input": {"category": to_global_id("Category", shop["category"].pk), "name": "x"}},
    )
    assert result["data"]["productCreate"]["errors"][0]["code"] == "PERMISSION_DENIED"


def test_search_with_the_real_backend(gql, client):
    """End to end through the configured search backend (SQLite FTS5 or PostgreSQL)."""
    from shop.search.registry import get_backend

    cracker = make_product(name="현미 쌀과자", prices=(7000,))
    noodle = make_product(name="쌀국수", prices=(9000,))
    make_product(name="천연 비누", prices=(15000,))
    get_backend().index_products([p.pk for p in Product.objects.all()])
    found = names(gql(PRODUCTS, {"first": 10, "filter": {"search": "쌀과자"}}))
    assert found[0] == cracker.name
    assert "천연 비누" not in found
    assert names(
        gql(PRODUCTS, {"first": 10, "filter": {"search": "쌀", "price": {"lte": 8000}}})
    ) == [cracker.name]
    assert noodle.name in names(gql(PRODUCTS, {"first": 10, "filter": {"search": "쌀국수"}}))
    page = client.get("/search/", {"q": "쌀과자"})
    assert next(c.product.name for c in page.context["cards"]) == cracker.name
