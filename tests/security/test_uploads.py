"""Every upload path refuses files whose real content is not what they claim, and stores
accepted ones under ``MEDIA_ROOT`` with random names; private files are for staff only.

Through the real surfaces: the vendor application page and its GraphQL mutation
(certification documents), the dashboard's product images and bulk import, GraphQL
``bundleCreate`` (bundle image), the admin's registry import, certification and vendor logo
fields. A refused file leaves the media directory and the database as they were.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from graphql_relay import to_global_id

from bundles.models import Bundle
from core.media import private_url
from shop.catalog.models import ProductImage
from tests.factories import OrganizationFactory, UserFactory, VendorFactory
from tests.factories.catalog import ProductFactory
from tests.factories.dashboard import image_bytes, vendor_with_owner
from tests.factories.onboarding import PDF_BYTES
from tests.factories.orders import sellable
from vendors.models import Certification, Organization, RegistryImport, Vendor, VendorApplication

pytestmark = pytest.mark.django_db

APPLY = reverse("vendors:application_start")
RANDOM_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|jpg|jpeg|png|webp|csv|xlsx)$")

PNG = image_bytes("PNG", (64, 48))
JPEG = image_bytes("JPEG", (64, 48))
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script></svg>"
)
# A valid PNG that a browser sniffing the tail could render as a page.
POLYGLOT = PNG + b"<html><script>fetch('/admin/')</script></html>"
TRUNCATED_JPEG = JPEG[: len(JPEG) // 2]
BROKEN_PDF = b"%PDF-1.7\n" + b"\x00garbage" * 50


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def assert_random_name(stored: str, prefix: str, original: str) -> None:
    assert stored.startswith(prefix), stored
    assert RANDOM_NAME.match(os.path.basename(stored)), stored
    assert os.path.splitext(original)[0] not in stored
    assert (Path(settings.MEDIA_ROOT) / stored).is_file()


# Each bad file, named as it claims, and the Korean words the refusal must contain.
BAD_DOCUMENTS = [
    pytest.param("cert.pdf", PNG, "image/png", "내용이 PDF 파일이 아닙니다", id="png-named-pdf"),
    pytest.param("cert.png", HTML, "image/png", "파일을 읽을 수 없습니다", id="html-named-png"),
    pytest.param("cert.png", SVG, "image/png", "파일을 읽을 수 없습니다", id="svg-named-png"),
    pytest.param("cert.png", POLYGLOT, "image/png", "웹 페이지 코드", id="png-html-polyglot"),
    pytest.param("cert.jpg", TRUNCATED_JPEG, "image/jpeg", "읽을 수 없습니다", id="truncated"),
    pytest.param("cert.pdf", BROKEN_PDF, "application/pdf", "읽을 수 없습니다", id="broken-pdf"),
    pytest.param("cert.html", HTML, "text/html", "PDF, JPG, PNG 파일만", id="html"),
]


# --- Vendor application: web page ------------------------------------------------------------


def application_form(document) -> dict:
    return {
        "brn": "124-81-00998",
        "org-name": "함께일하는재단",
        "org-org_type": "social_enterprise",
        "org-representative": "김누리",
        "org-address": "서울특별시 마포구 월드컵북로 400",
        "org-district": "11440",
        "org-province": "서울특별시",
        "store_name": "함께 빵집",
        "slug": "",
        "cert_kind": "social_enterprise",
        "valid_from": "2015-01-01",
        "valid_until": "",
        "confirm": "on",
        "document": document,
    }


def application_nothing_written() -> bool:
    return not (
        Organization.objects.exists()
        or Certification.objects.exists()
        or VendorApplication.objects.exists()
    )


@pytest.mark.parametrize(("name", "content", "content_type", "needle"), BAD_DOCUMENTS)
def test_application_page_refuses_bad_documents(client, name, content, content_type, needle):
    client.force_login(UserFactory())
    before = media_files()
    resp = client.post(APPLY, application_form(upload(name, content, content_type)))
    assert resp.status_code == 400
    assert needle in resp.content.decode()
    assert application_nothing_written()
    assert media_files() == before


def test_application_page_refuses_an_oversized_document(client):
    """The real default limit (10 MB): a valid PDF padded past it."""
    client.force_login(UserFactory())
    assert settings.MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    big = PDF_BYTES + b"%" + b" " * settings.MAX_UPLOAD_BYTES
    before = media_files()
    resp = client.post(APPLY, application_form(upload("cert.pdf", big, "application/pdf")))
    assert resp.status_code == 400
    assert "증빙 서류 파일이 너무 큽니다" in resp.content.decode()
    assert "10.0MB 이하로 올려 주세요" in resp.content.decode()
    assert application_nothing_written()
    assert media_files() == before


@pytest.mark.parametrize(
    ("name", "content", "ext"),
    [
        ("사업자 인증서.pdf", PDF_BYTES, "pdf"),
        ("scan.PNG", PNG, "png"),
        ("사진.jpeg", JPEG, "jpeg"),
    ],
)
def test_application_page_stores_valid_documents_under_random_names(client, name, content, ext):
    client.force_login(UserFactory())
    resp = client.post(APPLY, application_form(upload(name, content)))
    assert resp.status_code == 302, resp.content.decode()[:500]
    document = Certification.objects.get().document
    assert_random_name(document.name, "private/certifications/", name)
    assert document.name.endswith(f".{ext}")
    assert (Path(settings.MEDIA_ROOT) / document.name).read_bytes() == content


# --- Vendor application: GraphQL multipart ---------------------------------------------------

SUBMIT = """mutation($input: VendorApplicationSubmitInput!) {
  vendorApplicationSubmit(input: $input) { vendorApplication { id } errors { field code message } }
}"""
SUBMIT_INPUT = {
    "brn": "124-81-00998",
    "organization": {
        "name": "함께일하는재단",
        "orgType": "SOCIAL_ENTERPRISE",
        "representative": "김누리",
        "address": "서울특별시 마포구 월드컵북로 400",
        "district": "마포구",
    },
    "certification": {"kind": "SOCIAL_ENTERPRISE", "validFrom": "2015-01-01"},
    "certificationDocument": None,
    "storeName": "함께 빵집",
}


def multipart(client, query: str, variables: dict, files: dict) -> dict:
    file_map = {str(i): [f"variables.{path}"] for i, path in enumerate(files)}
    data = {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps(file_map),
    }
    for i, file in enumerate(files.values()):
        data[str(i)] = file
    resp = client.post("/graphql/", data=data)
    assert resp.status_code == 200, resp.content
    return resp.json()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("cert.pdf", PNG, "INVALID_FILE_TYPE"),
        ("cert.png", SVG, "INVALID_FILE_TYPE"),
        ("cert.png", POLYGLOT, "INVALID_FILE_TYPE"),
        ("cert.pdf", PDF_BYTES + b" " * 300, "FILE_TOO_LARGE"),
    ],
)
def test_graphql_application_refuses_bad_documents(client, settings, name, content, code):
    settings.MAX_UPLOAD_BYTES = len(PDF_BYTES) + 100
    client.force_login(UserFactory())
    before = media_files()
    body = multipart(
        client,
        SUBMIT,
        {"input": SUBMIT_INPUT},
        {"input.certificationDocument": upload(name, content)},
    )
    result = body["data"]["vendorApplicationSubmit"]
    assert result["vendorApplication"] is None
    (error,) = result["errors"]
    assert (error["field"], error["code"]) == ("certificationDocument", code)
    assert re.search("[가-힣]", error["message"])
    assert application_nothing_written()
    assert media_files() == before


# --- Dashboard: product images and bulk import ------------------------------------------------


@pytest.fixture
def shop(settings, tmp_path):
    settings.BULK_IMPORT_DIR = str(tmp_path / "imports")
    vendor, owner = vendor_with_owner(slug="hamkke")
    product = ProductFactory(vendor=vendor, name="유기농 쌀과자", slug="rice")
    return vendor, owner, product


BAD_IMAGES = [
    pytest.param("photo.png", HTML, "이미지 파일을 읽을 수 없습니다", id="html-named-png"),
    pytest.param("photo.png", SVG, "이미지 파일을 읽을 수 없습니다", id="svg-named-png"),
    pytest.param("photo.png", POLYGLOT, "웹 페이지 코드", id="png-html-polyglot"),
    pytest.param("photo.jpg", PNG, "JPG 파일이 아닙니다", id="png-named-jpg"),
    pytest.param("photo.jpg", TRUNCATED_JPEG, "이미지 파일을 읽을 수 없습니다", id="truncated"),
    pytest.param("photo.svg", SVG, "JPG, PNG, WebP 이미지만", id="svg"),
]


@pytest.mark.parametrize(("name", "content", "needle"), BAD_IMAGES)
def test_product_image_upload_refuses_bad_files(client, shop, name, content, needle):
    vendor, owner, product = shop
    client.force_login(owner)
    url = reverse("dashboard:image_upload", args=[vendor.slug, product.pk])
    before = media_files()
    resp = client.post(url, {"file": upload(name, content, "image/png"), "alt": "사진"})
    assert resp.status_code == 400
    assert needle in resp.content.decode()
    assert not ProductImage.objects.exists()
    assert media_files() == before


def test_product_image_upload_refuses_oversized_files(client, shop, settings):
    vendor, owner, product = shop
    settings.MAX_UPLOAD_BYTES = len(PNG) - 1
    client.force_login(owner)
    url = reverse("dashboard:image_upload", args=[vendor.slug, product.pk])
    before = media_files()
    resp = client.post(url, {"file": upload("photo.png", PNG, "image/png")})
    assert resp.status_code == 400
    assert "이미지 파일이 너무 큽니다" in resp.content.decode()
    assert media_files() == before


def test_product_image_upload_stores_a_valid_image_under_a_random_name(client, shop):
    vendor, owner, product = shop
    client.force_login(owner)
    url = reverse("dashboard:image_upload", args=[vendor.slug, product.pk])
    resp = client.post(url, {"file": upload("우리 가게 사진.jpg", JPEG, "image/jpeg")})
    assert resp.status_code == 302
    image = ProductImage.objects.get()
    assert_random_name(image.image.name, f"products/{product.pk}/", "우리 가게 사진.jpg")
    assert image.image.name.endswith(".jpg")


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", HTML)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        pytest.param("items.csv", HTML, "웹 페이지 코드", id="html-named-csv"),
        pytest.param("items.csv", PNG, "CSV 파일이 아닙니다", id="png-named-csv"),
        pytest.param("items.xlsx", _zip_without_workbook(), "읽을 수 없습니다", id="zip-not-xlsx"),
        pytest.param("items.xlsx", PDF_BYTES, "XLSX 파일이 아닙니다", id="pdf-named-xlsx"),
        pytest.param("items.html", HTML, "CSV, XLSX 파일만", id="html"),
    ],
)
def test_bulk_import_refuses_files_that_are_not_spreadsheets(client, shop, name, content, needle):
    vendor, owner, _ = shop
    client.force_login(owner)
    imports = Path(settings.BULK_IMPORT_DIR)
    resp = client.post(
        reverse("dashboard:import_start", args=[vendor.slug]), {"file": upload(name, content)}
    )
    assert resp.status_code == 400
    assert needle in resp.content.decode()
    assert not imports.exists() or not any(imports.iterdir())  # nothing kept for preview


def test_bulk_import_accepts_a_csv(client, shop):
    vendor, owner, _ = shop
    client.force_login(owner)
    csv = "상품명,SKU,가격\n현미 과자,RICE-1,3000\n".encode()
    resp = client.post(
        reverse("dashboard:import_start", args=[vendor.slug]), {"file": upload("목록.csv", csv)}
    )
    assert resp.status_code == 302
    assert resp.url == reverse("dashboard:import_preview", args=[vendor.slug])


def test_bulk_import_accepts_a_real_workbook(client, shop):
    from openpyxl import Workbook

    vendor, owner, _ = shop
    client.force_login(owner)
    book = Workbook()
    book.active.append(["상품명", "SKU", "가격"])
    book.active.append(["현미 과자", "RICE-1", 3000])
    out = io.BytesIO()
    book.save(out)
    resp = client.post(
        reverse("dashboard:import_start", args=[vendor.slug]),
        {"file": upload("목록.xlsx", out.getvalue())},
    )
    assert resp.status_code == 302
    assert resp.url == reverse("dashboard:import_preview", args=[vendor.slug])


# --- GraphQL: bundle image --------------------------------------------------------------------

BUNDLE_CREATE = """mutation($input: BundleCreateInput!) {
  bundleCreate(input: $input) { bundle { slug } errors { field code message } }
}"""


def bundle_input() -> dict:
    variant = sellable(price=5_000, stock=10)
    return {
        "name": "회의 다과",
        "occasion": "MEETING",
        "image": None,
        "components": [{"variantId": to_global_id("ProductVariant", variant.pk), "quantity": 2}],
    }


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("bundle.png", HTML, "INVALID_FILE_TYPE"),
        ("bundle.png", POLYGLOT, "INVALID_FILE_TYPE"),
        ("bundle.svg", SVG, "INVALID_FILE_TYPE"),
        ("bundle.jpg", TRUNCATED_JPEG, "INVALID_FILE_TYPE"),
        ("bundle.png", PNG + b"\x00" * 600, "FILE_TOO_LARGE"),
    ],
)
def test_bundle_image_is_checked(client, staff_user, settings, name, content, code):
    settings.MAX_UPLOAD_BYTES = len(PNG) + 500
    client.force_login(staff_user)
    before = media_files()
    body = multipart(
        client, BUNDLE_CREATE, {"input": bundle_input()}, {"input.image": upload(name, content)}
    )
    result = body["data"]["bundleCreate"]
    assert result["bundle"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("image", code)]
    assert not Bundle.objects.exists()
    assert media_files() == before


def test_bundle_image_valid_png_is_stored_under_a_random_name(client, staff_user):
    client.force_login(staff_user)
    body = multipart(
        client, BUNDLE_CREATE, {"input": bundle_input()}, {"input.image": upload("표지.png", PNG)}
    )
    assert body["data"]["bundleCreate"]["errors"] == []
    bundle = Bundle.objects.get()
    assert_random_name(bundle.image.name, f"bundles/{bundle.slug}/", "표지.png")


# --- Admin: registry import, certification documents, vendor logo -----------------------------


def test_admin_registry_import_refuses_markup_and_stores_csv_privately(client, staff_user):
    client.force_login(staff_user)
    add = "/admin/vendors/registryimport/add/"
    before = media_files()
    resp = client.post(add, {"file": upload("registry.csv", HTML)})
    assert resp.status_code == 200
    assert "웹 페이지 코드" in resp.content.decode()
    resp = client.post(add, {"file": upload("registry.csv", PNG)})
    assert "CSV 파일이 아닙니다" in resp.content.decode()
    assert not RegistryImport.objects.exists()
    assert media_files() == before

    csv = "기업명,사업자등록번호,기업유형\n누리협동조합,124-81-00998,협동조합\n".encode()
    resp = client.post(add, {"file": upload("서울 등록부.csv", csv)})
    assert resp.status_code == 302, resp.content.decode()[:1000]
    stored = RegistryImport.objects.get().file.name
    assert_random_name(stored, "private/registry-imports/", "서울 등록부.csv")


def test_admin_certification_document_is_checked(client, staff_user):
    org = OrganizationFactory()
    client.force_login(staff_user)
    data = {
        "organization": org.pk,
        "kind": "social_enterprise",
        "number": "제2020-1호",
        "issuer": "고용노동부",
        "valid_from": "2020-01-01",
    }
    before = media_files()
    resp = client.post(
        "/admin/vendors/certification/add/", {**data, "document": upload("cert.pdf", PNG)}
    )
    assert resp.status_code == 200
    assert "증빙 서류의 내용이 PDF 파일이 아닙니다" in resp.content.decode()
    assert not Certification.objects.exists()
    assert media_files() == before

    resp = client.post(
        "/admin/vendors/certification/add/", {**data, "document": upload("인증서.pdf", PDF_BYTES)}
    )
    assert resp.status_code == 302
    stored = Certification.objects.get().document.name
    assert_random_name(stored, f"private/certifications/{org.pk}/", "인증서.pdf")


def test_admin_vendor_logo_is_checked(staff_user):
    vendor = VendorFactory()
    request = RequestFactory().post("/admin/vendors/vendor/")
    request.user = staff_user
    model_admin = admin.site._registry[Vendor]
    form_class = model_admin.get_form(request, vendor, change=True)
    initial = form_class(instance=vendor).initial
    data = {k: v for k, v in initial.items() if v is not None and k != "logo"}
    data["organization"] = vendor.organization_id
    form = form_class(data, {"logo": upload("logo.png", SVG)}, instance=vendor)
    assert not form.is_valid()
    assert "logo" in form.errors
    form = form_class(data, {"logo": upload("logo.png", POLYGLOT)}, instance=vendor)
    assert not form.is_valid()
    assert "웹 페이지 코드" in str(form.errors["logo"])
    form = form_class(data, {"logo": upload("logo.png", PNG)}, instance=vendor)
    assert form.is_valid(), form.errors


# --- Serving: private files to staff only, public media not by Django in production ----------


@pytest.fixture
def stored_document(client):
    client.force_login(UserFactory())
    client.post(APPLY, application_form(upload("cert.pdf", PDF_BYTES)))
    client.logout()
    return Certification.objects.get().document


def test_private_documents_are_served_to_staff_only(client, stored_document, staff_user):
    url = private_url(stored_document.name)
    assert url.startswith("/private-media/certifications/")
    assert client.get(url).status_code == 404  # anonymous
    applicant = VendorApplication.objects.get().applicant
    _vendor, owner = vendor_with_owner()
    for user in (UserFactory(), applicant, owner):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(staff_user)
    resp = client.get(url)
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == PDF_BYTES
    assert resp["Content-Type"] == "application/pdf"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in resp["Cache-Control"]


def test_private_files_have_no_public_url(client, stored_document, staff_user, settings):
    """``MEDIA_URL`` never serves ``private/`` (the proxy refuses it too), even in DEBUG."""
    client.force_login(staff_user)
    assert stored_document.url.startswith("/media/private/")
    for debug in (False, True):
        settings.DEBUG = debug
        assert client.get(stored_document.url).status_code == 404


def test_admin_links_private_files_through_the_staff_view(client, stored_document, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    cert = Certification.objects.get()
    link = private_url(cert.document.name)
    pages = [
        reverse("admin:vendors_certification_changelist"),
        reverse("admin:vendors_certification_change", args=[cert.pk]),
        reverse("admin:vendors_organization_change", args=[cert.organization_id]),
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert f'href="{link}"' in html, page
        assert stored_document.url not in html, page
    assert client.get(link).status_code == 200

    csv = "기업명,사업자등록번호,기업유형\n누리협동조합,124-81-00998,협동조합\n".encode()
    client.post("/admin/vendors/registryimport/add/", {"file": upload("r.csv", csv)})
    imp = RegistryImport.objects.get()
    html = client.get(reverse("admin:vendors_registryimport_change", args=[imp.pk])).content
    assert private_url(imp.file.name).encode() in html
    resp = client.get(private_url(imp.file.name))
    assert b"".join(resp.streaming_content) == csv


def test_private_paths_cannot_escape(client, staff_user):
    client.force_login(staff_user)
    for path in ("/private-media/../../../etc/passwd", "/private-media/%2e%2e/settings.py"):
        assert client.get(path).status_code == 404


def test_public_media_is_not_served_by_django_in_production(client, settings):
    name = "products/0/" + "a" * 32 + ".png"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)
    try:
        settings.DEBUG = False
        assert client.get(f"/media/{name}").status_code == 404
        settings.DEBUG = True  # development: Django serves public media
        assert client.get(f"/media/{name}").status_code == 200
    finally:
        path.unlink()
