"""Priority-purchase eligibility, computed at a date from certifications (never stored).

A purchase counts for an agency's priority purchase (우선구매) when, on the purchase
date, the supplier holds a verified certification of a kind listed in
``settings.PRIORITY_PURCHASE_KINDS`` that has started, has not ended and was not revoked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from vendors.models import Certification, CertificationKind, Organization


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    # ELIGIBLE, NO_CERTIFICATION, KIND_NOT_ELIGIBLE, NOT_YET_VALID, EXPIRED, REVOKED, NOT_VERIFIED
    reason: str
    message: str
    certification: Certification | None = None

    def __bool__(self) -> bool:
        return self.eligible


def _kind_label(kind: str) -> str:
    return str(CertificationKind(kind).label) if kind in CertificationKind.values else kind


def _evaluate(org: Organization, on: date, kinds: list[str], require_verified: bool, purpose: str):
    certs = list(org.certifications.all())  # uses a prefetch when there is one
    if not certs:
        return Eligibility(False, "NO_CERTIFICATION", f"{on:%Y-%m-%d} 기준 등록된 인증이 없습니다.")
    relevant = [c for c in certs if c.kind in kinds]
    if not relevant:
        held = ", ".join(sorted({_kind_label(c.kind) for c in certs}))
        return Eligibility(
            False, "KIND_NOT_ELIGIBLE", f"보유한 인증({held})은 {purpose} 대상이 아닙니다."
        )
    valid = [c for c in relevant if c.is_valid_on(on)]
    verified = [c for c in valid if c.verified_at is not None or not require_verified]
    if verified:
        best = max(verified, key=lambda c: (c.valid_until or date.max, c.valid_from))
        return Eligibility(True, "ELIGIBLE", f"{_kind_label(best.kind)}이(가) 유효합니다.", best)
    if valid:
        return Eligibility(
            False, "NOT_VERIFIED", "인증 서류가 아직 센터의 확인을 받지 않았습니다.", valid[0]
        )
    revoked = [c for c in relevant if c.revoked_on is not None and c.revoked_on <= on]
    if revoked:
        c = revoked[0]
        return Eligibility(False, "REVOKED", f"인증이 {c.revoked_on:%Y-%m-%d}에 취소되었습니다.", c)
    expired = [c for c in relevant if c.valid_until is not None and c.valid_until < on]
    if expired:
        c = max(expired, key=lambda c: c.valid_until)
        return Eligibility(
            False,
            "EXPIRED",
            f"인증이 {c.valid_until:%Y-%m-%d}에 만료되었습니다 ({on:%Y-%m-%d} 기준).",
            c,
        )
    c = min(relevant, key=lambda c: c.valid_from)
    return Eligibility(
        False,
        "NOT_YET_VALID",
        f"인증은 {c.valid_from:%Y-%m-%d}부터 유효합니다 ({on:%Y-%m-%d} 기준).",
        c,
    )


def organization_is_eligible(org: Organization, *, on: date) -> Eligibility:
    """Does a purchase from ``org`` on ``on`` count for priority purchase? And if not, why."""
    return _evaluate(org, on, settings.PRIORITY_PURCHASE_KINDS, True, "우선구매")


def organization_can_sell(org: Organization, *, on: date) -> Eligibility:
    """May ``org`` be approved as a vendor on ``on``? (a valid certification of a selling kind)"""
    return _evaluate(org, on, settings.SELLING_KINDS, False, "판매 입점")


def valid_certifications_q(on: date, kinds: list[str], *, verified: bool = True) -> Q:
    q = Q(kind__in=kinds, valid_from__lte=on)
    q &= Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    q &= Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
    if verified:
        q &= Q(verified_at__isnull=False)
    return q


def filter_eligible_on(qs: QuerySet[Organization], on: date) -> QuerySet[Organization]:
    """Organizations whose purchases on ``on`` count for priority purchase (one query)."""
    certs = Certification.objects.filter(
        valid_certifications_q(on, settings.PRIORITY_PURCHASE_KINDS), organization=OuterRef("pk")
    )
    return qs.filter(Exists(certs))
