"""Vendor onboarding: services, e-mails and the GraphQL API (through the real /graphql/ view)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core import mail
from graphql_relay import to_global_id

from core.errors import DomainError, DomainErrors, as_error_list
from tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    StaffFactory,
    UserFactory,
    VendorFactory,
)
from tests.factories.onboarding import (
    PDF_BYTES,
    PNG_BYTES,
    VendorApplicationFactory,
    certification_fields,
    pdf_upload,
)
from vendors import onboarding
from vendors.banking import bank_account_decrypt
from vendors.models import (
    Certification,
    Organization,
    Vendor,
    VendorApplication,
    VendorApplicationEvent,
    VendorStaff,
)
from vendors.selectors import user_is_vendor_staff
from vendors.tasks.onboarding import application_event_email

pytestmark = pytest.mark.django_db

SUBMIT = """
mutation($input: VendorApplicationSubmitInput!) {
  vendorApplicationSubmit(input: $input) {
    vendorApplication {
      id status storeName
      organization { name brn orgType }
      certification { kind number isVerified }
      events { type actorName }
    }
    errors { field code message }
  }
}"""

APPROVE = """
mutation($id: ID!, $input: VendorApplicationApproveInput) {
  vendorApplicationApprove(id: $id, input: $input) {
    vendorApplication { id status reviewNote vendor { slug } }
    vendor { storeName slug commissionRate bankAccount organization { name } }
    errors { field code message }
  }
}"""

REJECT = """
mutation($id: ID!, $reason: String!) {
  vendorApplicationReject(id: $id, reason: $reason) {
    vendorApplication { status reviewNote }
    errors { field code message }
  }
}"""

REQUEST_CHANGES = """
mutation($id: ID!, $note: String!) {
  vendorApplicationRequestChanges(id: $id, note: $note) {
    vendorApplication { status reviewNote }
    errors { field code message }
  }
}"""

RESUBMIT = """
mutation($id: ID!, $input: VendorApplicationResubmitInput!) {
  vendorApplicationResubmit(id: $id, input: $input) {
    vendorApplication { status storeName events { type } }
    errors { field code message }
  }
}"""

NEW_ORG = {
    "name": "함께일하는재단",
    "orgType": "SOCIAL_ENTERPRISE",
    "representative": "김누리",
    "address": "서울특별시 마포구 월드컵북로 400",
    "district": "마포구",
}
CERT = {
    "kind": "SOCIAL_ENTERPRISE",
    "number": "제2015-123호",
    "issuer": "고용노동부",
    "validFrom": "2015-01-01",
}


def gid(application) -> str:
    return to_global_id("VendorApplication", application.pk)


def multipart(client, query: str, variables: dict, files: dict):
    """POST a GraphQL multipart request (operations / map / files) and return the JSON body."""
    file_map = {str(i): [f"variables.{path}"] for i, path in enumerate(files)}
    data = {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps(file_map),
    }
    for i, upload in enumerate(files.values()):
        data[str(i)] = upload
    resp = client.post("/graphql/", data=data)
    assert resp.status_code == 200, resp.content
    return resp.json()


def submit_input(**overrides) -> dict:
    base = {
        "brn": "124-81-00998",
        "organization": NEW_ORG,
        "certification": CERT,
        "certificationDocument": None,
        "storeName": "함께 빵집",
        "description": "우리밀로 굽는 빵",
        "mission": "발달장애인 제빵사와 함께 일합니다.",
        "contactPhone": "02-353-3553",
    }
    return {**base, **overrides}


def codes(exc) -> set[tuple[str | None, str]]:
    return {(e.field, e.code) for e in as_error_list(exc)}


# --- Submit ---------------------------------------------------------------------------------


def test_submit_with_new_organization_and_document_by_multipart(
    client, gql, user, staff_user, django_capture_on_commit_callbacks
):
    gql.login(user)
    with django_capture_on_commit_callbacks(execute=True):
        body = multipart(
            client,
            SUBMIT,
            {"input": submit_input()},
            {"input.certificationDocument": pdf_upload()},
        )
    assert "errors" not in body, body
    result = body["data"]["vendorApplicationSubmit"]
    assert result["errors"] == []
    app = result["vendorApplication"]
    assert app["status"] == "SUBMITTED"
    assert app["organization"] == {
        "name": "함께일하는재단",
        "brn": "124-81-00998",
        "orgType": "SOCIAL_ENTERPRISE",
    }
    assert app["certification"] == {
        "kind": "SOCIAL_ENTERPRISE",
        "number": "제2015-123호",
        "isVerified": False,
    }
    assert app["events"] == [{"type": "SUBMITTED", "actorName": user.name}]

    org = Organization.objects.get(brn="1248100998")
    assert org.district == "11440"
    cert = Certification.objects.get(organization=org)
    assert cert.document.name.endswith(".pdf")
    assert cert.document.read() == PDF_BYTES

    # The applicant gets a receipt, centre staff a review request.
    assert len(mail.outbox) == 2
    to_applicant = next(m for m in mail.outbox if m.to == [user.email])
    assert to_applicant.subject == "[누리] 입점 신청이 접수되었습니다"
    assert "'함께 빵집'(함께일하는재단) 입점 신청이 접수되었습니다" in to_applicant.body
    to_staff = next(m for m in mail.outbox if staff_user.email in m.to)
    assert "124-81-00998" in to_staff.body
    assert "/admin/vendors/vendorapplication/" in to_staff.body


def test_invalid_brn_is_rejected_and_nothing_is_written(
    client, gql, user, django_capture_on_commit_callbacks
):
    gql.login(user)
    with django_capture_on_commit_callbacks(execute=True):
        body = multipart(
            client,
            SUBMIT,
            {"input": submit_input(brn="124-81-00997")},
            {"input.certificationDocument": pdf_upload()},
        )
    result = body["data"]["vendorApplicationSubmit"]
    assert result["vendorApplication"] is None
    assert result["errors"] == [
        {
            "field": "brn",
            "code": "INVALID_BRN",
            "message": "사업자등록번호 '124-81-00997'의 검증번호가 맞지 않습니다.",
        }
    ]
    assert not Organization.objects.exists()
    assert not Certification.objects.exists()
    assert not VendorApplication.objects.exists()
    assert mail.outbox == []


def test_submit_needs_login(gql):
    result = gql(SUBMIT, {"input": submit_input(certification=None)})["data"]
    assert result["vendorApplicationSubmit"]["errors"][0]["code"] == "PERMISSION_DENIED"


def test_submit_for_a_registered_organization_does_not_touch_the_registry(user):
    org = OrganizationFactory(brn="1248100998", name="등록된 조직")
    application = onboarding.application_submit(
        applicant=user,
        brn="1248100998",
        organization={"name": "바꾸려는 이름", "org_type": "coop"},
        certification=certification_fields(),
        document=pdf_upload(),
        store_name="등록된 상점",
    )
    assert application.organization == org
    org.refresh_from_db()
    assert (org.name, org.org_type) == ("등록된 조직", "social_enterprise")


def test_unknown_number_needs_organization_details(user):
    with pytest.raises(DomainErrors) as exc:
        onboarding.application_submit(applicant=user, brn="124-81-00998", store_name="상점")
    assert codes(exc.value) == {("organization", "REQUIRED")}


def test_every_problem_is_reported_at_once(user):
    with pytest.raises(DomainErrors) as exc:
        onboarding.application_submit(
            applicant=user,
            brn="124-81-00998",
            organization={"name": "", "org_type": "social_enterprise", "district": "해운대구"},
            certification=certification_fields(valid_until=dt.date(2014, 1, 1)),
            document=pdf_upload(name="notes.txt", content_type="text/plain"),
            store_name=" ",
        )
    assert codes(exc.value) == {
        ("organization.name", "REQUIRED"),
        ("organization.district", "INVALID_DISTRICT"),
        ("certification.validUntil", "INVALID"),
        ("certificationDocument", "INVALID_FILE_TYPE"),
        ("storeName", "REQUIRED"),
    }
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("upload", "needle"),
    [
        (pdf_upload(name="cert.exe"), "PDF, JPG, PNG 파일만"),
        (pdf_upload(name="cert.pdf", content=PNG_BYTES), "PDF 파일이 아닙니다"),
        (pdf_upload(name="cert.png", content=PDF_BYTES), "확장자(.png)와 맞지 않습니다"),
        (pdf_upload(content=b""), "비어 있습니다"),
    ],
)
def test_document_is_checked_by_type_and_content(user, upload, needle):
    with pytest.raises(DomainErrors) as exc:
        onboarding.application_submit(
            applicant=user,
            brn="124-81-00998",
            organization={"name": "조직", "org_type": "social_enterprise"},
            certification=certification_fields(),
            document=upload,
            store_name="상점",
        )
    (err,) = as_error_list(exc.value)
    assert (err.field, err.code) == ("certificationDocument", "INVALID_FILE_TYPE")
    assert needle in err.message


def test_document_size_limit(user, settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(DomainErrors) as exc:
        onboarding.application_submit(
            applicant=user,
            brn="124-81-00998",
            organization={"name": "조직", "org_type": "social_enterprise"},
            certification=certification_fields(),
            document=pdf_upload(content=PDF_BYTES + b" " * 200),
            store_name="상점",
        )
    (err,) = as_error_list(exc.value)
    assert err.code == "FILE_TOO_LARGE"
    assert "너무 큽니다" in err.message


def test_jpeg_and_png_documents_are_accepted(user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.dashboard import image_bytes

    jpeg = SimpleUploadedFile("scan.JPG", image_bytes("JPEG", (40, 30)), "image/jpeg")
    app = onboarding.application_submit(
        applicant=user,
        brn="124-81-00998",
        organization={"name": "조직", "org_type": "coop"},
        certification=certification_fields(kind="coop"),
        document=jpeg,
        store_name="상점",
    )
    # Stored under a random name with the (lower-cased) extension of its real type.
    name = app.certification.document.name
    assert name.endswith(".jpg")
    assert "scan" not in name


def test_organization_that_already_sells_is_refused(user):
    vendor = VendorFactory(organization__brn="1248100998")
    with pytest.raises(DomainErrors) as exc:
        onboarding.application_submit(applicant=user, brn="124-81-00998", store_name="또 다른 상점")
    (err,) = as_error_list(exc.value)
    assert err.code == "ALREADY_VENDOR"
    assert vendor.organization.name in err.message


def test_second_pending_application_for_the_same_organization_is_refused(user):
    app = VendorApplicationFactory(organization__brn="1248100998")
    with pytest.raises(DomainErrors) as exc:
        onboarding.application_submit(applicant=user, brn="1248100998", store_name="상점")
    assert codes(exc.value) == {("brn", "INVALID_STATUS")}
    assert VendorApplication.objects.get() == app


# --- Approve --------------------------------------------------------------------------------


def test_submit_approve_then_the_applicant_owns_the_vendor(
    gql, user, staff_user, django_capture_on_commit_callbacks
):
    """The issue's acceptance: submit → approve → vendor exists, applicant is its owner."""
    app = onboarding.application_submit(
        applicant=user,
        brn="124-81-00998",
        organization={"name": "함께일하는재단", "org_type": "social_enterprise"},
        certification=certification_fields(),
        document=pdf_upload(),
        store_name="함께 빵집",
        mission="발달장애인 제빵사와 함께 일합니다.",
    )
    gql.login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        result = gql(
            APPROVE,
            {
                "id": gid(app),
                "input": {
                    "commissionRate": "0.065",
                    "bankName": "국민은행",
                    "bankAccountHolder": "함께일하는재단",
                    "bankAccountNumber": "123-456-78-901234",
                    "note": "환영합니다.",
                },
            },
        )["data"]["vendorApplicationApprove"]
    assert result["errors"] == []
    assert result["vendorApplication"]["status"] == "APPROVED"
    assert result["vendorApplication"]["reviewNote"] == "환영합니다."
    assert result["vendor"] == {
        "storeName": "함께 빵집",
        "slug": "함께-빵집",
        "commissionRate": "0.0650",
        "bankAccount": "****1234",
        "organization": {"name": "함께일하는재단"},
    }

    vendor = Vendor.objects.get()
    assert vendor.organization.brn == "1248100998"
    assert vendor.mission == "발달장애인 제빵사와 함께 일합니다."
    assert user_is_vendor_staff(user, vendor, owner=True)
    # The account number is stored encrypted, only the last digits in clear.
    assert "12345678901234" not in vendor.bank_account_encrypted
    assert bank_account_decrypt(vendor.bank_account_encrypted) == "12345678901234"
    assert vendor.bank_account_masked == "****1234"
    # The certification is now verified by the reviewer.
    cert = Certification.objects.get()
    assert cert.verified_by == staff_user
    assert cert.verified_at is not None
    # Event trail and e-mail.
    events = list(VendorApplicationEvent.objects.filter(application=app).order_by("id"))
    assert [(e.type, e.actor) for e in events] == [
        ("submitted", user),
        ("approved", staff_user),
    ]
    approved_mail = [m for m in mail.outbox if m.to == [user.email]]
    assert [m.subject for m in approved_mail] == ["[누리] 입점이 승인되었습니다"]
    assert "/vendors/%ED%95%A8%EA%BB%98-%EB%B9%B5%EC%A7%91/" in approved_mail[0].body


