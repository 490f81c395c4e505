"""The fixture world of the permission matrices (``test_permission_matrix``, ``test_page_matrix``).

Two vendors (A owns every target object, B is the outsider), two agencies with an approved
buyer each (A owns the quote requests and invoice orders, B is the outsider), a citizen with
carts, orders, subscriptions and an application sent back for changes, centre staff, and a
pending vendor application of someone else. Built once per test module through the real
services (checkout completion, shipping, quote acceptance, delivery, inspection), inside an
outer transaction that is rolled back at the end of the module; every test runs in a savepoint
of it (pytest-django's ``db``), so whatever a test changes is undone before the next one.

``ROLES`` are the seven kinds of caller; ``World.user(role)`` the account of each (``None``:
anonymous).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

from bundles.models import Bundle
from purchasing import services as purchasing_services
from purchasing.models import Agency, Buyer, Delivery, Quote, QuoteRequest
from shop.catalog.models import Category, Product, ProductImage, ProductVariant
from shop.checkout.models import Checkout, CheckoutLine
from shop.orders import services as order_services
from shop.orders.models import Order, ReturnRequest, VendorOrder
from shop.payments.models import Transaction
from shop.settlement import services as settlement_services
from shop.settlement.models import SettlementStatement
from tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    ParticipationFactory,
    ProgramCycleFactory,
    StaffFactory,
    UserFactory,
)
from tests.factories.bundles import SubscriptionFactory, make_bundle
from tests.factories.catalog import CategoryFactory, ProductFactory, ProductImageFactory
from tests.factories.onboarding import VendorApplicationFactory
from tests.factories.orders import pay, place_order, ready_checkout, sellable
from tests.purchasing.factories import AgencyFactory, BuyerFactory, quote, rfq, supplier
from vendors.models import (
    Organization,
    Participation,
    Program,
    ProgramCycle,
    Vendor,
    VendorApplication,
)

ROLES = (
    "anonymous",
    "citizen",
    "owner_vendor",
    "other_vendor",
    "owner_agency",
    "other_agency",
    "staff",
)

PASSWORD = "pw-12345678"  # UserFactory's


@dataclass
class World:
    staff: object
    citizen: object
    applicant: object
    vendor_a: Vendor
    vendor_b: Vendor
    agency_a: Agency
    agency_b: Agency
    buyer_a: Buyer
    buyer_b: Buyer
    category: Category
    variant_a: ProductVariant
    product_a: Product
    spare_product_a: Product
    draft_a: Product
    image_a: ProductImage
    variant_b: ProductVariant
    product_b: Product
    cart: Checkout
    cart_line: CheckoutLine
    paid_cart: Checkout
    pending_tx: Transaction
    order_open: Order
    vo_open: VendorOrder
    vo_shipped: VendorOrder
    vo_delivered: VendorOrder
    vo_returning: VendorOrder
    return_request: ReturnRequest
    vo_b: VendorOrder
    rfq_open: QuoteRequest
    quote_open: Quote
    d_ordered: Delivery
    d_delivered: Delivery
    d_accepted: Delivery
    rfq_b: QuoteRequest
    quote_b: Quote
    d_b: Delivery
    bundle_a: Bundle
    personal_bundle: Bundle
    sub_active: object
    sub_paused: object
    app_submitted: VendorApplication
    app_changes: VendorApplication
    org_unlisted: Organization
    org_free: Organization
    cycle: ProgramCycle
    participation: Participation
    applied_participation: Participation
    statement_a: SettlementStatement
    statement_b: SettlementStatement

    def user(self, role: str):
        return {
            "anonymous": None,
            "citizen": self.citizen,
            "owner_vendor": self.vendor_a.owner,
            "other_vendor": self.vendor_b.owner,
            "owner_agency": self.buyer_a.user,
            "other_agency": self.buyer_b.user,
            "staff": self.staff,
        }[role]


def _accepted_quote(buyer, vendor, title: str, price: int = 5_000) -> Delivery:
    request = rfq(buyer, [vendor], title=title)
    offer = quote(request, vendor, [price])
    return purchasing_services.quote_accept(quote=offer, actor=buyer.user)


def _ship(vo: VendorOrder, actor) -> VendorOrder:
    return order_services.vendor_order_ship(
        vendor_order=vo, actor=actor, carrier="CJ대한통운", tracking_number=f"T{vo.pk:010d}"
    )


def build_world() -> World:
    purchasing_services.purchase_categories_ensure()
    staff = StaffFactory()
    citizen = UserFactory(name="시민 김누리")
    applicant = UserFactory()

    vendor_a = supplier(name="가온 사회적협동조합", slug=f"perm-a-{uuid.uuid4().hex[:6]}")
    vendor_b = supplier(name="바른 일터 협동조합", slug=f"perm-b-{uuid.uuid4().hex[:6]}")
    agency_a = AgencyFactory(name="서울특별시 가온구청")
    agency_b = AgencyFactory(name="서울특별시 바른구청")
    buyer_a = BuyerFactory(agency=agency_a)
    buyer_b = BuyerFactory(agency=agency_b)

    category = CategoryFactory(name="과자")
    variant_a = sellable(
        vendor=vendor_a, name="가온 쌀과자", price=10_000, stock=100, category=category
    )
    product_a = variant_a.product
    spare_product_a = ProductFactory(vendor=vendor_a, category=category, name="가온 시즌 한정")
    image_a = ProductImageFactory(product=product_a)
    draft_a = sellable(
        vendor=vendor_a, name="가온 준비 중 상품", category=category, is_published=False
    ).product
    variant_b = sellable(
        vendor=vendor_b, name="바른 유기농 두유", price=8_000, stock=100, category=category
    )

    # The citizen's carts, a pending 3-D Secure payment and orders in every fulfilment state.
    cart = ready_checkout([(variant_a, 2)], user=citizen)
    cart_line = cart.lines.get()
    Checkout.objects.filter(pk=cart.pk).update(delivery_method="")  # chosen in a test
    paid_cart = ready_checkout([(variant_a, 1)], user=citizen)
    pay(paid_cart)
    pending_tx = Transaction.objects.create(
        checkout=cart,
        gateway="test",
        status="action_required",
        amount=23_000,
        charged=0,
        psp_reference="test_pending_3ds",
        idempotency_key=f"perm-{uuid.uuid4()}",
        client_data={"nextAction": "three_d_secure"},
    )
    order_open = place_order([(variant_a, 1)], user=citizen)
    vo_open = order_open.vendor_orders.get()
    vo_shipped = _ship(
        place_order([(variant_a, 1)], user=citizen).vendor_orders.get(), vendor_a.owner
    )
    vo_delivered = place_order([(variant_a, 1)], user=citizen).vendor_orders.get()
    order_services.vendor_order_deliver(
        vendor_order=_ship(vo_delivered, vendor_a.owner), actor=vendor_a.owner
    )
    vo_returning = place_order([(variant_a, 2)], user=citizen).vendor_orders.get()
    order_services.vendor_order_deliver(
        vendor_order=_ship(vo_returning, vendor_a.owner), actor=vendor_a.owner
    )
    return_request = order_services.return_request_create(
        vendor_order=vo_returning, actor=citizen, reason="포장이 뜯겨 왔습니다."
    )
    vo_b = place_order([(variant_b, 1)], user=UserFactory()).vendor_orders.get()

    # Purchasing: agency A asks vendor A; B's request goes to vendor B.
    rfq_open = rfq(buyer_a, [vendor_a], title="가온구청 회의 다과")
    quote_open = quote(rfq_open, vendor_a, [5_000])
    d_ordered = _accepted_quote(buyer_a, vendor_a, "가온구청 행사 다과")
    d_delivered = _accepted_quote(buyer_a, vendor_a, "가온구청 교육 다과")
    purchasing_services.delivery_complete(delivery=d_delivered, actor=vendor_a.owner)
    d_accepted = _accepted_quote(buyer_a, vendor_a, "가온구청 워크숍 다과")
    purchasing_services.delivery_complete(delivery=d_accepted, actor=vendor_a.owner)
    purchasing_services.delivery_inspect(delivery=d_accepted, actor=buyer_a.user, accepted=True)
    rfq_b = rfq(buyer_b, [vendor_b], title="바른구청 비밀 간담회 다과")
    quote_b = quote(rfq_b, vendor_b, [7_000])
    d_b = _accepted_quote(buyer_b, vendor_b, "바른구청 체육대회 간식")

    # Bundles and the citizen's subscriptions.
    bundle_a = make_bundle([(variant_a, 2)], curator_vendor=vendor_a, name="가온 회의 꾸러미")
    personal_bundle = Bundle.objects.create(
        name="김누리의 회의 꾸러미", slug="perm-personal", occasion="meeting", created_by=citizen
    )  # unpublished: its creator's only
    sub_active = SubscriptionFactory(user=citizen, bundle=bundle_a)
    sub_paused = SubscriptionFactory(user=citizen, bundle=bundle_a, status="paused")

    # Onboarding and the registry.
    app_submitted = VendorApplicationFactory(applicant=applicant)
    app_changes = VendorApplicationFactory(applicant=citizen, status="changes_requested")
    org_unlisted = OrganizationFactory(name="새싹 마을기업", org_type="village_enterprise")
    CertificationFactory(organization=org_unlisted)
    org_free = OrganizationFactory(name="참여 사회적기업")
    program, _ = Program.objects.get_or_create(
        code="perm-moim", defaults={"name": "사회적경제 모임 지원", "kind": "grant"}
    )
    cycle = ProgramCycleFactory(program=program)
    participation = ParticipationFactory(cycle=cycle, status="selected", amount_granted=1_000_000)
    applied_participation = ParticipationFactory(cycle=cycle, status="applied", amount_granted=0)

    # Settlement statements of last month.
    start, end = settlement_services.month_period(
        *settlement_services.previous_month(timezone.localdate())
    )
    statement_a = settlement_services.settlement_generate(
        vendor=vendor_a, period_start=start, period_end=end
    )
    statement_b = settlement_services.settlement_generate(
        vendor=vendor_b, period_start=start, period_end=end
    )

    for obj in (
        vo_open,
        vo_shipped,
        vo_delivered,
        vo_returning,
        d_ordered,
        d_delivered,
        d_accepted,
        d_b,
        cart,
    ):
        obj.refresh_from_db()
    return World(
        staff=staff,
        citizen=citizen,
        applicant=applicant,
        vendor_a=vendor_a,
        vendor_b=vendor_b,
        agency_a=agency_a,
        agency_b=agency_b,
        buyer_a=buyer_a,
        buyer_b=buyer_b,
        category=category,
        variant_a=variant_a,
        product_a=product_a,
        spare_product_a=spare_product_a,
        draft_a=draft_a,
        image_a=image_a,
        variant_b=variant_b,
        product_b=variant_b.product,
        cart=cart,
        cart_line=cart_line,
        paid_cart=paid_cart,
        pending_tx=pending_tx,
        order_open=order_open,
        vo_open=vo_open,
        vo_shipped=vo_shipped,
        vo_delivered=vo_delivered,
        vo_returning=vo_returning,
        return_request=return_request,
        vo_b=vo_b,
        rfq_open=rfq_open,
        quote_open=quote_open,
        d_ordered=d_ordered,
        d_delivered=d_delivered,
        d_accepted=d_accepted,
        rfq_b=rfq_b,
        quote_b=quote_b,
        d_b=d_b,
        bundle_a=bundle_a,
        personal_bundle=personal_bundle,
        sub_active=sub_active,
        sub_paused=sub_paused,
        app_submitted=app_submitted,
        app_changes=app_changes,
        org_unlisted=org_unlisted,
        org_free=org_free,
        cycle=cycle,
        participation=participation,
        applied_participation=applied_participation,
        statement_a=statement_a,
        statement_b=statement_b,
    )


def world_fixture():
    """A module-scoped fixture: the world, built once, rolled back after the module."""

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)

    return world


def days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()
