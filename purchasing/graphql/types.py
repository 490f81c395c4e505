"""Purchasing GraphQL types: agencies, quote requests, quotes, contract routes, deliveries and
the priority-purchase report.

Visibility is decided in ``purchasing.permissions`` and applied on prefetched rows (no query
per object): a vendor's staff see their own quotes of a request and only their own vendor
among the invited ones; an agency's buyers and centre staff see every quote of the request.
"""

from __future__ import annotations

import graphene
from django.utils import timezone
from graphene import relay
from graphene_django import DjangoObjectType
from graphql_relay import to_global_id

from core.graphql.connection import CountableConnection
from core.graphql.permissions import current_user
from purchasing import permissions, rules
from purchasing.models import (
    Agency,
    AgencyKind,
    Delivery,
    DeliveryStatus,
    Department,
    Inspection,
    InspectionResult,
    Quote,
    QuoteLine,
    QuoteRequest,
    QuoteRequestItem,
    QuoteRequestStatus,
    QuoteStatus,
)
from shop.graphql.types import Money, ProductVariantType, TaxedMoney, TaxTypeEnum, money
from shop.tax import TaxedAmount
from vendors.districts import DISTRICTS
from vendors.graphql.types import District, VendorType


def _enum(name: str, choices, description: str) -> type[graphene.Enum]:
    return graphene.Enum(
        name, [(value.upper(), value) for value, _label in choices], description=description
    )


AgencyKindEnum = _enum("AgencyKind", AgencyKind.choices, "Kind of public agency.")
QuoteRequestStatusEnum = _enum(
    "QuoteRequestStatus", QuoteRequestStatus.choices, "Status of a quote request (RFQ)."
)
QuoteStatusEnum = _enum("QuoteStatus", QuoteStatus.choices, "Status of a quote.")
DeliveryStatusEnum = _enum(
    "PurchaseDeliveryStatus",
    DeliveryStatus.choices,
    "Where an accepted quote's order stands: ordered → delivered → accepted → paid.",
)
InspectionResultEnum = _enum(
    "InspectionResult", InspectionResult.choices, "Result of an inspection (검수)."
)
ContractRouteEnum = graphene.Enum(
    "ContractRouteEnum",
    [
        ("SINGLE_QUOTE", rules.Route.SINGLE_QUOTE),
        ("TWO_QUOTES", rules.Route.TWO_QUOTES),
        ("COMPETITIVE_BIDDING", rules.Route.COMPETITIVE_BIDDING),
    ],
    description="1인 견적 수의계약, 2인 이상 견적 수의계약, or 경쟁입찰.",
)


def taxed(supply: int, tax: int) -> TaxedMoney:
    from shop.graphql.types import taxed_money

    return taxed_money(TaxedAmount(gross=supply + tax, net=supply, tax=tax))


def viewer(info):
    return current_user(info)


def sees_agency(info, agency_id: int) -> bool:
    return permissions.can_act_for_agency(viewer(info), agency_id)


# ---------------------------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------------------------


class DepartmentType(DjangoObjectType):
    class Meta:
        model = Department
        name = "Department"
        interfaces = (relay.Node,)
        fields = ("id", "name", "code")

    @classmethod
    def get_node(cls, info, id):
        """``node(id)``: a department of an agency the viewer sees (as ``agencies``)."""
        department = Department.objects.filter(pk=id).first()
        if department is None or not sees_agency(info, department.agency_id):
            return None
        return department


class PlanTargetType(graphene.ObjectType):
    category_code = graphene.String(required=True)
    category_name = graphene.String(required=True)
    target_amount = graphene.Field(Money, required=True, description="Target in won.")
    target_rate = graphene.Float(description="Target as a share (%) of the total purchases.")


class PurchasePlanType(graphene.ObjectType):
    year = graphene.Int(required=True)
    total_budget = graphene.Field(Money, required=True, description="총구매액 계획.")
    targets = graphene.List(graphene.NonNull(PlanTargetType), required=True)