def test_approve_uses_default_commission_and_makes_slugs_unique(staff_user, settings):
    settings.DEFAULT_COMMISSION_RATE = "0.0750"
    VendorFactory(slug="함께-빵집")
    app = VendorApplicationFactory(store_name="함께 빵집")
    app = onboarding.application_approve(application=app, actor=staff_user)
    assert app.vendor.commission_rate == Decimal("0.0750")
    assert app.vendor.slug == "함께-빵집-2"

    other = VendorApplicationFactory(store_name="다른 이름", slug="hamkke-bakery")
    other = onboarding.application_approve(application=other, actor=staff_user)
    assert other.vendor.slug == "hamkke-bakery"


def test_non_staff_cannot_approve(gql, user):
    app = VendorApplicationFactory()
    gql.login(user)
    result = gql(APPROVE, {"id": gid(app)})["data"]["vendorApplicationApprove"]
    assert result["errors"][0]["code"] == "PERMISSION_DENIED"
    assert result["vendorApplication"] is None
    assert not Vendor.objects.exists()
    with pytest.raises(DomainError) as exc:
        onboarding.application_approve(application=app, actor=user)
    assert exc.value.code == "PERMISSION_DENIED"


def test_expired_certification_is_not_eligible(gql, staff_user):
    app = VendorApplicationFactory(
        certification__valid_from=dt.date(2020, 1, 1),
        certification__valid_until=dt.date(2022, 12, 31),
        certification__kind="prelim_regional",
    )
    gql.login(staff_user)
    result = gql(APPROVE, {"id": gid(app)})["data"]["vendorApplicationApprove"]
    (err,) = result["errors"]
    assert err["code"] == "NOT_ELIGIBLE"
    assert "2022-12-31에 만료되었습니다" in err["message"]
    app.refresh_from_db()
    assert app.status == "submitted"
    assert not Vendor.objects.exists()
    assert not VendorStaff.objects.exists()
    assert app.certification.verified_at is None


