"""An accepted quote becomes an order on invoice, at the quoted prices.

The checkout services price lines from the catalog (VAT-inclusive variant prices, delivery
fees per vendor); a quote has its own prices (unit supply prices without VAT, tax per line by
DOMAIN.md's rule) and free-text lines, so the order is written here, in the caller's
transaction, the way ``shop.checkout.services.checkout_complete`` writes one:

- stock of the lines that are the vendor's own catalog variants is allocated with the same
  conditional UPDATE (``allocated = allocated + q WHERE quantity >= allocated + q``, in
  variant-id order), so a quote can never take units another buyer already holds;
- one ``Order`` with one ``VendorOrder`` and one ``OrderLine`` per quote line, every amount
  copied from the quote: supply + tax == total per line, per vendor order and overall;
- the payment is the invoice gateway's transaction (``transaction_initialize`` with
  ``nuri.payments.invoice``), which leaves the order's charge status ``invoice``;
- a ``placed`` order event (with the shop's e-mails to the buyer and the vendor).
"""

from __future__ import annotations

import uuid

from django.db.models import F
from django.utils import timezone

import audit
from core.errors import DomainError
from purchasing import errors as codes
from purchasing.models import Quote, QuoteLine
from shop.catalog.models import Stock
from shop.orders.models import ChargeStatus, Order, OrderLine, OrderStatus, VendorOrder
from shop.tax import add_tax_to_supply

INVOICE_GATEWAY_ID = "nuri.payments.invoice"


def _allocate(lines: list[QuoteLine]) -> dict[int, int]:
    needed: dict[int, int] = {}
    names: dict[int, str] = {}
    for line in lines:
        if line.variant_id is None:
            continue
        needed[line.variant_id] = needed.get(line.variant_id, 0) + line.quantity
        names[line.variant_id] = line.name
    for variant_id in sorted(needed):
        qty = needed[variant_id]
        updated = Stock.objects.filter(
            variant_id=variant_id, quantity__gte=F("allocated") + qty
        ).update(allocated=F("allocated") + qty)
        if updated != 1:
            stock = Stock.objects.filter(variant_id=variant_id).first()
            available = stock.available if stock else 0
            raise DomainError(
                codes.INSUFFICIENT_STOCK,
                f"'{names[variant_id]}'의 재고가 부족합니다 (주문 가능 수량 {available}개). "
                "판매처에 재고 확인을 요청하세요.",
                "lines",
            )
    return needed


def _sku(quote: Quote, line: QuoteLine, index: int) -> str:
    if line.variant_id is not None and line.variant is not None:
        return line.variant.sku
    return f"{quote.number}-{index:02d}"[:64]


def order_from_quote(*, quote: Quote, buyer_user, actor) -> tuple[Order, VendorOrder]:
    """Write the order of an accepted quote (call inside the acceptance's transaction)."""
    from shop.orders.services import EventType, order_event_record
    from shop.payments import services as payments

    request = quote.request
    lines = list(quote.lines.select_related("variant").order_by("sort_order", "id"))
    allocated = _allocate(lines)
    supply = sum(line.supply for line in lines)
    tax = sum(line.tax for line in lines)
    total = sum(line.total for line in lines)
    if (supply, tax, total) != (quote.supply_total, quote.tax_total, quote.total):
        raise DomainError("INVALID", "견적 합계가 품목 합계와 맞지 않습니다.", "id")
    contact_name = request.contact_name or getattr(buyer_user, "name", "") or buyer_user.email
    order = Order.objects.create(
        number=f"T{uuid.uuid4().hex[:19]}",  # replaced by the id-based number below
        user=buyer_user,
        email=buyer_user.email,
        recipient_name=contact_name[:100],
        phone=request.contact_phone[:20],
        postcode=request.delivery_postcode,
        road_address=request.delivery_place,
        detail_address="",
        status=OrderStatus.UNFULFILLED,
        charge_status=ChargeStatus.NONE,
        gateway="invoice",
        subtotal=total,
        shipping_total=0,
        discount_total=0,
        tax_total=tax,
        total=total,
        agency_ref=f"{request.agency.code} {request.number} {quote.number}"[:100],
    )
    order.number = f"N{timezone.localdate():%Y%m%d}-{order.pk:06d}"
    Order.objects.filter(pk=order.pk).update(number=order.number)
    vendor_order = VendorOrder.objects.create(
        order=order,
        vendor=quote.vendor,
        number=f"{order.number}-01",
        subtotal=total,
        shipping_fee=0,
        discount=0,
        tax=tax,
        total=total,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            vendor_order=vendor_order,
            variant_id=line.variant_id,
            product_name=line.name[:200],
            variant_name=line.spec[:100],
            sku=_sku(quote, line, index),
            tax_type=line.tax_type,
            # One unit with its VAT (display); the line's amounts are the quote's.
            unit_price=add_tax_to_supply(int(line.unit_price), line.tax_type).gross,
            quantity=line.quantity,
            discount=0,
            total=line.total,
            supply=line.supply,
            tax=line.tax,
        )
        for index, line in enumerate(lines, start=1)
    )
    payments.transaction_initialize(
        checkout_or_order=order,
        gateway_id=INVOICE_GATEWAY_ID,
        actor=actor,
        idempotency_key=f"quote-{quote.pk}",
    )
    order.refresh_from_db()
    order_event_record(
        order=order,
        type=EventType.PLACED,
        actor=actor,
        role="buyer",
        message=f"견적 {quote.number} 선정으로 발주 ({order.total:,}원, 계산서 후불)",
        data={
            "total": order.total,
            "vendor_orders": [vendor_order.number],
            "charge_status": order.charge_status,
            "quote": quote.number,
            "quote_request": request.number,
            "agency": request.agency.code,
        },
        notify=True,
    )
    audit.record(
        "order.created",
        order,
        actor=actor,
        changes={
            "total": order.total,
            "charge_status": order.charge_status,
            "email": order.email,
            "vendor_orders": [vendor_order.number],
            "quote": quote.number,
        },
    )
    audit.record_stock("stock.allocated", order, allocated, actor=actor, allocated=1)
    return order, vendor_order
