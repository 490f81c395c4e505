"""Vendor application web pages and the review admin, through the Django test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import CertificationFactory, OrganizationFactory, UserFactory
from tests.factories.onboarding import PNG_BYTES, VendorApplicationFactory, pdf_upload
from vendors import onboarding
from vendors.models import (
    Certification,
    Organization,
    Vendor,
    VendorApplication,
    VendorApplicationEvent,
)
from vendors.selectors import user_is_vendor_staff

pytestmark = pytest.mark.django_db

APPLY = reverse("vendors:application_start")


def form_data(**overrides) -> dict:
    data = {
        "brn": "124-81-00998",
        "org-name": "함께일하는재단",
        "org-org_type": "social_enterprise",
        "org-representative": "김누리",
        "org-address": "서울특별시 마포구 월드컵북로 400",
        "org-district": "11440",
        "org-province": "서울특별시",
        "store_name": "함께 빵집",
        "slug": "",
        "description": "우리밀로 굽는 빵",
        "mission": "발달장애인 제빵사와 함께 일합니다.",
        "contact_phone": "010-1234-5678",
        "cert_kind": "social_enterprise",
        "cert_number": "제2015-123호",
        "cert_issuer": "고용노동부",
        "valid_from": "2015-01-01",
        "valid_until": "",
        "confirm": "on",
        "document": pdf_upload(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def nothing_written() -> bool:
    return not (
        Organization.objects.exists()
        or Certification.objects.exists()
        or VendorApplication.objects.exists()
    )


# --- Applicant pages -------------------------------------------------------------------------


def test_apply_needs_login(client):
    resp = client.get(APPLY)
    assert resp.status_code == 302
    assert resp.url.startswith(reverse("accounts:login"))


def test_bad_brn_shows_the_korean_field_error_and_writes_nothing(client, user):
    client.force_login(user)
    resp = client.get(APPLY, {"brn": "124-81-00997"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "사업자등록번호 &#x27;124-81-00997&#x27;의 검증번호가 맞지 않습니다." in html
    assert 'aria-invalid="true"' in html  # the field itself is marked
    assert nothing_written()

    # Posting the whole form with the bad number is refused the same way.
    resp = client.post(APPLY, form_data(brn="124-81-00997"))
    assert resp.status_code == 400
    assert "의 검증번호가 맞지 않습니다." in resp.content.decode()
    assert nothing_written()
    assert mail.outbox == []


def test_unknown_number_asks_for_the_organization(client, user):
    client.force_login(user)
    resp = client.get(APPLY, {"brn": "1248100998"})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "124-81-00998" in html
    assert "등록부에 없는 번호입니다" in html
    assert 'name="org-name"' in html
    assert 'name="document"' in html


def test_full_submit_then_status_page(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(APPLY, form_data())
    application = VendorApplication.objects.get()
    assert resp.status_code == 302
    assert resp.url == reverse("vendors:application_detail", args=[application.pk])
    assert application.organization.brn == "1248100998"
    assert application.certification.document.read().startswith(b"%PDF-")
    assert [m.to for m in mail.outbox if m.to == [user.email]] == [[user.email]]

    page = client.get(resp.url)
    html = page.content.decode()
    assert "심사 대기 중입니다" in html
    assert "함께일하는재단" in html
    assert "증빙 서류: PDF 파일 제출됨" in html
    # Stored under a random name: the uploader's file name is not part of the path.
    assert "인증서" not in application.certification.document.name
    assert 'class="timeline"' in html
    assert "신청" in html

    mine = client.get(reverse("vendors:application_list")).content.decode()
    assert "함께 빵집" in mine


def test_registered_organization_is_shown_and_not_asked_again(client, user):
    org = OrganizationFactory(brn="1248100998", name="마포 두부 협동조합", org_type="coop")
    client.force_login(user)
    html = client.get(APPLY, {"brn": "124-81-00998"}).content.decode()
    assert "등록부에서 찾은 조직" in html
    assert "마포 두부 협동조합" in html
    assert 'name="org-name"' not in html
    resp = client.post(
        APPLY, form_data(**{"org-name": None, "cert_kind": "coop", "store_name": "두부 상점"})
    )
    assert resp.status_code == 302
    assert VendorApplication.objects.get().organization == org


def test_field_errors_are_shown_next_to_the_fields(client, user):
    client.force_login(user)
    bad_file = pdf_upload(name="scan.pdf", content=PNG_BYTES)
    resp = client.post(
        APPLY,
        form_data(store_name="", document=bad_file, valid_until="2014-01-01", **{"org-name": ""}),
    )
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "입력한 내용을 확인해 주세요." in html
    assert html.count('class="field has-error') >= 2
    assert nothing_written()

    # Form-valid but rule-breaking input is reported by the service next to the field.
    bad_file = pdf_upload(name="scan.pdf", content=PNG_BYTES)
    resp = client.post(APPLY, form_data(document=bad_file, valid_until="2014-01-01"))
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "증빙 서류의 내용이 PDF 파일이 아닙니다." in html
    assert "유효 종료일이 시작일보다 빠릅니다." in html
    assert nothing_written()


def test_an_organization_that_sells_already_cannot_apply(client, user, staff_user):
    app = VendorApplicationFactory(organization__brn="1248100998")
    onboarding.application_approve(application=app, actor=staff_user)
    client.force_login(user)
    resp = client.get(APPLY, {"brn": "124-81-00998"})
    html = resp.content.decode()
    assert "이미 누리에 입점한 조직입니다" in html
    assert 'enctype="multipart/form-data"' not in html


def test_another_user_cannot_see_someone_elses_application(client):
    app = VendorApplicationFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("vendors:application_detail", args=[app.pk])).status_code == 404
    assert client.get(reverse("vendors:application_resubmit", args=[app.pk])).status_code == 404
    client.force_login(app.applicant)
    assert client.get(reverse("vendors:application_detail", args=[app.pk])).status_code == 200


def test_resubmit_after_changes_requested(client, staff_user):
    app = VendorApplicationFactory()
    onboarding.application_request_changes(
        application=app, actor=staff_user, note="사회적 미션을 자세히 적어 주세요."
    )
    client.force_login(app.applicant)
    detail = client.get(reverse("vendors:application_detail", args=[app.pk])).content.decode()
    assert "보완 요청이 있습니다" in detail
    assert "사회적 미션을 자세히 적어 주세요." in detail
    assert "센터 담당자" in detail  # the reviewer is not named to the applicant

    url = reverse("vendors:application_resubmit", args=[app.pk])
    page = client.get(url).content.decode()
    assert app.store_name in page  # prefilled
    resp = client.post(
        url,
        {
            "store_name": app.store_name,
            "mission": "발달장애인 12명을 고용합니다.",
            "message": "미션을 보완했습니다.",
        },
    )
    assert resp.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted"
    assert app.mission == "발달장애인 12명을 고용합니다."
    assert app.events.last().type == "resubmitted"
    # Not again: the request for changes has been answered.
    assert client.get(url).status_code == 302


def test_approved_status_page_links_to_the_vendor(client, staff_user):
    app = VendorApplicationFactory(store_name="함께 빵집")
    onboarding.application_approve(application=app, actor=staff_user)
    client.force_login(app.applicant)
    html = client.get(reverse("vendors:application_detail", args=[app.pk])).content.decode()
    assert "입점이 승인되었습니다" in html
    vendor_url = reverse("vendors:vendor_detail", args=["함께-빵집"])
    assert f'href="{vendor_url}"' in html
    assert client.get(vendor_url).status_code == 200


# --- Admin -----------------------------------------------------------------------------------


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:vendors_vendorapplication_{name}", args=args)


def test_admin_list_filters_and_searches_by_brn(client, staff_user):
    a = VendorApplicationFactory(organization__brn="1248100998", store_name="함께 빵집")
    VendorApplicationFactory(store_name="다른 상점", status="rejected")
    client.force_login(staff_user)
    html = client.get(admin_url("changelist"), {"q": "124-81-00998"}).content.decode()
    assert a.store_name in html
    assert "다른 상점" not in html
    html = client.get(admin_url("changelist"), {"status__exact": "rejected"}).content.decode()
    assert "다른 상점" in html
    assert a.store_name not in html


def test_admin_change_page_has_review_buttons_and_events(client, staff_user):
    app = VendorApplicationFactory()
    client.force_login(staff_user)
    html = client.get(admin_url("change", app.pk)).content.decode()
    assert admin_url("review", app.pk, "approve") in html
    assert admin_url("review", app.pk, "reject") in html
    assert admin_url("review", app.pk, "request_changes") in html
    assert "처리 이력" in html
    assert "충족" in html  # the eligibility verdict today

    doc = client.get(admin_url("document", app.pk))
    assert doc.status_code == 404  # the factory's certification has no file

    other = UserFactory()
    client.force_login(other)
    assert client.get(admin_url("review", app.pk, "approve")).status_code == 302  # to login


def test_admin_approve_through_the_form(client, staff_user, django_capture_on_commit_callbacks):
    app = VendorApplicationFactory(store_name="함께 빵집")
    client.force_login(staff_user)
    url = admin_url("review", app.pk, "approve")
    page = client.get(url).content.decode()
    assert "0.0800" in page or "0.08" in page
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            url,
            {
                "commission_rate": "0.07",
                "shipping_base_fee": "3000",
                "shipping_free_over": "",
                "bank_name": "국민은행",
                "bank_account_holder": "함께",
                "bank_account_number": "123456789012",
                "note": "환영합니다",
            },
        )
    assert resp.status_code == 302
    assert [str(m) for m in get_messages(resp.wsgi_request)] == ["'함께 빵집' 입점을 승인했습니다."]
    vendor = Vendor.objects.get()
    assert vendor.shipping_free_over is None
    assert vendor.bank_account_masked == "****9012"
    assert user_is_vendor_staff(app.applicant, vendor, owner=True)
    assert any(m.subject == "[누리] 입점이 승인되었습니다" for m in mail.outbox)


def test_admin_shows_not_eligible_as_a_korean_message(client, staff_user):
    app = VendorApplicationFactory(certification=None)
    CertificationFactory(
        organization=app.organization,
        valid_from=dt.date(2019, 1, 1),
        valid_until=dt.date(2021, 12, 31),
    )
    client.force_login(staff_user)
    resp = client.post(
        admin_url("review", app.pk, "approve"),
        {"commission_rate": "0.08", "shipping_base_fee": "3000"},
    )
    assert resp.status_code == 200
    msgs = [str(m) for m in get_messages(resp.wsgi_request)]
    assert msgs == [
        "입점을 승인할 수 없습니다. 사유: 인증이 2021-12-31에 만료되었습니다 "
        f"({timezone.localdate():%Y-%m-%d} 기준)."
    ]
    assert not Vendor.objects.exists()


def test_admin_reject_needs_a_reason_and_request_changes_needs_a_note(client, staff_user):
    app = VendorApplicationFactory()
    client.force_login(staff_user)
    resp = client.post(admin_url("review", app.pk, "reject"), {"reason": ""})
    assert resp.status_code == 200
    assert "반려 사유를 입력하세요." in resp.content.decode()
    resp = client.post(
        admin_url("review", app.pk, "request_changes"), {"note": "사업자등록증 필요"}
    )
    assert resp.status_code == 302
    app.refresh_from_db()
    assert (app.status, app.review_note) == ("changes_requested", "사업자등록증 필요")
    # Only "reject" is left while the applicant is fixing it.
    html = client.get(admin_url("change", app.pk)).content.decode()
    assert admin_url("review", app.pk, "approve") not in html
    resp = client.post(admin_url("review", app.pk, "reject"), {"reason": "기한 내 보완 없음"})
    assert resp.status_code == 302
    app.refresh_from_db()
    assert app.status == "rejected"
    assert list(app.events.values_list("type", "actor")) == [
        ("submitted", app.applicant_id),
        ("changes_requested", staff_user.pk),
        ("rejected", staff_user.pk),
    ]


def test_admin_bulk_reject_with_an_intermediate_form(client, staff_user):
    apps = [VendorApplicationFactory(), VendorApplicationFactory()]
    client.force_login(staff_user)
    data = {"action": "reject_selected", "_selected_action": [a.pk for a in apps]}
    page = client.post(admin_url("changelist"), data)
    assert page.status_code == 200
    assert "반려 사유" in page.content.decode()
    resp = client.post(admin_url("changelist"), {**data, "apply": "1", "reason": "서류 미비"})
    assert resp.status_code == 302
    assert set(VendorApplication.objects.values_list("status", "review_note")) == {
        ("rejected", "서류 미비")
    }
    assert VendorApplicationEvent.objects.filter(type="rejected").count() == 2


def test_admin_bulk_approve_reports_each_failure(client, staff_user):
    good = VendorApplicationFactory()
    bad = VendorApplicationFactory(certification=None)
    client.force_login(staff_user)
    resp = client.post(
        admin_url("changelist"),
        {"action": "approve_selected", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    html = resp.content.decode()
    assert "1건의 입점을 승인했습니다." in html
    assert f"{bad.store_name}: 입점을 승인할 수 없습니다. 사유: " in html
    assert Vendor.objects.get().organization == good.organization


def test_vendor_admin_sets_a_new_bank_account_masked(client, staff_user):
    app = VendorApplicationFactory()
    vendor = onboarding.application_approve(application=app, actor=staff_user).vendor
    client.force_login(staff_user)
    url = reverse("admin:vendors_vendor_change", args=[vendor.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "logo"}
    data.update(
        {
            "bank_name": "우리은행",
            "bank_account_holder": "함께",
            "new_bank_account_number": "1002-123-456789",
            "staff-TOTAL_FORMS": "1",
            "staff-INITIAL_FORMS": "1",
            "staff-0-id": str(vendor.staff.get().pk),
            "staff-0-vendor": str(vendor.pk),
            "staff-0-user": str(app.applicant_id),
            "staff-0-role": "owner",
        }
    )
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.context["adminform"].form.errors
    vendor.refresh_from_db()
    assert vendor.bank_account_masked == "****6789"
    html = client.get(url).content.decode()
    assert "****6789" in html
    assert "1002123456789" not in html
