"""Purchasing writes: buyers, plans, quote requests, quotes, acceptance, delivery, inspection,
payment and reminders.

Every function is keyword-only, takes the acting user (``actor``), checks permission through
``purchasing.permissions``, runs in one transaction (rows locked where two people could race),
raises ``DomainError``/``DomainErrors`` with a ``purchasing.errors`` code, and records a
``PurchasingEvent`` (who, when, what); e-mails of an event are sent after the commit
(``purchasing.tasks.purchasing_event_emails``).

The flow (DESIGN.md): quote request → quotes → accepted quote → order on invoice
(``purchasing.ordering``) → delivery (the vendor's completion notice) → inspection (검수) →
invoice claim → payment (the bank transfer, recorded by staff or the vendor).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import audit
from core.errors import DomainError, DomainErrors
from purchasing import errors as codes
from purchasing import permissions, rules
from purchasing.models import (
    ACTIVE_QUOTE_STATUSES,
    DEFAULT_CATEGORIES,
    Agency,
    Buyer,
    BuyerStatus,
    Delivery,
    DeliveryStatus,
    Department,
    Inspection,
    InspectionResult,
    PlanTarget,
    PurchaseCategory,
    PurchasePlan,
    PurchasingEvent,
    Quote,
    QuoteLine,
    QuoteRequest,
    QuoteRequestItem,
    QuoteRequestStatus,
    QuoteStatus,
)
from shop.catalog.models import ProductVariant, TaxType
from shop.orders.models import VendorOrder, VendorOrderStatus
from shop.tax import add_tax_to_supply
from vendors.eligibility import filter_eligible_on
from vendors.models import Organization, Vendor

MAX_ITEMS = 100
MAX_QUANTITY = 1_000_000
MAX_UNIT_PRICE = 10_000_000_000  # ₩10bn a unit: anything above is a typing error


class EventType:
    BUYER_REGISTERED = "buyer_registered"
    BUYER_APPROVED = "buyer_approved"
    BUYER_REJECTED = "buyer_rejected"
    PLAN_SAVED = "plan_saved"
    REQUEST_CREATED = "request_created"
    REQUEST_CANCELLED = "request_cancelled"
    QUOTE_SUBMITTED = "quote_submitted"
    QUOTE_WITHDRAWN = "quote_withdrawn"
    QUOTE_REJECTED = "quote_rejected"
    QUOTE_EXPIRED = "quote_expired"
    QUOTE_ACCEPTED = "quote_accepted"
    ORDER_PLACED = "order_placed"
    ORDER_CANCELLED = "order_cancelled"
    DELIVERED = "delivered"
    INSPECTION_ACCEPTED = "inspection_accepted"
    INSPECTION_REJECTED = "inspection_rejected"
    PAYMENT_RECORDED = "payment_recorded"
    PAID = "paid"
    INSPECTION_REMINDER = "inspection_reminder"
    PAYMENT_REMINDER = "payment_reminder"
    EMAIL_SENT = "email_sent"


EVENT_LABELS = {
    EventType.BUYER_REGISTERED: "구매 담당자 신청",
    EventType.BUYER_APPROVED: "구매 담당자 승인",
    EventType.BUYER_REJECTED: "구매 담당자 반려",
    EventType.PLAN_SAVED: "구매 계획 저장",
    EventType.REQUEST_CREATED: "견적 요청",
    EventType.REQUEST_CANCELLED: "견적 요청 취소",
    EventType.QUOTE_SUBMITTED: "견적 제출",
    EventType.QUOTE_WITHDRAWN: "견적 철회",
    EventType.QUOTE_REJECTED: "견적 미선정",
    EventType.QUOTE_EXPIRED: "견적 유효기간 만료",
    EventType.QUOTE_ACCEPTED: "견적 선정",
    EventType.ORDER_PLACED: "발주(계산서 후불)",
    EventType.ORDER_CANCELLED: "발주 취소",
    EventType.DELIVERED: "납품 완료 통지",
    EventType.INSPECTION_ACCEPTED: "검수 합격",
    EventType.INSPECTION_REJECTED: "검수 반려",
    EventType.PAYMENT_RECORDED: "입금 기록",
    EventType.PAID: "대금 지급 완료",
    EventType.INSPECTION_REMINDER: "검수 기한 알림",
    EventType.PAYMENT_REMINDER: "지급 기한 알림",
    EventType.EMAIL_SENT: "이메일 발송",
}


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def event_record(
    *,
    agency: Agency | int,
    type: str,
    actor=None,
    request: QuoteRequest | None = None,
    quote: Quote | None = None,
    delivery: Delivery | None = None,
    message: str = "",
    data: dict | None = None,
    notify: bool = False,
) -> PurchasingEvent:
    """Append an event; ``notify`` queues its e-mails after the commit."""
    event = PurchasingEvent.objects.create(
        agency_id=agency if isinstance(agency, int) else agency.pk,
        request=request,
        quote=quote,
        delivery=delivery,
        type=type,
        actor=_user_or_none(actor),
        message=message,
        data=dict(data or {}),
    )
    if notify:
        from purchasing.tasks import purchasing_event_emails

        event_id = event.pk
        transaction.on_commit(lambda: purchasing_event_emails.delay(event_id))
    return event


def _raise_all(errors: list[DomainError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DomainErrors(errors)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


# ---------------------------------------------------------------------------------------------
# Buyers
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def buyer_register(
    *,
    user,
    agency: Agency,
    department_name: str = "",
    position: str = "",
    phone: str = "",
) -> Buyer:
    """A signed-in user asks to buy for an agency; centre staff approve (``buyer_approve``).

    A rejected applicant may apply again (the record goes back to pending); an approved or
    pending one may not apply for another agency.
    """
    if user is None or not user.is_authenticated:
        raise DomainError("PERMISSION_DENIED", "로그인이 필요합니다.")
    if not agency.is_active:
        raise DomainError("INVALID", "사용하지 않는 기관입니다.", "agency")
    department = None
    name = _text(department_name, 100)
    if name:
        department, _ = Department.objects.get_or_create(agency=agency, name=name)
    buyer = Buyer.objects.select_for_update().filter(user=user).first()
    if buyer is not None and buyer.status in (BuyerStatus.APPROVED, BuyerStatus.PENDING):
        raise DomainError("UNIQUE", "이미 신청했거나 승인된 구매 담당자입니다.", "agency")
    if buyer is None:
        buyer = Buyer(user=user)
    buyer.agency = agency
    buyer.department = department
    buyer.position = _text(position, 50)
    buyer.phone = _text(phone, 30)
    buyer.status = BuyerStatus.PENDING
    buyer.approved_by = None
    buyer.approved_at = None
    buyer.save()
    user.__dict__.pop("_nuri_buyer", None)
    event_record(
        agency=agency,
        type=EventType.BUYER_REGISTERED,
        actor=user,
        message=f"{user} 구매 담당자 신청",
        data={"buyer": buyer.pk},
    )
    return buyer


def _require_staff(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_staff:
        raise DomainError("PERMISSION_DENIED", "센터 직원만 할 수 있습니다.")


@transaction.atomic
def buyer_approve(*, buyer: Buyer, actor) -> Buyer:
    _require_staff(actor)
    buyer = Buyer.objects.select_for_update().select_related("user", "agency").get(pk=buyer.pk)
    audit.record(
        "buyer.approved",
        buyer,
        actor=actor,
        changes={"status": [buyer.status, BuyerStatus.APPROVED], "agency": buyer.agency.code},
    )
    buyer.status = BuyerStatus.APPROVED
    buyer.approved_by = actor
    buyer.approved_at = timezone.now()
    buyer.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    event_record(
        agency=buyer.agency,
        type=EventType.BUYER_APPROVED,
        actor=actor,
        message=f"{buyer.user} 구매 담당자 승인",
        data={"buyer": buyer.pk},
    )
    return buyer


@transaction.atomic
def buyer_reject(*, buyer: Buyer, actor, reason: str = "") -> Buyer:
    _require_staff(actor)
    buyer = Buyer.objects.select_for_update().select_related("user", "agency").get(pk=buyer.pk)
    audit.record(
        "buyer.rejected",
        buyer,
        actor=actor,
        reason=reason,
        changes={"status": [buyer.status, BuyerStatus.REJECTED], "agency": buyer.agency.code},
    )
    buyer.status = BuyerStatus.REJECTED
    buyer.review_note = (reason or "").strip()
    buyer.save(update_fields=["status", "review_note", "updated_at"])
    event_record(
        agency=buyer.agency,
        type=EventType.BUYER_REJECTED,
        actor=actor,
        message=buyer.review_note or f"{buyer.user} 구매 담당자 반려",
        data={"buyer": buyer.pk},
    )
    return buyer


# ---------------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------------


def purchase_categories_ensure() -> int:
    """Create the default report categories that are missing (never changes existing rows,
    which staff may have edited); returns how many were created."""
    created = 0
    for order, (code, name, kinds, statutory) in enumerate(DEFAULT_CATEGORIES, start=1):
        _, made = PurchaseCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kinds": kinds,
                "statutory": statutory,
                "sort_order": order * 10,
            },
        )
        created += made
    return created


@dataclass(frozen=True)
class TargetInput:
    category_code: str
    amount: int = 0
    rate: Decimal | str | None = None  # percent of the plan's total purchases


@transaction.atomic
def plan_save(
    *,
    agency: Agency,
    year: int,
    total_budget: int,
    targets: Sequence[TargetInput] = (),
    actor,
    note: str = "",
) -> PurchasePlan:
    """Create or replace an agency's plan for a year (its buyers or centre staff)."""
    permissions.require_agency(actor, agency.pk)
    errors = []
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(DomainError("INVALID", "연도가 올바르지 않습니다.", "year"))
    if not isinstance(total_budget, int) or total_budget < 0:
        errors.append(DomainError("INVALID", "총구매액은 0원 이상의 정수입니다.", "totalBudget"))
    categories = {c.code: c for c in PurchaseCategory.objects.all()}
    cleaned = []
    for t in targets:
        category = categories.get(t.category_code)
        if category is None:
            errors.append(
                DomainError("NOT_FOUND", f"'{t.category_code}' 구분이 없습니다.", "targets")
            )
            continue
        if not isinstance(t.amount, int) or t.amount < 0:
            errors.append(DomainError("INVALID", "목표 금액은 0원 이상입니다.", "targets"))
            continue
        rate = None
        if t.rate not in (None, ""):
            try:
                rate = Decimal(str(t.rate)).quantize(Decimal("0.01"))
            except InvalidOperation:
                rate = Decimal(-1)
            if not Decimal(0) <= rate <= Decimal(100):
                errors.append(DomainError("INVALID", "목표 비율은 0~100%입니다.", "targets"))
                continue
        cleaned.append((category, t.amount, rate))
    _raise_all(errors)
    plan, _ = PurchasePlan.objects.update_or_create(
        agency=agency,
        year=year,
        defaults={"total_budget": total_budget, "note": note, "updated_by": _user_or_none(actor)},
    )
    plan.targets.all().delete()
    PlanTarget.objects.bulk_create(
        PlanTarget(plan=plan, category=c, target_amount=amount, target_rate=rate)
        for c, amount, rate in cleaned
    )
    event_record(
        agency=agency,
        type=EventType.PLAN_SAVED,
        actor=actor,
        message=f"{year}년 우선구매 계획 (총구매액 {total_budget:,}원)",
        data={"year": year, "total_budget": total_budget},
    )
    return plan


