"""Public registry pages: organizations and vendors (Korean)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.errors import DomainError
from vendors import selectors
from vendors.districts import DISTRICT_CHOICES
from vendors.eligibility import organization_is_eligible
from vendors.models import OrgType
from vendors.programs import PUBLIC_STATUSES


def organization_list(request):
    params = request.GET
    error = None
    try:
        qs = selectors.organization_list(
            search=params.get("q") or None,
            org_type=params.get("type") or None,
            district=params.get("district") or None,
            eligible_on=timezone.localdate() if params.get("eligible") else None,
        )
    except DomainError as exc:
        error = exc.message
        qs = selectors.organization_list().none()
    page = Paginator(qs, 30).get_page(params.get("page"))
    today = timezone.localdate()
    rows = [(org, organization_is_eligible(org, on=today)) for org in page.object_list]
    return render(
        request,
        "vendors/organization_list.html",
        {
            "page": page,
            "rows": rows,
            "error": error,
            "org_types": OrgType.choices,
            "districts": DISTRICT_CHOICES,
            "params": params,
        },
    )


def organization_detail(request, pk: int):
    qs = selectors.organization_list(with_participations=True, with_vendor=True)
    org = get_object_or_404(qs, pk=pk)
    return render(
        request,
        "vendors/organization_detail.html",
        {
            "org": org,
            "eligibility": organization_is_eligible(org, on=timezone.localdate()),
            "participations": [
                p
                for p in org.participations.all()
                if request.user.is_staff or p.status in PUBLIC_STATUSES
            ],
            "vendor": getattr(org, "vendor", None),
        },
    )


def vendor_list(request):
    page = Paginator(selectors.vendor_list(search=request.GET.get("q")), 24).get_page(
        request.GET.get("page")
    )
    return render(request, "vendors/vendor_list.html", {"page": page})


VENDOR_PAGE_PRODUCTS = 24


def vendor_detail(request, slug: str):
    """A vendor: mission, organization type, district, certifications, the centre programs
    it took part in, and its products, in a fixed number of queries."""
    from shop.selectors import vendor_products

    vendor = get_object_or_404(selectors.vendor_list(), slug=slug)
    org = vendor.organization
    products = vendor_products(vendor.pk, limit=VENDOR_PAGE_PRODUCTS + 1)
    return render(
        request,
        "vendors/vendor_detail.html",
        {
            "vendor": vendor,
            "org": org,
            "eligibility": organization_is_eligible(org, on=timezone.localdate()),
            "participations": list(
                org.participations.select_related("cycle__program").order_by("-cycle__year")
            ),
            "products": products[:VENDOR_PAGE_PRODUCTS],
            "more_products": len(products) > VENDOR_PAGE_PRODUCTS,
        },
    )