class AgencyType(DjangoObjectType):
    kind = graphene.Field(AgencyKindEnum, required=True)
    kind_display = graphene.String(required=True)
    district = graphene.Field(District)
    departments = graphene.List(graphene.NonNull(DepartmentType), required=True)
    plan = graphene.Field(
        PurchasePlanType,
        year=graphene.Int(required=True),
        description="The year's priority-purchase plan (the agency's buyers and staff only).",
    )

    class Meta:
        model = Agency
        name = "Agency"
        interfaces = (relay.Node,)
        fields = ("id", "name", "code", "is_active")

    @classmethod
    def get_queryset(cls, queryset, info):
        from purchasing.selectors import visible_agencies

        return queryset.filter(pk__in=visible_agencies(viewer(info)).values("pk"))

    def resolve_kind(self, info):
        return self.kind

    def resolve_kind_display(self, info):
        return self.get_kind_display()

    def resolve_district(self, info):
        if not self.district:
            return None
        return District(code=self.district, name=DISTRICTS[self.district])

    def resolve_departments(self, info):
        return self.departments.all()

    def resolve_plan(self, info, year):
        if not sees_agency(info, self.pk):
            return None
        plan = self.plans.filter(year=year).prefetch_related("targets__category").first()
        if plan is None:
            return None
        targets = []
        for t in plan.targets.all():
            t.plan = plan
            targets.append(
                PlanTargetType(
                    category_code=t.category.code,
                    category_name=t.category.name,
                    target_amount=money(t.effective_amount),
                    target_rate=float(t.target_rate) if t.target_rate is not None else None,
                )
            )
        return PurchasePlanType(
            year=plan.year, total_budget=money(plan.total_budget), targets=targets
        )


# ---------------------------------------------------------------------------------------------
# Quote requests and quotes
# ---------------------------------------------------------------------------------------------


class QuoteRequestItemType(DjangoObjectType):
    variant = graphene.Field(ProductVariantType, description="The catalog variant asked for.")
    bundle_id = graphene.ID(description="The bundle asked for (Bundle global ID).")

    class Meta:
        model = QuoteRequestItem
        name = "QuoteRequestItem"
        interfaces = (relay.Node,)
        fields = ("id", "name", "spec", "unit", "quantity", "note")

    @classmethod
    def get_node(cls, info, id):
        """``node(id)``: an item of a request the viewer sees (``quoteRequest``'s rule)."""
        from purchasing.selectors import visible_quote_requests

        visible = visible_quote_requests(viewer(info)).values("pk")
        return QuoteRequestItem.objects.filter(pk=id, request__in=visible).first()

    def resolve_variant(self, info):
        return self.variant

    def resolve_bundle_id(self, info):
        return to_global_id("Bundle", self.bundle_id) if self.bundle_id else None


class QuoteLineType(DjangoObjectType):
    item_id = graphene.ID(description="The requested item this line prices (null: extra line).")
    unit_price = graphene.Field(Money, required=True, description="단가: unit supply price.")
    tax_type = graphene.Field(TaxTypeEnum, required=True)
    total = graphene.Field(
        TaxedMoney, required=True, description="공급가액 (net) + 세액 (tax) = 합계 (gross)."
    )

    class Meta:
        model = QuoteLine
        name = "QuoteLine"
        fields = ("id", "name", "spec", "unit", "quantity", "note")

    def resolve_item_id(self, info):
        return to_global_id("QuoteRequestItem", self.item_id) if self.item_id else None

    def resolve_unit_price(self, info):
        return money(self.unit_price)

    def resolve_tax_type(self, info):
        return self.tax_type

    def resolve_total(self, info):
        return taxed(self.supply, self.tax)


class ContractRouteType(graphene.ObjectType):
    """Which contract route accepting a quote takes (DOMAIN.md thresholds, from settings)."""

    route = graphene.Field(ContractRouteEnum, required=True)
    label = graphene.String(required=True, description="Korean name of the route.")
    on = graphene.Date(required=True, description="The date the supplier was judged at.")
    estimated_price = graphene.Field(
        Money, required=True, description="Estimated price excluding VAT."
    )
    privileged = graphene.Boolean(
        required=True,
        description="The supplier held a certification of a privileged kind (사회적기업…).",
    )
    basis = graphene.String(required=True, description="Why these thresholds apply.")
    single_quote_limit = graphene.Field(Money, required=True)
    private_contract_limit = graphene.Field(Money, required=True)
    quotes_required = graphene.Int(required=True)
    quotes_received = graphene.Int()
    quotes_missing = graphene.Int(required=True)
    can_order = graphene.Boolean(required=True, description="Whether Nuri may place the order.")
    needs = graphene.List(graphene.NonNull(graphene.String), required=True)
    notes = graphene.List(graphene.NonNull(graphene.String), required=True)