# ---------------------------------------------------------------------------------------------
# Quote requests
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemInput:
    """One requested item: a catalog variant, a bundle, or free text."""

    quantity: int
    name: str = ""
    spec: str = ""
    unit: str = ""
    note: str = ""
    variant_id: int | None = None
    bundle_id: int | None = None


def eligible_vendors(on: dt.date):
    """Active vendors whose organizations count for priority purchase on ``on``."""
    orgs = filter_eligible_on(Organization.objects.all(), on)
    return Vendor.objects.filter(is_active=True, organization__in=orgs)


def _clean_items(items: Sequence[ItemInput]) -> tuple[list[QuoteRequestItem], set[int]]:
    """Validated item rows (unsaved) and the vendors of the catalog variants asked for."""
    from bundles.models import Bundle

    errors: list[DomainError] = []
    if not items:
        raise DomainError("REQUIRED", "품목을 하나 이상 입력하세요.", "items")
    if len(items) > MAX_ITEMS:
        raise DomainError("INVALID", f"품목은 {MAX_ITEMS}개까지 요청할 수 있습니다.", "items")
    variant_ids = {i.variant_id for i in items if i.variant_id}
    bundle_ids = {i.bundle_id for i in items if i.bundle_id}
    variants = {
        v.pk: v
        for v in ProductVariant.objects.select_related("product__vendor").filter(pk__in=variant_ids)
    }
    bundles = {b.pk: b for b in Bundle.objects.filter(pk__in=bundle_ids)}
    rows, vendor_ids = [], set()
    for index, item in enumerate(items, start=1):
        where = f"{index}번째 품목"
        variant = variants.get(item.variant_id) if item.variant_id else None
        bundle = bundles.get(item.bundle_id) if item.bundle_id else None
        if item.variant_id and variant is None:
            errors.append(DomainError("NOT_FOUND", f"{where}: 상품을 찾을 수 없습니다.", "items"))
            continue
        if item.bundle_id and bundle is None:
            errors.append(DomainError("NOT_FOUND", f"{where}: 꾸러미를 찾을 수 없습니다.", "items"))
            continue
        name = _text(item.name, 200)
        spec = _text(item.spec, 300)
        if variant is not None:
            name = name or variant.product.name[:200]
            spec = spec or variant.name[:300]
            vendor_ids.add(variant.product.vendor_id)
        elif bundle is not None:
            name = name or bundle.name[:200]
            spec = spec or f"{bundle.serves}인 기준 다과꾸러미"
        if not name:
            errors.append(DomainError("REQUIRED", f"{where}: 품명을 입력하세요.", "items"))
            continue
        if not _is_int(item.quantity) or not 1 <= item.quantity <= MAX_QUANTITY:
            errors.append(DomainError("INVALID", f"{where}: 수량은 1 이상의 정수입니다.", "items"))
            continue
        rows.append(
            QuoteRequestItem(
                variant=variant,
                bundle=bundle,
                name=name,
                spec=spec,
                unit=_text(item.unit, 20) or "개",
                quantity=item.quantity,
                note=_text(item.note, 300),
                sort_order=index,
            )
        )
    _raise_all(errors)
    return rows, vendor_ids


