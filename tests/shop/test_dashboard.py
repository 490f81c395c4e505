"""Vendor dashboard pages (/vendor/) and the product image service.

Access rule under test: anonymous users are sent to the login page; a user who does not manage
the vendor in the URL gets 404 on every page (existence is not revealed) and changes nothing;
the vendor's own staff and centre staff get the page.
"""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.errors import DomainError
from shop.catalog import images
from shop.catalog.models import Product, ProductImage, ProductVariant, Stock
from shop.dashboard import pending
from tests.factories import StaffFactory, UserFactory, VendorFactory, VendorStaffFactory
from tests.factories.catalog import CategoryFactory, ProductFactory, VariantFactory
from tests.factories.dashboard import (
    dashboard_products,
    image_bytes,
    image_upload,
    vendor_with_owner,
)
from tests.shop.test_bulk_import import csv_file


@pytest.fixture
def world(db, settings, tmp_path):
    settings.BULK_IMPORT_DIR = str(tmp_path / "imports")
    vendor, owner = vendor_with_owner(slug="hamkke")
    category = CategoryFactory(name="과자", slug="snack")
    product = ProductFactory(
        vendor=vendor, category=category, name="유기농 쌀과자", slug="rice", is_published=False
    )
    variant = VariantFactory(product=product, sku="RICE-10", price=12000, stock=10)
    image = images.product_image_add(actor=owner, product=product, file=image_upload())
    other_vendor, stranger = vendor_with_owner(slug="other")
    return {
        "vendor": vendor,
        "owner": owner,
        "category": category,
        "product": product,
        "variant": variant,
        "image": image,
        "other_vendor": other_vendor,
        "stranger": stranger,
    }


def product_post(w, **extra):
    data = {
        "name": "유기농 쌀과자 (새 포장)",
        "slug": "",
        "category": w["category"].pk,
        "kind": "food",
        "tax_type": "exempt",
        "origin": "국내산",
        "allergens": ["wheat", "soybean"],
        "dietary_tags": ["organic"],
        "certification_marks": "HACCP",
        "description": "설명",
        "seo_title": "",
        "seo_description": "",
    }
    data.update(extra)
    return data


def variant_post(prefix, **values):
    base = {"sku": "RICE-20", "name": "20개입", "price": "22,000", "weight_grams": "600"}
    base |= {"servings": "20", "quantity": "15"} | values
    return {f"{prefix}-{k}": v for k, v in base.items()}


def import_csv() -> bytes:
    return csv_file([["햇감자", "과자", "POTATO-9", "8,000"]], ["상품명", "분류", "SKU", "가격"])


def _start_import(client, w):
    client.post(
        reverse("dashboard:import_start", args=[w["vendor"].slug]),
        {"file": SimpleUploadedFile("a.csv", import_csv())},
    )


# (name, method, kwargs from the world, POST data from the world, own staff's expected status)
CASES = [
    ("product_list", "get", lambda w: {}, None, 200),
    ("product_create", "get", lambda w: {}, None, 200),
    ("product_create", "post", lambda w: {}, lambda w: product_post(w, name="새 상품"), 302),
    ("product_edit", "get", lambda w: {"pk": w["product"].pk}, None, 200),
    ("product_edit", "post", lambda w: {"pk": w["product"].pk}, product_post, 302),
    ("product_publish", "post", lambda w: {"pk": w["product"].pk}, lambda w: {}, 302),
    ("product_unpublish", "post", lambda w: {"pk": w["product"].pk}, lambda w: {}, 302),
    ("product_delete", "get", lambda w: {"pk": w["product"].pk}, None, 200),
    ("product_delete", "post", lambda w: {"pk": w["product"].pk}, lambda w: {}, 302),
    ("variant_create", "post", lambda w: {"pk": w["product"].pk},
     lambda w: variant_post("new"), 302),
    ("variant_update", "post",
     lambda w: {"pk": w["product"].pk, "variant_pk": w["variant"].pk},
     lambda w: variant_post(f"v{w['variant'].pk}", sku="RICE-10", price="13000"), 302),
    ("image_upload", "post", lambda w: {"pk": w["product"].pk},
     lambda w: {"file": image_upload(), "alt": "포장"}, 302),
    ("image_delete", "post", lambda w: {"pk": w["product"].pk, "image_pk": w["image"].pk},
     lambda w: {}, 302),
    ("import_start", "get", lambda w: {}, None, 200),
    ("import_start", "post", lambda w: {},
     lambda w: {"file": SimpleUploadedFile("a.csv", import_csv())}, 302),
    ("import_preview", "get", lambda w: {}, None, 200),
    ("import_apply", "post", lambda w: {}, lambda w: {}, 302),
    ("import_cancel", "post", lambda w: {}, lambda w: {}, 302),
    ("export", "get", lambda w: {"fmt": "csv"}, None, 200),
    ("export", "get", lambda w: {"fmt": "xlsx"}, None, 200),
    ("import_template", "get", lambda w: {"fmt": "csv"}, None, 200),
    ("import_template", "get", lambda w: {"fmt": "xlsx"}, None, 200),
]  # fmt: skip
CASE_IDS = [f"{c[1]}-{c[0]}-{i}" for i, c in enumerate(CASES)]


