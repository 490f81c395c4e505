"""Purchasing GraphQL: ``agencies``, ``quoteRequests``, ``quoteRequest``, ``quotes``,
``contractRoute(quoteId)``, ``purchaseDeliveries``, ``priorityPurchaseReport(agencyId, year)``
and the mutations ``quoteRequestCreate``, ``quoteSubmit``, ``quoteAccept``, ``quoteReject``,
``deliveryComplete``, ``deliveryInspect``, ``deliveryPaymentRecord``.

The root schema inherits ``PurchasingQueries`` and ``PurchasingMutations``. Mutations are
thin: decode ids, load what the viewer may see (anything else is ``NOT_FOUND``), call the
service; the service checks permission and raises ``DomainError`` with a
``PurchasingErrorCode``. Lists prefetch what the types show (constant queries per page).
"""

from __future__ import annotations

import graphene
from django.db.models import Prefetch, Q
from django.utils import timezone
from graphene import relay

from core.errors import DomainError
from core.graphql.connection import paginate
from core.graphql.errors import DomainGraphQLError
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import require_login
from purchasing import permissions, selectors, services
from purchasing.errors import PurchasingErrorCode
from purchasing.graphql.types import (
    AgencyCountableConnection,
    ContractRouteType,
    DeliveryCountableConnection,
    DeliveryType,
    InspectionResultEnum,
    PriorityPurchaseReportType,
    QuoteCountableConnection,
    QuoteRequestCountableConnection,
    QuoteRequestStatusEnum,
    QuoteRequestType,
    QuoteType,
    report_payload,
    route_payload,
    viewer,
)
from purchasing.models import Agency, Delivery, DeliveryStatus, Quote, QuoteRequest
from purchasing.report import priority_purchase_report
from shop.graphql.checkout import error_dicts
from shop.graphql.types import TaxTypeEnum, enum_value
from vendors.models import Vendor

PurchasingErrorCodeEnum = graphene.Enum.from_enum(
    PurchasingErrorCode, description="Error codes of purchasing."
)


class PurchasingError(graphene.ObjectType):
    """A problem with a purchasing mutation's input, in a machine code and a Korean message."""

    field = graphene.String(description="The input field concerned, or null.")
    code = graphene.Field(PurchasingErrorCodeEnum, required=True)
    message = graphene.String(required=True)


class PurchasingBaseMutation(BaseMutation):
    class Meta:
        abstract = True

    @classmethod
    def error_response(cls, errors):
        return cls(errors=error_dicts(errors, PurchasingErrorCode))


def _gql_error(code: str, message: str, field: str | None = None):
    return DomainGraphQLError(DomainError(code, message, field))


def _quote_for(info, global_id: str, *, field: str = "id") -> Quote:
    pk = decode_id(global_id, "Quote", field=field)
    quote = (
        selectors.visible_quotes(viewer(info))
        .select_related("request__agency", "vendor__organization")
        .filter(pk=pk)
        .first()
    )
    if quote is None:
        raise DomainError("NOT_FOUND", "견적을 찾을 수 없습니다.", field)
    return quote


def _delivery_for(info, global_id: str) -> Delivery:
    pk = decode_id(global_id, "PurchaseDelivery")
    delivery = selectors.visible_deliveries(viewer(info)).filter(pk=pk).first()
    if delivery is None:
        raise DomainError("NOT_FOUND", "납품 건을 찾을 수 없습니다.", "id")
    return delivery


def _quotes_with_routes(qs):
    """Quotes with what ``contractRoute`` reads (the request's quotes for the count)."""
    return qs.prefetch_related(
        Prefetch(
            "request__quotes",
            queryset=Quote.objects.only("id", "request_id", "status", "valid_until"),
        )
    )


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


class QuoteRequestFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(QuoteRequestStatusEnum))
    agency_id = graphene.ID(description="Staff: one agency's requests.")
    vendor_id = graphene.ID(description="Requests this vendor was asked to quote.")


