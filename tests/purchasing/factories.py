"""Purchasing factories and helpers that go through the real services.

``AgencyFactory`` / ``BuyerFactory`` (approved by default) make agencies and their buyers;
``supplier(kind=…)`` a vendor whose organization holds a verified certification of ``kind``
(with a staff account, ``vendor.owner``); ``rfq(buyer, vendors, items)`` a quote request and
``quote(request, vendor, prices)`` a submitted quote, both through ``purchasing.services``.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from purchasing import services
from purchasing.models import Agency, Buyer, BuyerStatus, Department
from tests.factories import (
    CertificationFactory,
    OrganizationFactory,
    UserFactory,
    VendorFactory,
    VendorStaffFactory,
)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"서울특별시 기관{n}")
    kind = "local_government"
    code = factory.Sequence(lambda n: f"61{n:05d}")
    district = "11140"
    brn = "1048800000"
    address = "서울특별시 중구 세종대로 110"
    invoice_email = factory.Sequence(lambda n: f"invoice{n}@seoul.go.kr")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"총무과{n}")


class BuyerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buyer

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    department = factory.LazyAttribute(
        lambda o: Department.objects.get_or_create(agency=o.agency, name="총무과")[0]
    )
    position = "주무관"
    phone = "02-120-0000"
    status = BuyerStatus.APPROVED
    approved_at = factory.LazyFunction(timezone.now)


def supplier(
    *,
    kind: str = "social_enterprise",
    valid_from: dt.date = dt.date(2015, 1, 1),
    valid_until: dt.date | None = None,
    name: str | None = None,
    slug: str | None = None,
    email: str | None = None,
    **vendor_fields,
):
    """An active vendor whose organization (org_type ``kind``) holds a verified certification
    of ``kind``; ``vendor.owner`` is its staff account."""
    org_fields = {"org_type": kind}
    if name:
        org_fields["name"] = name
    org = OrganizationFactory(**org_fields)
    CertificationFactory(
        organization=org, kind=kind, valid_from=valid_from, valid_until=valid_until
    )
    fields = {"organization": org, **vendor_fields}
    if slug:
        fields["slug"] = slug
    if name:
        fields["store_name"] = name
    vendor = VendorFactory(**fields)
    user = UserFactory(email=email) if email else UserFactory()
    VendorStaffFactory(vendor=vendor, user=user)
    vendor.owner = user
    return vendor


def item(name: str = "친환경 쿠키 세트", quantity: int = 10, **fields) -> services.ItemInput:
    return services.ItemInput(name=name, quantity=quantity, **fields)


def rfq(buyer: Buyer, vendors=(), items=None, **fields):
    """A quote request by ``buyer`` to ``vendors`` (a week to answer, delivery in two)."""
    now = timezone.now()
    defaults = {
        "title": "회의용 다과 구매",
        "delivery_date": timezone.localdate() + dt.timedelta(days=14),
        "delivery_place": "서울특별시 중구 세종대로 110 본관 3층",
        "deadline": now + dt.timedelta(days=7),
        "items": items or [item()],
        "vendor_ids": [v.pk for v in vendors],
    }
    defaults.update(fields)
    return services.quote_request_create(actor=buyer.user, **defaults)


def quote(request, vendor, prices, *, tax_types=None, valid_days: int = 30, **fields):
    """``vendor`` quotes ``prices`` (unit supply prices, one per requested item, in order)."""
    lines = fields.pop("lines", None)
    if lines is None:
        items = list(request.items.order_by("sort_order", "id"))
        tax_types = tax_types or ["taxable"] * len(items)
        lines = [
            services.LineInput(item_id=i.pk, unit_price=p, tax_type=t)
            for i, p, t in zip(items, prices, tax_types, strict=True)
        ]
    return services.quote_submit(
        request=request,
        vendor=vendor,
        actor=vendor.owner,
        valid_until=timezone.localdate() + dt.timedelta(days=valid_days),
        lines=lines,
        **fields,
    )
