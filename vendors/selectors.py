"""Registry reads, N+1-free: every list prefetches what its callers display."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from vendors.districts import district_normalize
from vendors.eligibility import filter_eligible_on
from vendors.identifiers import brn_normalize
from vendors.models import Certification, Organization, Participation, Vendor


def organization_list(
    *,
    search: str | None = None,
    org_type: list[str] | str | None = None,
    district: str | None = None,
    eligible_on: date | None = None,
    program: str | None = None,
    with_certifications: bool = True,
    with_participations: bool = False,
    with_vendor: bool = False,
) -> QuerySet[Organization]:
    qs = Organization.objects.all()
    if search:
        term = search.strip()
        digits = term.replace("-", "")
        q = Q(name__icontains=term) | Q(representative__icontains=term)
        if digits.isdigit() and len(digits) >= 3:
            q |= Q(brn__startswith=digits)
        qs = qs.filter(q)
    if org_type:
        types = [org_type] if isinstance(org_type, str) else list(org_type)
        qs = qs.filter(org_type__in=types)
    if district:
        qs = qs.filter(district=district_normalize(district))
    if eligible_on:
        qs = filter_eligible_on(qs, eligible_on)
    if program:
        qs = qs.filter(participations__cycle__program__code=program).distinct()
    if with_certifications:
        qs = qs.prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.order_by("-valid_from"))
        )
    if with_participations:
        qs = qs.prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("cycle__program").order_by(
                    "-cycle__year", "id"
                ),
            )
        )
    if with_vendor:
        qs = qs.select_related("vendor")
    return qs.order_by("name", "id")


def organization_by_brn(brn: str) -> Organization | None:
    digits = brn_normalize(brn)
    return organization_list().filter(brn=digits).first()


def vendor_list(*, search: str | None = None, active_only: bool = True) -> QuerySet[Vendor]:
    qs = Vendor.objects.select_related("organization").prefetch_related(
        "organization__certifications"
    )
    if active_only:
        qs = qs.filter(is_active=True)
    if search:
        qs = qs.filter(Q(store_name__icontains=search) | Q(organization__name__icontains=search))
    return qs.order_by("store_name", "id")


def user_vendors(user) -> QuerySet[Vendor]:
    if not user or not user.is_authenticated:
        return Vendor.objects.none()
    return Vendor.objects.filter(staff__user=user)


def user_is_vendor_staff(user, vendor: Vendor, *, owner: bool = False) -> bool:
    if not user or not user.is_authenticated:
        return False
    qs = vendor.staff.filter(user=user)
    if owner:
        qs = qs.filter(role="owner")
    return qs.exists()