class PurchasingQueries(graphene.ObjectType):
    agencies = relay.ConnectionField(
        AgencyCountableConnection,
        description="Agencies: every one for centre staff, a buyer's own agency otherwise.",
    )
    quote_requests = relay.ConnectionField(
        QuoteRequestCountableConnection,
        filter=QuoteRequestFilterInput(),
        description="Quote requests of the buyer's agency, or those a vendor was asked to quote.",
    )
    quote_request = graphene.Field(QuoteRequestType, id=graphene.ID(required=True))
    quotes = relay.ConnectionField(
        QuoteCountableConnection,
        request_id=graphene.ID(description="Quotes of one request."),
        vendor_id=graphene.ID(description="Quotes of one vendor."),
        description="Quotes the viewer may see, cheapest first within a request.",
    )
    contract_route = graphene.Field(
        ContractRouteType,
        quote_id=graphene.ID(required=True),
        on=graphene.Date(description="Date of the purchase; today by default."),
        description="Which contract route accepting a quote takes, and what it still needs.",
    )
    purchase_deliveries = relay.ConnectionField(
        DeliveryCountableConnection,
        overdue=graphene.Boolean(description="Only inspections or payments past due."),
        description="Orders of accepted quotes: delivery, inspection, payment.",
    )
    priority_purchase_report = graphene.Field(
        PriorityPurchaseReportType,
        agency_id=graphene.ID(description="Required for buyers; omitted, staff get every agency."),
        year=graphene.Int(required=True),
    )

    def resolve_agencies(self, info, **kwargs):
        require_login(info)
        qs = selectors.visible_agencies(viewer(info)).prefetch_related("departments")
        return paginate(qs, AgencyCountableConnection, **kwargs)

    def resolve_quote_requests(self, info, filter=None, **kwargs):
        user = require_login(info)
        filter = filter or {}
        vendor = None
        if filter.get("vendor_id"):
            vendor = Vendor.objects.filter(
                pk=decode_id(filter["vendor_id"], "Vendor", field="vendorId")
            ).first()
            if vendor is None:
                return paginate(QuoteRequest.objects.none(), QuoteRequestCountableConnection)
        base = selectors.visible_quote_requests(user, as_vendor=vendor)
        qs = selectors.quote_request_queryset().filter(pk__in=base.values("pk"))
        if filter.get("status"):
            qs = qs.filter(status__in=[enum_value(s) for s in filter["status"]])
        if filter.get("agency_id"):
            qs = qs.filter(agency_id=decode_id(filter["agency_id"], "Agency", field="agencyId"))
        return paginate(qs, QuoteRequestCountableConnection, **kwargs)

    def resolve_quote_request(self, info, id):
        user = require_login(info)
        pk = decode_id(id, "QuoteRequest")
        base = selectors.visible_quote_requests(user)
        return selectors.quote_request_queryset().filter(pk=pk, pk__in=base.values("pk")).first()

    def resolve_quotes(self, info, request_id=None, vendor_id=None, **kwargs):
        user = require_login(info)
        qs = selectors.quote_queryset().filter(pk__in=selectors.visible_quotes(user).values("pk"))
        if request_id:
            qs = qs.filter(request_id=decode_id(request_id, "QuoteRequest", field="requestId"))
        if vendor_id:
            qs = qs.filter(vendor_id=decode_id(vendor_id, "Vendor", field="vendorId"))
        qs = _quotes_with_routes(qs).order_by("request_id", "total", "id")
        return paginate(qs, QuoteCountableConnection, **kwargs)

    def resolve_contract_route(self, info, quote_id, on=None):
        require_login(info)
        try:
            quote = _quote_for(info, quote_id, field="quoteId")
        except DomainError as exc:
            raise DomainGraphQLError(exc)
        if not permissions.can_act_for_agency(viewer(info), quote.request.agency_id):
            # the quoting vendor sees its quote, not the agency's contract decision
            raise _gql_error("PERMISSION_DENIED", "견적을 요청한 기관만 볼 수 있습니다.", "quoteId")
        on = on or timezone.localdate()
        return route_payload(services.quote_contract_route(quote, on=on), on)

    def resolve_purchase_deliveries(self, info, overdue=None, **kwargs):
        user = require_login(info)
        qs = selectors.delivery_queryset().filter(
            pk__in=selectors.visible_deliveries(user).values("pk")
        )
        if overdue:
            today = timezone.localdate()
            qs = qs.filter(
                Q(status=DeliveryStatus.DELIVERED, inspection_due__lt=today)
                | Q(status=DeliveryStatus.ACCEPTED, payment_due__lt=today)
            )
        return paginate(qs, DeliveryCountableConnection, **kwargs)

    def resolve_priority_purchase_report(self, info, year, agency_id=None):
        user = require_login(info)
        if not 2000 <= year <= 2100:
            raise _gql_error("INVALID", "연도가 올바르지 않습니다.", "year")
        agency = None
        if agency_id:
            try:
                pk = decode_id(agency_id, "Agency", field="agencyId")
            except DomainError as exc:
                raise DomainGraphQLError(exc)
            agency = Agency.objects.filter(pk=pk).first()
            if agency is None or not permissions.can_act_for_agency(user, pk):
                raise _gql_error(
                    "PERMISSION_DENIED", "이 기관의 실적을 볼 권한이 없습니다.", "agencyId"
                )
        elif not user.is_staff:
            buyer = permissions.approved_buyer(user)
            if buyer is None:
                raise _gql_error("PERMISSION_DENIED", "기관 구매 담당자만 볼 수 있습니다.")
            agency = buyer.agency
        return report_payload(priority_purchase_report(year=year, agency=agency))