@transaction.atomic
def quote_request_create(
    *,
    actor,
    title: str,
    delivery_date: dt.date,
    delivery_place: str,
    deadline: dt.datetime,
    items: Sequence[ItemInput],
    vendor_ids: Sequence[int] = (),
    open_to_all: bool = False,
    agency: Agency | None = None,
    department: Department | None = None,
    note: str = "",
    estimated_price: int | None = None,
    delivery_postcode: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> QuoteRequest:
    """A buyer asks chosen vendors (or every eligible vendor) for quotes.

    The vendors of the catalog products asked for are invited too. With ``open_to_all``
    every active vendor that counts for priority purchase today is invited.
    """
    buyer = permissions.approved_buyer(actor)
    if agency is None:
        if buyer is None:
            raise DomainError(
                codes.NOT_A_BUYER, "승인된 기관 구매 담당자만 견적을 요청할 수 있습니다."
            )
        agency = buyer.agency
    permissions.require_agency(actor, agency.pk)
    if department is None and buyer is not None and buyer.agency_id == agency.pk:
        department = buyer.department
    if department is not None and department.agency_id != agency.pk:
        raise DomainError("INVALID", "다른 기관의 부서입니다.", "department")
    now = timezone.now()
    today = timezone.localdate()
    errors = []
    title = _text(title, 200)
    if not title:
        errors.append(DomainError("REQUIRED", "건명을 입력하세요.", "title"))
    place = _text(delivery_place, 300)
    if not place:
        errors.append(DomainError("REQUIRED", "납품 장소를 입력하세요.", "deliveryPlace"))
    if not isinstance(delivery_date, dt.date) or delivery_date < today:
        errors.append(DomainError("INVALID", "납품 기한은 오늘 이후여야 합니다.", "deliveryDate"))
    if not isinstance(deadline, dt.datetime) or deadline <= now:
        errors.append(DomainError("INVALID", "견적 마감은 지금 이후여야 합니다.", "deadline"))
    elif isinstance(delivery_date, dt.date) and timezone.localtime(deadline).date() > delivery_date:
        errors.append(
            DomainError("INVALID", "견적 마감은 납품 기한보다 앞서야 합니다.", "deadline")
        )
    if estimated_price is not None and (
        not isinstance(estimated_price, int) or estimated_price < 0
    ):
        errors.append(DomainError("INVALID", "추정가격은 0원 이상의 정수입니다.", "estimatedPrice"))
    postcode = (delivery_postcode or "").strip()
    if postcode and not (postcode.isdigit() and len(postcode) == 5):
        errors.append(DomainError("INVALID", "우편번호는 숫자 5자리입니다.", "deliveryPostcode"))
    try:
        rows, product_vendor_ids = _clean_items(items)
    except DomainErrors as exc:
        errors.extend(exc.errors)
        rows, product_vendor_ids = [], set()
    except DomainError as exc:
        errors.append(exc)
        rows, product_vendor_ids = [], set()
    wanted = set(vendor_ids) | product_vendor_ids
    vendors = list(Vendor.objects.filter(pk__in=wanted)) if wanted else []
    found = {v.pk for v in vendors}
    if set(vendor_ids) - found:
        errors.append(DomainError("NOT_FOUND", "판매처를 찾을 수 없습니다.", "vendorIds"))
    inactive = [v.store_name for v in vendors if not v.is_active]
    if inactive:
        errors.append(
            DomainError(
                codes.VENDOR_NOT_ELIGIBLE,
                f"판매 중이 아닌 판매처에는 요청할 수 없습니다: {', '.join(inactive)}",
                "vendorIds",
            )
        )
    if open_to_all:
        vendors = list({v.pk: v for v in [*vendors, *eligible_vendors(today)]}.values())
        if not vendors:
            errors.append(
                DomainError(
                    codes.VENDOR_NOT_ELIGIBLE, "우선구매 대상 판매처가 없습니다.", "openToAll"
                )
            )
    elif not vendors and not errors:
        errors.append(DomainError("REQUIRED", "견적을 요청할 판매처를 고르세요.", "vendorIds"))
    _raise_all(errors)

    request = QuoteRequest.objects.create(
        number=f"T{uuid.uuid4().hex[:20]}",  # replaced by the id-based number below
        agency=agency,
        department=department,
        requested_by=actor,
        title=title,
        note=(note or "").strip(),
        delivery_date=delivery_date,
        delivery_place=place,
        delivery_postcode=postcode,
        contact_name=_text(contact_name, 100) or (actor.name or "")[:100],
        contact_phone=_text(contact_phone, 30) or (buyer.phone if buyer else ""),
        deadline=deadline,
        estimated_price=estimated_price,
        open_to_all=bool(open_to_all),
    )
    request.number = f"R{today:%Y%m%d}-{request.pk:05d}"
    QuoteRequest.objects.filter(pk=request.pk).update(number=request.number)
    for row in rows:
        row.request = request
    QuoteRequestItem.objects.bulk_create(rows)
    request.invited_vendors.set(vendors)
    audit.record(
        "quote_request.created",
        request,
        actor=actor,
        changes={
            "agency": agency.code,
            "title": title,
            "items": len(rows),
            "vendors": sorted(v.pk for v in vendors),
            "estimated_price": estimated_price,
            "deadline": deadline,
        },
    )
    event_record(
        agency=agency,
        request=request,
        type=EventType.REQUEST_CREATED,
        actor=actor,
        message=(
            f"견적 요청 {request.number} '{title}' ({len(rows)}개 품목, 판매처 {len(vendors)}곳)"
        ),
        data={"items": len(rows), "vendors": sorted(v.pk for v in vendors)},
        notify=True,
    )
    return request


def _lock_request(request: QuoteRequest) -> QuoteRequest:
    return QuoteRequest.objects.select_for_update().select_related("agency").get(pk=request.pk)


@transaction.atomic
def quote_request_cancel(*, request: QuoteRequest, actor, reason: str = "") -> QuoteRequest:
    request = _lock_request(request)
    permissions.require_agency(actor, request.agency_id)
    if request.status != QuoteRequestStatus.OPEN:
        raise DomainError(codes.REQUEST_CLOSED, "이미 선정되었거나 취소된 견적 요청입니다.")
    request.status = QuoteRequestStatus.CANCELLED
    request.cancelled_at = timezone.now()
    request.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit.record(
        "quote_request.cancelled",
        request,
        actor=actor,
        reason=reason,
        changes={"status": [QuoteRequestStatus.OPEN, QuoteRequestStatus.CANCELLED]},
    )
    Quote.objects.filter(request=request, status=QuoteStatus.SUBMITTED).update(
        status=QuoteStatus.REJECTED,
        decided_by=_user_or_none(actor),
        decided_at=timezone.now(),
        decision_reason="견적 요청 취소",
    )
    event_record(
        agency=request.agency,
        request=request,
        type=EventType.REQUEST_CANCELLED,
        actor=actor,
        message=(reason or "").strip() or "견적 요청 취소",
    )
    return request


# ---------------------------------------------------------------------------------------------
# Quotes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """One quoted line: for a requested item (``item_id``) or an extra line (name required).

    ``unit_price`` is the unit supply price in won, without VAT (단가).
    """

    unit_price: int
    tax_type: str = TaxType.TAXABLE
    item_id: int | None = None
    quantity: int | None = None
    name: str = ""
    spec: str = ""
    unit: str = ""
    note: str = ""
    variant_id: int | None = None


def price_line(unit_price: int, quantity: int, tax_type: str) -> tuple[int, int, int]:
    """(supply, tax, total) of a quoted line: supply = unit × quantity, tax by DOMAIN.md's rule
    on the line's supply (floor(supply / 10) when taxable), total = supply + tax."""
    taxed = add_tax_to_supply(unit_price * quantity, tax_type)
    return taxed.net, taxed.tax, taxed.gross


def _clean_lines(
    request: QuoteRequest, vendor: Vendor, lines: Sequence[LineInput]
) -> list[QuoteLine]:
    errors: list[DomainError] = []
    if not lines:
        raise DomainError("REQUIRED", "견적 품목을 입력하세요.", "lines")
    if len(lines) > MAX_ITEMS + 20:
        raise DomainError("INVALID", "견적 품목이 너무 많습니다.", "lines")
    items = {i.pk: i for i in request.items.select_related("variant__product")}
    own_variant_ids = {line.variant_id for line in lines if line.variant_id}
    own_variants = {
        v.pk: v
        for v in ProductVariant.objects.select_related("product").filter(
            pk__in=own_variant_ids, product__vendor=vendor
        )
    }
    rows: list[QuoteLine] = []
    for index, line in enumerate(lines, start=1):
        where = f"{index}번째 줄"
        item = items.get(line.item_id) if line.item_id else None
        if line.item_id and item is None:
            errors.append(DomainError("NOT_FOUND", f"{where}: 요청에 없는 품목입니다.", "lines"))
            continue
        quantity = line.quantity if line.quantity is not None else (item.quantity if item else None)
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            errors.append(DomainError("INVALID", f"{where}: 수량은 1 이상의 정수입니다.", "lines"))
            continue
        price = line.unit_price
        if not _is_int(price) or not 0 <= price <= MAX_UNIT_PRICE:
            errors.append(
                DomainError("INVALID", f"{where}: 단가는 0원 이상의 정수(원)입니다.", "lines")
            )
            continue
        if line.tax_type not in TaxType.values:
            errors.append(
                DomainError("INVALID", f"{where}: 과세 유형이 올바르지 않습니다.", "lines")
            )
            continue
        variant = None
        if line.variant_id:
            variant = own_variants.get(line.variant_id)
            if variant is None:
                errors.append(
                    DomainError("INVALID", f"{where}: 이 판매처의 상품 옵션이 아닙니다.", "lines")
                )
                continue
        elif (
            item is not None
            and item.variant is not None
            and item.variant.product.vendor_id == vendor.pk
        ):
            variant = item.variant
        name = _text(line.name, 200) or (item.name if item else "")
        if not name:
            errors.append(DomainError("REQUIRED", f"{where}: 품명을 입력하세요.", "lines"))
            continue
        supply, tax, total = price_line(price, quantity, line.tax_type)
        rows.append(
            QuoteLine(
                item=item,
                variant=variant,
                name=name,
                spec=_text(line.spec, 300) or (item.spec if item else ""),
                unit=_text(line.unit, 20) or (item.unit if item else "개"),
                quantity=quantity,
                unit_price=price,
                tax_type=line.tax_type,
                supply=supply,
                tax=tax,
                total=total,
                note=_text(line.note, 300),
                sort_order=index,
            )
        )
    quoted = {row.item_id for row in rows if row.item_id}
    missing = [i.name for pk, i in items.items() if pk not in quoted]
    if missing and not errors:
        errors.append(
            DomainError(
                codes.ITEM_NOT_QUOTED,
                f"요청한 모든 품목에 단가를 입력하세요 (빠진 품목: {', '.join(missing)}).",
                "lines",
            )
        )
    _raise_all(errors)
    return rows


@transaction.atomic
def quote_submit(
    *,
    request: QuoteRequest,
    vendor: Vendor,
    actor,
    valid_until: dt.date,
    lines: Sequence[LineInput],
    notes: str = "",
) -> Quote:
    """A vendor's staff answer a quote request (a new quote replaces their earlier one)."""
    permissions.require_vendor(actor, vendor.pk)
    if not vendor.is_active:
        raise DomainError(
            codes.VENDOR_NOT_ELIGIBLE, "판매 중이 아닌 판매처는 견적을 낼 수 없습니다."
        )
    request = _lock_request(request)
    if not request.invited_vendors.filter(pk=vendor.pk).exists():
        raise DomainError(codes.VENDOR_NOT_INVITED, "이 판매처에 요청된 견적이 아닙니다.")
    if request.status != QuoteRequestStatus.OPEN:
        raise DomainError(codes.REQUEST_CLOSED, "이미 선정되었거나 취소된 견적 요청입니다.")
    now = timezone.now()
    if now > request.deadline:
        raise DomainError(
            codes.DEADLINE_PASSED,
            f"견적 마감({timezone.localtime(request.deadline):%Y-%m-%d %H:%M})이 지났습니다.",
        )
    today = timezone.localdate()
    errors = []
    if not isinstance(valid_until, dt.date) or valid_until < today:
        errors.append(DomainError("INVALID", "견적 유효기간은 오늘 이후여야 합니다.", "validUntil"))
    try:
        rows = _clean_lines(request, vendor, lines)
    except DomainErrors as exc:
        errors.extend(exc.errors)
    except DomainError as exc:
        errors.append(exc)
    _raise_all(errors)

    previous = list(
        Quote.objects.select_for_update().filter(
            request=request, vendor=vendor, status=QuoteStatus.SUBMITTED
        )
    )
    for old in previous:
        old.status = QuoteStatus.WITHDRAWN
        old.decided_by = actor
        old.decided_at = now
        old.decision_reason = "수정 견적 제출"
        old.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    quote = Quote.objects.create(
        number=f"T{uuid.uuid4().hex[:20]}",  # replaced by the id-based number below
        request=request,
        vendor=vendor,
        valid_until=valid_until,
        notes=(notes or "").strip(),
        supply_total=sum(r.supply for r in rows),
        tax_total=sum(r.tax for r in rows),
        total=sum(r.total for r in rows),
        submitted_by=actor,
    )
    quote.number = f"Q{today:%Y%m%d}-{quote.pk:05d}"
    Quote.objects.filter(pk=quote.pk).update(number=quote.number)
    for row in rows:
        row.quote = quote
    QuoteLine.objects.bulk_create(rows)
    audit.record(
        "quote.submitted",
        quote,
        actor=actor,
        changes={
            "request": request.number,
            "vendor": vendor.pk,
            "supply": quote.supply_total,
            "tax": quote.tax_total,
            "total": quote.total,
            "valid_until": valid_until,
            "replaces": [q.number for q in previous],
        },
    )
    event_record(
        agency=request.agency_id,
        request=request,
        quote=quote,
        type=EventType.QUOTE_SUBMITTED,
        actor=actor,
        message=(
            f"{vendor.store_name} 견적 {quote.number}: 공급가액 {quote.supply_total:,}원 + "
            f"세액 {quote.tax_total:,}원 = {quote.total:,}원 ({valid_until:%Y-%m-%d}까지 유효)"
            + (" — 수정 견적" if previous else "")
        ),
        data={
            "supply": quote.supply_total,
            "tax": quote.tax_total,
            "total": quote.total,
            "replaces": [q.number for q in previous],
        },
        notify=True,
    )
    return quote


def _lock_quote(quote: Quote) -> Quote:
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    locked.request = QuoteRequest.objects.select_related("agency").get(pk=locked.request_id)
    locked.vendor = Vendor.objects.select_related("organization").get(pk=locked.vendor_id)
    return locked


@transaction.atomic
def quote_withdraw(*, quote: Quote, actor) -> Quote:
    quote = _lock_quote(quote)
    permissions.require_vendor(actor, quote.vendor_id)
    if quote.status != QuoteStatus.SUBMITTED:
        raise DomainError(codes.QUOTE_NOT_SUBMITTED, "제출 상태의 견적만 철회할 수 있습니다.")
    quote.status = QuoteStatus.WITHDRAWN
    quote.decided_by = actor
    quote.decided_at = timezone.now()
    quote.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        "quote.withdrawn",
        quote,
        actor=actor,
        changes={"status": [QuoteStatus.SUBMITTED, QuoteStatus.WITHDRAWN]},
    )
    event_record(
        agency=quote.request.agency_id,
        request=quote.request,
        quote=quote,
        type=EventType.QUOTE_WITHDRAWN,
        actor=actor,
        message=f"{quote.vendor.store_name} 견적 {quote.number} 철회",
    )
    return quote


