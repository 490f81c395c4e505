"""Purchasing reads, scoped by who asks and N+1-free.

Every list starts from ``visible_*`` (``purchasing.permissions``: an agency's buyers see their
agency's rows, a vendor's staff the rows addressed to their vendor, centre staff everything)
and prefetches what its pages and GraphQL types show, so a page costs a fixed number of
queries whatever its length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from purchasing import permissions
from purchasing.models import (
    Agency,
    Delivery,
    DeliveryStatus,
    PurchasingEvent,
    Quote,
    QuoteLine,
    QuoteRequest,
    QuoteRequestItem,
    QuoteRequestStatus,
    QuoteStatus,
)
from purchasing.rules import ContractRoute
from vendors.eligibility import Eligibility, organization_is_eligible
from vendors.models import Certification, Vendor

# ---------------------------------------------------------------------------------------------
# Scopes
# ---------------------------------------------------------------------------------------------


def _scope_agency(qs: QuerySet, user, field: str = "agency_id") -> QuerySet:
    ids = permissions.agency_ids_for(user)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def visible_agencies(user) -> QuerySet[Agency]:
    return _scope_agency(Agency.objects.all(), user, "pk").order_by("name", "id")


def visible_quote_requests(user, *, as_vendor: Vendor | None = None) -> QuerySet[QuoteRequest]:
    """The agency's requests for its buyers (all for staff); with ``as_vendor``, the requests
    that vendor was asked to quote (its staff or centre staff only)."""
    qs = QuoteRequest.objects.all()
    if as_vendor is not None:
        vendors = permissions.vendor_ids_for(user)
        if vendors is not None and as_vendor.pk not in vendors:
            return qs.none()
        return qs.filter(invited_vendors=as_vendor)
    ids = permissions.agency_ids_for(user)
    if ids is None:
        return qs
    vendors = permissions.vendor_ids_for(user)
    q = Q(agency_id__in=ids)
    if vendors:
        q |= Q(
            pk__in=QuoteRequest.invited_vendors.through.objects.filter(
                vendor_id__in=vendors
            ).values("quoterequest_id")
        )
    return qs.filter(q)


def visible_quotes(user) -> QuerySet[Quote]:
    """Quotes to the user's agency, quotes of the user's vendors, or all (staff)."""
    qs = Quote.objects.all()
    agencies = permissions.agency_ids_for(user)
    if agencies is None:
        return qs
    vendors = permissions.vendor_ids_for(user)
    q = Q(request__agency_id__in=agencies)
    if vendors:
        q |= Q(vendor_id__in=vendors)
    return qs.filter(q)


def visible_deliveries(user) -> QuerySet[Delivery]:
    qs = Delivery.objects.all()
    agencies = permissions.agency_ids_for(user)
    if agencies is None:
        return qs
    vendors = permissions.vendor_ids_for(user)
    q = Q(agency_id__in=agencies)
    if vendors:
        q |= Q(vendor_id__in=vendors)
    return qs.filter(q)


# ---------------------------------------------------------------------------------------------
# Prefetching
# ---------------------------------------------------------------------------------------------


def certifications_prefetch(path: str) -> Prefetch:
    return Prefetch(path, queryset=Certification.objects.order_by("-valid_from", "id"))


def quote_queryset() -> QuerySet[Quote]:
    """Quotes with lines, vendor, organization and its certifications (for the route)."""
    return (
        Quote.objects.select_related("vendor__organization", "request__agency", "delivery__order")
        .prefetch_related(
            Prefetch("lines", queryset=QuoteLine.objects.order_by("sort_order", "id")),
            certifications_prefetch("vendor__organization__certifications"),
        )
        .order_by("total", "id")
    )


def quote_request_queryset(*, quotes: bool = True, for_vendor: Vendor | None = None):
    """Requests with agency, department, items, invited vendors and (optionally) quotes —
    only ``for_vendor``'s own quotes when given."""
    qs = QuoteRequest.objects.select_related("agency", "department", "requested_by")
    prefetch = [
        Prefetch(
            "items",
            queryset=QuoteRequestItem.objects.select_related("variant__product", "bundle").order_by(
                "sort_order", "id"
            ),
        ),
        Prefetch("invited_vendors", queryset=Vendor.objects.select_related("organization")),
    ]
    if quotes:
        quote_qs = quote_queryset()
        if for_vendor is not None:
            quote_qs = quote_qs.filter(vendor=for_vendor)
        prefetch.append(Prefetch("quotes", queryset=quote_qs))
    return qs.prefetch_related(*prefetch).order_by("-created_at", "-id")


def delivery_queryset() -> QuerySet[Delivery]:
    return (
        Delivery.objects.select_related(
            "agency", "request", "quote", "vendor__organization", "order", "vendor_order"
        )
        .prefetch_related("inspections")
        .order_by("-ordered_on", "-id")
    )


def request_events(request: QuoteRequest, *, vendor: Vendor | None = None) -> list:
    """The request's log; a vendor sees the request's own steps and their quotes' only."""
    qs = PurchasingEvent.objects.filter(request=request).select_related("actor", "quote")
    qs = qs.exclude(type="email_sent")
    if vendor is not None:
        qs = qs.filter(Q(quote__isnull=True, delivery__isnull=True) | Q(quote__vendor=vendor))
    return list(qs.order_by("created_at", "id"))


