"""Quotes and orders as ``purchasing.documents`` data: 견적서, 거래명세서, 세금계산서.

The documents package renders plain dataclasses and knows no model; these providers build
them from a ``Quote`` (견적서) or a ``Delivery`` (the order of an accepted quote: 거래명세서 and
tax-invoice data). Every line passes the amounts stored in the database as ``expected_*``, so
a document whose numbers would differ from the quote's is refused rather than printed.

``register()`` (called from ``PurchasingConfig.ready``) registers:
``quote`` → ``quote_document_data``; ``delivery`` → statement and tax invoice.
"""

from __future__ import annotations

from django.utils import timezone

from purchasing import rules
from purchasing.models import Agency, Delivery, DeliveryStatus, Quote, QuoteLine, QuoteStatus


def _documents():
    from purchasing.documents import data

    return data


def _supplier(vendor):
    d = _documents()
    org = vendor.organization
    return d.Party.from_registry(
        org,
        name=org.name,
        phone=org.phone or "",
        email=org.email or "",
    )


def _agency_party(agency: Agency):
    d = _documents()
    return d.Party(
        name=agency.name,
        brn=agency.brn or "",
        representative=agency.representative,
        address=agency.address,
        phone=agency.phone,
        email=agency.invoice_email,
    )


def _lines(lines: list[QuoteLine], *, supply_date=None) -> tuple:
    d = _documents()
    return tuple(
        d.DocumentLine(
            name=line.name,
            spec=" ".join(p for p in (line.spec, f"({line.unit})" if line.unit else "") if p),
            quantity=line.quantity,
            unit_price=int(line.unit_price),
            tax_type=line.tax_type,
            note=line.note,
            supply_date=supply_date,
            expected_supply=int(line.supply),
            expected_tax=int(line.tax),
        )
        for line in lines
    )


def payment_terms() -> str:
    days = rules.procurement_settings()["PAYMENT_DAYS"]
    return f"검수 합격 후 대금 청구일로부터 {days}일 이내 계좌이체 (계산서 후불)"


def route_note(quote: Quote, on) -> str:
    from purchasing.services import quote_contract_route

    route = quote_contract_route(quote, on=on)
    parts = [f"{route.label_ko} (추정가격 ₩{route.estimated_price_excl_vat:,}, 부가세 제외)"]
    parts.extend(route.needs)
    return " ".join(parts)


def _load_quote(quote_id) -> Quote:
    return (
        Quote.objects.select_related(
            "vendor__organization", "request__agency", "request__department"
        )
        .prefetch_related("lines", "request__quotes", "vendor__organization__certifications")
        .get(pk=quote_id)
    )


def quote_document_data(quote_id):
    """견적서 of a quote, with the contract route on its date (acceptance date once accepted)."""
    d = _documents()
    quote = _load_quote(quote_id)
    request = quote.request
    issued = timezone.localdate(quote.submitted_at)
    on = timezone.localdate(quote.decided_at) if quote.decided_at else timezone.localdate()
    if quote.status not in (QuoteStatus.SUBMITTED, QuoteStatus.ACCEPTED):
        on = issued
    return d.DocumentData(
        kind=d.DocumentKind.QUOTE,
        number=quote.number,
        issue_date=issued,
        supplier=_supplier(quote.vendor),
        recipient=d.Recipient(
            agency=request.agency.name,
            department=request.department.name if request.department else "",
            person=request.contact_name,
        ),
        lines=_lines(list(quote.lines.all())),
        valid_until=quote.valid_until,
        notes=quote.notes,
        contract_route_note=route_note(quote, on),
        delivery_date=request.delivery_date,
        delivery_place=request.delivery_place,
        payment_terms=payment_terms(),
        expected_total=int(quote.total),
    )


def _load_delivery(delivery_id) -> Delivery:
    return Delivery.objects.select_related(
        "agency", "request__department", "order", "vendor_order", "vendor__organization", "quote"
    ).get(pk=delivery_id)


def delivery_statement_data(delivery_id):
    """거래명세서 of an accepted quote's order (dated by the completion notice)."""
    d = _documents()
    delivery = _load_delivery(delivery_id)
    request = delivery.request
    delivered = (
        timezone.localdate(delivery.completion_notified_at)
        if delivery.completion_notified_at
        else timezone.localdate()
    )
    lines = list(delivery.quote.lines.all())
    return d.DocumentData(
        kind=d.DocumentKind.STATEMENT,
        number=delivery.vendor_order.number,
        issue_date=delivered,
        supplier=_supplier(delivery.vendor),
        recipient=d.Recipient(
            agency=delivery.agency.name,
            department=request.department.name if request.department else "",
            person=request.contact_name,
        ),
        buyer=_agency_party(delivery.agency),
        lines=_lines(lines),
        notes=f"견적 {delivery.quote.number} / 견적 요청 {request.number}",
        delivery_date=delivered,
        delivery_place=request.delivery_place,
        payment_terms=payment_terms(),
        expected_total=int(delivery.vendor_order.total),
    )


def delivery_tax_invoice_data(delivery_id):
    """Tax-invoice (세금계산서) data, dated by the invoice claim (the inspection's day)."""
    d = _documents()
    delivery = _load_delivery(delivery_id)
    issued = delivery.invoice_claimed_on or timezone.localdate()
    lines = list(delivery.quote.lines.all())
    return d.DocumentData(
        kind=d.DocumentKind.TAX_INVOICE,
        number=delivery.vendor_order.number,
        issue_date=issued,
        supplier=_supplier(delivery.vendor),
        buyer=_agency_party(delivery.agency),
        lines=_lines(lines, supply_date=issued),
        notes=f"{delivery.request.title} ({delivery.request.number})",
        tax_invoice_purpose="영수" if delivery.status == DeliveryStatus.PAID else "청구",
        expected_total=int(delivery.vendor_order.total),
    )


def documents_available() -> bool:
    try:
        import purchasing.documents.tasks  # noqa: F401
    except ImportError:
        return False
    return True


def register() -> None:
    """Register the providers with the documents package (idempotent)."""
    if not documents_available():
        return
    from purchasing.documents.registry import register_provider

    register_provider("quote", quote_document_data)
    register_provider("delivery", delivery_statement_data, kind="statement")
    register_provider("delivery", delivery_tax_invoice_data, kind="tax_invoice")
