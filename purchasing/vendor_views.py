"""The vendor dashboard's quote pages (/vendor/<slug>/quotes/...), Korean.

A vendor's staff see the quote requests their vendor was asked to quote, submit (or revise,
or withdraw) a quote — unit supply prices, tax type per line, validity, notes — and follow
the orders of their accepted quotes: mark them delivered (납품 완료 통지), see the inspection
result and the due dates (overdue ones flagged), and record the agency's bank transfer.

Access is the dashboard's (``shop.dashboard.views.vendor_view``): anyone who may not manage
the vendor gets 404; a request the vendor was not asked to quote is 404 as well.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from core.errors import DomainError, DomainErrors, as_error_list
from purchasing import selectors, services
from purchasing.forms import DeliveryNoteForm, PaymentForm, quote_form_for
from purchasing.models import Delivery, DeliveryStatus, QuoteRequestStatus, QuoteStatus
from purchasing.views import attach_errors, document_response
from shop.dashboard.views import vendor_view

PAGE_SIZE = 20


def _ctx(vendor, **extra) -> dict:
    return {"vendor": vendor, "nav": "quotes", **extra}


def _errors(request, exc) -> None:
    for err in as_error_list(exc):
        messages.error(request, str(err.message))


@vendor_view(methods=("GET",))
def quote_list(request, vendor):
    """Incoming requests (open first) and the orders of accepted quotes."""
    today = timezone.localdate()
    now = timezone.now()
    requests_qs = selectors.quote_requests_for_vendor(vendor)
    show = request.GET.get("show") or "open"
    if show == "open":
        requests_qs = requests_qs.filter(status=QuoteRequestStatus.OPEN, deadline__gte=now)
    page = Paginator(requests_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    deliveries = list(
        selectors.delivery_queryset()
        .filter(vendor=vendor)
        .exclude(status__in=[DeliveryStatus.PAID, DeliveryStatus.CANCELLED])[:50]
    )
    for d in deliveries:
        d.inspection_overdue = d.is_inspection_overdue(today)
        d.payment_overdue = d.is_payment_overdue(today)
    return render(
        request,
        "purchasing/vendor/list.html",
        _ctx(
            vendor,
            page=page,
            show=show,
            deliveries=deliveries,
            counts=selectors.delivery_counts(Delivery.objects.filter(vendor=vendor), today=today),
            now=now,
            today=today,
        ),
    )


def _request_or_404(vendor, pk: int):
    obj = (
        selectors.quote_request_queryset(for_vendor=vendor)
        .filter(pk=pk, invited_vendors=vendor)
        .first()
    )
    if obj is None:
        raise Http404("견적 요청을 찾을 수 없습니다.")
    return obj


@vendor_view()
def quote_request(request, vendor, pk: int):
    """A request and this vendor's quote: the form to submit (or revise) it."""
    obj = _request_or_404(vendor, pk)
    mine = [q for q in obj.quotes.all() if q.vendor_id == vendor.pk]
    current = next(
        (q for q in mine if q.status in (QuoteStatus.SUBMITTED, QuoteStatus.ACCEPTED)), None
    )
    previous_lines = {line.item_id: line for line in current.lines.all()} if current else {}
    form = quote_form_for(obj, data=request.POST or None, initial_lines=previous_lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = [
            services.LineInput(
                item_id=item.pk,
                unit_price=data[f"price_{item.pk}"],
                tax_type=data[f"tax_{item.pk}"],
                note=data[f"note_{item.pk}"],
            )
            for item in obj.items.all()
        ]
        try:
            quote = services.quote_submit(
                request=obj,
                vendor=vendor,
                actor=request.user,
                valid_until=data["valid_until"],
                lines=lines,
                notes=data["notes"],
            )
        except (DomainError, DomainErrors) as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                f"견적 {quote.number}을(를) 제출했습니다: 공급가액 {quote.supply_total:,}원 + "
                f"세액 {quote.tax_total:,}원 = {quote.total:,}원",
            )
            return redirect("dashboard:quotes_request", vendor_slug=vendor.slug, pk=obj.pk)
    now = timezone.now()
    item_rows = [
        (item, form[f"price_{item.pk}"], form[f"tax_{item.pk}"], form[f"note_{item.pk}"])
        for item in obj.items.all()
    ]
    return render(
        request,
        "purchasing/vendor/request.html",
        _ctx(
            vendor,
            rfq=obj,
            form=form,
            item_rows=item_rows,
            current=current,
            mine=mine,
            can_quote=obj.status == QuoteRequestStatus.OPEN and now <= obj.deadline,
            events=selectors.request_events(obj, vendor=vendor),
            delivery=Delivery.objects.filter(request=obj, vendor=vendor).first(),
            now=now,
            today=timezone.localdate(),
        ),
        status=400 if form.errors else 200,
    )