# ---------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------


class QuoteRequestItemInput(graphene.InputObjectType):
    variant_id = graphene.ID(description="A catalog variant (its vendor is asked too).")
    bundle_id = graphene.ID(description="A snack bundle.")
    name = graphene.String(description="품명 (required for free-text items).")
    spec = graphene.String(description="규격.")
    unit = graphene.String(description="단위 (개, 박스, 세트…).")
    quantity = graphene.Int(required=True)
    note = graphene.String()


class QuoteRequestCreateInput(graphene.InputObjectType):
    agency_id = graphene.ID(description="Staff only: the agency asking.")
    title = graphene.String(required=True, description="건명.")
    note = graphene.String()
    delivery_date = graphene.Date(required=True)
    delivery_place = graphene.String(required=True)
    delivery_postcode = graphene.String()
    contact_name = graphene.String()
    contact_phone = graphene.String()
    deadline = graphene.DateTime(required=True, description="Quotes are due by then.")
    estimated_price = graphene.Int(description="추정가격 in won, VAT excluded.")
    open_to_all = graphene.Boolean(
        description="Ask every vendor that counts for priority purchase."
    )
    vendor_ids = graphene.List(graphene.NonNull(graphene.ID))
    items = graphene.List(graphene.NonNull(QuoteRequestItemInput), required=True)


