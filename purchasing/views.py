"""The agency portal (/agency/, Korean): catalog of eligible vendors, quote requests, side-by-side
quote comparison with the contract route, acceptance, orders with inspection (검수), due dates
and overdue flags, the yearly plan and the priority-purchase report (chart, table, XLSX, CSV).

Access: an approved buyer sees their agency only; anything of another agency answers 404
(the portal never reveals what exists). Centre staff see every agency (``?agency=<id>``
narrows to one). Signed-in users without an approved buyer account are sent to the
registration page. Every write goes through ``purchasing.services``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from core.errors import DomainError, DomainErrors, add_to_form, as_error_list
from purchasing import charts, permissions, selectors, services
from purchasing.forms import (
    BuyerRegisterForm,
    InspectForm,
    ItemFormSet,
    QuoteRequestForm,
    ReasonForm,
    plan_form_for,
)
from purchasing.models import (
    Agency,
    BuyerStatus,
    DeliveryStatus,
    PurchasePlan,
    Quote,
    QuoteRequestStatus,
    QuoteStatus,
)
from purchasing.report import export_filename, priority_purchase_report, report_csv, report_xlsx
from shop import selectors as shop_selectors
from shop.catalog.models import ProductVariant
from shop.selectors import ProductFilter, ProductRelations
from vendors.eligibility import organization_is_eligible

PAGE_SIZE = 20
CATALOG_PAGE_SIZE = 24
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------


@dataclass
class Portal:
    """Who is looking, and at which agency (``None`` for staff looking at every agency)."""

    user: object
    agency: Agency | None
    staff: bool

    @property
    def agency_ids(self) -> set[int] | None:
        return {self.agency.pk} if self.agency is not None else None

    def scope(self, qs, field: str = "agency_id"):
        return qs if self.agency is None else qs.filter(**{field: self.agency.pk})

    def query(self) -> str:
        """``?agency=`` to keep a staff member's choice in links."""
        if self.staff and self.agency is not None:
            return "?" + urlencode({"agency": self.agency.pk})
        return ""


def _staff_agency(request) -> Agency | None:
    raw = request.GET.get("agency") or request.POST.get("agency") or ""
    if not raw.isdigit():
        return None
    return Agency.objects.filter(pk=int(raw)).first()


def portal_view(*, methods=("GET", "POST")):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if user.is_staff:
                portal = Portal(user=user, agency=_staff_agency(request), staff=True)
            else:
                buyer = permissions.approved_buyer(user)
                if buyer is None:
                    return redirect("agency:register")
                portal = Portal(user=user, agency=buyer.agency, staff=False)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            request.portal = portal
            return view(request, portal, *args, **kwargs)

        return wrapper

    return decorator


def _ctx(portal: Portal, nav: str, **extra) -> dict:
    agencies = Agency.objects.order_by("name") if portal.staff else None
    return {"portal": portal, "nav": nav, "staff_agencies": agencies, **extra}


# Service fields (GraphQL's camelCase) → form fields.
FORM_FIELDS = {"vendorIds": "vendors", "openToAll": "open_to_all"}


def attach_errors(form, exc: DomainError | DomainErrors) -> None:
    """Domain errors onto a form, on the field they name when the form has it."""
    errors = []
    for err in as_error_list(exc):
        field = err.field or ""
        field = FORM_FIELDS.get(field) or re.sub(r"(?<!^)([A-Z])", r"_\1", field).lower()
        errors.append(DomainError(err.code, err.message, field or None))
    add_to_form(form, DomainErrors(errors))


def _errors(request, exc: DomainError | DomainErrors) -> None:
    for err in as_error_list(exc):
        messages.error(request, str(err.message))


def _redirect(name: str, portal: Portal, *args):
    return redirect(reverse(name, args=args) + portal.query())


# ---------------------------------------------------------------------------------------------
# Registration and home
# ---------------------------------------------------------------------------------------------