def test_prospective_group_without_certification_is_not_eligible(staff_user):
    org = OrganizationFactory(org_type="prospective", name="청년 학습동아리")
    app = VendorApplicationFactory(organization=org, certification=None)
    with pytest.raises(DomainError) as exc:
        onboarding.application_approve(application=app, actor=staff_user)
    assert exc.value.code == "NOT_ELIGIBLE"
    assert "등록된 인증이 없습니다" in exc.value.message


def test_non_selling_kind_only_is_not_eligible(staff_user, settings):
    settings.SELLING_KINDS = ["social_enterprise"]
    app = VendorApplicationFactory(certification__kind="coop")
    with pytest.raises(DomainError) as exc:
        onboarding.application_approve(application=app, actor=staff_user)
    assert exc.value.code == "NOT_ELIGIBLE"
    assert "판매 입점 대상이 아닙니다" in exc.value.message


def test_cannot_approve_twice(staff_user):
    app = VendorApplicationFactory()
    onboarding.application_approve(application=app, actor=staff_user)
    with pytest.raises(DomainError) as exc:
        onboarding.application_approve(application=app, actor=staff_user)
    assert exc.value.code == "INVALID_STATUS"
    assert Vendor.objects.count() == 1


def test_invalid_commission_rate(staff_user):
    app = VendorApplicationFactory()
    with pytest.raises(DomainErrors) as exc:
        onboarding.application_approve(application=app, actor=staff_user, commission_rate="1.5")
    assert codes(exc.value) == {("commissionRate", "INVALID")}
    assert not Vendor.objects.exists()


