"""The agency portal (/agency/) and the vendor dashboard's quote pages: access, agency
isolation, the request → compare → accept → deliver → inspect → pay flow, the report page
and its downloads."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from purchasing import services
from purchasing.models import Buyer, Delivery, DeliveryStatus, QuoteRequest, QuoteStatus
from tests.factories import StaffFactory, UserFactory
from tests.factories.orders import sellable
from tests.purchasing.factories import AgencyFactory, BuyerFactory, item, quote, rfq, supplier

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.purchasing.urls")]


@pytest.fixture
def buyer():
    return BuyerFactory(agency__name="서울특별시 성동구청")


@pytest.fixture
def se():
    return supplier(kind="social_enterprise", name="행복한베이커리", slug="happy-bakery")


@pytest.fixture
def coop():
    return supplier(kind="social_coop", name="우리밀협동조합", slug="wheat-coop")


def url(name, *args):
    return reverse(name, args=args)


# ---------------------------------------------------------------------------------------------
# Access and registration
# ---------------------------------------------------------------------------------------------


def test_login_required_and_non_buyers_are_sent_to_registration(client):
    resp = client.get(url("agency:home"))
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]
    client.force_login(UserFactory())
    resp = client.get(url("agency:request_list"))
    assert resp.status_code == 302
    assert resp["Location"] == url("agency:register")


def test_registration_creates_a_pending_buyer_staff_approve(client):
    agency = AgencyFactory(name="서울특별시교육청", kind="education_office")
    user = UserFactory()
    client.force_login(user)
    resp = client.post(
        url("agency:register"),
        {"agency": agency.pk, "department_name": "재무과", "position": "주무관", "phone": "02-1"},
    )
    assert resp.status_code == 302
    buyer = Buyer.objects.get(user=user)
    assert buyer.status == "pending"
    assert buyer.department.name == "재무과"
    page = client.get(url("agency:register")).content.decode()
    assert "승인 대기 중" in page
    assert client.get(url("agency:home")).status_code == 302  # not yet
    services.buyer_approve(buyer=buyer, actor=StaffFactory())
    assert client.get(url("agency:home")).status_code == 200


# ---------------------------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------------------------


def test_catalog_shows_only_eligible_vendors_with_certification_and_validity(client, buyer):
    se = supplier(kind="social_enterprise", name="햇살베이커리", valid_until=dt.date(2030, 12, 31))
    prelim = supplier(kind="prelim_regional", name="예비기업상점")
    lapsed = supplier(kind="social_enterprise", name="만료기업", valid_until=dt.date(2020, 1, 1))
    sellable(vendor=se, name="우리밀 쿠키", price=5_000)
    sellable(vendor=prelim, name="예비 잼", price=5_000)
    sellable(vendor=lapsed, name="만료 과자", price=5_000)
    client.force_login(buyer.user)
    page = client.get(url("agency:catalog")).content.decode()
    assert "우리밀 쿠키" in page
    assert "예비 잼" not in page
    assert "만료 과자" not in page
    assert "사회적기업 인증" in page
    assert "2030-12-31까지 유효" in page
    vendors = client.get(url("agency:vendor_list")).content.decode()
    assert "햇살베이커리" in vendors
    assert "예비기업상점" not in vendors
    assert "2030-12-31까지 유효" in vendors


# ---------------------------------------------------------------------------------------------
# The flow through the pages
# ---------------------------------------------------------------------------------------------


def test_request_quote_compare_accept_deliver_inspect_pay(client, buyer, se, coop):
    variant = sellable(vendor=se, name="현미 쿠키", price=2_200, stock=500)
    client.force_login(buyer.user)
    # start from the catalog: the product's vendor is preselected
    resp = client.get(url("agency:request_create"), {"variant": [variant.pk]})
    assert resp.status_code == 200
    assert resp.context["items"].initial[0]["variant_id"] == variant.pk
    assert resp.context["form"].initial["vendors"] == [str(se.pk)]
    today = timezone.localdate()
    deadline = timezone.localtime() + dt.timedelta(days=3)
    data = {
        "title": "직원 교육 다과",
        "delivery_date": (today + dt.timedelta(days=10)).isoformat(),
        "delivery_place": "서울특별시 성동구 고산자로 270",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "vendors": [se.pk, coop.pk],
        "contact_name": "김담당",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
        "items-0-name": "현미 쿠키",
        "items-0-unit": "개",
        "items-0-quantity": "100",
        "items-0-variant_id": variant.pk,
        "items-1-name": "유기농 주스",
        "items-1-spec": "200ml",
        "items-1-unit": "병",
        "items-1-quantity": "50",
        "items-2-unit": "개",
    }
    resp = client.post(url("agency:request_create"), data)
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    request = QuoteRequest.objects.get()
    assert request.items.count() == 2
    assert set(request.invited_vendors.all()) == {se, coop}

    # each vendor quotes from its dashboard
    client.force_login(se.owner)
    page = client.get(url("dashboard:quotes_list", se.slug)).content.decode()
    assert "직원 교육 다과" in page
    items = list(request.items.order_by("sort_order"))
    form = {
        "valid_until": (today + dt.timedelta(days=20)).isoformat(),
        "notes": "무료 배송",
        f"price_{items[0].pk}": "2000",
        f"tax_{items[0].pk}": "taxable",
        f"price_{items[1].pk}": "1800",
        f"tax_{items[1].pk}": "taxable",
    }
    resp = client.post(url("dashboard:quotes_request", se.slug, request.pk), form)
    assert resp.status_code == 302
    client.force_login(coop.owner)
    form.update({f"price_{items[0].pk}": "2100", f"price_{items[1].pk}": "1500"})
    form[f"tax_{items[1].pk}"] = "exempt"
    resp = client.post(url("dashboard:quotes_request", coop.slug, request.pk), form)
    assert resp.status_code == 302
    assert (
        not client.get(url("dashboard:quotes_request", coop.slug, request.pk))
        .context["form"]
        .errors
    )

    # the buyer compares them side by side, with the contract route of each
    client.force_login(buyer.user)
    resp = client.get(url("agency:request_detail", request.pk))
    page = resp.content.decode()
    comparison = resp.context["comparison"]
    assert [c.quote.vendor for c in comparison.quotes] == [coop, se]  # cheapest first
    assert comparison.quotes[0].cheapest
    assert page.count("1인 견적 수의계약") >= 2
    assert "₩285,000" in page  # coop's supply total (210,000 + 75,000)
    se_quote = request.quotes.get(vendor=se)
    assert se_quote.total == 319_000
    resp = client.post(url("agency:quote_accept", se_quote.pk))
    delivery = Delivery.objects.get()
    assert resp["Location"] == url("agency:delivery_detail", delivery.pk)
    assert delivery.amount == 319_000
    assert request.quotes.get(vendor=coop).status == QuoteStatus.REJECTED

    # the vendor marks it delivered; the buyer rejects once, then accepts
    client.force_login(se.owner)
    page = client.get(url("dashboard:quotes_delivery", se.slug, delivery.pk)).content.decode()
    assert "납품 완료 알리기" in page
    client.post(url("dashboard:quotes_deliver", se.slug, delivery.pk), {"note": "3층 접수"})
    client.force_login(buyer.user)
    resp = client.post(url("agency:delivery_inspect", delivery.pk), {"result": "rejected"})
    assert resp.status_code == 400
    assert "반려 사유를 입력하세요" in resp.content.decode()
    client.post(
        url("agency:delivery_inspect", delivery.pk), {"result": "rejected", "reason": "수량 부족"}
    )
    client.force_login(se.owner)
    client.post(url("dashboard:quotes_deliver", se.slug, delivery.pk))
    client.force_login(buyer.user)
    resp = client.post(url("agency:delivery_inspect", delivery.pk), {"result": "accepted"})
    assert resp.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACCEPTED
    page = client.get(url("agency:delivery_detail", delivery.pk)).content.decode()
    assert "수량 부족" in page
    assert delivery.payment_due.strftime("%Y-%m-%d") in page

    # the vendor records the transfer
    client.force_login(se.owner)
    client.post(
        url("dashboard:quotes_payment", se.slug, delivery.pk), {"reference": "국민은행 입금"}
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PAID

    # the report counts it
    client.force_login(buyer.user)
    resp = client.get(url("agency:report"), {"year": today.year})
    page = resp.content.decode()
    assert "<svg" in page
    assert "₩319,000" in page
    assert resp.context["report"].eligible_amount == 319_000


def test_expired_quote_cannot_be_accepted_on_the_page(client, buyer, se):
    request = rfq(buyer, [se])
    q = quote(request, se, [1000])
    q.valid_until = timezone.localdate() - dt.timedelta(days=1)
    q.save(update_fields=["valid_until"])
    client.force_login(buyer.user)
    page = client.get(url("agency:request_detail", request.pk)).content.decode()
    assert "만료" in page
    resp = client.post(url("agency:quote_accept", q.pk), follow=True)
    assert "유효기간" in resp.content.decode()
    assert not Delivery.objects.exists()


def test_two_quotes_needed_is_shown_before_acceptance(client, buyer, se):
    request = rfq(buyer, [se], items=[item("행사 도시락", 1000)])
    quote(request, se, [60_000])
    client.force_login(buyer.user)
    page = client.get(url("agency:request_detail", request.pk)).content.decode()
    assert "2인 이상 견적 수의계약" in page
    assert "1건 더" in page
    assert "disabled" in page


# ---------------------------------------------------------------------------------------------
# Isolation
# ---------------------------------------------------------------------------------------------


def test_agency_b_cannot_see_agency_a(client, buyer, se):
    request = rfq(buyer, [se])
    q = quote(request, se, [1000])
    delivery = services.quote_accept(quote=q, actor=buyer.user)
    other = BuyerFactory(agency__name="서울특별시 노원구청")
    client.force_login(other.user)
    for name, arg in [
        ("agency:request_detail", request.pk),
        ("agency:delivery_detail", delivery.pk),
        ("agency:quote_document", q.pk),
        ("agency:delivery_statement", delivery.pk),
    ]:
        assert client.get(url(name, arg)).status_code == 404, name
    for name, arg in [
        ("agency:quote_accept", q.pk),
        ("agency:quote_reject", q.pk),
        ("agency:delivery_inspect", delivery.pk),
        ("agency:request_cancel", request.pk),
    ]:
        assert client.post(url(name, arg), {"result": "accepted"}).status_code == 404, name
    assert request.title not in client.get(url("agency:request_list")).content.decode()
    assert request.title not in client.get(url("agency:delivery_list")).content.decode()
    report = client.get(url("agency:report")).context["report"]
    assert report.agency == other.agency
    assert report.total.count == 0
    xlsx = client.get(url("agency:report_export", timezone.localdate().year, "xlsx"))
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb["요약"]["B3"].value == other.agency.name


def test_other_vendors_get_404_on_quote_pages(client, buyer, se, coop):
    request = rfq(buyer, [se])
    client.force_login(coop.owner)
    # another vendor's dashboard, and a request this vendor was not asked to quote
    assert client.get(url("dashboard:quotes_list", se.slug)).status_code == 404
    assert client.get(url("dashboard:quotes_request", coop.slug, request.pk)).status_code == 404
    delivery = services.quote_accept(quote=quote(request, se, [1000]), actor=buyer.user)
    assert client.get(url("dashboard:quotes_delivery", coop.slug, delivery.pk)).status_code == 404
    assert client.get(url("dashboard:quotes_delivery", se.slug, delivery.pk)).status_code == 404
    client.force_login(buyer.user)  # buyers are not vendor staff either
    assert client.get(url("dashboard:quotes_list", se.slug)).status_code == 404


def test_staff_see_every_agency_and_choose_one(client, buyer, se):
    request = rfq(buyer, [se])
    other = BuyerFactory(agency__name="서울특별시 노원구청")
    rfq(other, [se], title="노원 다과")
    client.force_login(StaffFactory())
    page = client.get(url("agency:request_list")).content.decode()
    assert request.title in page
    assert "노원 다과" in page
    page = client.get(url("agency:request_list"), {"agency": buyer.agency.pk}).content.decode()
    assert "노원 다과" not in page
    resp = client.get(url("agency:report"))
    assert resp.context["report"].agency is None
    assert 'id="agency-table"' in resp.content.decode()
    assert client.get(url("agency:request_detail", request.pk)).status_code == 200


# ---------------------------------------------------------------------------------------------
# Report page, plan, exports, documents
# ---------------------------------------------------------------------------------------------


def test_plan_and_report_page(client, buyer, se):
    client.force_login(buyer.user)
    year = timezone.localdate().year
    resp = client.post(
        url("agency:plan") + f"?year={year}",
        {
            "total_budget": "500000000",
            "amount_social_enterprise": "10000000",
            "rate_social_coop": "1",
        },
    )
    assert resp.status_code == 302
    delivery = services.quote_accept(quote=quote(rfq(buyer, [se]), se, [100_000]), actor=buyer.user)
    services.delivery_complete(delivery=delivery, actor=se.owner)
    services.delivery_inspect(delivery=delivery, actor=buyer.user, accepted=True)
    resp = client.get(url("agency:report"), {"year": year})
    page = resp.content.decode()
    assert 'id="monthly-chart"' in page
    assert 'class="chart chart-monthly"' in page
    assert 'class="target"' in page  # the target tick of 사회적기업
    assert "₩10,000,000" in page
    assert "₩1,100,000" in page
    csv_resp = client.get(url("agency:report_export", year, "csv"))
    assert csv_resp["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_resp["Content-Disposition"]
    assert "사회적기업" in csv_resp.content.decode("utf-8-sig")
    xlsx = client.get(url("agency:report_export", year, "xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_quote_and_statement_pdfs(client, buyer, se):
    from pypdf import PdfReader

    request = rfq(buyer, [se], items=[item("수제 쿠키", 7), item("두부", 3)])
    q = quote(request, se, [1_999, 3_333], tax_types=["taxable", "exempt"])
    client.force_login(buyer.user)
    resp = client.get(url("agency:quote_document", q.pk))
    assert resp["Content-Type"] == "application/pdf"
    pdf = b"".join(resp.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "견적서" in text
    assert "1인 견적 수의계약" in text
    delivery = services.quote_accept(quote=q, actor=buyer.user)
    resp = client.get(url("agency:delivery_statement", delivery.pk))
    assert resp["Content-Type"] == "application/pdf"
    assert client.get(url("agency:delivery_tax_invoice", delivery.pk)).status_code == 404
    client.force_login(se.owner)
    resp = client.get(url("dashboard:quotes_document", se.slug, request.pk))
    assert resp["Content-Type"] == "application/pdf"


def test_admin_pages_and_actions(client, buyer, se):
    staff = StaffFactory()
    pending = BuyerFactory(status="pending")
    delivery = services.quote_accept(quote=quote(rfq(buyer, [se]), se, [1000]), actor=buyer.user)
    services.delivery_complete(delivery=delivery, actor=se.owner)
    services.delivery_inspect(delivery=delivery, actor=buyer.user, accepted=True)
    client.force_login(staff)
    for model in (
        "agency",
        "buyer",
        "purchasecategory",
        "purchaseplan",
        "quoterequest",
        "quote",
        "delivery",
        "purchasingevent",
    ):
        resp = client.get(reverse(f"admin:purchasing_{model}_changelist"))
        assert resp.status_code == 200, model
    assert (
        client.get(
            reverse("admin:purchasing_delivery_changelist"), {"overdue": "payment"}
        ).status_code
        == 200
    )
    client.post(
        reverse("admin:purchasing_buyer_changelist"),
        {"action": "approve", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert pending.status == "approved"
    client.post(
        reverse("admin:purchasing_delivery_changelist"),
        {"action": "record_full_payment", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PAID


def test_portal_lists_are_a_fixed_number_of_queries(client, buyer, se, count_queries):
    client.force_login(buyer.user)

    def add(n):
        for _ in range(n):
            d = services.quote_accept(quote=quote(rfq(buyer, [se]), se, [1000]), actor=buyer.user)
            services.delivery_complete(delivery=d, actor=se.owner)

    add(1)
    pages = ["agency:request_list", "agency:delivery_list", "agency:home"]
    before = {}
    for name in pages:
        with count_queries() as q:
            assert client.get(url(name)).status_code == 200
        before[name] = len(q)
    add(4)
    for name in pages:
        with count_queries() as q:
            client.get(url(name))
        assert len(q) == before[name], name
    client.force_login(se.owner)
    with count_queries() as one:
        client.get(url("dashboard:quotes_list", se.slug))
    add(3)
    with count_queries() as more:
        client.get(url("dashboard:quotes_list", se.slug))
    assert len(more) == len(one)


def test_due_date_wording_follows_settings(client, buyer, se, settings):
    settings.PROCUREMENT = {**settings.PROCUREMENT, "INSPECTION_DAYS": 10}
    delivery = services.quote_accept(quote=quote(rfq(buyer, [se]), se, [1000]), actor=buyer.user)
    delivery = services.delivery_complete(delivery=delivery, actor=se.owner)
    assert delivery.inspection_due == timezone.localdate() + dt.timedelta(days=10)
    client.force_login(buyer.user)
    page = client.get(url("agency:delivery_detail", delivery.pk)).content.decode()
    assert "10일 이내" in page
    assert "14일" not in page


def test_request_list_counts_quotes_not_quote_items(client, buyer, se, coop):
    request = rfq(buyer, [se, coop], items=[item("쿠키", 1), item("주스", 1), item("떡", 1)])
    quote(request, se, [1, 2, 3])
    quote(request, coop, [1, 2, 3])
    client.force_login(buyer.user)
    row = client.get(url("agency:request_list")).context["page"].object_list[0]
    assert (row.quote_count, row.item_count) == (2, 3)
    client.force_login(se.owner)
    row = client.get(url("dashboard:quotes_list", se.slug)).context["page"].object_list[0]
    assert (row.my_quotes, row.item_count) == (1, 3)
