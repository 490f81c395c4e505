"""Bulk CSV/XLSX import and export of a vendor's catalog (``shop.catalog.bulk``) and its pages."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.errors import DomainError, DomainErrors
from shop.catalog import bulk, services
from shop.catalog.models import Product, ProductVariant, Stock
from shop.dashboard import pending
from tests.factories import VendorFactory, VendorStaffFactory
from tests.factories.catalog import CategoryFactory, ProductFactory, VariantFactory
from tests.factories.dashboard import vendor_with_owner

HEADER = bulk.HEADERS


def row(**cells) -> list[str]:
    """A data row in ``HEADER`` order from column keys (name=..., sku=...)."""
    return [str(cells.get(c.key, "")) for c in bulk.COLUMNS]


def csv_file(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "상품"
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def shop(db):
    vendor, owner = vendor_with_owner()
    snack = CategoryFactory(name="과자", slug="snack")
    CategoryFactory(name="음료", slug="drinks")
    return vendor, owner, snack


def rice_rows():
    return [
        row(
            name="유기농 쌀과자",
            slug="rice-cracker",
            category="과자",
            kind="먹거리",
            tax_type="과세",
            origin="국내산(쌀)",
            allergens="밀, 대두",
            dietary="유기농",
            marks="HACCP, 친환경",
            published="Y",
            description="바삭한 쌀과자",
            sku="RICE-10",
            variant_name="10개입",
            price="12,000",
            weight_grams="300g",
            servings="10",
            stock="50",
        ),
        row(
            name="유기농 쌀과자",
            slug="rice-cracker",
            sku="RICE-20",
            variant_name="20개입",
            price="22000원",
            servings="20",
            stock="5",
        ),
        row(
            name="햇감자",
            category="snack",
            tax_type="면세",
            kind="food",
            published="N",
            sku="POTATO-1",
            price="8000",
            stock="0",
        ),
    ]


# --- Preview --------------------------------------------------------------------------------------


def test_preview_plans_creates_and_writes_nothing(shop, count_queries):
    vendor, _, _ = shop
    with count_queries() as q:
        preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    assert preview.ok, preview.error_messages()
    assert [r.number for r in preview.rows] == [2, 3, 4]
    assert [r.action for r in preview.rows] == ["create", "create", "create"]
    assert Product.objects.count() == 0
    assert all(not sql["sql"].lstrip().upper().startswith(("INSERT", "UPDATE")) for sql in q)


def test_apply_creates_products_variants_and_stock(shop):
    vendor, owner, snack = shop
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    result = bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)
    assert (result.products_created, result.variants_created) == (2, 3)

    rice = Product.objects.get(slug="rice-cracker")
    assert rice.vendor == vendor
    assert rice.category == snack
    assert rice.tax_type == "taxable"
    assert rice.kind == "food"
    assert rice.allergens == ["soybean", "wheat"]
    assert rice.dietary_tags == ["organic"]
    assert rice.marks == ["HACCP", "친환경"]
    assert rice.is_published is True
    v10, v20 = rice.variants.order_by("sku")
    assert (v10.sku, v10.name, v10.price, v10.weight_grams, v10.servings) == (
        "RICE-10", "10개입", 12000, 300, 10
    )  # fmt: skip
    assert (v20.price, v20.servings, v20.stock.quantity, v10.stock.quantity) == (22000, 20, 5, 50)

    potato = Product.objects.get(name="햇감자")
    assert potato.tax_type == "exempt"
    assert potato.is_published is False
    assert potato.variants.get().stock.quantity == 0


def test_one_bad_row_writes_nothing_and_names_the_row(shop):
    vendor, owner, _ = shop
    rows = rice_rows()
    rows[1][HEADER.index("가격")] = "-500"  # spreadsheet row 3
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rows), filename="a.csv")
    assert not preview.ok
    bad = preview.rows[1]
    assert bad.number == 3
    assert bad.action == "error"
    assert any("가격은 0원 이상의 정수여야 합니다" in e for e in bad.errors)
    assert [r.action for r in preview.rows if r is not bad] == ["create", "create"]

    with pytest.raises(DomainErrors) as exc:
        bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)
    assert any(
        e.message.startswith("3행: 가격은 0원 이상의 정수여야 합니다") for e in exc.value.errors
    )
    assert Product.objects.count() == 0
    assert ProductVariant.objects.count() == 0


def test_a_write_failing_midway_rolls_everything_back(shop, monkeypatch):
    vendor, owner, _ = shop
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    real = services.variant_create
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["sku"])
        if len(calls) == 3:
            raise DomainError("INVALID", "테스트용 실패", "sku")
        return real(**kwargs)

    monkeypatch.setattr(services, "variant_create", flaky)
    with pytest.raises(DomainErrors) as exc:
        bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)
    assert [e.message for e in exc.value.errors] == ["4행: 테스트용 실패"]
    assert len(calls) == 3
    assert Product.objects.count() == 0
    assert ProductVariant.objects.count() == 0
    assert Stock.objects.count() == 0


def test_existing_rows_update_by_sku_and_unchanged_rows_are_left_alone(shop):
    vendor, owner, _snack = shop
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)

    again = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    assert again.ok
    assert not again.has_changes
    assert [r.action for r in again.rows] == ["unchanged"] * 3

    rows = rice_rows()
    rows[1][HEADER.index("가격")] = "23,000"
    rows[1][HEADER.index("재고")] = "7"
    rows[2][HEADER.index("공개")] = "Y"
    changed = bulk.bulk_preview(vendor=vendor, file=csv_file(rows), filename="a.csv")
    assert [r.action for r in changed.rows] == ["unchanged", "update", "update"]
    assert "가격: 22,000원 → 23,000원" in changed.rows[1].changes
    assert "재고: 5 → 7" in changed.rows[1].changes
    assert "공개: 비공개 → 공개" in changed.rows[2].changes
    result = bulk.bulk_apply(actor=owner, vendor=vendor, preview=changed)
    assert (result.products_updated, result.variants_updated, result.unchanged_rows) == (1, 1, 1)
    v20 = ProductVariant.objects.get(sku="RICE-20")
    assert (v20.price, v20.stock.quantity) == (23000, 7)
    assert Product.objects.get(name="햇감자").is_published is True
    assert Product.objects.count() == 2


def test_rows_without_slug_find_the_product_by_sku_or_name(shop):
    vendor, owner, snack = shop
    product = ProductFactory(vendor=vendor, category=snack, name="보리차", slug="barley-tea")
    VariantFactory(product=product, sku="TEA-1", price=3000)
    header = ["상품명", "SKU", "가격", "재고"]
    data = csv_file([["보리차", "TEA-1", "3500", ""], ["보리차", "TEA-2", "6000", "3"]], header)
    preview = bulk.bulk_preview(vendor=vendor, file=data, filename="x.csv")
    assert preview.ok, preview.error_messages()
    assert [r.action for r in preview.rows] == ["update", "create"]
    bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)
    assert sorted(product.variants.values_list("sku", "price")) == [
        ("TEA-1", 3500),
        ("TEA-2", 6000),
    ]
    assert Product.objects.count() == 1


def test_sku_of_another_vendor_is_an_error_for_that_row(shop):
    vendor, owner, snack = shop
    other = ProductFactory(category=snack)  # another vendor's product
    VariantFactory(product=other, sku="RICE-20", price=12000)
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    assert [r.action for r in preview.rows] == ["create", "error", "create"]
    assert preview.rows[1].errors == ["SKU 'RICE-20'는 다른 판매처에서 이미 사용 중입니다."]
    with pytest.raises(DomainErrors):
        bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)
    assert not Product.objects.filter(vendor=vendor).exists()
    assert other.variants.get().price == 12000


def test_slug_of_another_vendor_is_an_error(shop):
    vendor, _, snack = shop
    ProductFactory(category=snack, slug="rice-cracker")
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    assert [r.action for r in preview.rows] == ["error", "error", "create"]
    assert "다른 판매처의 상품이 사용 중" in preview.rows[0].errors[0]


def test_apply_checks_again_against_the_database(shop):
    vendor, owner, snack = shop
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    assert preview.ok
    VariantFactory(product=ProductFactory(category=snack), sku="POTATO-1")  # taken meanwhile
    with pytest.raises(DomainErrors) as exc:
        bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)
    assert [e.message for e in exc.value.errors] == [
        "4행: SKU 'POTATO-1'는 다른 판매처에서 이미 사용 중입니다."
    ]
    assert not Product.objects.filter(vendor=vendor).exists()


def test_only_the_vendors_staff_may_apply(shop):
    vendor, _, _ = shop
    stranger = VendorStaffFactory(vendor=VendorFactory()).user
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv")
    with pytest.raises(DomainError) as exc:
        bulk.bulk_apply(actor=stranger, vendor=vendor, preview=preview)
    assert exc.value.code == "PERMISSION_DENIED"
    assert Product.objects.count() == 0


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("가격", "12.5", "가격은 0원 이상의 정수여야 합니다(입력값: 12.5)."),
        ("가격", "무료", "가격은 0원 이상의 정수여야 합니다(입력값: 무료)."),
        ("재고", "-1", "재고는 0 이상의 정수여야 합니다(입력값: -1)."),
        ("제공량", "0", "제공량은 1 이상의 정수여야 합니다(입력값: 0)."),
        ("과세유형", "비과세", "과세유형은 과세, 면세, 영세 중 하나여야 합니다('비과세')."),
        ("구분", "장난감", "구분은 먹거리, 음료, 기타 중 하나여야 합니다('장난감')."),
        ("알레르기", "밀, 초콜릿", "알 수 없는 알레르기 성분: 초콜릿"),
        ("분류", "없는분류", "분류 '없는분류'을(를) 찾을 수 없습니다."),
        ("공개", "가끔", "공개는 Y 또는 N으로 입력하세요('가끔')."),
        (
            "주소이름",
            "rice cracker!",
            "주소이름에는 글자, 숫자, 하이픈(-), 밑줄(_)만 쓸 수 있습니다.",
        ),
    ],
)
def test_cell_errors_are_reported_in_korean(shop, column, value, message):
    vendor, _, _ = shop
    rows = rice_rows()[:1]
    rows[0][HEADER.index(column)] = value
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rows), filename="a.csv")
    assert message in preview.rows[0].errors
    assert f"2행: {message}" in preview.error_messages()


def test_row_level_consistency_errors(shop):
    vendor, _, _ = shop
    rows = rice_rows()
    rows[1][HEADER.index("과세유형")] = "면세"  # differs from row 2 of the same product
    rows[2][HEADER.index("SKU")] = "RICE-10"  # duplicate SKU
    preview = bulk.bulk_preview(vendor=vendor, file=csv_file(rows), filename="a.csv")
    assert "과세유형 값이 같은 상품의 2행과 다릅니다." in preview.rows[1].errors
    assert "SKU 'RICE-10'가 2행에도 있습니다." in preview.rows[2].errors


def test_new_products_need_name_category_and_price_and_a_variant_to_publish(shop):
    vendor, _, _ = shop
    header = ["주소이름", "상품명", "분류", "공개", "SKU", "가격"]
    data = csv_file(
        [
            ["only-slug", "", "", "N", "", ""],
            ["no-price", "가격 없음", "과자", "N", "NP-1", ""],
            ["no-variant", "옵션 없음", "과자", "Y", "", ""],
            ["", "", "", "", "", "5000"],
        ],
        header,
    )
    preview = bulk.bulk_preview(vendor=vendor, file=data, filename="x.csv")
    errors = preview.error_messages()
    assert "2행: 새 상품에는 상품명이(가) 필요합니다." in errors
    assert "2행: 새 상품에는 분류이(가) 필요합니다." in errors
    assert "3행: 새 옵션에는 가격이 필요합니다." in errors
    assert "4행: 옵션(SKU·가격)이 하나 이상 있어야 공개할 수 있습니다." in errors
    assert "5행: SKU를 입력하세요." in errors
    assert "5행: 상품명 또는 주소이름을 입력하세요." in errors


def test_english_headers_codes_and_missing_columns(shop):
    vendor, owner, snack = shop
    product = ProductFactory(
        vendor=vendor, category=snack, slug="tea", name="차", origin="국산", description="설명"
    )
    product.allergens = ["milk"]
    product.save()
    VariantFactory(product=product, sku="TEA-1", price=3000)
    header = ["slug", "name", "tax_type", "allergens", "sku", "price"]
    data = csv_file([["tea", "차", "zero_rated", "", "TEA-1", "3000"]], header)
    preview = bulk.bulk_preview(vendor=vendor, file=data, filename="x.csv")
    assert preview.ok, preview.error_messages()
    bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)
    product.refresh_from_db()
    assert product.tax_type == "zero_rated"
    assert product.allergens == []  # a blank cell clears an optional field
    assert (product.origin, product.description) == ("국산", "설명")  # absent columns stay


def test_file_level_errors(shop):
    vendor, _, _ = shop
    cases = [
        (csv_file([["x"]], header=["아무거나"]), "a.csv", "'상품명' 또는 '주소이름' 열"),
        (b"", "a.csv", "파일이 비어 있습니다."),
        (b"\xd0\xcf\x11\xe0 old excel", "a.xls", "XLS(구 엑셀) 형식은 읽을 수 없습니다"),
        (b"not a zip", "a.xlsx", "XLSX 파일을 읽을 수 없습니다"),
        (b"name\n", "a.txt", "CSV 또는 XLSX 파일만"),
        (csv_file([], header=["상품명", "가격", "가격"]), "a.csv", "'가격' 열이 두 번 있습니다."),
    ]
    for data, name, message in cases:
        preview = bulk.bulk_preview(vendor=vendor, file=data, filename=name)
        assert not preview.ok
        assert any(message in e for e in preview.errors), (name, preview.errors)


def test_cp949_csv_from_korean_excel_and_unknown_columns(shop):
    vendor, _, _ = shop
    data = csv_file(
        [["햇감자", "과자", "POTATO-1", "8000", "무시"]],
        header=["상품명", "분류", "SKU", "가격", "메모"],
        encoding="cp949",
    )
    preview = bulk.bulk_preview(vendor=vendor, file=data, filename="감자.csv")
    assert preview.ok, preview.error_messages()
    assert preview.rows[0].values["name"] == "햇감자"
    assert preview.warnings == ["알 수 없는 열 '메모'은(는) 무시합니다."]


def test_xlsx_import_with_numeric_cells(shop):
    vendor, owner, _ = shop
    product_cells = row(name="보리차", category="음료", kind="음료")[:-6]
    data = xlsx_file([[*product_cells, "TEA-1", "1L", 3000, 1000.0, 4, 12]])
    preview = bulk.bulk_preview(vendor=vendor, file=data, filename="tea.xlsx")
    assert preview.ok, preview.error_messages()
    bulk.bulk_apply(actor=owner, vendor=vendor, preview=preview)
    v = ProductVariant.objects.get(sku="TEA-1")
    assert (v.price, v.weight_grams, v.servings, v.stock.quantity) == (3000, 1000, 4, 12)
    assert v.product.kind == "drink"


# --- Export and template ------------------------------------------------------------------------


def test_export_round_trips_unchanged(shop):
    vendor, owner, _ = shop
    bulk.bulk_apply(
        actor=owner,
        vendor=vendor,
        preview=bulk.bulk_preview(vendor=vendor, file=csv_file(rice_rows()), filename="a.csv"),
    )
    ProductFactory(vendor=vendor, name="옵션 없는 상품", slug="bare", is_published=False)
    other = ProductFactory(name="다른 판매처 상품")

    data = bulk.export_csv(vendor=vendor)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == HEADER
    assert len(lines) == 1 + 3 + 1
    assert other.name not in data.decode("utf-8-sig")
    first = dict(zip(HEADER, lines[1], strict=True))
    assert first["과세유형"] == "과세"
    assert first["알레르기"] == "대두, 밀"
    assert first["공개"] == "Y"

    for content, name in ((data, "export.csv"), (bulk.export_xlsx(vendor=vendor), "export.xlsx")):
        preview = bulk.bulk_preview(vendor=vendor, file=content, filename=name)
        assert preview.ok, preview.error_messages()
        assert {r.action for r in preview.rows} == {"unchanged"}, [r.changes for r in preview.rows]


def test_xlsx_export_and_template_sheets(shop):
    vendor, _owner, _ = shop
    ProductFactory(vendor=vendor, name="=SUM(A1)", slug="formula")
    wb = load_workbook(io.BytesIO(bulk.export_xlsx(vendor=vendor)))
    ws = wb["상품"]
    assert [c.value for c in ws[1]] == HEADER
    assert ws["A2"].value == "=SUM(A1)"
    assert ws["A2"].data_type == "s"

    wb = load_workbook(io.BytesIO(bulk.template_xlsx()))
    assert wb.sheetnames == ["상품", "안내"]
    assert [c.value for c in wb["상품"][2]][bulk.HEADERS.index("SKU")] == bulk.EXAMPLE_SKU
    notes = [c.value for r in wb["안내"].iter_rows() for c in r if c.value]
    assert "과세유형" in notes
    assert "면세" in notes
    assert "알류(난류)" in notes
    assert "snack" in notes


def test_template_example_row_is_skipped(shop):
    vendor, _, _ = shop
    for content, name in ((bulk.template_csv(), "t.csv"), (bulk.template_xlsx(), "t.xlsx")):
        preview = bulk.bulk_preview(vendor=vendor, file=content, filename=name)
        assert preview.ok
        assert not preview.has_changes
        assert [r.action for r in preview.rows] == ["skip"]


# --- Pages ----------------------------------------------------------------------------------------


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.BULK_IMPORT_DIR = str(tmp_path)
    return tmp_path


def upload(client, vendor, content: bytes, name: str):
    return client.post(
        reverse("dashboard:import_start", args=[vendor.slug]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_page_import_with_one_bad_row_writes_nothing_and_shows_the_row(client, shop, import_dir):
    vendor, owner, _ = shop
    client.force_login(owner)
    rows = rice_rows()
    rows[1][HEADER.index("가격")] = "-500"
    resp = upload(client, vendor, csv_file(rows), "상품.csv")
    assert resp.status_code == 302
    assert resp["Location"] == reverse("dashboard:import_preview", args=[vendor.slug])
    assert len(list(import_dir.iterdir())) == 1  # kept privately between preview and apply

    page = client.get(resp["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "3행: 가격은 0원 이상의 정수여야 합니다" in html
    assert reverse("dashboard:import_apply", args=[vendor.slug]) not in html  # no apply form

    resp = client.post(reverse("dashboard:import_apply", args=[vendor.slug]))
    assert resp.status_code == 400
    assert "3행: 가격은 0원 이상의 정수여야 합니다" in resp.content.decode()
    assert "아무것도 저장하지 않았습니다" in resp.content.decode()
    assert Product.objects.count() == 0


def test_page_import_preview_then_apply(client, shop, import_dir):
    vendor, owner, _ = shop
    client.force_login(owner)
    upload(client, vendor, xlsx_file(rice_rows()), "상품.xlsx")
    html = client.get(reverse("dashboard:import_preview", args=[vendor.slug])).content.decode()
    assert "새로 등록 3행" in html
    assert "적용" in html
    assert Product.objects.count() == 0

    resp = client.post(reverse("dashboard:import_apply", args=[vendor.slug]), follow=True)
    assert resp.redirect_chain[-1][0] == reverse("dashboard:product_list", args=[vendor.slug])
    assert "상품 2개 등록" in resp.content.decode()
    assert Product.objects.filter(vendor=vendor).count() == 2
    assert list(import_dir.iterdir()) == []  # the pending file is gone
    resp = client.get(reverse("dashboard:import_preview", args=[vendor.slug]))
    assert resp.status_code == 302  # nothing pending any more


def test_page_import_cancel_and_bad_uploads(client, shop, import_dir):
    vendor, owner, _ = shop
    client.force_login(owner)
    resp = upload(client, vendor, b"old", "old.xls")
    assert resp.status_code == 400
    assert "XLS(구 엑셀) 형식은 읽을 수 없습니다" in resp.content.decode()

    upload(client, vendor, csv_file(rice_rows()), "a.csv")
    resp = client.post(reverse("dashboard:import_cancel", args=[vendor.slug]))
    assert resp.status_code == 302
    assert list(import_dir.iterdir()) == []
    assert client.post(reverse("dashboard:import_apply", args=[vendor.slug])).status_code == 302
    assert Product.objects.count() == 0


def test_pending_upload_is_per_vendor_and_tokens_are_checked(client, shop, import_dir):
    vendor, owner, _ = shop
    second = VendorFactory()
    VendorStaffFactory(vendor=second, user=owner)
    client.force_login(owner)
    upload(client, vendor, csv_file(rice_rows()), "a.csv")
    assert client.get(reverse("dashboard:import_preview", args=[second.slug])).status_code == 302
    assert pending.load("../../etc/passwd") is None
    assert pending.load("0" * 48) is None


def test_downloads(client, shop):
    vendor, owner, _ = shop
    client.force_login(owner)
    resp = client.get(reverse("dashboard:export", args=[vendor.slug, "csv"]))
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("text/csv")
    assert "attachment" in resp["Content-Disposition"]
    assert resp.content.startswith(b"\xef\xbb\xbf")
    resp = client.get(reverse("dashboard:export", args=[vendor.slug, "xlsx"]))
    assert resp["Content-Type"] == views_xlsx_type()
    assert load_workbook(io.BytesIO(resp.content))["상품"]["A1"].value == "상품명"
    resp = client.get(reverse("dashboard:import_template", args=[vendor.slug, "xlsx"]))
    assert load_workbook(io.BytesIO(resp.content)).sheetnames == ["상품", "안내"]
    resp = client.get(reverse("dashboard:import_template", args=[vendor.slug, "csv"]))
    assert bulk.EXAMPLE_SKU in resp.content.decode("utf-8-sig")


def views_xlsx_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
