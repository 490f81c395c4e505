"""Each kind of background work, queued through its public path to the real Redis broker and
done by a real Celery worker process: search indexing, PDF rendering, e-mail, registry import.

The test process and the worker share the test database (committed data: ``transactional_db``),
the media folder and an e-mail folder (the worker's file e-mail backend). Every outcome is
polled for with a bound (``wait_for``), never slept for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from graphql_relay import to_global_id

from tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    StaffFactory,
    UserFactory,
    VendorStaffFactory,
)
from tests.factories.catalog import CategoryFactory
from tests.realservices.helpers import mails, wait_for

pytestmark = pytest.mark.realservices

SEARCH = (
    """query($q: String!) { products(first: 20, search: $q) { edges { node { slug name } } } }"""
)
PRODUCT_CREATE = """mutation($input: ProductCreateInput!) { productCreate(input: $input) {
  product { id slug } errors { field code message } } }"""
PRODUCT_UPDATE = """mutation($id: ID, $input: ProductInput!) {
  productUpdate(id: $id, input: $input) { product { id name } errors { field code message } } }"""
VARIANT_CREATE = """mutation($input: ProductVariantCreateInput!) {
  productVariantCreate(input: $input) { productVariant { id } errors { field code message } } }"""


def _search_slugs(query: str) -> list[str]:
    """What an anonymous shopper finds through the GraphQL search."""
    body = (
        Client()
        .post(
            "/graphql/",
            {"query": SEARCH, "variables": {"q": query}},
            content_type="application/json",
        )
        .json()
    )
    assert "errors" not in body, body
    return [e["node"]["slug"] for e in body["data"]["products"]["edges"]]


def test_a_product_written_through_the_api_is_indexed_by_the_worker(broker, worker, gql):
    staff = VendorStaffFactory(vendor__store_name="그린그램")
    category = CategoryFactory(name="차·음료", slug="tea-rs")
    gql.login(staff.user)
    created = gql(
        PRODUCT_CREATE,
        {
            "input": {
                "category": to_global_id("Category", category.pk),
                "name": "유기농 콤부차",
                "description": "홍차를 발효한 음료",
                "isPublished": True,
            }
        },
    )["data"]["productCreate"]
    assert created["errors"] == []
    product_id, slug = created["product"]["id"], created["product"]["slug"]
    variant = gql(
        VARIANT_CREATE,
        {"input": {"product": product_id, "sku": "RS-KOMBUCHA", "price": 4500, "stocks": []}},
    )["data"]["productVariantCreate"]
    assert variant["errors"] == []

    # Only the worker indexes: the product becomes findable once it has done so.
    wait_for(lambda: slug in _search_slugs("콤부차"), what="the worker to index the new product")
    assert slug in _search_slugs("ㅋㅂㅊ")  # 초성, from the same index rows
    page = Client().get("/search/", {"q": "콤부차"})
    assert page.status_code == 200
    assert "유기농 콤부차" in page.content.decode()

    renamed = gql(PRODUCT_UPDATE, {"id": product_id, "input": {"name": "수제 식혜"}})
    assert renamed["data"]["productUpdate"]["errors"] == []
    wait_for(lambda: slug in _search_slugs("식혜"), what="the worker to index the new name")
    assert slug not in _search_slugs("콤부차")


def test_the_worker_renders_a_quote_pdf_with_korean_text(broker, worker, services):
    from pypdf import PdfReader

    from purchasing.documents.tasks import render_document
    from purchasing.services import purchase_categories_ensure
    from tests.purchasing.factories import BuyerFactory, item, quote, rfq, supplier

    purchase_categories_ensure()
    buyer = BuyerFactory(agency__name="서울특별시 성동구청")
    vendor = supplier(kind="social_enterprise", name="행복한베이커리")
    request = rfq(buyer, [vendor], items=[item("우리밀 수제 쿠키", 12), item("유기농 두유", 30)])
    q = quote(request, vendor, [2_500, 1_200])

    result = render_document.delay("quote", "quote", q.pk)
    folder = services.media / f"private/documents/quote/{q.pk}"
    pdfs = wait_for(
        lambda: list(folder.glob("quote-*.pdf")),
        what="the worker to write the quote's PDF",
    )
    wait_for(lambda: worker.task_result(result.id), what="the render task to finish")
    assert "succeeded" in worker.task_result(result.id)
    (pdf,) = pdfs
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    squeezed = "".join(text.split())
    for korean in (
        "견적서",
        "행복한베이커리",
        "서울특별시성동구청",
        "우리밀수제쿠키",
        "유기농두유",
    ):
        assert korean in squeezed, (korean, text[:500])
    assert q.number in text


def test_onboarding_emails_are_sent_by_the_worker_once(broker, worker, services, gql):
    from vendors.models import VendorApplication
    from vendors.tasks.onboarding import application_event_email

    reviewer = StaffFactory(email="reviewer@sehub.kr")
    applicant = UserFactory(email="applicant-rs@example.kr")
    org = OrganizationFactory(name="함께일하는재단", brn="1248100998")
    CertificationFactory(organization=org, kind="social_enterprise")
    gql.login(applicant)
    submitted = gql(
        """mutation($input: VendorApplicationSubmitInput!) {
          vendorApplicationSubmit(input: $input) {
            vendorApplication { id status } errors { field code message } } }""",
        {"input": {"brn": "124-81-00998", "storeName": "함께 빵집"}},
    )["data"]["vendorApplicationSubmit"]
    assert submitted["errors"] == []

    sent = wait_for(
        lambda: len(mails(services.mail)) >= 2 and mails(services.mail),
        what="the worker to send the two e-mails",
    )
    by_to = {tuple(m.to): m for m in sent}
    assert set(by_to) == {(applicant.email,), (reviewer.email,)}
    assert by_to[(applicant.email,)].subject == "[누리] 입점 신청이 접수되었습니다"
    assert (
        by_to[(reviewer.email,)].subject == "[누리 심사] 새 입점 신청: 함께 빵집 (함께일하는재단)"
    )
    assert "함께 빵집" in by_to[(applicant.email,)].body

    # The same message delivered again (acks_late after a lost worker): nothing is sent twice,
    # neither by the worker nor by another process running it.
    application = VendorApplication.objects.get()
    event = application.events.get()
    again = application_event_email.delay(application.pk, "submitted", event.pk)
    line = wait_for(lambda: worker.task_result(again.id), what="the redelivered task to finish")
    assert line.rstrip().endswith(": 0"), line
    assert application_event_email.apply((application.pk, "submitted", event.pk)).get() == 0
    assert len(mails(services.mail)) == 2


def test_a_registry_file_uploaded_in_the_admin_is_imported_by_the_worker(
    broker, worker, services, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    import vendors.registry_import as ri
    from vendors.models import Certification, Organization, RegistryImport

    sample = Path(ri.__file__).with_name("data") / "registry_sample.csv"
    staff = StaffFactory(email="registry-rs@sehub.kr")
    client.force_login(staff)
    upload = SimpleUploadedFile("registry_sample.csv", sample.read_bytes(), "text/csv")
    response = client.post("/admin/vendors/registryimport/add/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]

    imp = RegistryImport.objects.get()
    wait_for(
        lambda: RegistryImport.objects.filter(pk=imp.pk, status__in=["done", "failed"]).exists(),
        what="the worker to finish the import",
    )
    imp.refresh_from_db()
    assert (imp.status, imp.error) == ("done", "")
    assert (imp.total_rows, imp.processed_rows) == (300, 300)
    summary = imp.summary
    assert (summary["created"], summary["updated"], summary["rejected"]) == (291, 0, 9)
    assert {r["row"] for r in summary["rejected_rows"]} == {
        12, 39, 66, 103, 152, 190, 224, 259, 291
    }  # fmt: skip
    assert Organization.objects.count() == 291
    assert Organization.objects.get(brn="1248100998").name == "(주)행복한베이커리"
    assert Certification.objects.filter(organization__brn="1248100998").count() == 1

    # The admin page shows the result, and the uploader is told by e-mail.
    page = client.get(f"/admin/vendors/registryimport/{imp.pk}/change/").content.decode()
    assert "생성 291" in page
    assert "거부 9" in page
    (mail,) = wait_for(lambda: mails(services.mail), what="the import's e-mail")
    assert mail.to == [staff.email]
    assert mail.subject == f"[누리] 등록부 가져오기 #{imp.pk} 완료: 생성 291 · 거부 9"
    assert "전체 300행 · 생성 291 · 수정 0 · 변경 없음 0 · 거부 9" in mail.body
    assert f"/admin/vendors/registryimport/{imp.pk}/change/" in mail.body