def route_payload(route: rules.ContractRoute, on) -> ContractRouteType:
    return ContractRouteType(
        route=route.route,
        label=route.label_ko,
        on=on,
        estimated_price=money(route.estimated_price_excl_vat),
        privileged=route.privileged,
        basis=route.basis,
        single_quote_limit=money(route.single_quote_limit),
        private_contract_limit=money(route.private_contract_limit),
        quotes_required=route.quotes_required,
        quotes_received=route.quotes_received,
        quotes_missing=route.quotes_missing,
        can_order=route.can_order,
        needs=list(route.needs),
        notes=list(route.notes),
    )


class QuoteType(DjangoObjectType):
    status = graphene.Field(QuoteStatusEnum, required=True)
    status_display = graphene.String(required=True)
    vendor = graphene.Field(VendorType, required=True)
    request = graphene.Field(lambda: QuoteRequestType, required=True)
    lines = graphene.List(graphene.NonNull(QuoteLineType), required=True)
    total = graphene.Field(
        TaxedMoney, required=True, description="공급가액 합계 + 세액 합계 = 합계 금액."
    )
    is_expired = graphene.Boolean(required=True, description="Past its validity date today.")
    contract_route = graphene.Field(
        ContractRouteType,
        on=graphene.Date(description="Date of the purchase; today (Asia/Seoul) by default."),
        description="The contract route of accepting this quote (the agency and staff only).",
    )
    order_number = graphene.String(description="The order placed when it was accepted.")

    class Meta:
        model = Quote
        name = "Quote"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "number",
            "valid_until",
            "notes",
            "submitted_at",
            "decided_at",
            "decision_reason",
        )

    @classmethod
    def get_queryset(cls, queryset, info):
        from purchasing.selectors import visible_quotes

        return queryset.filter(pk__in=visible_quotes(viewer(info)).values("pk"))

    def resolve_status(self, info):
        return self.status

    def resolve_status_display(self, info):
        return self.get_status_display()

    def resolve_lines(self, info):
        return self.lines.all()

    def resolve_total(self, info):
        return taxed(self.supply_total, self.tax_total)

    def resolve_is_expired(self, info):
        return self.is_expired_on(timezone.localdate())

    def resolve_contract_route(self, info, on=None):
        if not sees_agency(info, self.request.agency_id):
            return None
        from purchasing.services import quote_contract_route

        on = on or timezone.localdate()
        return route_payload(quote_contract_route(self, on=on), on)

    def resolve_order_number(self, info):
        if self.status != QuoteStatus.ACCEPTED:
            return None
        delivery = getattr(self, "delivery", None)
        return delivery.order.number if delivery is not None else None


class QuoteRequestType(DjangoObjectType):
    status = graphene.Field(QuoteRequestStatusEnum, required=True)
    status_display = graphene.String(required=True)
    agency = graphene.Field(AgencyType, required=True)
    department = graphene.Field(DepartmentType)
    items = graphene.List(graphene.NonNull(QuoteRequestItemType), required=True)
    invited_vendors = graphene.List(
        graphene.NonNull(VendorType),
        required=True,
        description="Vendors asked to quote (a vendor sees only itself).",
    )
    quotes = graphene.List(
        graphene.NonNull(QuoteType),
        required=True,
        description="Quotes received (all for the agency; a vendor sees its own).",
    )
    estimated_price = graphene.Field(Money, description="추정가격 (VAT excluded).")
    is_past_deadline = graphene.Boolean(required=True)

    class Meta:
        model = QuoteRequest
        name = "QuoteRequest"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "number",
            "title",
            "note",
            "delivery_date",
            "delivery_place",
            "deadline",
            "open_to_all",
            "created_at",
            "awarded_at",
        )

    @classmethod
    def get_queryset(cls, queryset, info):
        from purchasing.selectors import visible_quote_requests

        return queryset.filter(pk__in=visible_quote_requests(viewer(info)).values("pk"))

    def resolve_status(self, info):
        return self.status

    def resolve_status_display(self, info):
        return self.get_status_display()

    def resolve_items(self, info):
        return self.items.all()

    def resolve_invited_vendors(self, info):
        vendors = list(self.invited_vendors.all())
        if sees_agency(info, self.agency_id):
            return vendors
        mine = permissions.vendor_ids_for(viewer(info)) or set()
        return [v for v in vendors if v.pk in mine]

    def resolve_quotes(self, info):
        quotes = list(self.quotes.all())
        for q in quotes:
            q.request = self
        if sees_agency(info, self.agency_id):
            return quotes
        mine = permissions.vendor_ids_for(viewer(info)) or set()
        return [q for q in quotes if q.vendor_id in mine]

    def resolve_estimated_price(self, info):
        if self.estimated_price is None or not sees_agency(info, self.agency_id):
            return None
        return money(self.estimated_price)

    def resolve_is_past_deadline(self, info):
        return timezone.now() > self.deadline