def _request(client, w, case, vendor_slug):
    name, method, kwargs, data, _ = case
    url = reverse(f"dashboard:{name}", kwargs={"vendor_slug": vendor_slug, **kwargs(w)})
    if method == "get":
        return client.get(url)
    return client.post(url, data(w))


def snapshot(w):
    """Everything a request could have changed."""
    return (
        list(Product.objects.order_by("pk").values_list("pk", "name", "is_published", "tax_type")),
        list(ProductVariant.objects.order_by("pk").values_list("pk", "sku", "price")),
        list(Stock.objects.order_by("pk").values_list("pk", "quantity")),
        list(ProductImage.objects.order_by("pk").values_list("pk", "image")),
    )


def test_every_vendor_url_is_covered():
    """Every catalog page of the dashboard is in CASES (order and settlement pages have
    their own permission tests, which check their modules the same way)."""
    from shop.dashboard import urls, views

    names = {
        p.name
        for p in urls.urlpatterns
        if getattr(getattr(p, "callback", None), "__module__", "") == views.__name__
    } - {"home"}
    assert names == {c[0] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_anonymous_is_sent_to_login(client, world, case):
    before = snapshot(world)
    resp = _request(client, world, case, world["vendor"].slug)
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse("accounts:login"))
    assert snapshot(world) == before


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_another_vendors_staff_get_404_and_change_nothing(client, world, case):
    client.force_login(world["stranger"])
    if case[0] in ("import_preview", "import_apply"):
        # Even with an upload of their own pending for their vendor.
        client.post(
            reverse("dashboard:import_start", args=[world["other_vendor"].slug]),
            {"file": SimpleUploadedFile("a.csv", import_csv())},
        )
    before = snapshot(world)
    resp = _request(client, world, case, world["vendor"].slug)
    assert resp.status_code == 404
    assert snapshot(world) == before


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_unknown_vendor_is_the_same_404(client, world, case):
    client.force_login(world["stranger"])
    assert _request(client, world, case, "no-such-vendor").status_code == 404


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_own_staff_get_every_page(client, world, case):
    client.force_login(world["owner"])
    if case[0] in ("import_preview", "import_apply"):
        _start_import(client, world)
    resp = _request(client, world, case, world["vendor"].slug)
    assert resp.status_code == case[4], resp.content.decode()[:2000]


@pytest.mark.parametrize("case", [c for c in CASES if c[1] == "get"], ids=str)
def test_centre_staff_may_open_every_vendor(client, world, case):
    client.force_login(StaffFactory())
    if case[0] == "import_preview":
        _start_import(client, world)
    assert _request(client, world, case, world["vendor"].slug).status_code == 200


