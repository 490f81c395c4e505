"""A vendor's settlement account number is shown masked (``****7890``) everywhere.

Every surface that shows the account — the vendor dashboard (settlement pages and CSV),
GraphQL ``Vendor.bankAccount`` and the approval mutation, the admin (vendor list, change page,
history, the approval form, settlement statements and their payout CSV), the agency portal's
order page — shows only the masked form; the full number never appears in a response body,
not even when a form with a mistake is shown again.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from graphql_relay import to_global_id

from purchasing import services as purchasing
from purchasing.services import purchase_categories_ensure
from shop.settlement import services as settlement
from tests.factories import StaffFactory, UserFactory
from tests.factories.dashboard import vendor_with_owner
from tests.factories.onboarding import VendorApplicationFactory
from tests.purchasing.factories import BuyerFactory, quote, rfq, supplier
from vendors.banking import vendor_set_bank_account
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

NUMBER = "110-234-567890"
NEW_NUMBER = "333-22-1111-4455"
MASKED, NEW_MASKED = "****7890", "****4455"


def leaks(body: str, number: str = NUMBER) -> list[str]:
    """Forms of ``number`` found in ``body``: with or without hyphens, or its first 8 digits."""
    digits = number.replace("-", "")
    found = [f for f in (number, digits, digits[:8], digits[:-4]) if f in body]
    spaced = " ".join(digits)  # e.g. a template that splits the digits
    return found + ([spaced] if spaced in body else [])


def body_of(resp) -> str:
    content = b"".join(resp.streaming_content) if resp.streaming else resp.content
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def vendor_world(settings, tmp_path):
    settings.BULK_IMPORT_DIR = str(tmp_path / "imports")
    vendor, owner = vendor_with_owner(slug="hamkke", store_name="함께 상점")
    vendor_set_bank_account(vendor=vendor, bank_name="국민은행", holder="함께", number=NUMBER)
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    statement = settlement.settlement_generate(
        vendor=vendor, period_start=last_month.replace(day=1), period_end=last_month
    )
    return vendor, owner, statement


def test_vendor_dashboard_shows_only_the_masked_account(client, vendor_world):
    vendor, owner, statement = vendor_world
    client.force_login(owner)
    pages = {
        "dashboard:home": [],
        "dashboard:product_list": [vendor.slug],
        "dashboard:settlement_list": [vendor.slug],
        "dashboard:settlement_preview": [vendor.slug],
        "dashboard:settlement_preview_csv": [vendor.slug],
        "dashboard:settlement_detail": [vendor.slug, statement.pk],
        "dashboard:settlement_csv": [vendor.slug, statement.pk],
    }
    for name, args in pages.items():
        resp = client.get(reverse(name, args=args), follow=True)
        assert resp.status_code == 200, name
        assert leaks(body_of(resp)) == [], name
    detail = body_of(
        client.get(reverse("dashboard:settlement_detail", args=[vendor.slug, statement.pk]))
    )
    assert f"국민은행 {MASKED} 함께" in detail


VENDOR_QUERY = 'query { vendor(slug: "hamkke") { storeName bankAccount } }'


def test_graphql_vendor_shows_the_masked_account_to_its_staff_only(client, gql, vendor_world):
    _vendor, owner, _ = vendor_world
    for who, expected in [
        (None, None),
        (UserFactory(), None),
        (vendor_with_owner()[1], None),
        (owner, MASKED),
        (StaffFactory(), MASKED),
    ]:
        gql.logout()
        if who is not None:
            gql.login(who)
        resp = client.post(
            "/graphql/", data=json.dumps({"query": VENDOR_QUERY}), content_type="application/json"
        )
        assert leaks(resp.content.decode()) == []
        assert resp.json()["data"]["vendor"]["bankAccount"] == expected


APPROVE = """mutation($id: ID!, $input: VendorApplicationApproveInput) {
  vendorApplicationApprove(id: $id, input: $input) {
    vendor { slug bankAccount } errors { field code message } } }"""


def test_graphql_approval_answers_with_the_masked_account(client, staff_user):
    application = VendorApplicationFactory()
    client.force_login(staff_user)
    variables = {
        "id": to_global_id("VendorApplication", application.pk),
        "input": {"bankName": "신한은행", "bankAccountHolder": "함께", "bankAccountNumber": NUMBER},
    }
    resp = client.post(
        "/graphql/",
        data=json.dumps({"query": APPROVE, "variables": variables}),
        content_type="application/json",
    )
    result = resp.json()["data"]["vendorApplicationApprove"]
    assert result["errors"] == []
    assert result["vendor"]["bankAccount"] == MASKED
    assert leaks(resp.content.decode()) == []
    vendor = Vendor.objects.get(slug=result["vendor"]["slug"])
    assert vendor.bank_account_last4 == "7890"
    assert NUMBER.replace("-", "") not in vendor.bank_account_encrypted


def test_admin_vendor_pages_show_only_the_masked_account(client, vendor_world, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    vendor, _, _ = vendor_world
    client.force_login(staff_user)
    change = reverse("admin:vendors_vendor_change", args=[vendor.pk])
    for url in (reverse("admin:vendors_vendor_changelist"), change):
        body = body_of(client.get(url))
        assert MASKED in body
        assert leaks(body) == [], url

    # A new number with a mistake elsewhere: the form comes back without echoing the number.
    form = client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "logo"}
    data.update(
        organization=vendor.organization_id,
        bank_account_holder="",
        new_bank_account_number=NEW_NUMBER,
        is_active="on",
    )
    inline_prefixes = [
        f.formset.prefix for f in client.get(change).context["inline_admin_formsets"]
    ]
    for prefix in inline_prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    resp = client.post(change, data)
    assert resp.status_code == 200
    assert "계좌번호를 바꾸려면 예금주를 입력하세요" in body_of(resp)
    assert leaks(body_of(resp), NEW_NUMBER) == []

    data["bank_account_holder"] = "함께"
    resp = client.post(change, data, follow=True)
    assert resp.redirect_chain, body_of(resp)[:2000]
    body = body_of(resp)
    assert NEW_MASKED in body  # "정산 계좌를 ****4455(으)로 바꿨습니다."
    assert leaks(body, NEW_NUMBER) == []
    history = body_of(client.get(reverse("admin:vendors_vendor_history", args=[vendor.pk])))
    assert leaks(history, NEW_NUMBER) == []
    vendor.refresh_from_db()
    assert vendor.bank_account_last4 == "4455"


def test_admin_approval_form_does_not_echo_the_number(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    application = VendorApplicationFactory()
    client.force_login(staff_user)
    url = reverse("admin:vendors_vendorapplication_review", args=[application.pk, "approve"])
    # No bank name: refused, and the page shown again must not carry the number.
    resp = client.post(
        url,
        {"commission_rate": "0.08", "shipping_base_fee": 3000, "bank_account_number": NUMBER},
    )
    assert resp.status_code == 200
    assert "정산 은행을 입력하세요" in body_of(resp)
    assert leaks(body_of(resp)) == []
    resp = client.post(
        url,
        {
            "commission_rate": "0.08",
            "shipping_base_fee": 3000,
            "bank_name": "신한은행",
            "bank_account_holder": "함께",
            "bank_account_number": NUMBER,
        },
        follow=True,
    )
    assert leaks(body_of(resp)) == []
    vendor = Vendor.objects.get(organization=application.organization)
    assert vendor.bank_account_masked == MASKED
    page = body_of(client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk])))
    assert MASKED in page
    assert leaks(page) == []


def test_admin_settlement_pages_and_payout_csv_are_masked(client, vendor_world, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    _vendor, _, statement = vendor_world
    client.force_login(staff_user)
    changelist = reverse("admin:shop_settlementstatement_changelist")
    for url in (changelist, reverse("admin:shop_settlementstatement_change", args=[statement.pk])):
        assert leaks(body_of(client.get(url))) == [], url
    resp = client.post(changelist, {"action": "export_payouts", "_selected_action": [statement.pk]})
    assert resp["Content-Type"].startswith("text/csv")
    csv = body_of(resp)
    assert MASKED in csv
    assert leaks(csv) == []


def test_agency_order_page_shows_the_masked_account(client):
    purchase_categories_ensure()
    buyer = BuyerFactory(agency__name="서울특별시 성동구청")
    se = supplier(kind="social_enterprise", name="행복한베이커리", slug="happy-bakery")
    vendor_set_bank_account(vendor=se, bank_name="국민은행", holder="행복", number=NUMBER)
    delivery = purchasing.quote_accept(quote=quote(rfq(buyer, [se]), se, [1000]), actor=buyer.user)
    # Delivered and accepted: the page tells the agency to pay, next to the vendor's account.
    delivery = purchasing.delivery_complete(delivery=delivery, actor=se.owner)
    delivery = purchasing.delivery_inspect(delivery=delivery, actor=buyer.user, accepted=True)
    client.force_login(buyer.user)
    body = body_of(client.get(reverse("agency:delivery_detail", args=[delivery.pk])))
    assert f"국민은행 {MASKED}" in body
    assert leaks(body) == []
    client.force_login(se.owner)
    for name, args in [
        ("dashboard:quotes_list", [se.slug]),
        ("dashboard:quotes_delivery", [se.slug, delivery.pk]),
    ]:
        resp = client.get(reverse(name, args=args))
        assert resp.status_code == 200, name
        assert leaks(body_of(resp)) == [], name
