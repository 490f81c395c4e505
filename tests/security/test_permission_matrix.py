"""Who may run which GraphQL mutation: one row per mutation of ``schema.graphql``, one column
per kind of caller, every cell tested through the real ``/graphql/`` endpoint.

A cell is ``OK`` (the mutation succeeds and its effect is in the database) or the error code
the caller must get in the payload's ``errors`` while the targeted object stays as it was.
The product's denial codes: ``PERMISSION_DENIED`` (not signed in, or not allowed to act on an
object the caller may see), ``NOT_FOUND`` (an object the caller may not even see: another
vendor's order, another agency's quote, someone else's subscription or application) and, in
purchasing, ``NOT_A_BUYER`` (only an approved buyer of the agency may act for it). There is
no ``UNAUTHENTICATED``: an anonymous caller gets ``PERMISSION_DENIED`` ("로그인이 필요합니다")
or, where objects are looked up among those the caller may see, ``NOT_FOUND``.

The targets belong to the owners of the fixture world (``permission_world``): vendor A's
products, orders and quotes; agency A's quote requests and invoice orders; the citizen's carts,
orders, subscriptions and application. A new mutation without a row fails
``test_every_mutation_has_a_row``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from graphql_relay import to_global_id

from accounts.models import ApiToken
from bundles.models import Bundle, Subscription
from purchasing.models import Delivery, Quote, QuoteRequest
from shop.catalog.models import Product, ProductVariant, Stock
from shop.checkout.models import Checkout, CheckoutLine
from shop.orders.models import Order, ReturnRequest, VendorOrder
from shop.payments.models import Transaction
from tests.security.permission_world import PASSWORD, ROLES, World, days, world_fixture
from vendors.models import Organization, Participation, VendorApplication

world = world_fixture()

OK = "ALLOW"
PD = "PERMISSION_DENIED"
NF = "NOT_FOUND"
NAB = "NOT_A_BUYER"

# fmt: off
MATRIX: dict[str, tuple[str, str, str, str, str, str, str]] = {
    #                                  anonymous citizen owner_v other_v owner_a other_a staff
    # accounts
    "tokenCreate":                     (OK,  OK,  OK,  OK,  OK,  OK,  OK),
    # vendors: registry, programs, onboarding
    "organizationRegister":            (PD,  PD,  PD,  PD,  PD,  PD,  OK),
    "participationCreate":             (PD,  PD,  PD,  PD,  PD,  PD,  OK),
    "participationUpdateStatus":       (PD,  PD,  PD,  PD,  PD,  PD,  OK),
    "vendorApplicationSubmit":         (PD,  OK,  OK,  OK,  OK,  OK,  OK),
    # the citizen's application: others do not see it; staff review, never resubmit
    "vendorApplicationResubmit":       (PD,  OK,  NF,  NF,  NF,  NF,  PD),
    "vendorApplicationApprove":        (PD,  PD,  PD,  PD,  PD,  PD,  OK),
    "vendorApplicationReject":         (PD,  PD,  PD,  PD,  PD,  PD,  OK),
    "vendorApplicationRequestChanges": (PD,  PD,  PD,  PD,  PD,  PD,  OK),
    # shop: vendor A's catalog (products are public, so outsiders are told no, not "not found")
    "productCreate":                   (PD,  PD,  OK,  PD,  PD,  PD,  OK),
    "productUpdate":                   (PD,  PD,  OK,  PD,  PD,  PD,  OK),
    "productDelete":                   (PD,  PD,  OK,  PD,  PD,  PD,  OK),
    "productVariantCreate":            (PD,  PD,  OK,  PD,  PD,  PD,  OK),
    "productVariantUpdate":            (PD,  PD,  OK,  PD,  PD,  PD,  OK),
    "productVariantStocksUpdate":      (PD,  PD,  OK,  PD,  PD,  PD,  OK),
    # shop: the citizen's cart (an account's cart: its owner and centre staff only)
    "checkoutCreate":                  (OK,  OK,  OK,  OK,  OK,  OK,  OK),
    "checkoutLinesAdd":                (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    "checkoutLinesUpdate":             (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    "checkoutLinesDelete":             (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    "checkoutEmailUpdate":             (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    "checkoutShippingAddressUpdate":   (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    "checkoutDeliveryMethodUpdate":    (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    "checkoutComplete":                (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    # shop: paying for the citizen's cart
    "paymentGatewayInitialize":        (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    "transactionInitialize":           (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    "transactionProcess":              (PD,  OK,  PD,  PD,  PD,  PD,  OK),
    # shop: the citizen's order of vendor A (outsiders do not see it)
    "orderCancel":                     (NF,  OK,  PD,  NF,  NF,  NF,  OK),
    "vendorOrderCancel":               (NF,  OK,  OK,  NF,  NF,  NF,  OK),
    "vendorOrderShip":                 (NF,  PD,  OK,  NF,  NF,  NF,  OK),
    "vendorOrderDeliver":              (NF,  PD,  OK,  NF,  NF,  NF,  OK),
    "vendorOrderRefund":               (NF,  PD,  OK,  NF,  NF,  NF,  OK),
    "returnRequestCreate":             (NF,  OK,  PD,  NF,  NF,  NF,  OK),
    "returnRequestAccept":             (NF,  PD,  OK,  NF,  NF,  NF,  OK),
    "returnRequestReject":             (NF,  PD,  OK,  NF,  NF,  NF,  OK),
    # bundles
    "bundleProposalSave":              (PD,  OK,  OK,  OK,  OK,  OK,  OK),
    "bundleCreate":                    (PD,  PD,  OK,  PD,  PD,  PD,  OK),  # published, vendor A's
    "bundleUpdate":                    (PD,  PD,  OK,  PD,  PD,  PD,  OK),
    "subscriptionCreate":              (PD,  OK,  OK,  OK,  OK,  OK,  OK),
    "subscriptionPause":               (PD,  OK,  NF,  NF,  NF,  NF,  OK),
    "subscriptionResume":              (PD,  OK,  NF,  NF,  NF,  NF,  OK),
    "subscriptionCancel":              (PD,  OK,  NF,  NF,  NF,  NF,  OK),
    # purchasing: agency A's request to vendor A, its quote and invoice orders
    "quoteRequestCreate":              (PD,  NAB, NAB, NAB, OK,  NAB, OK),  # for agency A
    "quoteSubmit":                     (PD,  PD,  OK,  PD,  PD,  PD,  OK),  # as vendor A
    "quoteAccept":                     (PD,  NF,  NAB, NF,  OK,  NF,  OK),
    "quoteReject":                     (PD,  NF,  NAB, NF,  OK,  NF,  OK),
    "deliveryComplete":                (PD,  NF,  OK,  NF,  PD,  NF,  OK),
    "deliveryInspect":                 (PD,  NF,  NAB, NF,  OK,  NF,  OK),
    "deliveryPaymentRecord":           (PD,  NF,  OK,  NF,  PD,  NF,  OK),
}
# fmt: on


# ---------------------------------------------------------------------------------------------
# Cases: how to call each mutation on the owner's object, and what to re-read from the database
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    signature: str  # the operation's variable definitions
    arguments: str  # the field's arguments
    selection: str  # payload fields besides ``errors``
    variables: Callable[[World], dict]
    state: Callable[[World], Any]  # the targeted state, re-read from the database
    succeeded: Callable[[dict, Any, Any], bool] | None = None  # default: the state changed

    def document(self, name: str) -> str:
        return (
            f"mutation({self.signature}) {{ {name}({self.arguments}) "
            f"{{ {self.selection} errors {{ field code message }} }} }}"
        )


def gid(type_name: str, obj) -> str:
    return to_global_id(type_name, obj.pk)


def checkout_id(checkout) -> str:
    return to_global_id("Checkout", str(checkout.token))


def one(model, pk, *fields):
    return model.objects.filter(pk=pk).values_list(*fields).first()


ADDRESS = {
    "recipientName": "박바뀜",
    "phone": "010-9876-5432",
    "postcode": "04524",
    "roadAddress": "서울특별시 중구 세종대로 110",
    "detailAddress": "2층",
}


def _cart_lines(w: World):
    return sorted(
        CheckoutLine.objects.filter(checkout=w.cart).values_list("variant_id", "quantity")
    )


def _id_case(type_name: str, attr: str, model, *fields, extra_sig="", extra_args="", extra=None):
    """A mutation that takes ``id`` of ``getattr(world, attr)`` and changes ``fields`` of it."""
    return Case(
        "$id: ID!" + extra_sig,
        "id: $id" + extra_args,
        "__typename",
        lambda w: {"id": gid(type_name, getattr(w, attr)), **(extra or {})},
        lambda w: one(model, getattr(w, attr).pk, *fields),
    )


def _checkout_case(args_sig: str, args: str, variables: dict, state=_cart_lines) -> Case:
    return Case(
        "$id: ID" + args_sig,
        "id: $id" + args,
        "checkout { id }",
        lambda w: {"id": checkout_id(w.cart), **variables(w)},
        state,
    )


CASES: dict[str, Case] = {
    # --- accounts ---
    "tokenCreate": Case(
        "$email: String!, $password: String!",
        "email: $email, password: $password",
        "token",
        lambda w: {"email": w.citizen.email, "password": PASSWORD},
        lambda w: ApiToken.objects.filter(user=w.citizen).count(),
    ),
    # --- vendors ---
    "organizationRegister": Case(
        "$input: OrganizationRegisterInput!",
        "input: $input",
        "organization { id }",
        lambda w: {
            "input": {
                "name": "권한시험 협동조합",
                "orgType": "SOCIAL_COOP",
                "brn": "220-81-62517",
                "address": "서울특별시 마포구 월드컵북로 400",
                "district": "마포구",
            }
        },
        lambda w: Organization.objects.filter(name="권한시험 협동조합").count(),
    ),
    "participationCreate": Case(
        "$input: ParticipationCreateInput!",
        "input: $input",
        "participation { id }",
        lambda w: {
            "input": {
                "cycleId": gid("ProgramCycle", w.cycle),
                "organizationId": gid("Organization", w.org_free),
            }
        },
        lambda w: Participation.objects.filter(cycle=w.cycle, organization=w.org_free).count(),
    ),
    "participationUpdateStatus": _id_case(
        "Participation",
        "participation",
        Participation,
        "status",
        extra_sig=", $status: ParticipationStatus!",
        extra_args=", status: $status",
        extra={"status": "ACTIVE"},
    ),
    "vendorApplicationSubmit": Case(
        "$input: VendorApplicationSubmitInput!",
        "input: $input",
        "vendorApplication { id }",
        lambda w: {"input": {"brn": w.org_unlisted.brn, "storeName": "새싹 마을상점"}},
        lambda w: VendorApplication.objects.filter(organization=w.org_unlisted).count(),
    ),
    "vendorApplicationResubmit": _id_case(
        "VendorApplication",
        "app_changes",
        VendorApplication,
        "status",
        "store_name",
        extra_sig=", $input: VendorApplicationResubmitInput!",
        extra_args=", input: $input",
        extra={"input": {"storeName": "보완한 함께 상점", "message": "서류를 고쳤습니다."}},
    ),
    "vendorApplicationApprove": _id_case(
        "VendorApplication", "app_submitted", VendorApplication, "status", "vendor_id"
    ),
    "vendorApplicationReject": _id_case(
        "VendorApplication",
        "app_submitted",
        VendorApplication,
        "status",
        extra_sig=", $reason: String!",
        extra_args=", reason: $reason",
        extra={"reason": "인증서가 확인되지 않습니다."},
    ),
    "vendorApplicationRequestChanges": _id_case(
        "VendorApplication",
        "app_submitted",
        VendorApplication,
        "status",
        extra_sig=", $note: String!",
        extra_args=", note: $note",
        extra={"note": "인증서 사본을 다시 올려 주세요."},
    ),
    # --- shop: catalog ---
    "productCreate": Case(
        "$input: ProductCreateInput!",
        "input: $input",
        "product { id }",
        lambda w: {
            "input": {
                "vendor": gid("Vendor", w.vendor_a),
                "category": gid("Category", w.category),
                "name": "권한시험 신상품",
            }
        },
        lambda w: Product.objects.filter(name="권한시험 신상품").count(),
    ),
    "productUpdate": _id_case(
        "Product",
        "product_a",
        Product,
        "name",
        extra_sig=", $input: ProductInput!",
        extra_args=", input: $input",
        extra={"input": {"name": "이름 바뀐 쌀과자"}},
    ),
    "productDelete": _id_case("Product", "spare_product_a", Product, "name"),
    "productVariantCreate": Case(
        "$input: ProductVariantCreateInput!",
        "input: $input",
        "productVariant { id }",
        lambda w: {
            "input": {
                "product": gid("Product", w.product_a),
                "sku": "PERM-NEW-1",
                "name": "대용량",
                "price": 20_000,
                "stocks": [{"quantity": 5}],
            }
        },
        lambda w: ProductVariant.objects.filter(sku="PERM-NEW-1").count(),
    ),
    "productVariantUpdate": _id_case(
        "ProductVariant",
        "variant_a",
        ProductVariant,
        "price",
        extra_sig=", $input: ProductVariantInput!",
        extra_args=", input: $input",
        extra={"input": {"price": 12_500}},
    ),
    "productVariantStocksUpdate": Case(
        "$id: ID!, $stocks: [StockInput!]!",
        "variantId: $id, stocks: $stocks",
        "productVariant { id }",
        lambda w: {"id": gid("ProductVariant", w.variant_a), "stocks": [{"quantity": 77}]},
        lambda w: Stock.objects.filter(variant=w.variant_a).values_list("quantity").first(),
    ),
    # --- shop: checkout ---
    "checkoutCreate": Case(
        "$input: CheckoutCreateInput!",
        "input: $input",
        "checkout { id }",
        lambda w: {
            "input": {
                "email": "perm-new-cart@example.kr",
                "lines": [{"variantId": gid("ProductVariant", w.variant_a), "quantity": 1}],
            }
        },
        lambda w: Checkout.objects.filter(email="perm-new-cart@example.kr").count(),
    ),
    "checkoutLinesAdd": _checkout_case(
        ", $lines: [CheckoutLineInput!]",
        ", lines: $lines",
        lambda w: {"lines": [{"variantId": gid("ProductVariant", w.variant_b), "quantity": 1}]},
    ),
    "checkoutLinesUpdate": _checkout_case(
        ", $lines: [CheckoutLineUpdateInput!]",
        ", lines: $lines",
        lambda w: {"lines": [{"lineId": gid("CheckoutLine", w.cart_line), "quantity": 3}]},
    ),
    "checkoutLinesDelete": _checkout_case(
        ", $lines: [ID!]!",
        ", linesIds: $lines",
        lambda w: {"lines": [gid("CheckoutLine", w.cart_line)]},
    ),
    "checkoutEmailUpdate": _checkout_case(
        ", $email: String!",
        ", email: $email",
        lambda w: {"email": "changed-by-someone@example.kr"},
        state=lambda w: one(Checkout, w.cart.pk, "email"),
    ),
    "checkoutShippingAddressUpdate": _checkout_case(
        ", $address: AddressInput!",
        ", shippingAddress: $address",
        lambda w: {"address": ADDRESS},
        state=lambda w: one(Checkout, w.cart.pk, "recipient_name", "postcode", "road_address"),
    ),
    "checkoutDeliveryMethodUpdate": _checkout_case(
        ", $method: ID!",
        ", deliveryMethodId: $method",
        lambda w: {"method": "standard"},
        state=lambda w: one(Checkout, w.cart.pk, "delivery_method"),
    ),
    "checkoutComplete": Case(
        "$id: ID",
        "id: $id",
        "order { id }",
        lambda w: {"id": checkout_id(w.paid_cart)},
        lambda w: (
            Order.objects.filter(checkout_token=w.paid_cart.token).count(),
            Checkout.objects.filter(pk=w.paid_cart.pk).count(),
        ),
    ),
    # --- shop: payments ---
    "paymentGatewayInitialize": Case(
        "$id: ID!",
        'id: $id, paymentGateways: [{id: "nuri.payments.test"}]',
        "gatewayConfigs { id data }",
        lambda w: {"id": checkout_id(w.cart)},
        lambda w: Transaction.objects.filter(checkout=w.cart).count(),
        # nothing is stored: success is the gateway's data for the client
        succeeded=lambda payload, before, after: bool(
            payload["gatewayConfigs"] and payload["gatewayConfigs"][0]["data"]
        ),
    ),
    "transactionInitialize": Case(
        "$id: ID!, $gateway: PaymentGatewayToInitialize!",
        "id: $id, paymentGateway: $gateway",
        "transaction { id }",
        lambda w: {
            "id": checkout_id(w.cart),
            "gateway": {"id": "nuri.payments.test", "data": {"cardNumber": "4242424242424242"}},
        },
        lambda w: Transaction.objects.filter(checkout=w.cart, status="charged").count(),
    ),
    "transactionProcess": Case(
        "$id: ID",
        "id: $id",
        "transaction { id }",
        lambda w: {"id": to_global_id("TransactionItem", str(w.pending_tx.token))},
        lambda w: one(Transaction, w.pending_tx.pk, "status", "charged"),
    ),
    # --- shop: orders ---
    "orderCancel": _id_case("Order", "order_open", Order, "status"),
    "vendorOrderCancel": _id_case("VendorOrder", "vo_open", VendorOrder, "status"),
    "vendorOrderShip": _id_case(
        "VendorOrder",
        "vo_open",
        VendorOrder,
        "status",
        "tracking_number",
        extra_sig=", $carrier: String!, $tracking: String!",
        extra_args=", carrier: $carrier, trackingNumber: $tracking",
        extra={"carrier": "우체국택배", "tracking": "6070123456789"},
    ),
    "vendorOrderDeliver": _id_case("VendorOrder", "vo_shipped", VendorOrder, "status"),
    "vendorOrderRefund": _id_case(
        "VendorOrder",
        "vo_open",
        VendorOrder,
        "refunded",
        extra_sig=", $amount: Int",
        extra_args=", amount: $amount",
        extra={"amount": 1_000},
    ),
    "returnRequestCreate": Case(
        "$id: ID!, $reason: String!",
        "vendorOrderId: $id, reason: $reason",
        "returnRequest { id }",
        lambda w: {"id": gid("VendorOrder", w.vo_delivered), "reason": "단순 변심입니다."},
        lambda w: ReturnRequest.objects.filter(vendor_order=w.vo_delivered).count(),
    ),
    "returnRequestAccept": _id_case("ReturnRequest", "return_request", ReturnRequest, "status"),
    "returnRequestReject": _id_case(
        "ReturnRequest",
        "return_request",
        ReturnRequest,
        "status",
        extra_sig=", $reason: String!",
        extra_args=", reason: $reason",
        extra={"reason": "사용한 흔적이 있습니다."},
    ),
    # --- bundles ---
    "bundleProposalSave": Case(
        "$input: BundleProposalSaveInput!",
        "input: $input",
        "bundle { id }",
        lambda w: {
            "input": {
                "request": {
                    "headcount": 1,
                    "budgetTotal": 100_000,
                    "foodServingsPerPerson": 1,
                    "drinksPerPerson": 0,
                },
                "lines": [{"variantId": gid("ProductVariant", w.variant_a), "quantity": 1}],
                "name": "권한시험 제안 꾸러미",
            }
        },
        lambda w: Bundle.objects.filter(name="권한시험 제안 꾸러미").count(),
    ),
    "bundleCreate": Case(
        "$input: BundleCreateInput!",
        "input: $input",
        "bundle { id }",
        lambda w: {
            "input": {
                "name": "권한시험 공개 꾸러미",
                "occasion": "MEETING",
                "isPublished": True,
                "components": [{"variantId": gid("ProductVariant", w.variant_a), "quantity": 3}],
            }
        },
        lambda w: Bundle.objects.filter(name="권한시험 공개 꾸러미").count(),
    ),
    "bundleUpdate": _id_case(
        "Bundle",
        "bundle_a",
        Bundle,
        "name",
        "is_published",
        extra_sig=", $input: BundleInput!",
        extra_args=", input: $input",
        extra={"input": {"name": "이름 바뀐 꾸러미"}},
    ),
    "subscriptionCreate": Case(
        "$input: SubscriptionCreateInput!",
        "input: $input",
        "subscription { id }",
        lambda w: {
            "input": {
                "bundleId": gid("Bundle", w.bundle_a),
                "frequency": "WEEKLY",
                "startOn": days(7),
                "shippingAddress": ADDRESS,
            }
        },
        lambda w: Subscription.objects.filter(bundle=w.bundle_a).count(),
    ),
    "subscriptionPause": _id_case("BundleSubscription", "sub_active", Subscription, "status"),
    "subscriptionResume": _id_case("BundleSubscription", "sub_paused", Subscription, "status"),
    "subscriptionCancel": _id_case("BundleSubscription", "sub_active", Subscription, "status"),
    # --- purchasing ---
    "quoteRequestCreate": Case(
        "$input: QuoteRequestCreateInput!",
        "input: $input",
        "quoteRequest { id }",
        lambda w: {
            "input": {
                "agencyId": gid("Agency", w.agency_a),
                "title": "권한시험 견적 요청",
                "deliveryDate": days(14),
                "deliveryPlace": "서울특별시 중구 세종대로 110",
                "deadline": (timezone.now() + dt.timedelta(days=7)).isoformat(),
                "vendorIds": [gid("Vendor", w.vendor_a)],
                "items": [{"name": "수제 쿠키", "quantity": 10}],
            }
        },
        lambda w: QuoteRequest.objects.filter(title="권한시험 견적 요청").count(),
    ),
    "quoteSubmit": Case(
        "$input: QuoteSubmitInput!",
        "input: $input",
        "quote { id }",
        lambda w: {
            "input": {
                "requestId": gid("QuoteRequest", w.rfq_open),
                "vendorId": gid("Vendor", w.vendor_a),
                "validUntil": days(30),
                "lines": [
                    {
                        "itemId": gid("QuoteRequestItem", w.rfq_open.items.get()),
                        "unitPrice": 4_500,
                        "taxType": "TAXABLE",
                    }
                ],
            }
        },
        lambda w: sorted(Quote.objects.filter(request=w.rfq_open).values_list("status", "total")),
    ),
    "quoteAccept": _id_case("Quote", "quote_open", Quote, "status"),
    "quoteReject": _id_case("Quote", "quote_open", Quote, "status"),
    "deliveryComplete": _id_case("PurchaseDelivery", "d_ordered", Delivery, "status"),
    "deliveryInspect": _id_case(
        "PurchaseDelivery",
        "d_delivered",
        Delivery,
        "status",
        extra_sig=", $result: InspectionResult!",
        extra_args=", result: $result",
        extra={"result": "ACCEPTED"},
    ),
    "deliveryPaymentRecord": _id_case(
        "PurchaseDelivery",
        "d_accepted",
        Delivery,
        "status",
        "paid_amount",
        extra_sig=", $reference: String",
        extra_args=", reference: $reference",
        extra={"reference": "농협 이체 0427"},
    ),
}


# ---------------------------------------------------------------------------------------------
# The schema and the matrix agree
# ---------------------------------------------------------------------------------------------


def schema_mutations() -> list[str]:
    text = (Path(settings.BASE_DIR) / "schema.graphql").read_text(encoding="utf-8")
    block = re.search(r"^type Mutation \{\n(.*?)^\}", text, re.S | re.M)
    assert block, "schema.graphql has no `type Mutation { ... }` block"
    body = re.sub(r'"""(.*?)"""', "", block.group(1), flags=re.S)  # descriptions
    # fields sit at two spaces of indentation; their arguments deeper
    return re.findall(r"^  (\w+)\s*[(:]", body, re.M)


def test_every_mutation_has_a_row():
    mutations = schema_mutations()
    assert len(mutations) >= 48
    missing = [
        f"mutation {m} has no row in the permission matrix" for m in mutations if m not in MATRIX
    ]
    unknown = [
        f"the permission matrix names {m}, which the schema does not have"
        for m in MATRIX
        if m not in mutations
    ]
    no_case = [
        f"mutation {m} has no case (input builder and state)" for m in MATRIX if m not in CASES
    ]
    assert not (missing + unknown + no_case), "\n".join(missing + unknown + no_case)


def test_the_served_schema_has_the_same_mutations():
    """``schema.graphql`` is what the lead regenerates; the endpoint must serve the same set."""
    from graphene_django.settings import graphene_settings

    served = set(graphene_settings.SCHEMA.graphql_schema.mutation_type.fields)
    assert served == set(MATRIX), sorted(served ^ set(MATRIX))


# ---------------------------------------------------------------------------------------------
# Every cell
# ---------------------------------------------------------------------------------------------

CELLS = [(m, role, MATRIX[m][i]) for m in MATRIX for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(
    ("mutation", "role", "expected"), CELLS, ids=[f"{m}-{r}" for m, r, _ in CELLS]
)
def test_permission(world, db, gql, mutation, role, expected):
    case = CASES[mutation]
    user = world.user(role)
    if user is not None:
        gql.login(user)
    before = case.state(world)
    body = gql(case.document(mutation), case.variables(world), expect_errors=True)
    assert "errors" not in body, body["errors"]  # no crash, no top-level error
    payload = body["data"][mutation]
    after = case.state(world)
    codes = [e["code"] for e in payload["errors"]]
    if expected == OK:
        assert codes == [], f"{role} should be allowed to run {mutation}: {payload['errors']}"
        succeeded = case.succeeded or (lambda _payload, b, a: a != b)
        assert succeeded(payload, before, after), (
            f"{mutation} by {role} returned no error but changed nothing: {before!r}"
        )
    else:
        assert codes == [expected], f"{mutation} by {role}: {payload['errors']}"
        assert after == before, f"{mutation} by {role} was refused but changed {before!r}"
        field = case.selection.split("{")[0].strip()
        if field != "__typename":
            assert payload[field] is None, f"{mutation} by {role} returned {payload[field]!r}"


# ---------------------------------------------------------------------------------------------
# Reading private objects by ID: ``node(id)`` follows each type's own lookup rule
# ---------------------------------------------------------------------------------------------

Y, N = True, False

# fmt: off
NODES: dict[str, tuple[Callable[[World], Any], tuple[bool, ...]]] = {
    #                                                   anon cit  own_v oth_v own_a oth_a staff
    "Agency":             (lambda w: w.agency_a,                 (N,  N,  N,  N,  Y,  N,  Y)),
    "Department":         (lambda w: w.buyer_a.department,       (N,  N,  N,  N,  Y,  N,  Y)),
    "QuoteRequest":       (lambda w: w.rfq_open,                 (N,  N,  Y,  N,  Y,  N,  Y)),
    "QuoteRequestItem":   (lambda w: w.rfq_open.items.get(),     (N,  N,  Y,  N,  Y,  N,  Y)),
    "Quote":              (lambda w: w.quote_open,               (N,  N,  Y,  N,  Y,  N,  Y)),
    "PurchaseDelivery":   (lambda w: w.d_accepted,               (N,  N,  Y,  N,  Y,  N,  Y)),
    "Order":              (lambda w: w.order_open,               (N,  Y,  Y,  N,  N,  N,  Y)),
    "VendorOrder":        (lambda w: w.vo_open,                  (N,  Y,  Y,  N,  N,  N,  Y)),
    "ReturnRequest":      (lambda w: w.return_request,           (N,  Y,  Y,  N,  N,  N,  Y)),
    # read through their order or cart only
    "OrderLine":          (lambda w: w.vo_open.lines.first(),    (N,  N,  N,  N,  N,  N,  N)),
    "OrderEvent":         (lambda w: w.order_open.events.first(), (N, N,  N,  N,  N,  N,  N)),
    "CheckoutLine":       (lambda w: w.cart_line,                (N,  N,  N,  N,  N,  N,  N)),
    "Checkout":           (lambda w: w.cart,                     (N,  Y,  N,  N,  N,  N,  Y)),
    "User":               (lambda w: w.citizen,                  (N,  Y,  N,  N,  N,  N,  Y)),
    "BundleSubscription": (lambda w: w.sub_active,               (N,  Y,  N,  N,  N,  N,  Y)),
    "Bundle":             (lambda w: w.personal_bundle,          (N,  Y,  N,  N,  N,  N,  Y)),
    "VendorApplication":  (lambda w: w.app_changes,              (N,  Y,  N,  N,  N,  N,  Y)),
    "Product":            (lambda w: w.draft_a,                  (N,  N,  Y,  N,  N,  N,  Y)),
    "ProductVariant":     (lambda w: w.draft_a.variants.get(),   (N,  N,  Y,  N,  N,  N,  Y)),
    "Participation":      (lambda w: w.applied_participation,    (N,  N,  N,  N,  N,  N,  Y)),
}
# fmt: on

NODE_CELLS = [(t, role, NODES[t][1][i]) for t in NODES for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(
    ("type_name", "role", "visible"), NODE_CELLS, ids=[f"{t}-{r}" for t, r, _ in NODE_CELLS]
)
def test_node_lookup(world, db, gql, type_name, role, visible):
    """An unpublished product, an applied participation, another agency's request item…:
    ``node(id)`` returns them to those who may see them and ``null`` to everyone else."""
    obj = NODES[type_name][0](world)
    key = str(obj.token) if type_name == "Checkout" else obj.pk
    user = world.user(role)
    if user is not None:
        gql.login(user)
    node_id = to_global_id(type_name, key)
    body = gql("query($id: ID!) { node(id: $id) { id __typename } }", {"id": node_id})
    node = body["data"]["node"]
    if visible:
        assert node == {"id": node_id, "__typename": type_name}, f"{role} should see it"
    else:
        assert node is None, f"{role} reads another's {type_name} by node(id)"


# fmt: off
LOOKUPS: dict[str, tuple[bool, ...]] = {
    #                     anon cit  own_v oth_v own_a oth_a staff
    "checkout":          (N,  Y,  N,  N,  N,  N,  Y),
    "transaction":       (N,  Y,  N,  N,  N,  N,  Y),
    "order":             (N,  Y,  Y,  N,  N,  N,  Y),
    "vendorOrder":       (N,  Y,  Y,  N,  N,  N,  Y),
    "quoteRequest":      (N,  N,  Y,  N,  Y,  N,  Y),
    "vendorApplication": (N,  Y,  N,  N,  N,  N,  Y),
    "bundle":            (N,  Y,  N,  N,  N,  N,  Y),  # a citizen's unpublished bundle
    "product":           (N,  N,  Y,  N,  N,  N,  Y),  # vendor A's unpublished product
    "productVariant":    (N,  N,  Y,  N,  N,  N,  Y),
}
# fmt: on

LOOKUP_TARGETS: dict[str, tuple[str, Callable[[World], str]]] = {
    "checkout": ("Checkout", lambda w: checkout_id(w.cart)),
    "transaction": (
        "TransactionItem",
        lambda w: to_global_id("TransactionItem", str(w.pending_tx.token)),
    ),
    "order": ("Order", lambda w: gid("Order", w.order_open)),
    "vendorOrder": ("VendorOrder", lambda w: gid("VendorOrder", w.vo_open)),
    "quoteRequest": ("QuoteRequest", lambda w: gid("QuoteRequest", w.rfq_open)),
    "vendorApplication": ("VendorApplication", lambda w: gid("VendorApplication", w.app_changes)),
    "bundle": ("Bundle", lambda w: gid("Bundle", w.personal_bundle)),
    "product": ("Product", lambda w: gid("Product", w.draft_a)),
    "productVariant": ("ProductVariant", lambda w: gid("ProductVariant", w.draft_a.variants.get())),
}

LOOKUP_CELLS = [(f, role, LOOKUPS[f][i]) for f in LOOKUPS for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(
    ("field", "role", "visible"), LOOKUP_CELLS, ids=[f"{f}-{r}" for f, r, _ in LOOKUP_CELLS]
)
def test_lookup_by_id(world, db, gql, field, role, visible):
    """The top-level lookups (``checkout(id)``, ``order(id)``, …) hide what ``node`` hides:
    ``null``, or a ``NOT_FOUND``/``PERMISSION_DENIED`` error, for everyone but its owners."""
    type_name, make_id = LOOKUP_TARGETS[field]
    user = world.user(role)
    if user is not None:
        gql.login(user)
    body = gql(
        f"query($id: ID!) {{ {field}(id: $id) {{ __typename }} }}",
        {"id": make_id(world)},
        expect_errors=True,
    )
    found = (body.get("data") or {}).get(field)
    if visible:
        assert "errors" not in body, body["errors"]
        assert found == {"__typename": type_name}, f"{role} should see the {field}"
    else:
        assert found is None, f"{role} reads another's {field} by id"
        for error in body.get("errors", []):  # a refusal, not a crash
            assert error.get("extensions", {}).get("code", PD) in (NF, PD), error
            assert error["message"], error
            assert "Traceback" not in error["message"], error