def test_objects_of_another_vendor_are_404_under_your_own_vendor(client, world):
    """Your own vendor in the URL does not open another vendor's product, variant or image."""
    foreign = ProductFactory(vendor=world["vendor"], category=world["category"], slug="mine-2")
    client.force_login(world["stranger"])
    theirs = world["product"]
    mine = world["other_vendor"].slug
    before = snapshot(world)
    for url in [
        reverse("dashboard:product_edit", args=[mine, theirs.pk]),
        reverse("dashboard:product_delete", args=[mine, theirs.pk]),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, product_post(world)).status_code == 404
    url = reverse("dashboard:product_publish", args=[mine, theirs.pk])
    assert client.post(url).status_code == 404
    url = reverse("dashboard:variant_update", args=[mine, theirs.pk, world["variant"].pk])
    assert client.post(url, variant_post(f"v{world['variant'].pk}")).status_code == 404
    url = reverse("dashboard:image_delete", args=[mine, theirs.pk, world["image"].pk])
    assert client.post(url).status_code == 404
    assert snapshot(world) == before
    # A variant or image must also belong to the product in the URL.
    client.force_login(world["owner"])
    url = reverse("dashboard:variant_update", args=["hamkke", foreign.pk, world["variant"].pk])
    assert client.post(url, variant_post(f"v{world['variant'].pk}")).status_code == 404
    url = reverse("dashboard:image_delete", args=["hamkke", foreign.pk, world["image"].pk])
    assert client.post(url).status_code == 404


def test_post_only_urls_refuse_get(client, world):
    client.force_login(world["owner"])
    url = reverse("dashboard:product_publish", args=["hamkke", world["product"].pk])
    assert client.get(url).status_code == 405
    assert not Product.objects.get(pk=world["product"].pk).is_published


# --- Vendor picker --------------------------------------------------------------------------------


def test_home_redirects_a_single_vendor_and_lists_several(client, world):
    client.force_login(world["owner"])
    resp = client.get(reverse("dashboard:home"))
    assert resp["Location"] == reverse("dashboard:product_list", args=["hamkke"])

    second = VendorFactory(store_name="두번째 상점")
    VendorStaffFactory(vendor=second, user=world["owner"], role="staff")
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "관리할 판매처를 고르세요" in html
    assert "두번째 상점" in html
    assert world["vendor"].store_name in html
    assert world["other_vendor"].store_name not in html


def test_home_for_users_without_vendor_and_for_centre_staff(client, world):
    client.force_login(UserFactory())
    html = client.get(reverse("dashboard:home")).content.decode()
    assert "관리하는 판매처가 없습니다" in html
    client.force_login(StaffFactory())
    html = client.get(reverse("dashboard:home")).content.decode()
    assert world["vendor"].store_name in html
    assert world["other_vendor"].store_name in html


# --- Product list ---------------------------------------------------------------------------------


def test_product_list_search_filter_badges(client, world):
    w = world
    client.force_login(w["owner"])
    sold_out = ProductFactory(vendor=w["vendor"], category=w["category"], name="보리차", slug="tea")
    VariantFactory(product=sold_out, sku="TEA-1", stock=0)
    ProductFactory(vendor=w["other_vendor"], category=w["category"], name="남의 상품")
    url = reverse("dashboard:product_list", args=["hamkke"])

    html = client.get(url).content.decode()
    assert "유기농 쌀과자" in html
    assert "보리차" in html
    assert "남의 상품" not in html
    assert "품절" in html
    assert "재고 10" in html
    assert "₩12,000" in html
    assert w["image"].thumbnail.url in html

    html = client.get(url, {"q": "쌀"}).content.decode()
    assert "유기농 쌀과자" in html
    assert "보리차" not in html
    html = client.get(url, {"q": "TEA-1"}).content.decode()
    assert "보리차" in html
    assert "유기농 쌀과자" not in html
    html = client.get(url, {"status": "published"}).content.decode()
    assert "보리차" in html
    assert "유기농 쌀과자" not in html
    html = client.get(url, {"status": "unpublished"}).content.decode()
    assert "유기농 쌀과자" in html
    assert "보리차" not in html