@transaction.atomic
def quote_reject(*, quote: Quote, actor, reason: str = "") -> Quote:
    """The buyer declines a quote (the vendor is told, with the reason)."""
    quote = _lock_quote(quote)
    permissions.require_agency(actor, quote.request.agency_id)
    if quote.status != QuoteStatus.SUBMITTED:
        raise DomainError(codes.QUOTE_NOT_SUBMITTED, "제출 상태의 견적만 반려할 수 있습니다.")
    quote.status = QuoteStatus.REJECTED
    quote.decided_by = actor
    quote.decided_at = timezone.now()
    quote.decision_reason = (reason or "").strip()
    quote.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit.record(
        "quote.rejected",
        quote,
        actor=actor,
        reason=quote.decision_reason,
        changes={"status": [QuoteStatus.SUBMITTED, QuoteStatus.REJECTED]},
    )
    event_record(
        agency=quote.request.agency_id,
        request=quote.request,
        quote=quote,
        type=EventType.QUOTE_REJECTED,
        actor=actor,
        message=quote.decision_reason or f"견적 {quote.number} 미선정",
        notify=True,
    )
    return quote


@transaction.atomic
def quotes_expire(*, today: dt.date | None = None) -> int:
    """Mark submitted quotes past their validity date expired (beat; idempotent)."""
    today = today or timezone.localdate()
    stale = list(
        Quote.objects.select_for_update()
        .select_related("request", "vendor")
        .filter(status=QuoteStatus.SUBMITTED, valid_until__lt=today)
    )
    for quote in stale:
        quote.status = QuoteStatus.EXPIRED
        quote.save(update_fields=["status"])
        audit.record(
            "quote.expired",
            quote,
            changes={"status": [QuoteStatus.SUBMITTED, QuoteStatus.EXPIRED]},
        )
        event_record(
            agency=quote.request.agency_id,
            request=quote.request,
            quote=quote,
            type=EventType.QUOTE_EXPIRED,
            message=(
                f"{quote.vendor.store_name} 견적 {quote.number} "
                f"유효기간({quote.valid_until:%Y-%m-%d}) 만료"
            ),
        )
    return len(stale)