# --- Reject and request changes -----------------------------------------------------------


def test_reject_needs_a_reason(gql, staff_user, django_capture_on_commit_callbacks):
    app = VendorApplicationFactory()
    gql.login(staff_user)
    result = gql(REJECT, {"id": gid(app), "reason": "  "})["data"]["vendorApplicationReject"]
    assert result["errors"] == [
        {"field": "reason", "code": "REQUIRED", "message": "반려 사유를 입력하세요."}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = gql(REJECT, {"id": gid(app), "reason": "인증서 사본이 흐립니다."})["data"][
            "vendorApplicationReject"
        ]
    assert result == {
        "vendorApplication": {"status": "REJECTED", "reviewNote": "인증서 사본이 흐립니다."},
        "errors": [],
    }
    event = VendorApplicationEvent.objects.get(application=app, type="rejected")
    assert (event.actor, event.message) == (staff_user, "인증서 사본이 흐립니다.")
    (sent,) = mail.outbox
    assert sent.to == [app.applicant.email]
    assert "인증서 사본이 흐립니다." in sent.body


def test_request_changes_then_resubmit(client, gql, staff_user, django_capture_on_commit_callbacks):
    app = VendorApplicationFactory()
    gql.login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        result = gql(REQUEST_CHANGES, {"id": gid(app), "note": "미션을 구체적으로 적어 주세요."})
    assert result["data"]["vendorApplicationRequestChanges"]["vendorApplication"] == {
        "status": "CHANGES_REQUESTED",
        "reviewNote": "미션을 구체적으로 적어 주세요.",
    }
    (sent,) = mail.outbox
    assert sent.subject == "[누리] 입점 신청 보완을 요청드립니다"
    assert f"/apply/{app.pk}/resubmit/" in sent.body

    # Staff cannot approve while the applicant is fixing it.
    with pytest.raises(DomainError) as exc:
        onboarding.application_approve(application=app, actor=staff_user)
    assert exc.value.code == "INVALID_STATUS"

    # Another user cannot resubmit it.
    gql.login(UserFactory())
    result = gql(RESUBMIT, {"id": gid(app), "input": {"storeName": "x"}})
    assert result["data"]["vendorApplicationResubmit"]["errors"][0]["code"] == "NOT_FOUND"

    gql.login(app.applicant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        body = multipart(
            client,
            RESUBMIT,
            {
                "id": gid(app),
                "input": {
                    "storeName": "함께 빵집 (보완)",
                    "mission": "발달장애인 제빵사 12명과 함께 일합니다.",
                    "certification": {**CERT, "number": "제2015-999호"},
                    "certificationDocument": None,
                    "message": "미션을 고쳤습니다.",
                },
            },
            {"input.certificationDocument": pdf_upload("새 인증서.pdf")},
        )
    result = body["data"]["vendorApplicationResubmit"]
    assert result["errors"] == []
    assert result["vendorApplication"] == {
        "status": "SUBMITTED",
        "storeName": "함께 빵집 (보완)",
        "events": [{"type": "SUBMITTED"}, {"type": "CHANGES_REQUESTED"}, {"type": "RESUBMITTED"}],
    }
    app.refresh_from_db()
    assert app.certification.number == "제2015-999호"
    assert {m.subject for m in mail.outbox} == {
        "[누리] 보완한 입점 신청이 접수되었습니다",
        "[누리 심사] 보완 제출: 함께 빵집 (보완) (" + app.organization.name + ")",
    }

    onboarding.application_approve(application=app, actor=staff_user)
    app.refresh_from_db()
    assert app.vendor.store_name == "함께 빵집 (보완)"


def test_request_changes_needs_a_note(staff_user):
    app = VendorApplicationFactory()
    with pytest.raises(DomainError) as exc:
        onboarding.application_request_changes(application=app, actor=staff_user, note="")
    assert (exc.value.field, exc.value.code) == ("note", "REQUIRED")


def test_resubmit_only_after_changes_requested():
    app = VendorApplicationFactory()
    with pytest.raises(DomainError) as exc:
        onboarding.application_resubmit(application=app, actor=app.applicant, store_name="x")
    assert exc.value.code == "INVALID_STATUS"


# --- E-mail task --------------------------------------------------------------------------


def test_email_task_sends_each_event_once():
    app = VendorApplicationFactory()
    event = app.events.get()
    StaffFactory()
    assert application_event_email.delay(app.pk, "submitted", event.pk).get() == 2
    assert application_event_email.delay(app.pk, "submitted", event.pk).get() == 0
    assert len(mail.outbox) == 2
    assert application_event_email.delay(app.pk, "approved").get() == 0  # no such event


# --- Queries ------------------------------------------------------------------------------

VENDORS = """
query($first: Int, $search: String) {
  vendors(first: $first, search: $search) {
    totalCount
    edges { node {
      storeName slug mission commissionRate bankAccount logoUrl
      organization { name brn orgType district { name }
        certifications { kind validFrom isVerified }
        eligibility { eligible reason }
        vendor { slug }
      }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def _make_vendors(n: int) -> None:
    for _ in range(n):
        org = OrganizationFactory()
        CertificationFactory(organization=org)
        VendorFactory(organization=org)


def test_vendors_list_query_count_is_constant(gql, count_queries):
    _make_vendors(3)
    with count_queries() as small:
        data = gql(VENDORS, {"first": 50})["data"]["vendors"]
    assert len(data["edges"]) == 3
    _make_vendors(27)
    with count_queries() as large:
        data = gql(VENDORS, {"first": 50})["data"]["vendors"]
    assert len(data["edges"]) == 30
    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]
    assert len(large) <= 4


def test_vendor_by_slug_shows_the_bank_account_masked(gql, staff_user):
    app = VendorApplicationFactory(store_name="마포 두부", slug="mapo-tofu")
    onboarding.application_approve(
        application=app,
        actor=staff_user,
        bank_name="신한은행",
        bank_account_holder="마포 두부 협동조합",
        bank_account_number="110-123-456789",
    )
    query = "query($slug: String!) { vendor(slug: $slug) { storeName bankAccount commissionRate } }"
    # The public sees the store, not its settlement account or commission.
    data = gql(query, {"slug": "mapo-tofu"})["data"]["vendor"]
    assert data == {"storeName": "마포 두부", "bankAccount": None, "commissionRate": None}
    # Its owner (the applicant) and centre staff see the account, masked.
    gql.login(app.applicant)
    data = gql(query, {"slug": "mapo-tofu"})["data"]["vendor"]
    assert data["bankAccount"] == "****6789"
    assert data["commissionRate"] is not None
    gql.login(staff_user)
    assert gql(query, {"slug": "mapo-tofu"})["data"]["vendor"]["bankAccount"] == "****6789"
    assert gql(query, {"slug": "nope"})["data"]["vendor"] is None


def test_vendors_search(gql):
    VendorFactory(store_name="성수 커피", slug="seongsu-coffee")
    VendorFactory(store_name="망원 떡집", slug="mangwon")
    data = gql(VENDORS, {"search": "커피"})["data"]["vendors"]
    assert [e["node"]["slug"] for e in data["edges"]] == ["seongsu-coffee"]


APPLICATIONS = """
query($status: VendorApplicationStatus) {
  vendorApplications(first: 20, status: $status) {
    edges { node { id storeName status applicant { email } organization { name }
      events { type actorName createdAt } } }
  }
}"""


def test_applicants_see_only_their_own_applications(gql, staff_user, count_queries):
    mine = VendorApplicationFactory()
    VendorApplicationFactory()
    gql.login(mine.applicant)
    edges = gql(APPLICATIONS)["data"]["vendorApplications"]["edges"]
    assert [e["node"]["storeName"] for e in edges] == [mine.store_name]

    gql.login(staff_user)
    for _ in range(5):
        VendorApplicationFactory()
    with count_queries() as q:
        edges = gql(APPLICATIONS, {"status": "SUBMITTED"})["data"]["vendorApplications"]["edges"]
    assert len(edges) == 7
    assert len(q) <= 6

    gql.logout()
    body = gql(APPLICATIONS, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def test_application_detail_is_private(gql, staff_user):
    app = VendorApplicationFactory()
    onboarding.application_request_changes(application=app, actor=staff_user, note="보완")
    query = """query($id: ID!) { vendorApplication(id: $id) {
        storeName status events { type actorName message } } }"""
    gql.login(UserFactory())
    assert gql(query, {"id": gid(app)})["data"]["vendorApplication"] is None
    gql.login(app.applicant)
    data = gql(query, {"id": gid(app)})["data"]["vendorApplication"]
    assert data["status"] == "CHANGES_REQUESTED"
    # The applicant sees "센터 담당자", not the reviewer's name.
    assert data["events"][1] == {
        "type": "CHANGES_REQUESTED",
        "actorName": "센터 담당자",
        "message": "보완",
    }
    gql.login(staff_user)
    data = gql(query, {"id": gid(app)})["data"]["vendorApplication"]
    assert data["events"][1]["actorName"] == staff_user.name