def test_product_list_pagination(client, world):
    client.force_login(world["owner"])
    dashboard_products(45, vendor=world["vendor"], category=world["category"])
    url = reverse("dashboard:product_list", args=["hamkke"])
    html = client.get(url, {"page": 3, "status": "published"}).content.decode()
    assert "2 / 2 쪽" in html  # 22 published: page 3 falls back to the last
    html = client.get(url).content.decode()
    assert "상품 46개" in html
    assert "1 / 3 쪽" in html
    assert "?page=2" in html


def test_product_list_query_count_is_constant(client, world, count_queries):
    client.force_login(world["owner"])
    url = reverse("dashboard:product_list", args=["hamkke"])
    dashboard_products(9, vendor=world["vendor"], category=world["category"], prefix="a")
    client.get(url)
    with count_queries() as few:
        resp = client.get(url)
    assert resp.content.decode().count("<tr>") == 1 + 10
    dashboard_products(120, vendor=world["vendor"], category=world["category"], prefix="b")
    with count_queries() as many:
        resp = client.get(url)
    assert resp.content.decode().count("<tr>") == 1 + 20
    with count_queries() as later_page:
        client.get(url, {"page": 4, "q": "상품"})
    assert len(few) == len(many) == len(later_page), [q["sql"] for q in many]
    assert len(many) <= 8


def test_product_page_query_count_does_not_grow_with_variants(client, world, count_queries):
    client.force_login(world["owner"])
    url = reverse("dashboard:product_edit", args=["hamkke", world["product"].pk])
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for i in range(15):
        VariantFactory(product=world["product"], sku=f"MANY-{i}")
    with count_queries() as many:
        client.get(url)
    assert len(few) == len(many)


# --- Product create / edit / publish / delete -----------------------------------------------------


def test_create_form_is_korean_with_tax_help(client, world):
    client.force_login(world["owner"])
    html = client.get(reverse("dashboard:product_create", args=["hamkke"])).content.decode()
    for text in ("상품명", "분류", "과세 유형", "원산지", "알레르기 유발 성분", "식단 표시"):
        assert text in html
    assert "면세 — 부가세 면제" in html
    assert "김치·두부" in html
    assert "영세율" in html
    assert 'type="checkbox" name="allergens" value="wheat"' in html
    assert "추천 상품" not in html  # centre staff only


def test_create_product(client, world):
    client.force_login(world["owner"])
    resp = client.post(
        reverse("dashboard:product_create", args=["hamkke"]),
        product_post(world, name="햇감자"),
        follow=True,
    )
    product = Product.objects.get(name="햇감자")
    assert resp.redirect_chain[-1][0] == reverse(
        "dashboard:product_edit", args=["hamkke", product.pk]
    )
    assert "상품을 저장했습니다" in resp.content.decode()
    assert product.vendor == world["vendor"]
    assert product.tax_type == "exempt"
    assert product.allergens == ["soybean", "wheat"]
    assert product.slug
    assert not product.is_published


def test_create_product_errors(client, world):
    client.force_login(world["owner"])
    url = reverse("dashboard:product_create", args=["hamkke"])
    resp = client.post(url, product_post(world, name="", category=""))
    assert resp.status_code == 400
    assert Product.objects.count() == 1
    resp = client.post(url, product_post(world, name="새 상품", slug="rice"))  # slug taken
    assert resp.status_code == 400
    assert "이미 사용 중인 주소 이름입니다." in resp.content.decode()
    resp = client.post(url, product_post(world, name="비공개로 시작", is_published="on"))
    assert resp.status_code == 302  # a new product starts unpublished: it has no variant yet
    assert not Product.objects.get(name="비공개로 시작").is_published


def test_edit_product(client, world):
    client.force_login(world["owner"])
    url = reverse("dashboard:product_edit", args=["hamkke", world["product"].pk])
    html = client.get(url).content.decode()
    assert 'value="유기농 쌀과자"' in html
    assert "RICE-10" in html
    resp = client.post(url, product_post(world, is_published="on"), follow=True)
    assert "상품을 저장했습니다" in resp.content.decode()
    product = Product.objects.get(pk=world["product"].pk)
    assert product.name == "유기농 쌀과자 (새 포장)"
    assert product.slug == "rice"  # a blank slug keeps the current one
    assert product.is_published
    assert product.tax_type == "exempt"