# ---------------------------------------------------------------------------------------------
# Deliveries
# ---------------------------------------------------------------------------------------------


class InspectionType(DjangoObjectType):
    result = graphene.Field(InspectionResultEnum, required=True)

    class Meta:
        model = Inspection
        name = "Inspection"
        fields = ("id", "reason", "completion_notified_at", "inspected_at")

    def resolve_result(self, info):
        return self.result


class DeliveryType(DjangoObjectType):
    """An accepted quote's order: delivery, inspection (검수), invoice claim and payment."""

    status = graphene.Field(DeliveryStatusEnum, required=True)
    status_display = graphene.String(required=True)
    agency = graphene.Field(AgencyType, required=True)
    vendor = graphene.Field(VendorType, required=True)
    quote_number = graphene.String(required=True)
    request_number = graphene.String(required=True)
    order_number = graphene.String(required=True)
    vendor_order_status = graphene.String(required=True)
    amount = graphene.Field(Money, required=True, description="Contract amount, VAT included.")
    paid = graphene.Field(Money, required=True)
    unpaid = graphene.Field(Money, required=True)
    is_inspection_overdue = graphene.Boolean(required=True)
    is_payment_overdue = graphene.Boolean(required=True)
    inspections = graphene.List(graphene.NonNull(InspectionType), required=True)

    class Meta:
        model = Delivery
        name = "PurchaseDelivery"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "ordered_on",
            "completion_notified_at",
            "inspection_due",
            "inspected_at",
            "invoice_claimed_on",
            "payment_due",
            "paid_at",
        )

    @classmethod
    def get_queryset(cls, queryset, info):
        from purchasing.selectors import visible_deliveries

        return queryset.filter(pk__in=visible_deliveries(viewer(info)).values("pk"))

    def resolve_status(self, info):
        return self.status

    def resolve_status_display(self, info):
        return self.get_status_display()

    def resolve_quote_number(self, info):
        return self.quote.number

    def resolve_request_number(self, info):
        return self.request.number

    def resolve_order_number(self, info):
        return self.order.number

    def resolve_vendor_order_status(self, info):
        return self.vendor_order.status

    def resolve_amount(self, info):
        return money(self.amount)

    def resolve_paid(self, info):
        return money(self.paid_amount)

    def resolve_unpaid(self, info):
        return money(self.amount_unpaid)

    def resolve_is_inspection_overdue(self, info):
        return self.is_inspection_overdue(timezone.localdate())

    def resolve_is_payment_overdue(self, info):
        return self.is_payment_overdue(timezone.localdate())

    def resolve_inspections(self, info):
        return self.inspections.all()


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


class ReportRowType(graphene.ObjectType):
    key = graphene.String(required=True)
    label = graphene.String(required=True)
    count = graphene.Int(required=True)
    supply = graphene.Field(Money, required=True)
    tax = graphene.Field(Money, required=True)
    amount = graphene.Field(Money, required=True, description="Purchases, VAT included.")
    eligible_amount = graphene.Field(
        Money, required=True, description="Of which counted for priority purchase."
    )
    target = graphene.Field(Money, required=True)
    achievement = graphene.Float(description="Amount against the target, %.")
    statutory = graphene.Boolean(required=True)


class ReportMonthType(graphene.ObjectType):
    month = graphene.Int(required=True)
    count = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)
    eligible_amount = graphene.Field(Money, required=True)