def valid_quote_count(request: QuoteRequest, on: dt.date) -> int:
    """Quotes of the request that could be accepted on ``on`` (uses a prefetch when there is)."""
    return sum(
        1 for q in request.quotes.all() if q.status in ACTIVE_QUOTE_STATUSES and q.valid_until >= on
    )


def quote_contract_route(quote: Quote, *, on: dt.date | None = None) -> rules.ContractRoute:
    """The contract route of accepting ``quote`` on ``on`` (today by default).

    The estimated price is the request's 추정가격 when the buyer gave one, and never less
    than the quote's supply total (VAT excluded); the supplier is the quoting vendor's
    organization, judged by its certifications on that date.
    """
    on = on or timezone.localdate()
    request = quote.request
    estimated = max(int(quote.supply_total), int(request.estimated_price or 0))
    return rules.contract_route(
        estimated_price_excl_vat=estimated,
        organization=quote.vendor.organization,
        on=on,
        quotes_received=valid_quote_count(request, on),
    )


@transaction.atomic
def quote_accept(*, quote: Quote, actor) -> Delivery:
    """The buyer accepts a quote: an order on invoice at the quoted prices.

    Refused when the quote has expired (``QUOTE_EXPIRED``), is not a submitted one, the
    request is closed, or the contract route does not allow ordering on Nuri (competitive
    bidding, or two quotes needed and fewer received). Other submitted quotes of the request
    are declined; the request is awarded.
    """
    request = _lock_request(quote.request)
    quote = _lock_quote(quote)
    permissions.require_agency(actor, request.agency_id)
    today = timezone.localdate()
    if quote.status == QuoteStatus.EXPIRED or (
        quote.status == QuoteStatus.SUBMITTED and quote.valid_until < today
    ):
        raise DomainError(
            codes.QUOTE_EXPIRED,
            f"견적 유효기간({quote.valid_until:%Y-%m-%d})이 지나 선정할 수 없습니다. "
            "판매처에 새 견적을 요청하세요.",
            "id",
        )
    if quote.status != QuoteStatus.SUBMITTED:
        raise DomainError(
            codes.QUOTE_NOT_SUBMITTED,
            f"선정할 수 없는 견적입니다 (현재 상태: {quote.get_status_display()}).",
            "id",
        )
    if request.status != QuoteRequestStatus.OPEN:
        raise DomainError(codes.REQUEST_CLOSED, "이미 선정되었거나 취소된 견적 요청입니다.", "id")
    if not quote.vendor.is_active:
        raise DomainError(
            codes.VENDOR_NOT_ELIGIBLE, "판매 중이 아닌 판매처의 견적은 선정할 수 없습니다.", "id"
        )
    quote.request = request
    route = quote_contract_route(quote, on=today)
    if not route.is_private_contract:
        raise DomainError(codes.CONTRACT_ROUTE_NOT_ALLOWED, " ".join(route.needs), "id")
    if route.quotes_missing:
        raise DomainError(codes.QUOTES_INSUFFICIENT, " ".join(route.needs), "id")

    from purchasing.ordering import order_from_quote

    buyer_user = actor if not actor.is_staff else request.requested_by
    if permissions.approved_buyer(actor) is not None:
        buyer_user = actor
    order, vendor_order = order_from_quote(quote=quote, buyer_user=buyer_user, actor=actor)
    now = timezone.now()
    quote.status = QuoteStatus.ACCEPTED
    quote.decided_by = actor
    quote.decided_at = now
    quote.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        "quote.accepted",
        quote,
        actor=actor,
        changes={
            "status": [QuoteStatus.SUBMITTED, QuoteStatus.ACCEPTED],
            "order": order.number,
            "total": order.total,
            "route": route.route,
        },
    )
    others = list(
        Quote.objects.select_for_update()
        .select_related("vendor")
        .filter(request=request, status=QuoteStatus.SUBMITTED)
        .exclude(pk=quote.pk)
    )
    request.status = QuoteRequestStatus.AWARDED
    request.awarded_at = now
    request.save(update_fields=["status", "awarded_at", "updated_at"])
    delivery = Delivery.objects.create(
        agency=request.agency,
        request=request,
        quote=quote,
        vendor=quote.vendor,
        order=order,
        vendor_order=vendor_order,
        ordered_on=today,
        amount=order.total,
    )
    event_record(
        agency=request.agency_id,
        request=request,
        quote=quote,
        delivery=delivery,
        type=EventType.QUOTE_ACCEPTED,
        actor=actor,
        message=(
            f"{quote.vendor.store_name} 견적 {quote.number} 선정 ({route.label_ko}), "
            f"주문 {order.number} {order.total:,}원 계산서 후불"
        ),
        data={
            "route": route.route,
            "estimated_price": route.estimated_price_excl_vat,
            "quotes_received": route.quotes_received,
            "order": order.number,
            "total": order.total,
        },
    )
    for other in others:
        other.status = QuoteStatus.REJECTED
        other.decided_by = actor
        other.decided_at = now
        other.decision_reason = "다른 견적이 선정되었습니다."
        other.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            "quote.rejected",
            other,
            actor=actor,
            reason=other.decision_reason,
            changes={"status": [QuoteStatus.SUBMITTED, QuoteStatus.REJECTED]},
        )
        event_record(
            agency=request.agency_id,
            request=request,
            quote=other,
            type=EventType.QUOTE_REJECTED,
            actor=actor,
            message=f"{other.vendor.store_name} 견적 {other.number} 미선정 (다른 견적 선정)",
            notify=True,
        )
    return delivery


