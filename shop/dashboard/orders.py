"""Vendor dashboard order pages (/vendor/<slug>/orders/, Korean): list, detail and fulfilment.

A vendor sees its own vendor orders only: the detail page loads one vendor order of *this*
vendor (404 for another vendor's number) and shows its lines, its delivery fee, its total and
the delivery address; never the other vendors' lines or the order's overall total. Access
is the dashboard's (``vendor_view``: login, then 404 unless the user manages the vendor).

Every action is a POST that calls ``shop.orders.services`` (ship with carrier and tracking
number, mark delivered, cancel, partial refund, accept or reject a withdrawal request); the
services check status and permission again and record who did it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render

from core.errors import DomainError, DomainErrors, add_to_form, as_error_list
from shop.dashboard.forms import WonField
from shop.dashboard.views import vendor_view
from shop.orders import services
from shop.orders.models import ReturnRequest, ReturnStatus, VendorOrder, VendorOrderStatus
from shop.orders.selectors import vendor_order_queryset

PAGE_SIZE = 20

CARRIERS = ["CJ대한통운", "롯데택배", "한진택배", "우체국택배", "로젠택배"]

STATUS_FILTERS = [
    ("", "전체"),
    (VendorOrderStatus.UNFULFILLED, "배송 준비"),
    (VendorOrderStatus.SHIPPED, "발송"),
    (VendorOrderStatus.DELIVERED, "배송 완료"),
    (VendorOrderStatus.CANCELED, "취소"),
]

STATUS_CLASS = {
    VendorOrderStatus.UNFULFILLED: "warn",
    VendorOrderStatus.SHIPPED: "",
    VendorOrderStatus.DELIVERED: "muted",
    VendorOrderStatus.CANCELED: "bad",
}

# Service error fields → form fields.
_FIELDS = {"carrier": "carrier", "trackingNumber": "tracking_number", "amount": "amount"}


def _add_errors(form: forms.Form, exc: DomainError | DomainErrors) -> None:
    add_to_form(
        form,
        DomainErrors(
            DomainError(e.code, e.message, _FIELDS.get(e.field or "", e.field))
            for e in as_error_list(exc)
        ),
    )


# --- Forms ----------------------------------------------------------------------------------------


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(
        label="택배사", choices=[("", "택배사 선택")] + [(c, c) for c in CARRIERS], required=False
    )
    tracking_number = forms.CharField(
        label="운송장 번호",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="취소 사유", max_length=500, required=False)


class RefundForm(forms.Form):
    amount = WonField(label="환불 금액 (원)", min_value=1)
    reason = forms.CharField(label="사유", max_length=500)


class ReturnAcceptForm(forms.Form):
    restock = forms.BooleanField(label="돌려받은 상품을 재고에 다시 넣기", required=False)
    note = forms.CharField(label="메모 (구매자에게 보임)", max_length=500, required=False)


class ReturnRejectForm(forms.Form):
    reason = forms.CharField(label="거절 사유", max_length=500)


# --- Pages ----------------------------------------------------------------------------------------


def _summary(vo: VendorOrder) -> tuple[str, int, int]:
    lines = list(vo.lines.all())
    first = lines[0].product_name if lines else ""
    return first, max(len(lines) - 1, 0), sum(line.quantity for line in lines)


@vendor_view(methods=("GET",))
def order_list(request, vendor):
    """This vendor's orders, newest first, by status (a fixed number of queries per page)."""
    status = request.GET.get("status") or ""
    if status not in VendorOrderStatus.values:
        status = ""
    counts = dict(
        VendorOrder.objects.filter(vendor=vendor)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    qs = vendor_order_queryset().filter(vendor=vendor).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    paginator = Paginator(qs, PAGE_SIZE)
    paginator.count = counts.get(status, 0) if status else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for vo in page.object_list:
        first, more, units = _summary(vo)
        rows.append(
            {
                "vo": vo,
                "first": first,
                "more": more,
                "units": units,
                "status_class": STATUS_CLASS.get(vo.status, ""),
                "pending_return": any(
                    r.status == ReturnStatus.REQUESTED for r in vo.return_requests.all()
                ),
            }
        )
    filters = [
        (key, label, counts.get(key, 0) if key else sum(counts.values()))
        for key, label in STATUS_FILTERS
    ]
    return render(
        request,
        "shop/dashboard/orders/list.html",
        {
            "vendor": vendor,
            "nav": "orders",
            "page": page,
            "rows": rows,
            "status": status,
            "filters": filters,
        },
    )


def _vendor_order_or_404(vendor, number: str) -> VendorOrder:
    vo = vendor_order_queryset(events=True).filter(vendor=vendor, number=number).first()
    if vo is None:
        raise Http404("주문을 찾을 수 없습니다.")
    return vo


def _detail(request, vendor, vo: VendorOrder, *, status: int = 200, **forms_):
    lines = list(vo.lines.all())
    names = {line.pk: line for line in lines}
    requests = []
    for r in vo.return_requests.all():
        items = [
            (names[item["line_id"]].product_name, item["quantity"])
            for item in r.lines
            if item.get("line_id") in names
        ]
        requests.append({"request": r, "items": items})
    refundable = (
        services.vendor_order_refundable_amount(vo)
        if vo.status != VendorOrderStatus.CANCELED
        else 0
    )
    ship_initial = {"carrier": vo.carrier, "tracking_number": vo.tracking_number}
    context = {
        "vendor": vendor,
        "nav": "orders",
        "vo": vo,
        "order": vo.order,
        "lines": lines,
        "events": list(vo.events.all()),
        "return_requests": requests,
        "refundable": refundable,
        "status_class": STATUS_CLASS.get(vo.status, ""),
        "can_ship": vo.status in (VendorOrderStatus.UNFULFILLED, VendorOrderStatus.SHIPPED),
        "can_deliver": vo.status == VendorOrderStatus.SHIPPED,
        "can_cancel": vo.status == VendorOrderStatus.UNFULFILLED,
        "can_refund": refundable > 0,
        "ship_form": forms_.get("ship_form") or ShipForm(initial=ship_initial),
        "cancel_form": forms_.get("cancel_form") or CancelForm(),
        "refund_form": forms_.get("refund_form") or RefundForm(),
        "accept_form": ReturnAcceptForm(),
        "reject_form": forms_.get("reject_form") or ReturnRejectForm(),
        "reject_for": forms_.get("reject_for"),
        "carriers": CARRIERS,
    }
    return render(request, "shop/dashboard/orders/detail.html", context, status=status)


@vendor_view(methods=("GET",))
def order_detail(request, vendor, number: str):
    return _detail(request, vendor, _vendor_order_or_404(vendor, number))


def _back(vendor, vo: VendorOrder):
    return redirect("dashboard:order_detail", vendor_slug=vendor.slug, number=vo.number)


@vendor_view(methods=("POST",))
def order_ship(request, vendor, number: str):
    """Hand over to the carrier (or correct the tracking number once shipped)."""
    vo = _vendor_order_or_404(vendor, number)
    form = ShipForm(request.POST)
    if form.is_valid():
        first_time = vo.status == VendorOrderStatus.UNFULFILLED
        try:
            services.vendor_order_ship(
                vendor_order=vo,
                actor=request.user,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except (DomainError, DomainErrors) as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                "발송 처리했습니다. 구매자에게 운송장 번호를 알렸습니다."
                if first_time
                else "운송장 번호를 고쳤습니다.",
            )
            return _back(vendor, vo)
    return _detail(request, vendor, vo, ship_form=form, status=400)


def _simple_action(request, vendor, vo, call, ok: str):
    try:
        call()
    except (DomainError, DomainErrors) as exc:
        for err in as_error_list(exc):
            messages.error(request, str(err.message))
    else:
        messages.success(request, ok)
    return _back(vendor, vo)


@vendor_view(methods=("POST",))
def order_deliver(request, vendor, number: str):
    vo = _vendor_order_or_404(vendor, number)
    return _simple_action(
        request,
        vendor,
        vo,
        lambda: services.vendor_order_deliver(vendor_order=vo, actor=request.user),
        "배송 완료로 바꿨습니다. 오늘부터 7일 동안 구매자가 청약철회를 요청할 수 있습니다.",
    )


@vendor_view(methods=("POST",))
def order_cancel(request, vendor, number: str):
    vo = _vendor_order_or_404(vendor, number)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _simple_action(
        request,
        vendor,
        vo,
        lambda: services.vendor_order_cancel(
            vendor_order=vo, actor=request.user, reason=reason or "판매처 취소"
        ),
        "주문을 취소했습니다. 결제된 금액은 구매자에게 환불됩니다.",
    )


@vendor_view(methods=("POST",))
def order_refund(request, vendor, number: str):
    """A partial refund by amount (won) with a reason."""
    vo = _vendor_order_or_404(vendor, number)
    form = RefundForm(request.POST)
    if form.is_valid():
        amount = form.cleaned_data["amount"]
        try:
            services.vendor_order_refund(
                vendor_order=vo,
                actor=request.user,
                amount=amount,
                reason=form.cleaned_data["reason"],
            )
        except (DomainError, DomainErrors) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{amount:,}원을 환불했습니다.")
            return _back(vendor, vo)
    return _detail(request, vendor, vo, refund_form=form, status=400)


def _return_request_or_404(vo: VendorOrder, pk: int) -> ReturnRequest:
    request = next((r for r in vo.return_requests.all() if r.pk == pk), None)
    if request is None:
        raise Http404("청약철회 요청을 찾을 수 없습니다.")
    return request


@vendor_view(methods=("POST",))
def return_accept(request, vendor, number: str, pk: int):
    vo = _vendor_order_or_404(vendor, number)
    return_request = _return_request_or_404(vo, pk)
    form = ReturnAcceptForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _simple_action(
        request,
        vendor,
        vo,
        lambda: services.return_request_accept(
            return_request=return_request,
            actor=request.user,
            restock=bool(data.get("restock")),
            note=data.get("note", ""),
        ),
        "청약철회를 승인하고 환불했습니다.",
    )


@vendor_view(methods=("POST",))
def return_reject(request, vendor, number: str, pk: int):
    vo = _vendor_order_or_404(vendor, number)
    return_request = _return_request_or_404(vo, pk)
    form = ReturnRejectForm(request.POST)
    if form.is_valid():
        try:
            services.return_request_reject(
                return_request=return_request,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (DomainError, DomainErrors) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "청약철회 요청을 거절했습니다.")
            return _back(vendor, vo)
    return _detail(request, vendor, vo, reject_form=form, reject_for=pk, status=400)
