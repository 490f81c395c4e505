"""An agency's purchase in a real browser: request → two vendors quote → compare → accept →
deliver → inspect → the year's report shows it.

A buyer of 서울특별시 성동구청 picks a product in the agency catalog (eligible vendors only),
adds a free-text item and asks two vendors for quotes. Each vendor's staff answer from their
dashboard (/vendor/<slug>/quotes/). The buyer compares both quotes side by side, with the
contract route of each, and accepts the cheaper one: an order on invoice. The vendor notifies
completion, the buyer inspects and accepts, and the priority-purchase report (chart + table)
shows the purchase under 사회적기업. Screenshots are left in /tmp.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from purchasing.models import Delivery, DeliveryStatus, QuoteRequest
from tests.factories import UserFactory
from tests.factories.orders import sellable
from tests.purchasing.factories import BuyerFactory, supplier

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.purchasing.urls"),
]

SCREENSHOTS = "/tmp"
PASSWORD = "pw-12345678"


@pytest.fixture
def market():
    # the seeded report categories may have been flushed by an earlier transactional test
    from purchasing.services import purchase_categories_ensure

    purchase_categories_ensure()
    buyer = BuyerFactory(
        user=UserFactory(email="buyer@sd.go.kr", name="김구매"),
        agency__name="서울특별시 성동구청",
        agency__code="3040000",
    )
    bakery = supplier(
        kind="social_enterprise",
        name="행복한베이커리",
        slug="happy-bakery",
        email="staff@happy-bakery.kr",
    )
    coop = supplier(
        kind="social_coop", name="우리밀협동조합", slug="wheat-coop", email="staff@wheat-coop.kr"
    )
    sellable(vendor=bakery, name="우리밀 현미 쿠키", price=2_200, stock=500)
    sellable(vendor=coop, name="유기농 주스", price=1_650, stock=500)
    prelim = supplier(kind="prelim_regional", name="예비기업상점", slug="prelim-shop")
    sellable(vendor=prelim, name="예비 잼", price=5_000)
    return buyer, bakery, coop


def login(page, email: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="로그인").click()


def vendor_quotes(new_page, vendor, request, prices: dict[str, str], tax: dict[str, str]):
    page = new_page()
    login(page, vendor.owner.email, f"/vendor/{vendor.slug}/quotes/")
    expect(page.locator("#vendor-requests")).to_contain_text("직원 교육 다과")
    page.get_by_role("link", name="직원 교육 다과").click()
    for item in request.items.all():
        row = page.locator(f"tr[data-item='{item.pk}']")
        row.locator("input[name^='price_']").fill(prices[item.name])
        row.locator("select[name^='tax_']").select_option(tax[item.name])
    page.fill("#id_notes", "납품일 오전 배송")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-vendor-quote-{vendor.slug}.png", full_page=True)
    page.locator("#quote-submit").click()
    expect(page.locator(".messages")).to_contain_text("견적")
    expect(page.locator(".messages")).to_contain_text("제출했습니다")
    expect(page.locator("#my-quote")).to_be_visible()
    return page


def test_request_two_quotes_compare_accept_deliver_inspect_report(new_page, market):
    buyer, bakery, coop = market
    page = new_page()

    # 1. The buyer picks a product in the agency catalog (eligible vendors only).
    login(page, buyer.user.email, "/agency/catalog/")
    expect(page.locator(".portal-head h1")).to_contain_text("서울특별시 성동구청")
    cookie_card = page.locator("article.pitem", has_text="우리밀 현미 쿠키")
    expect(cookie_card.locator(".certs")).to_contain_text("사회적기업 인증")
    expect(cookie_card.locator(".certs")).to_contain_text("유효")
    expect(page.locator("article.pitem", has_text="예비 잼")).to_have_count(0)
    page.screenshot(path=f"{SCREENSHOTS}/nuri-agency-catalog.png", full_page=True)
    cookie_card.locator("input[name=variant]").check()
    page.locator("#catalog-rfq").click()

    # 2. The request: the product's vendor is preselected; add a vendor and a free-text item.
    expect(page.locator("h2")).to_contain_text("견적 요청 작성")
    page.fill("#id_title", "직원 교육 다과")
    page.fill("#id_delivery_place", "서울특별시 성동구 고산자로 270 3층")
    page.fill("#id_items-0-quantity", "100")
    page.fill("#id_items-1-name", "유기농 주스")
    page.fill("#id_items-1-spec", "200ml")
    page.fill("#id_items-1-unit", "병")
    page.fill("#id_items-1-quantity", "50")
    form = page.locator("#rfq-form")
    expect(form.get_by_label(re.compile("행복한베이커리"))).to_be_checked()
    form.get_by_label(re.compile("우리밀협동조합")).check()
    page.locator("#rfq-submit").click()
    expect(page.locator(".messages")).to_contain_text("견적 요청")
    expect(page.locator("#no-quotes")).to_be_visible()
    request = QuoteRequest.objects.get()
    assert request.items.count() == 2

    # 3. Two vendors quote from their dashboards.
    bakery_page = vendor_quotes(
        new_page,
        bakery,
        request,
        {"우리밀 현미 쿠키": "2000", "유기농 주스": "1800"},
        {"우리밀 현미 쿠키": "taxable", "유기농 주스": "taxable"},
    )
    vendor_quotes(
        new_page,
        coop,
        request,
        {"우리밀 현미 쿠키": "2100", "유기농 주스": "1700"},
        {"우리밀 현미 쿠키": "taxable", "유기농 주스": "taxable"},
    )

    # 4. The buyer compares them side by side, each with its contract route, and accepts one.
    page.reload()
    comparison = page.locator("#comparison")
    expect(comparison.locator("th.quote-col")).to_have_count(2)
    expect(comparison).to_contain_text("행복한베이커리")
    expect(comparison).to_contain_text("우리밀협동조합")
    expect(comparison.locator(".route-label")).to_have_count(2)
    expect(comparison.locator(".route-label").first).to_have_text("1인 견적 수의계약")
    # bakery: 200,000 + 90,000 = 290,000 supply + 29,000 VAT; coop: 295,000 + 29,500
    expect(comparison.locator(".quote-total").first).to_have_text("₩319,000")
    expect(comparison.locator(".quote-total").nth(1)).to_have_text("₩324,500")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-agency-compare.png", full_page=True)
    comparison.locator("button.accept-quote").first.click()
    expect(page.locator(".messages")).to_contain_text("계산서 후불로 발주되었습니다")
    expect(page.locator("#delivery-status")).to_have_text("납품 대기")
    delivery = Delivery.objects.get()
    assert delivery.vendor == bakery
    assert delivery.amount == 319_000

    # 5. The vendor notifies completion.
    bakery_page.goto(f"/vendor/{bakery.slug}/quotes/")
    bakery_page.locator("#vendor-deliveries").get_by_role("link", name="직원 교육 다과").click()
    bakery_page.fill("#id_note", "본관 3층 총무과 접수")
    bakery_page.locator("#deliver-submit").click()
    expect(bakery_page.locator(".messages")).to_contain_text("납품 완료를 알렸습니다")
    expect(bakery_page.locator("#delivery-status")).to_have_text("검수 대기")
    bakery_page.screenshot(path=f"{SCREENSHOTS}/nuri-vendor-delivered.png", full_page=True)

    # 6. The buyer inspects and accepts: the invoice is claimed, payment falls due.
    page.reload()
    expect(page.locator("#delivery-status")).to_have_text("검수 대기")
    page.locator("#inspect-form").get_by_label("합격").check()
    page.locator("#inspect-form").get_by_role("button", name="검수 결과 저장").click()
    expect(page.locator(".messages")).to_contain_text("검수 합격")
    expect(page.locator("#delivery-status")).to_have_text("대금 청구")
    due = timezone.localdate() + dt.timedelta(days=5)
    expect(page.locator("#payment-due")).to_contain_text(due.strftime("%Y-%m-%d"))
    page.screenshot(path=f"{SCREENSHOTS}/nuri-agency-inspected.png", full_page=True)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACCEPTED

    # 7. The year's report shows the purchase, in the chart and the table.
    page.locator(".portal-nav").get_by_role("link", name="우선구매 실적").click()
    expect(page.locator("#report-eligible")).to_have_text("₩319,000")
    row = page.locator("#category-table tr[data-key='social_enterprise']")
    expect(row.locator(".amount")).to_have_text("₩319,000")
    month = timezone.localdate().month
    expect(
        page.locator(f"#monthly-chart g.month[data-month='{month}'] rect.eligible")
    ).to_have_count(1)
    expect(page.locator("#purchase-table")).to_contain_text("행복한베이커리")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-agency-report.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