# ---------------------------------------------------------------------------------------------
# Delivery, inspection, payment
# ---------------------------------------------------------------------------------------------


def _lock_delivery(delivery: Delivery) -> Delivery:
    """The delivery locked for this transaction, with its (current) vendor order."""
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    locked.vendor_order = VendorOrder.objects.get(pk=locked.vendor_order_id)
    return locked


def _require_not_cancelled(delivery: Delivery) -> None:
    """An order can also be cancelled through the shop (the vendor, the buyer who placed it,
    staff): its vendor order's status is what counts."""
    if (
        delivery.status == DeliveryStatus.CANCELLED
        or delivery.vendor_order.status == VendorOrderStatus.CANCELED
    ):
        raise DomainError(codes.INVALID_STATUS, "취소된 주문입니다.")


@transaction.atomic
def delivery_complete(*, delivery: Delivery, actor, note: str = "") -> Delivery:
    """The vendor notifies completion (납품 완료 통지); the inspection period starts.

    The first notice moves the shop's vendor order to shipped (직접 납품) and delivered; after
    a rejected inspection, a new notice starts a new inspection period.
    """
    from shop.orders import services as order_services

    delivery = _lock_delivery(delivery)
    permissions.require_vendor(actor, delivery.vendor_id)
    _require_not_cancelled(delivery)
    if delivery.status not in (DeliveryStatus.ORDERED, DeliveryStatus.REJECTED):
        raise DomainError(
            codes.INVALID_STATUS,
            f"납품 완료를 알릴 수 없는 상태입니다 (현재: {delivery.get_status_display()}).",
        )
    vo = delivery.vendor_order
    if vo.status == VendorOrderStatus.UNFULFILLED:
        vo = order_services.vendor_order_ship(
            vendor_order=vo, actor=actor, carrier="직접 납품", tracking_number=vo.number
        )
    if vo.status == VendorOrderStatus.SHIPPED:
        order_services.vendor_order_deliver(vendor_order=vo, actor=actor)
    now = timezone.now()
    today = timezone.localdate()
    status_before = delivery.status
    delivery.status = DeliveryStatus.DELIVERED
    delivery.completion_notified_at = now
    delivery.inspection_due = rules.inspection_due(today)
    delivery.save(
        update_fields=["status", "completion_notified_at", "inspection_due", "updated_at"]
    )
    audit.record(
        "delivery.completed",
        delivery,
        actor=actor,
        reason=(note or "").strip(),
        changes={
            "status": [status_before, delivery.status],
            "inspection_due": [None, delivery.inspection_due],
        },
    )
    event_record(
        agency=delivery.agency_id,
        request=delivery.request,
        quote=delivery.quote,
        delivery=delivery,
        type=EventType.DELIVERED,
        actor=actor,
        message=" ".join(
            part
            for part in (
                (note or "").strip(),
                f"납품 완료 통지: 검수 기한 {delivery.inspection_due:%Y-%m-%d}",
            )
            if part
        ),
        data={"inspection_due": delivery.inspection_due.isoformat()},
        notify=True,
    )
    return delivery