class QuoteRequestCreate(PurchasingBaseMutation):
    quote_request = graphene.Field(QuoteRequestType)

    class Arguments:
        input = QuoteRequestCreateInput(required=True)

    class Meta:
        description = "A buyer asks vendors for quotes (RFQ)."
        error_type_class = PurchasingError

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = require_login(info)
        agency = None
        if input.get("agency_id"):
            agency = Agency.objects.filter(
                pk=decode_id(input["agency_id"], "Agency", field="agencyId")
            ).first()
            if agency is None:
                raise DomainError("NOT_FOUND", "기관을 찾을 수 없습니다.", "agencyId")
        items = [
            services.ItemInput(
                quantity=i["quantity"],
                name=i.get("name") or "",
                spec=i.get("spec") or "",
                unit=i.get("unit") or "",
                note=i.get("note") or "",
                variant_id=decode_id(i["variant_id"], "ProductVariant", field="items")
                if i.get("variant_id")
                else None,
                bundle_id=decode_id(i["bundle_id"], "Bundle", field="items")
                if i.get("bundle_id")
                else None,
            )
            for i in input["items"]
        ]
        request = services.quote_request_create(
            actor=user,
            agency=agency,
            title=input["title"],
            note=input.get("note") or "",
            delivery_date=input["delivery_date"],
            delivery_place=input["delivery_place"],
            delivery_postcode=input.get("delivery_postcode") or "",
            contact_name=input.get("contact_name") or "",
            contact_phone=input.get("contact_phone") or "",
            deadline=input["deadline"],
            estimated_price=input.get("estimated_price"),
            open_to_all=bool(input.get("open_to_all")),
            vendor_ids=[
                decode_id(v, "Vendor", field="vendorIds") for v in input.get("vendor_ids") or []
            ],
            items=items,
        )
        return cls(quote_request=selectors.quote_request_queryset().get(pk=request.pk))


class QuoteLineInput(graphene.InputObjectType):
    item_id = graphene.ID(description="The requested item priced (omit for an extra line).")
    variant_id = graphene.ID(description="The vendor's own catalog variant, if any.")
    name = graphene.String()
    spec = graphene.String()
    unit = graphene.String()
    quantity = graphene.Int(description="Defaults to the requested quantity.")
    unit_price = graphene.Int(required=True, description="단가: unit supply price, VAT excluded.")
    tax_type = graphene.InputField(TaxTypeEnum, required=True)
    note = graphene.String()


class QuoteSubmitInput(graphene.InputObjectType):
    request_id = graphene.ID(required=True)
    vendor_id = graphene.ID(required=True)
    valid_until = graphene.Date(required=True)
    notes = graphene.String()
    lines = graphene.List(graphene.NonNull(QuoteLineInput), required=True)


class QuoteSubmit(PurchasingBaseMutation):
    quote = graphene.Field(QuoteType)

    class Arguments:
        input = QuoteSubmitInput(required=True)

    class Meta:
        description = "A vendor's staff answer a quote request (replacing an earlier quote)."
        error_type_class = PurchasingError

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = require_login(info)
        vendor = Vendor.objects.filter(
            pk=decode_id(input["vendor_id"], "Vendor", field="vendorId")
        ).first()
        if vendor is None:
            raise DomainError("NOT_FOUND", "판매처를 찾을 수 없습니다.", "vendorId")
        permissions.require_vendor(user, vendor.pk)
        request = (
            selectors.visible_quote_requests(user, as_vendor=vendor)
            .filter(pk=decode_id(input["request_id"], "QuoteRequest", field="requestId"))
            .first()
        )
        if request is None:
            raise DomainError("NOT_FOUND", "견적 요청을 찾을 수 없습니다.", "requestId")
        lines = [
            services.LineInput(
                unit_price=line["unit_price"],
                tax_type=enum_value(line["tax_type"]),
                item_id=decode_id(line["item_id"], "QuoteRequestItem", field="lines")
                if line.get("item_id")
                else None,
                variant_id=decode_id(line["variant_id"], "ProductVariant", field="lines")
                if line.get("variant_id")
                else None,
                quantity=line.get("quantity"),
                name=line.get("name") or "",
                spec=line.get("spec") or "",
                unit=line.get("unit") or "",
                note=line.get("note") or "",
            )
            for line in input["lines"]
        ]
        quote = services.quote_submit(
            request=request,
            vendor=vendor,
            actor=user,
            valid_until=input["valid_until"],
            lines=lines,
            notes=input.get("notes") or "",
        )
        return cls(quote=_quotes_with_routes(selectors.quote_queryset()).get(pk=quote.pk))