def quote_requests_for_vendor(vendor: Vendor) -> QuerySet[QuoteRequest]:
    """Requests a vendor was asked to quote, with whether it answered (``my_quote_count``)."""
    return (
        QuoteRequest.objects.filter(invited_vendors=vendor)
        .select_related("agency", "department")
        .annotate(
            my_quotes=Count(
                "quotes",
                filter=Q(quotes__vendor=vendor, quotes__status__in=["submitted", "accepted"]),
                distinct=True,
            ),
            item_count=Count("items", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


# ---------------------------------------------------------------------------------------------
# Side-by-side comparison
# ---------------------------------------------------------------------------------------------


@dataclass
class ComparedQuote:
    quote: Quote
    route: ContractRoute
    eligibility: Eligibility
    expired: bool
    cheapest: bool = False
    # item id → the quote's lines for it
    by_item: dict[int, list[QuoteLine]] = field(default_factory=dict)
    extra_lines: list[QuoteLine] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        return (
            self.quote.status == QuoteStatus.SUBMITTED and not self.expired and self.route.can_order
        )


@dataclass
class ComparisonRow:
    item: QuoteRequestItem
    cells: list[list[QuoteLine]]  # one list of lines per compared quote
    lowest: int | None  # lowest supply among the quotes that priced the item


@dataclass
class Comparison:
    request: QuoteRequest
    quotes: list[ComparedQuote]
    rows: list[ComparisonRow]
    on: dt.date

    @property
    def has_extra_lines(self) -> bool:
        return any(c.extra_lines for c in self.quotes)

    @property
    def open_quotes(self) -> list[ComparedQuote]:
        return [c for c in self.quotes if c.quote.status == QuoteStatus.SUBMITTED]


def compare_quotes(request: QuoteRequest, *, on: dt.date | None = None) -> Comparison:
    """The request's active quotes side by side (item rows × quote columns), cheapest first,
    each with its contract route and the supplier's eligibility on ``on`` (today).

    ``request`` must come from ``quote_request_queryset()`` (items and quotes prefetched):
    nothing here queries.
    """
    from purchasing.services import quote_contract_route

    on = on or timezone.localdate()
    items = list(request.items.all())
    shown = [
        q
        for q in request.quotes.all()
        if q.status in (QuoteStatus.SUBMITTED, QuoteStatus.ACCEPTED, QuoteStatus.EXPIRED)
    ]
    shown.sort(key=lambda q: (q.total, q.pk))
    compared: list[ComparedQuote] = []
    for quote in shown:
        quote.request = request
        c = ComparedQuote(
            quote=quote,
            route=quote_contract_route(quote, on=on),
            eligibility=organization_is_eligible(quote.vendor.organization, on=on),
            expired=quote.is_expired_on(on) and quote.status != QuoteStatus.ACCEPTED,
        )
        for line in quote.lines.all():
            if line.item_id:
                c.by_item.setdefault(line.item_id, []).append(line)
            else:
                c.extra_lines.append(line)
        compared.append(c)
    live = [c for c in compared if not c.expired]
    if live:
        min(live, key=lambda c: (c.quote.total, c.quote.pk)).cheapest = True
    rows = []
    for item in items:
        cells = [c.by_item.get(item.pk, []) for c in compared]
        supplies = [sum(line.supply for line in cell) for cell in cells if cell]
        rows.append(
            ComparisonRow(item=item, cells=cells, lowest=min(supplies) if supplies else None)
        )
    return Comparison(request=request, quotes=compared, rows=rows, on=on)


# ---------------------------------------------------------------------------------------------
# Dashboards
# ---------------------------------------------------------------------------------------------


@dataclass
class DeliveryCounts:
    awaiting_delivery: int = 0
    awaiting_inspection: int = 0
    inspection_overdue: int = 0
    awaiting_payment: int = 0
    payment_overdue: int = 0


def delivery_counts(qs: QuerySet[Delivery], *, today: dt.date | None = None) -> DeliveryCounts:
    """Counts for a dashboard, in one query."""
    today = today or timezone.localdate()
    agg = qs.aggregate(
        awaiting_delivery=Count(
            "pk", filter=Q(status__in=[DeliveryStatus.ORDERED, DeliveryStatus.REJECTED])
        ),
        awaiting_inspection=Count("pk", filter=Q(status=DeliveryStatus.DELIVERED)),
        inspection_overdue=Count(
            "pk", filter=Q(status=DeliveryStatus.DELIVERED, inspection_due__lt=today)
        ),
        awaiting_payment=Count("pk", filter=Q(status=DeliveryStatus.ACCEPTED)),
        payment_overdue=Count(
            "pk", filter=Q(status=DeliveryStatus.ACCEPTED, payment_due__lt=today)
        ),
    )
    return DeliveryCounts(**{k: v or 0 for k, v in agg.items()})


def open_request_count(qs: QuerySet[QuoteRequest]) -> int:
    return qs.filter(status=QuoteRequestStatus.OPEN).count()