@transaction.atomic
def delivery_inspect(*, delivery: Delivery, actor, accepted: bool, reason: str = "") -> Delivery:
    """The buyer inspects (검수): accept (the invoice is claimed, payment falls due) or
    reject with a reason (the vendor delivers again)."""
    delivery = _lock_delivery(delivery)
    permissions.require_agency(actor, delivery.agency_id)
    _require_not_cancelled(delivery)
    if delivery.status != DeliveryStatus.DELIVERED:
        raise DomainError(
            codes.INVALID_STATUS,
            f"검수할 수 있는 상태가 아닙니다 (현재: {delivery.get_status_display()}).",
        )
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise DomainError(codes.REASON_REQUIRED, "반려 사유를 입력하세요.", "reason")
    now = timezone.now()
    today = timezone.localdate()
    Inspection.objects.create(
        delivery=delivery,
        result=InspectionResult.ACCEPTED if accepted else InspectionResult.REJECTED,
        reason=reason,
        completion_notified_at=delivery.completion_notified_at,
        inspected_by=actor,
        inspected_at=now,
    )
    delivery.inspected_at = now
    delivery.inspected_by = actor
    if accepted:
        delivery.status = DeliveryStatus.ACCEPTED
        delivery.invoice_claimed_on = today
        delivery.payment_due = rules.payment_due(today)
        message = (
            f"검수 합격: 대금 청구일 {today:%Y-%m-%d}, 지급 기한 {delivery.payment_due:%Y-%m-%d}"
        )
        if reason:
            message += f" ({reason})"
        type_ = EventType.INSPECTION_ACCEPTED
    else:
        delivery.status = DeliveryStatus.REJECTED
        message = f"검수 반려: {reason}"
        type_ = EventType.INSPECTION_REJECTED
    delivery.save(
        update_fields=[
            "status",
            "inspected_at",
            "inspected_by",
            "invoice_claimed_on",
            "payment_due",
            "updated_at",
        ]
    )
    audit.record(
        "inspection.passed" if accepted else "inspection.failed",
        delivery,
        actor=actor,
        reason=reason,
        changes={
            "status": [DeliveryStatus.DELIVERED, delivery.status],
            "payment_due": [None, delivery.payment_due],
        },
    )
    event_record(
        agency=delivery.agency_id,
        request=delivery.request,
        quote=delivery.quote,
        delivery=delivery,
        type=type_,
        actor=actor,
        message=message,
        data={
            "accepted": accepted,
            "reason": reason,
            "late": today > delivery.inspection_due if delivery.inspection_due else False,
            "payment_due": delivery.payment_due.isoformat() if delivery.payment_due else None,
        },
        notify=True,
    )
    return delivery