def test_centre_staff_may_feature(client, world):
    client.force_login(StaffFactory())
    url = reverse("dashboard:product_edit", args=["hamkke", world["product"].pk])
    assert "추천 상품" in client.get(url).content.decode()
    client.post(url, product_post(world, is_featured="on"))
    assert Product.objects.get(pk=world["product"].pk).is_featured


def test_publish_and_unpublish(client, world):
    client.force_login(world["owner"])
    pk = world["product"].pk
    list_url = reverse("dashboard:product_list", args=["hamkke"])
    resp = client.post(
        reverse("dashboard:product_publish", args=["hamkke", pk]), {"next": list_url + "?q=쌀"}
    )
    assert resp["Location"] == list_url + "?q=%EC%8C%80"
    assert Product.objects.get(pk=pk).is_published
    resp = client.post(
        reverse("dashboard:product_unpublish", args=["hamkke", pk]),
        {"next": "https://evil.example/"},
    )
    assert resp["Location"] == list_url
    assert not Product.objects.get(pk=pk).is_published

    bare = ProductFactory(vendor=world["vendor"], category=world["category"], is_published=False)
    resp = client.post(reverse("dashboard:product_publish", args=["hamkke", bare.pk]), follow=True)
    assert "옵션(가격)이 없어 공개할 수 없습니다" in resp.content.decode()
    assert not Product.objects.get(pk=bare.pk).is_published


def test_delete_with_confirmation(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["owner"])
    url = reverse("dashboard:product_delete", args=["hamkke", world["product"].pk])
    html = client.get(url).content.decode()
    assert "삭제할까요?" in html
    assert "옵션 1개" in html
    assert Product.objects.filter(pk=world["product"].pk).exists()
    img = world["image"]
    files = [default_storage.path(img.image.name), default_storage.path(img.thumbnail.name)]
    assert all(os.path.exists(f) for f in files)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url, follow=True)
    assert "상품을 삭제했습니다" in resp.content.decode()
    assert not Product.objects.filter(pk=world["product"].pk).exists()
    assert not any(os.path.exists(f) for f in files)


# --- Variants and stock -------------------------------------------------------------------------


def test_add_variant_inline(client, world):
    client.force_login(world["owner"])
    url = reverse("dashboard:variant_create", args=["hamkke", world["product"].pk])
    resp = client.post(url, variant_post("new"))
    assert resp.status_code == 302
    v = ProductVariant.objects.get(sku="RICE-20")
    assert (v.price, v.weight_grams, v.servings, v.stock.quantity) == (22000, 600, 20, 15)

    resp = client.post(url, variant_post("new", price="-1", sku="RICE-30"))
    assert resp.status_code == 400
    resp = client.post(url, variant_post("new"))  # duplicate SKU, reported by the service
    assert resp.status_code == 400
    assert "SKU &#x27;RICE-20&#x27;는 이미 사용 중입니다." in resp.content.decode()
    assert ProductVariant.objects.count() == 2


def test_edit_variant_price_and_stock(client, world):
    client.force_login(world["owner"])
    v = world["variant"]
    url = reverse("dashboard:variant_update", args=["hamkke", world["product"].pk, v.pk])
    resp = client.post(url, variant_post(f"v{v.pk}", sku="RICE-10", price="₩13,500", quantity="3"))
    assert resp.status_code == 302
    v.refresh_from_db()
    assert (v.price, v.name, v.stock.quantity) == (13500, "20개입", 3)

    Stock.objects.filter(variant=v).update(allocated=2)
    resp = client.post(url, variant_post(f"v{v.pk}", sku="RICE-10", price="13500", quantity="1"))
    assert resp.status_code == 400
    assert "이미 주문에 할당된 2개보다 적게 설정할 수 없습니다." in resp.content.decode()
    v.refresh_from_db()
    assert v.stock.quantity == 3