@login_required
def register(request):
    """A signed-in user applies to buy for an agency; staff approve in the admin."""
    buyer = permissions.buyer_of(request.user)
    if buyer is not None and buyer.status == BuyerStatus.APPROVED:
        return redirect("agency:home")
    form = BuyerRegisterForm(request.POST or None)
    can_apply = buyer is None or buyer.status in (BuyerStatus.REJECTED,)
    if request.method == "POST" and can_apply and form.is_valid():
        try:
            buyer = services.buyer_register(user=request.user, **form.cleaned_data)
        except (DomainError, DomainErrors) as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, "구매 담당자 신청을 받았습니다. 센터 직원이 확인 후 승인합니다."
            )
            return redirect("agency:register")
    return render(
        request,
        "purchasing/register.html",
        {"form": form, "buyer": buyer, "can_apply": can_apply, "nav": "register"},
        status=400 if form.errors else 200,
    )


@portal_view(methods=("GET",))
def home(request, portal: Portal):
    today = timezone.localdate()
    requests_qs = portal.scope(selectors.visible_quote_requests(request.user))
    deliveries_qs = portal.scope(selectors.visible_deliveries(request.user))
    counts = selectors.delivery_counts(deliveries_qs, today=today)
    recent = (
        requests_qs.select_related("agency")
        .annotate(
            quote_count=Count("quotes", filter=Q(quotes__status__in=["submitted", "accepted"]))
        )
        .order_by("-created_at", "-id")[:5]
    )
    due = list(
        selectors.delivery_queryset()
        .filter(pk__in=deliveries_qs.values("pk"))
        .filter(status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.ACCEPTED])
        .order_by("inspection_due", "payment_due", "id")[:10]
    )
    for d in due:
        d.overdue = d.is_overdue(today)
    return render(
        request,
        "purchasing/home.html",
        _ctx(
            portal,
            "home",
            counts=counts,
            open_requests=selectors.open_request_count(requests_qs),
            recent=recent,
            due=due,
            today=today,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Catalog: eligible vendors only
# ---------------------------------------------------------------------------------------------


@portal_view(methods=("GET",))
def catalog(request, portal: Portal):
    today = timezone.localdate()
    tree = shop_selectors.category_tree()
    q = (request.GET.get("q") or "").strip()[:100]
    category = tree.by_slug.get(request.GET.get("category") or "")
    filters = ProductFilter(
        search=q,
        categories=(category.pk,) if category else (),
        priority_purchase=True,
        priority_on=today,
    )
    source = shop_selectors.product_list(
        filters=filters, relations=ProductRelations(certifications=True, images=True)
    )
    page = Paginator(source, CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    cards = []
    for card in shop_selectors.product_cards(page.object_list):
        org = card.product.vendor.organization
        card.eligibility = organization_is_eligible(org, on=today)
        card.variants = list(card.product.variants.all())
        cards.append(card)
    return render(
        request,
        "purchasing/catalog.html",
        _ctx(
            portal,
            "catalog",
            page=page,
            cards=cards,
            q=q,
            category=category,
            categories=tree.roots,
            today=today,
        ),
    )


@portal_view(methods=("GET",))
def vendor_list(request, portal: Portal):
    today = timezone.localdate()
    vendors = (
        services.eligible_vendors(today)
        .select_related("organization")
        .prefetch_related(selectors.certifications_prefetch("organization__certifications"))
        .annotate(product_count=Count("products", filter=Q(products__is_published=True)))
        .order_by("store_name", "id")
    )
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        vendors = vendors.filter(Q(store_name__icontains=q) | Q(organization__name__icontains=q))
    page = Paginator(vendors, 50).get_page(request.GET.get("page"))
    rows = [(v, organization_is_eligible(v.organization, on=today)) for v in page.object_list]
    return render(
        request,
        "purchasing/vendors.html",
        _ctx(portal, "catalog", page=page, rows=rows, q=q, today=today),
    )


# ---------------------------------------------------------------------------------------------
# Quote requests
# ---------------------------------------------------------------------------------------------


@portal_view(methods=("GET",))
def request_list(request, portal: Portal):
    qs = portal.scope(selectors.visible_quote_requests(request.user))
    status = request.GET.get("status") or ""
    if status in QuoteRequestStatus.values:
        qs = qs.filter(status=status)
    qs = (
        qs.select_related("agency", "department", "requested_by")
        .annotate(
            quote_count=Count(
                "quotes",
                filter=Q(quotes__status__in=["submitted", "accepted", "expired"]),
                distinct=True,
            ),
            item_count=Count("items", distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "purchasing/request_list.html",
        _ctx(
            portal,
            "requests",
            page=page,
            status=status,
            statuses=QuoteRequestStatus.choices,
            now=timezone.now(),
        ),
    )


def _vendor_choices(today: dt.date, extra_ids=()):
    vendors = services.eligible_vendors(today).select_related("organization")
    if extra_ids:
        from vendors.models import Vendor

        vendors = vendors | Vendor.objects.filter(pk__in=extra_ids, is_active=True)
    return [
        (str(v.pk), f"{v.store_name} ({v.organization.get_org_type_display()})")
        for v in vendors.distinct().order_by("store_name", "id")
    ]


def _initial_items(request) -> list[dict]:
    ids = [int(v) for v in request.GET.getlist("variant") if v.isdigit()][:50]
    variants = {
        v.pk: v
        for v in ProductVariant.objects.select_related("product__vendor").filter(
            pk__in=ids, product__is_published=True, product__vendor__is_active=True
        )
    }
    items = [
        {
            "name": variants[pk].product.name,
            "spec": variants[pk].name,
            "unit": "개",
            "quantity": 1,
            "variant_id": pk,
        }
        for pk in ids
        if pk in variants
    ]
    from bundles.models import Bundle

    bundle_ids = [int(v) for v in request.GET.getlist("bundle") if v.isdigit()][:20]
    for bundle in Bundle.objects.filter(pk__in=bundle_ids, is_published=True).order_by("pk"):
        items.append(
            {
                "name": bundle.name,
                "spec": f"{bundle.serves}인 기준 다과꾸러미",
                "unit": "세트",
                "quantity": 1,
                "bundle_id": bundle.pk,
            }
        )
    return items


@portal_view()
def request_create(request, portal: Portal):
    today = timezone.localdate()
    if portal.agency is None:
        messages.error(request, "센터 직원은 기관을 고른 뒤 견적을 요청할 수 있습니다 (?agency=).")
        return redirect("agency:request_list")
    initial_items = _initial_items(request) if request.method == "GET" else []
    preselected = sorted(
        {
            str(v.product.vendor_id)
            for v in ProductVariant.objects.select_related("product").filter(
                pk__in=[i["variant_id"] for i in initial_items]
            )
        }
    )
    choices = _vendor_choices(today, extra_ids=[int(v) for v in preselected])
    buyer = permissions.approved_buyer(request.user)
    form = QuoteRequestForm(
        request.POST or None,
        vendor_choices=choices,
        initial={
            "vendors": preselected,
            "contact_name": request.user.name,
            "contact_phone": buyer.phone if buyer else "",
        },
    )
    if request.method == "GET":
        rows = initial_items + [{"unit": "개"}] * max(3 - len(initial_items), 1)
        items = ItemFormSet(prefix="items", initial=rows)
    else:
        items = ItemFormSet(request.POST, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        data = form.cleaned_data
        item_inputs = [
            services.ItemInput(
                quantity=f.cleaned_data.get("quantity") or 0,
                name=f.cleaned_data.get("name") or "",
                spec=f.cleaned_data.get("spec") or "",
                unit=f.cleaned_data.get("unit") or "",
                note=f.cleaned_data.get("note") or "",
                variant_id=f.cleaned_data.get("variant_id"),
                bundle_id=f.cleaned_data.get("bundle_id"),
            )
            for f in items.forms
            if f.cleaned_data and not f.is_blank()
        ]
        try:
            created = services.quote_request_create(
                actor=request.user,
                agency=portal.agency,
                title=data["title"],
                note=data["note"],
                delivery_date=data["delivery_date"],
                delivery_place=data["delivery_place"],
                delivery_postcode=data["delivery_postcode"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                deadline=data["deadline"],
                estimated_price=data["estimated_price"],
                open_to_all=data["open_to_all"],
                vendor_ids=[int(v) for v in data["vendors"]],
                items=item_inputs,
            )
        except (DomainError, DomainErrors) as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                f"견적 요청 {created.number}을(를) 보냈습니다 "
                f"(판매처 {created.invited_vendors.count()}곳).",
            )
            return _redirect("agency:request_detail", portal, created.pk)
    return render(
        request,
        "purchasing/request_form.html",
        _ctx(portal, "requests", form=form, items=items),
        status=400 if request.method == "POST" else 200,
    )


def _request_or_404(portal: Portal, request, pk: int):
    base = portal.scope(selectors.visible_quote_requests(request.user))
    obj = selectors.quote_request_queryset().filter(pk=pk, pk__in=base.values("pk")).first()
    if obj is None:
        raise Http404("견적 요청을 찾을 수 없습니다.")
    return obj


@portal_view(methods=("GET",))
def request_detail(request, portal: Portal, pk: int):
    obj = _request_or_404(portal, request, pk)
    comparison = selectors.compare_quotes(obj)
    others = [
        q for q in obj.quotes.all() if q.status in (QuoteStatus.REJECTED, QuoteStatus.WITHDRAWN)
    ]
    delivery = obj.deliveries.select_related("order").first()
    return render(
        request,
        "purchasing/request_detail.html",
        _ctx(
            portal,
            "requests",
            rfq=obj,
            comparison=comparison,
            others=others,
            delivery=delivery,
            events=selectors.request_events(obj),
            now=timezone.now(),
            documents=_documents_enabled(),
        ),
    )


@portal_view(methods=("POST",))
def request_cancel(request, portal: Portal, pk: int):
    obj = _request_or_404(portal, request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.quote_request_cancel(
            request=obj, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except (DomainError, DomainErrors) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"견적 요청 {obj.number}을(를) 취소했습니다.")
    return _redirect("agency:request_detail", portal, obj.pk)


def _quote_or_404(portal: Portal, request, pk: int) -> Quote:
    qs = Quote.objects.select_related("request__agency", "vendor__organization").filter(
        pk=pk, request__in=portal.scope(selectors.visible_quote_requests(request.user))
    )
    quote = qs.first()
    if quote is None or not permissions.can_act_for_agency(request.user, quote.request.agency_id):
        raise Http404("견적을 찾을 수 없습니다.")
    return quote


@portal_view(methods=("POST",))
def quote_accept(request, portal: Portal, pk: int):
    quote = _quote_or_404(portal, request, pk)
    try:
        delivery = services.quote_accept(quote=quote, actor=request.user)
    except (DomainError, DomainErrors) as exc:
        _errors(request, exc)
        return _redirect("agency:request_detail", portal, quote.request_id)
    messages.success(
        request,
        f"{quote.vendor.store_name}의 견적을 선정했습니다. 주문 {delivery.order.number} "
        f"({delivery.amount:,}원)이 계산서 후불로 발주되었습니다.",
    )
    return _redirect("agency:delivery_detail", portal, delivery.pk)


@portal_view(methods=("POST",))
def quote_reject(request, portal: Portal, pk: int):
    quote = _quote_or_404(portal, request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.quote_reject(
            quote=quote, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except (DomainError, DomainErrors) as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"{quote.vendor.store_name}의 견적을 반려했습니다.")
    return _redirect("agency:request_detail", portal, quote.request_id)


# ---------------------------------------------------------------------------------------------
# Orders: delivery, inspection, payment
# ---------------------------------------------------------------------------------------------

DELIVERY_FILTERS = {
    "open": ("진행 중", Q(status__in=["ordered", "delivered", "rejected", "accepted"])),
    "inspection": ("검수 대기", Q(status="delivered")),
    "payment": ("지급 대기", Q(status="accepted")),
    "done": ("완료", Q(status="paid")),
}


@portal_view(methods=("GET",))
def delivery_list(request, portal: Portal):
    today = timezone.localdate()
    base = portal.scope(selectors.visible_deliveries(request.user))
    qs = selectors.delivery_queryset().filter(pk__in=base.values("pk"))
    show = request.GET.get("show") or ""
    if show == "overdue":
        qs = qs.filter(
            Q(status=DeliveryStatus.DELIVERED, inspection_due__lt=today)
            | Q(status=DeliveryStatus.ACCEPTED, payment_due__lt=today)
        )
    elif show in DELIVERY_FILTERS:
        qs = qs.filter(DELIVERY_FILTERS[show][1])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for d in page.object_list:
        d.inspection_overdue = d.is_inspection_overdue(today)
        d.payment_overdue = d.is_payment_overdue(today)
    return render(
        request,
        "purchasing/delivery_list.html",
        _ctx(
            portal,
            "orders",
            page=page,
            show=show,
            filters=[(k, v[0]) for k, v in DELIVERY_FILTERS.items()],
            counts=selectors.delivery_counts(base, today=today),
            today=today,
        ),
    )


def _delivery_or_404(portal: Portal, request, pk: int):
    base = portal.scope(selectors.visible_deliveries(request.user))
    delivery = selectors.delivery_queryset().filter(pk=pk, pk__in=base.values("pk")).first()
    if delivery is None or not permissions.can_act_for_agency(request.user, delivery.agency_id):
        raise Http404("주문을 찾을 수 없습니다.")
    return delivery


@portal_view(methods=("GET",))
def delivery_detail(request, portal: Portal, pk: int):
    return _delivery_page(request, portal, _delivery_or_404(portal, request, pk))


def _delivery_page(request, portal: Portal, delivery, inspect_form=None):
    today = timezone.localdate()
    lines = list(delivery.quote.lines.order_by("sort_order", "id"))
    events = [
        e
        for e in delivery.events.select_related("actor").order_by("created_at", "id")
        if e.type != "email_sent"
    ]
    return render(
        request,
        "purchasing/delivery_detail.html",
        _ctx(
            portal,
            "orders",
            delivery=delivery,
            lines=lines,
            events=events,
            inspect_form=inspect_form or InspectForm(),
            inspection_overdue=delivery.is_inspection_overdue(today),
            payment_overdue=delivery.is_payment_overdue(today),
            can_cancel=delivery.status == DeliveryStatus.ORDERED
            and (request.user.is_staff or delivery.order.user_id == request.user.pk),
            documents=_documents_enabled(),
            today=today,
        ),
        status=400 if inspect_form is not None and inspect_form.errors else 200,
    )


@portal_view(methods=("POST",))
def delivery_inspect(request, portal: Portal, pk: int):
    delivery = _delivery_or_404(portal, request, pk)
    form = InspectForm(request.POST)
    if form.is_valid():
        try:
            services.delivery_inspect(
                delivery=delivery,
                actor=request.user,
                accepted=form.cleaned_data["result"] == "accepted",
                reason=form.cleaned_data["reason"],
            )
        except (DomainError, DomainErrors) as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                "검수 합격으로 처리했습니다. 대금 지급 기한을 확인하세요."
                if form.cleaned_data["result"] == "accepted"
                else "검수 반려를 판매처에 알렸습니다.",
            )
            return _redirect("agency:delivery_detail", portal, delivery.pk)
    return _delivery_page(request, portal, delivery, inspect_form=form)


@portal_view(methods=("POST",))
def delivery_cancel(request, portal: Portal, pk: int):
    delivery = _delivery_or_404(portal, request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.delivery_cancel(
            delivery=delivery, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except (DomainError, DomainErrors) as exc:
        _errors(request, exc)
    else:
        messages.success(request, "발주를 취소했습니다.")
    return _redirect("agency:delivery_detail", portal, delivery.pk)


# ---------------------------------------------------------------------------------------------
# Documents (purchasing.documents)
# ---------------------------------------------------------------------------------------------


def _documents_enabled() -> bool:
    from purchasing.document_data import documents_available

    return documents_available()


def _pdf(kind: str, object_type: str, object_id: int):
    from purchasing.documents.tasks import get_or_render

    stored = get_or_render(kind, object_type, object_id)
    response = FileResponse(stored.path.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, stored.filename)
    return response


def document_response(kind: str, object_type: str, object_id: int, *, csv: bool = False):
    if not _documents_enabled():
        raise Http404("문서 기능이 설치되지 않았습니다.")
    if csv:
        from purchasing.documents.tasks import document_csv

        response = HttpResponse(
            document_csv(object_type, object_id).encode("utf-8"),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"세금계산서_{object_type}-{object_id}.csv"
        )
        return response
    return _pdf(kind, object_type, object_id)


@portal_view(methods=("GET",))
def quote_document(request, portal: Portal, pk: int):
    quote = _quote_or_404(portal, request, pk)
    return document_response("quote", "quote", quote.pk)


@portal_view(methods=("GET",))
def delivery_document(request, portal: Portal, pk: int, kind: str, fmt: str = "pdf"):
    delivery = _delivery_or_404(portal, request, pk)
    if kind not in ("statement", "tax_invoice") or (fmt == "csv" and kind != "tax_invoice"):
        raise Http404("문서를 찾을 수 없습니다.")
    if kind == "tax_invoice" and delivery.status not in (
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.PAID,
    ):
        raise Http404("검수 합격 후에 세금계산서 자료를 받을 수 있습니다.")
    return document_response(kind, "delivery", delivery.pk, csv=fmt == "csv")


# ---------------------------------------------------------------------------------------------
# Plan and report
# ---------------------------------------------------------------------------------------------


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@portal_view()
def plan(request, portal: Portal):
    year = _year(request)
    if portal.agency is None:
        messages.error(request, "기관을 고른 뒤 계획을 입력하세요.")
        return redirect(reverse("agency:report") + f"?year={year}")
    existing = (
        PurchasePlan.objects.filter(agency=portal.agency, year=year)
        .prefetch_related("targets__category")
        .first()
    )
    initial = {}
    if existing is not None:
        initial = {"total_budget": existing.total_budget, "note": existing.note}
        for t in existing.targets.all():
            initial[f"amount_{t.category.code}"] = t.target_amount or None
            initial[f"rate_{t.category.code}"] = t.target_rate
    form = plan_form_for(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        targets = [
            services.TargetInput(
                c.code, amount=data.get(f"amount_{c.code}") or 0, rate=data.get(f"rate_{c.code}")
            )
            for c in form.categories
            if data.get(f"amount_{c.code}") or data.get(f"rate_{c.code}") is not None
        ]
        try:
            services.plan_save(
                agency=portal.agency,
                year=year,
                total_budget=data["total_budget"],
                targets=targets,
                actor=request.user,
                note=data["note"],
            )
        except (DomainError, DomainErrors) as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"{year}년 우선구매 계획을 저장했습니다.")
            query = {"year": year}
            if portal.staff:
                query["agency"] = portal.agency.pk
            return redirect(reverse("agency:report") + "?" + urlencode(query))
    category_fields = [
        (c, form[f"amount_{c.code}"], form[f"rate_{c.code}"]) for c in form.categories
    ]
    return render(
        request,
        "purchasing/plan.html",
        _ctx(portal, "report", form=form, year=year, category_fields=category_fields),
        status=400 if form.errors else 200,
    )


@portal_view(methods=("GET",))
def report(request, portal: Portal):
    year = _year(request)
    data = priority_purchase_report(year=year, agency=portal.agency)
    this_year = timezone.localdate().year
    query = {"year": year}
    if portal.staff and portal.agency is not None:
        query["agency"] = portal.agency.pk
    return render(
        request,
        "purchasing/report.html",
        _ctx(
            portal,
            "report",
            report=data,
            year=year,
            years=list(range(this_year + 1, this_year - 5, -1)),
            monthly_chart=charts.monthly_svg(data),
            category_chart=charts.category_svg(data),
            export_query="?" + urlencode({"agency": portal.agency.pk})
            if portal.staff and portal.agency is not None
            else "",
        ),
    )


@portal_view(methods=("GET",))
def report_export(request, portal: Portal, year: int, fmt: str):
    if not 2000 <= year <= 2100:
        raise Http404
    data = priority_purchase_report(year=year, agency=portal.agency)
    if fmt == "xlsx":
        response = HttpResponse(report_xlsx(data), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(report_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, export_filename(data, fmt))
    return response