@transaction.atomic
def delivery_payment_record(
    *, delivery: Delivery, actor, amount: int | None = None, reference: str = ""
) -> Delivery:
    """Staff or the vendor record the agency's bank transfer (after the inspection passed)."""
    from shop.orders.models import ChargeStatus, Order
    from shop.payments import services as payments

    delivery = _lock_delivery(delivery)
    if actor is None or not actor.is_authenticated:
        raise DomainError("PERMISSION_DENIED", "로그인이 필요합니다.")
    if not actor.is_staff:
        permissions.require_vendor(actor, delivery.vendor_id)
    _require_not_cancelled(delivery)
    if delivery.status != DeliveryStatus.ACCEPTED:
        raise DomainError(
            codes.INVALID_STATUS,
            f"검수 합격 후 대금 청구된 건만 입금을 기록할 수 있습니다 "
            f"(현재: {delivery.get_status_display()}).",
        )
    order = Order.objects.get(pk=delivery.order_id)
    due = payments.amount_due(order)
    value = due if amount is None else amount
    payments.invoice_payment_record(order=order, amount=value, actor=actor, reference=reference)
    order.refresh_from_db()
    delivery.paid_amount = order.total_charged
    fields = ["paid_amount", "updated_at"]
    paid = order.charge_status in (ChargeStatus.FULL, ChargeStatus.OVERCHARGED)
    if paid:
        delivery.status = DeliveryStatus.PAID
        delivery.paid_at = timezone.now()
        fields += ["status", "paid_at"]
    delivery.save(update_fields=fields)
    audit.record(
        "delivery.paid" if paid else "delivery.payment_recorded",
        delivery,
        actor=actor,
        changes={
            "status": [DeliveryStatus.ACCEPTED, delivery.status],
            "amount": value,
            "paid_amount": delivery.paid_amount,
            "reference": reference.strip(),
        },
    )
    event_record(
        agency=delivery.agency_id,
        request=delivery.request,
        quote=delivery.quote,
        delivery=delivery,
        type=EventType.PAID if paid else EventType.PAYMENT_RECORDED,
        actor=actor,
        message=f"계좌이체 입금 {value:,}원"
        + (f" ({reference.strip()})" if reference.strip() else "")
        + (" — 지급 완료" if paid else f" — 미지급 {delivery.amount_unpaid:,}원"),
        data={"amount": value, "reference": reference.strip(), "paid": paid},
        notify=True,
    )
    return delivery


@transaction.atomic
def delivery_cancel(*, delivery: Delivery, actor, reason: str = "") -> Delivery:
    """Cancel an order of an accepted quote before it is delivered (through the shop's
    cancellation: stock is released, nothing was charged on invoice)."""
    from shop.orders import services as order_services

    delivery = _lock_delivery(delivery)
    if not permissions.can_act_for_agency(actor, delivery.agency_id):
        permissions.require_vendor(actor, delivery.vendor_id)
    if delivery.status != DeliveryStatus.ORDERED:
        raise DomainError(codes.INVALID_STATUS, "납품 전에만 취소할 수 있습니다.")
    vo = delivery.vendor_order
    if vo.status != VendorOrderStatus.CANCELED:
        order_services.vendor_order_cancel(vendor_order=vo, actor=actor, reason=reason)
    delivery.status = DeliveryStatus.CANCELLED
    delivery.save(update_fields=["status", "updated_at"])
    audit.record(
        "delivery.cancelled",
        delivery,
        actor=actor,
        reason=(reason or "").strip(),
        changes={"status": [DeliveryStatus.ORDERED, DeliveryStatus.CANCELLED]},
    )
    event_record(
        agency=delivery.agency_id,
        request=delivery.request,
        quote=delivery.quote,
        delivery=delivery,
        type=EventType.ORDER_CANCELLED,
        actor=actor,
        message=(reason or "").strip() or "발주 취소",
    )
    return delivery


# ---------------------------------------------------------------------------------------------
# Reminders (beat)
# ---------------------------------------------------------------------------------------------


def _remind(delivery: Delivery, *, kind: str, today: dt.date) -> bool:
    """Send one reminder for the delivery's current due date, once (row-level guard)."""
    if kind == "inspection":
        status, due_field, sent_field = (
            DeliveryStatus.DELIVERED,
            "inspection_due",
            "inspection_reminded_for",
        )
    else:
        status, due_field, sent_field = (
            DeliveryStatus.ACCEPTED,
            "payment_due",
            "payment_reminded_for",
        )
    due = getattr(delivery, due_field)
    with transaction.atomic():
        updated = (
            Delivery.objects.filter(pk=delivery.pk, status=status, **{due_field: due})
            .exclude(**{f"{sent_field}__isnull": False, sent_field: due})
            .update(**{sent_field: due})
        )
        if not updated:
            return False
        overdue = today > due
        state = "경과" if overdue else "임박"
        if kind == "inspection":
            type_ = EventType.INSPECTION_REMINDER
            message = f"검수 기한 {state}: {due:%Y-%m-%d}"
        else:
            type_ = EventType.PAYMENT_REMINDER
            message = (
                f"대금 지급 기한 {state}: {due:%Y-%m-%d} (미지급 {delivery.amount_unpaid:,}원)"
            )
        event_record(
            agency=delivery.agency_id,
            request=delivery.request,
            quote=delivery.quote,
            delivery=delivery,
            type=type_,
            message=message,
            data={"due": due.isoformat(), "overdue": overdue},
            notify=True,
        )
    return True


def reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail a reminder for every inspection and payment falling due within
    ``REMINDER_DAYS_BEFORE`` days (or already overdue) that has had none for its due date.

    Idempotent: the due date a reminder was sent for is stored on the delivery (and set with
    a conditional UPDATE), so running twice sends nothing twice; a new due date (a new
    delivery after a rejection) gets a new reminder. Returns how many reminders were sent.
    """
    today = today or timezone.localdate()
    horizon = rules.reminder_horizon(today)
    sent = 0
    candidates = Delivery.objects.select_related("request", "quote").filter(
        Q(status=DeliveryStatus.DELIVERED, inspection_due__lte=horizon)
        | Q(status=DeliveryStatus.ACCEPTED, payment_due__lte=horizon)
    )
    for delivery in candidates.order_by("pk"):
        if delivery.status == DeliveryStatus.DELIVERED:
            if delivery.inspection_reminded_for != delivery.inspection_due:
                sent += _remind(delivery, kind="inspection", today=today)
        elif delivery.payment_reminded_for != delivery.payment_due:
            sent += _remind(delivery, kind="payment", today=today)
    return sent