def test_variant_update_is_atomic(client, world):
    """A refused stock change also undoes the price change made in the same submit."""
    client.force_login(world["owner"])
    v = world["variant"]
    Stock.objects.filter(variant=v).update(quantity=5, allocated=5)
    url = reverse("dashboard:variant_update", args=["hamkke", world["product"].pk, v.pk])
    resp = client.post(url, variant_post(f"v{v.pk}", sku="RICE-10", price="99000", quantity="0"))
    assert resp.status_code == 400
    v.refresh_from_db()
    assert v.price == 12000


# --- Images ---------------------------------------------------------------------------------------


def test_upload_image_makes_a_thumbnail(client, world):
    client.force_login(world["owner"])
    url = reverse("dashboard:image_upload", args=["hamkke", world["product"].pk])
    upload = image_upload(name="../../evil name.jpg", fmt="JPEG", size=(1600, 900))
    resp = client.post(url, {"file": upload, "alt": "포장 사진"})
    assert resp.status_code == 302
    img = world["product"].images.order_by("-pk").first()
    assert img.alt == "포장 사진"
    assert img.sort_order == 1
    assert img.image.name.startswith(f"products/{world['product'].pk}/")
    assert img.image.name.endswith(".jpg")
    assert "evil" not in img.image.name
    with default_storage.open(img.thumbnail.name) as fh, Image.open(fh) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.size == (400, 225)
    html = client.get(reverse("dashboard:product_edit", args=["hamkke", world["product"].pk]))
    assert img.thumbnail.url in html.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "fake.jpg",
            b"this is not an image at all",
            "image/jpeg",
            "이미지 파일을 읽을 수 없습니다.",
        ),
        ("anim.gif", image_bytes("GIF"), "image/gif", "JPG, PNG, WebP 이미지만 올릴 수 있습니다"),
        ("cut.png", image_bytes("PNG")[:200], "image/png", "이미지 파일을 읽을 수 없습니다."),
    ],
)
def test_upload_refuses_what_is_not_jpeg_png_webp(
    client, world, name, content, content_type, message
):
    client.force_login(world["owner"])
    url = reverse("dashboard:image_upload", args=["hamkke", world["product"].pk])
    resp = client.post(url, {"file": SimpleUploadedFile(name, content, content_type=content_type)})
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert world["product"].images.count() == 1


def test_image_service_checks_size_and_permission(world, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(DomainError) as exc:
        images.product_image_add(
            actor=world["owner"], product=world["product"], file=image_upload(size=(600, 600))
        )
    assert exc.value.code == "FILE_TOO_LARGE"
    assert "이미지 파일이 너무 큽니다" in exc.value.message
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    with pytest.raises(DomainError) as exc:
        images.product_image_add(
            actor=world["stranger"], product=world["product"], file=image_upload()
        )
    assert exc.value.code == "PERMISSION_DENIED"
    webp = SimpleUploadedFile("x.webp", image_bytes("WEBP", (300, 500)), "image/webp")
    img = images.product_image_add(actor=world["owner"], product=world["product"], file=webp)
    assert img.image.name.endswith(".webp")
    with default_storage.open(img.thumbnail.name) as fh, Image.open(fh) as thumb:
        assert thumb.size == (240, 400)


def test_delete_image_removes_files(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["owner"])
    img = world["image"]
    paths = [default_storage.path(img.image.name), default_storage.path(img.thumbnail.name)]
    assert all(os.path.exists(p) for p in paths)
    url = reverse("dashboard:image_delete", args=["hamkke", world["product"].pk, img.pk])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(url)
    assert resp.status_code == 302
    assert not ProductImage.objects.filter(pk=img.pk).exists()
    assert not any(os.path.exists(p) for p in paths)


def test_pending_files_are_private(world):
    token = pending.save(b"data")
    path = pending._path(token)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert pending.load(token) == b"data"
    pending.discard(token)
    assert pending.load(token) is None


def test_thumbnail_of_palette_png_with_transparency():
    out = io.BytesIO()
    Image.new("P", (50, 50)).save(out, "PNG", transparency=0)
    out.seek(0)
    data = images.make_thumbnail(out)
    with Image.open(io.BytesIO(data)) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.mode == "RGBA"
