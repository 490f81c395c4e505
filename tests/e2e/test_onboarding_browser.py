"""Vendor onboarding in a real browser: sign up, apply with a document, get approved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import StaffFactory
from tests.factories.onboarding import PDF_BYTES
from vendors.models import Vendor, VendorApplication
from vendors.selectors import user_is_vendor_staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp"


def test_sign_up_apply_and_get_approved(new_page, tmp_path):
    document = tmp_path / "사회적기업_인증서.pdf"
    document.write_bytes(PDF_BYTES)

    # 1. A citizen signs up and is sent on to the application.
    page = new_page()
    page.goto("/accounts/signup/?next=/apply/")
    page.fill("#id_email", "baker@example.kr")
    page.fill("#id_name", "김빵순")
    page.fill("#id_password", "nuri-Bakery-2026!")
    page.fill("#id_password_confirm", "nuri-Bakery-2026!")
    page.get_by_role("button", name="가입하기").click()
    expect(page).to_have_url(re.compile(r"/apply/$"))

    # 2. A wrong check digit is caught next to the field.
    page.fill("#id_brn", "124-81-00997")
    page.get_by_role("button", name="조직 확인").click()
    expect(page.locator(".field.has-error .errorlist")).to_contain_text(
        "사업자등록번호 '124-81-00997'의 검증번호가 맞지 않습니다."
    )
    page.screenshot(path=f"{SCREENSHOTS}/nuri-onboarding-brn-error.png", full_page=True)

    # 3. The right number is not in the registry yet: register it with the application.
    page.fill("#id_brn", "124-81-00998")
    page.get_by_role("button", name="조직 확인").click()
    expect(page.get_by_text("등록부에 없는 번호입니다")).to_be_visible()
    page.fill("#id_org-name", "함께일하는재단")
    page.select_option("#id_org-org_type", "social_enterprise")
    page.fill("#id_org-representative", "김빵순")
    page.fill("#id_org-address", "서울특별시 마포구 월드컵북로 400")
    page.select_option("#id_org-district", "11440")
    page.fill("#id_store_name", "함께 빵집")
    page.fill("#id_contact_phone", "010-1234-5678")
    page.fill("#id_description", "우리밀과 유기농 재료로 매일 굽는 동네 빵집입니다.")
    page.fill("#id_mission", "발달장애인 제빵사와 함께 일하며 자립을 돕습니다.")
    page.select_option("#id_cert_kind", "social_enterprise")
    page.fill("#id_cert_number", "제2015-123호")
    page.fill("#id_cert_issuer", "고용노동부")
    page.fill("#id_valid_from", "2015-01-01")
    page.set_input_files("#id_document", str(document))
    page.check("#id_confirm")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-onboarding-form.png", full_page=True)
    page.get_by_role("button", name="입점 신청하기").click()

    # 4. The status page.
    expect(page.locator("h1")).to_contain_text("함께 빵집")
    expect(page.locator("#status")).to_contain_text("심사 대기 중입니다")
    expect(page.locator(".timeline")).to_contain_text("신청")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-onboarding-status.png", full_page=True)
    status_url = page.url
    application = VendorApplication.objects.get()
    assert application.certification.document.read() == PDF_BYTES

    # 5. Centre staff approve it in the admin.
    staff = StaffFactory(email="reviewer@sehub.kr")
    admin = new_page()
    admin.goto("/admin/login/")
    admin.fill("#id_username", staff.email)
    admin.fill("#id_password", "pw-12345678")
    admin.locator("input[type=submit]").click()
    admin.goto(f"/admin/vendors/vendorapplication/{application.pk}/change/")
    admin.locator("a.button.review-approve").click()
    expect(admin.locator("body")).to_contain_text("충족")
    admin.fill("#id_commission_rate", "0.07")
    admin.screenshot(path=f"{SCREENSHOTS}/nuri-onboarding-admin-approve.png", full_page=True)
    admin.get_by_role("button", name="승인하고 입점 기업 만들기").click()
    expect(admin.locator(".messagelist")).to_contain_text("'함께 빵집' 입점을 승인했습니다.")

    # 6. The applicant sees the approval and the vendor page, and owns the vendor.
    page.goto(status_url)
    expect(page.locator("#status")).to_contain_text("입점이 승인되었습니다")
    page.screenshot(path=f"{SCREENSHOTS}/nuri-onboarding-approved.png", full_page=True)
    page.get_by_role("link", name="상점 페이지 보기").click()
    expect(page.locator("h1")).to_have_text("함께 빵집")
    expect(page.locator("body")).to_contain_text("발달장애인 제빵사와 함께 일하며 자립을 돕습니다.")
    vendor = Vendor.objects.get()
    assert user_is_vendor_staff(application.applicant, vendor, owner=True)