@vendor_view(methods=("POST",))
def quote_withdraw(request, vendor, pk: int):
    obj = _request_or_404(vendor, pk)
    quote = next(
        (q for q in obj.quotes.all() if q.vendor_id == vendor.pk and q.status == "submitted"),
        None,
    )
    if quote is None:
        raise Http404("철회할 견적이 없습니다.")
    try:
        services.quote_withdraw(quote=quote, actor=request.user)
    except (DomainError, DomainErrors) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"견적 {quote.number}을(를) 철회했습니다.")
    return redirect("dashboard:quotes_request", vendor_slug=vendor.slug, pk=obj.pk)


def _delivery_or_404(vendor, pk: int) -> Delivery:
    delivery = selectors.delivery_queryset().filter(pk=pk, vendor=vendor).first()
    if delivery is None:
        raise Http404("주문을 찾을 수 없습니다.")
    return delivery


@vendor_view(methods=("GET",))
def delivery_detail(request, vendor, pk: int, payment_form=None):
    today = timezone.localdate()
    delivery = _delivery_or_404(vendor, pk)
    events = [
        e
        for e in delivery.events.select_related("actor").order_by("created_at", "id")
        if e.type != "email_sent"
    ]
    return render(
        request,
        "purchasing/vendor/delivery.html",
        _ctx(
            vendor,
            delivery=delivery,
            lines=list(delivery.quote.lines.order_by("sort_order", "id")),
            events=events,
            note_form=DeliveryNoteForm(),
            payment_form=payment_form or PaymentForm(),
            inspection_overdue=delivery.is_inspection_overdue(today),
            payment_overdue=delivery.is_payment_overdue(today),
            can_deliver=delivery.status in (DeliveryStatus.ORDERED, DeliveryStatus.REJECTED)
            and delivery.vendor_order.status != "canceled",
            today=today,
        ),
    )


@vendor_view(methods=("POST",))
def delivery_complete(request, vendor, pk: int):
    delivery = _delivery_or_404(vendor, pk)
    form = DeliveryNoteForm(request.POST)
    form.is_valid()
    try:
        delivery = services.delivery_complete(
            delivery=delivery, actor=request.user, note=form.cleaned_data.get("note", "")
        )
    except (DomainError, DomainErrors) as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            f"납품 완료를 알렸습니다. 기관의 검수 기한은 {delivery.inspection_due:%Y-%m-%d}입니다.",
        )
    return redirect("dashboard:quotes_delivery", vendor_slug=vendor.slug, pk=pk)


@vendor_view(methods=("POST",))
def delivery_payment(request, vendor, pk: int):
    delivery = _delivery_or_404(vendor, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            delivery = services.delivery_payment_record(
                delivery=delivery,
                actor=request.user,
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
            )
        except (DomainError, DomainErrors) as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                "입금을 기록했습니다."
                + (
                    " 대금 지급이 완료되었습니다." if delivery.status == DeliveryStatus.PAID else ""
                ),
            )
    else:
        _errors(request, DomainError("INVALID", "입금액을 확인하세요.", "amount"))
    return redirect("dashboard:quotes_delivery", vendor_slug=vendor.slug, pk=pk)


@vendor_view(methods=("GET",))
def quote_document(request, vendor, pk: int):
    obj = _request_or_404(vendor, pk)
    quote = next(
        (q for q in obj.quotes.all() if q.vendor_id == vendor.pk and q.status != "withdrawn"),
        None,
    )
    if quote is None:
        raise Http404("견적이 없습니다.")
    return document_response("quote", "quote", quote.pk)


@vendor_view(methods=("GET",))
def delivery_document(request, vendor, pk: int, kind: str, fmt: str = "pdf"):
    delivery = _delivery_or_404(vendor, pk)
    if kind == "tax_invoice" and delivery.status not in (
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.PAID,
    ):
        raise Http404("검수 합격 후에 세금계산서 자료를 받을 수 있습니다.")
    return document_response(kind, "delivery", delivery.pk, csv=fmt == "csv")


def open_request_count(vendor) -> int:
    """Open requests waiting for this vendor's quote (for a dashboard badge)."""
    return (
        selectors.quote_requests_for_vendor(vendor)
        .filter(status=QuoteRequestStatus.OPEN, deadline__gte=timezone.now())
        .filter(~Q(quotes__vendor=vendor, quotes__status__in=["submitted", "accepted"]))
        .count()
    )