class QuoteAccept(PurchasingBaseMutation):
    quote = graphene.Field(QuoteType)
    delivery = graphene.Field(DeliveryType, description="The order placed on invoice.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the quote.")

    class Meta:
        description = (
            "The buyer accepts a quote: an order on invoice at the quoted prices. Refused when "
            "the quote has expired (QUOTE_EXPIRED) or the contract route does not allow it."
        )
        error_type_class = PurchasingError

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = require_login(info)
        delivery = services.quote_accept(quote=_quote_for(info, id), actor=user)
        quote = _quotes_with_routes(selectors.quote_queryset()).get(pk=delivery.quote_id)
        return cls(quote=quote, delivery=selectors.delivery_queryset().get(pk=delivery.pk))


class QuoteReject(PurchasingBaseMutation):
    quote = graphene.Field(QuoteType)

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String()

    class Meta:
        description = "The buyer declines a quote (the vendor is told, with the reason)."
        error_type_class = PurchasingError

    @classmethod
    def perform_mutation(cls, root, info, id, reason=""):
        user = require_login(info)
        quote = services.quote_reject(quote=_quote_for(info, id), actor=user, reason=reason or "")
        return cls(quote=_quotes_with_routes(selectors.quote_queryset()).get(pk=quote.pk))


class DeliveryComplete(PurchasingBaseMutation):
    delivery = graphene.Field(DeliveryType)

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String()

    class Meta:
        description = "The vendor notifies completion of the delivery (납품 완료 통지)."
        error_type_class = PurchasingError

    @classmethod
    def perform_mutation(cls, root, info, id, note=""):
        user = require_login(info)
        delivery = services.delivery_complete(
            delivery=_delivery_for(info, id), actor=user, note=note or ""
        )
        return cls(delivery=selectors.delivery_queryset().get(pk=delivery.pk))


class DeliveryInspect(PurchasingBaseMutation):
    delivery = graphene.Field(DeliveryType)

    class Arguments:
        id = graphene.ID(required=True)
        result = InspectionResultEnum(required=True)
        reason = graphene.String(description="Required when rejecting.")

    class Meta:
        description = "The buyer inspects a delivery (검수): accept, or reject with a reason."
        error_type_class = PurchasingError

    @classmethod
    def perform_mutation(cls, root, info, id, result, reason=""):
        user = require_login(info)
        delivery = services.delivery_inspect(
            delivery=_delivery_for(info, id),
            actor=user,
            accepted=enum_value(result) == "accepted",
            reason=reason or "",
        )
        return cls(delivery=selectors.delivery_queryset().get(pk=delivery.pk))


class DeliveryPaymentRecord(PurchasingBaseMutation):
    delivery = graphene.Field(DeliveryType)

    class Arguments:
        id = graphene.ID(required=True)
        amount = graphene.Int(description="Won received; what is still due by default.")
        reference = graphene.String(description="Bank reference of the transfer.")

    class Meta:
        description = "Centre staff or the vendor record the agency's bank transfer."
        error_type_class = PurchasingError

    @classmethod
    def perform_mutation(cls, root, info, id, amount=None, reference=""):
        user = require_login(info)
        delivery = services.delivery_payment_record(
            delivery=_delivery_for(info, id), actor=user, amount=amount, reference=reference or ""
        )
        return cls(delivery=selectors.delivery_queryset().get(pk=delivery.pk))


class PurchasingMutations(graphene.ObjectType):
    quote_request_create = QuoteRequestCreate.Field()
    quote_submit = QuoteSubmit.Field()
    quote_accept = QuoteAccept.Field()
    quote_reject = QuoteReject.Field()
    delivery_complete = DeliveryComplete.Field()
    delivery_inspect = DeliveryInspect.Field()
    delivery_payment_record = DeliveryPaymentRecord.Field()