class ReportAgencyType(graphene.ObjectType):
    agency = graphene.Field(AgencyType, required=True)
    count = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)
    eligible_amount = graphene.Field(Money, required=True)
    plan_total = graphene.Field(Money, required=True)
    target = graphene.Field(Money, required=True)
    eligible_share = graphene.Float()
    achievement = graphene.Float()


class ReportPurchaseType(graphene.ObjectType):
    ordered_on = graphene.Date(required=True)
    agency_name = graphene.String(required=True)
    order_number = graphene.String(required=True)
    request_number = graphene.String(required=True)
    vendor_name = graphene.String(required=True)
    org_type = graphene.String(required=True)
    category_code = graphene.String(required=True)
    category_label = graphene.String(required=True)
    eligible = graphene.Boolean(required=True)
    eligibility_message = graphene.String(required=True)
    total = graphene.Field(TaxedMoney, required=True)


class PriorityPurchaseReportType(graphene.ObjectType):
    """An agency's (or every agency's) priority purchases in a year, judged on order dates."""

    year = graphene.Int(required=True)
    agency = graphene.Field(AgencyType, description="Null: every agency (staff).")
    total = graphene.Field(ReportRowType, required=True)
    eligible_amount = graphene.Field(Money, required=True, description="우선구매 실적.")
    plan_total = graphene.Field(Money, required=True, description="총구매액 계획.")
    target_total = graphene.Field(Money, required=True)
    eligible_share_of_plan = graphene.Float(description="우선구매 실적 / 총구매액, %.")
    achievement = graphene.Float(description="우선구매 실적 / 목표, %.")
    by_category = graphene.List(graphene.NonNull(ReportRowType), required=True)
    by_org_type = graphene.List(graphene.NonNull(ReportRowType), required=True)
    by_month = graphene.List(graphene.NonNull(ReportMonthType), required=True)
    by_agency = graphene.List(graphene.NonNull(ReportAgencyType), required=True)
    purchases = graphene.List(graphene.NonNull(ReportPurchaseType), required=True)


def _row(r) -> ReportRowType:
    return ReportRowType(
        key=r.key,
        label=r.label,
        count=r.count,
        supply=money(r.supply),
        tax=money(r.tax),
        amount=money(r.amount),
        eligible_amount=money(r.eligible_amount),
        target=money(r.target),
        achievement=r.achievement,
        statutory=r.statutory,
    )


def report_payload(report) -> PriorityPurchaseReportType:
    return PriorityPurchaseReportType(
        year=report.year,
        agency=report.agency,
        total=_row(report.total),
        eligible_amount=money(report.eligible_amount),
        plan_total=money(report.plan_total),
        target_total=money(report.target_total),
        eligible_share_of_plan=report.eligible_share_of_plan,
        achievement=report.achievement,
        by_category=[_row(r) for r in report.categories],
        by_org_type=[_row(r) for r in report.org_types],
        by_month=[
            ReportMonthType(
                month=m.month,
                count=m.count,
                amount=money(m.amount),
                eligible_amount=money(m.eligible_amount),
            )
            for m in report.months
        ],
        by_agency=[
            ReportAgencyType(
                agency=a.agency,
                count=a.count,
                amount=money(a.amount),
                eligible_amount=money(a.eligible_amount),
                plan_total=money(a.plan_total),
                target=money(a.target),
                eligible_share=a.eligible_share,
                achievement=a.achievement,
            )
            for a in report.agencies
        ],
        purchases=[
            ReportPurchaseType(
                ordered_on=p.ordered_on,
                agency_name=p.agency_name,
                order_number=p.order_number,
                request_number=p.request_number,
                vendor_name=p.vendor_name,
                org_type=p.org_type,
                category_code=p.category_code,
                category_label=p.category_label,
                eligible=p.eligible,
                eligibility_message=p.eligibility_message,
                total=taxed(p.supply, p.tax),
            )
            for p in report.records
        ],
    )


# ---------------------------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------------------------


class AgencyCountableConnection(CountableConnection):
    class Meta:
        node = AgencyType


class QuoteRequestCountableConnection(CountableConnection):
    class Meta:
        node = QuoteRequestType


class QuoteCountableConnection(CountableConnection):
    class Meta:
        node = QuoteType


class DeliveryCountableConnection(CountableConnection):
    class Meta:
        node = DeliveryType
