"""Registry writes: keyword-only, transactional, raising ``DomainError`` with codes."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

import audit
from core.errors import DomainError, DomainErrors
from vendors.districts import district_from_address, district_normalize
from vendors.identifiers import brn_normalize, crn_normalize
from vendors.models import Certification, CertificationKind, Organization, OrgType


def _clean_org_type(value: str, field: str = "orgType") -> str:
    if value in OrgType.values:
        return value
    by_label = {str(label): key for key, label in OrgType.choices}
    if value in by_label:
        return by_label[value]
    raise DomainError("INVALID_ORG_TYPE", f"알 수 없는 조직 유형입니다: '{value}'.", field)


def organization_validate(
    *,
    name: str,
    org_type: str,
    brn: str | None,
    crn: str | None = None,
    district: str | None = None,
    address: str = "",
    exclude_pk: int | None = None,
) -> dict:
    """Validate and normalize the identifying fields; raise every problem at once."""
    errors: list[DomainError] = []
    cleaned: dict = {}
    name = (name or "").strip()
    if not name:
        errors.append(DomainError("REQUIRED", "조직명을 입력하세요.", "name"))
    cleaned["name"] = name
    try:
        cleaned["org_type"] = _clean_org_type(org_type)
    except DomainError as exc:
        errors.append(exc)
    if brn:
        try:
            cleaned["brn"] = brn_normalize(brn)
            dup = Organization.objects.filter(brn=cleaned["brn"])
            if exclude_pk:
                dup = dup.exclude(pk=exclude_pk)
            if dup.exists():
                errors.append(
                    DomainError("DUPLICATE_BRN", "이미 등록된 사업자등록번호입니다.", "brn")
                )
        except DomainError as exc:
            errors.append(exc)
    elif cleaned.get("org_type") != OrgType.PROSPECTIVE:
        errors.append(DomainError("INVALID_BRN", "사업자등록번호를 입력하세요.", "brn"))
    else:
        cleaned["brn"] = None
    cleaned["crn"] = None
    if crn:
        try:
            cleaned["crn"] = crn_normalize(crn)
        except DomainError as exc:
            errors.append(exc)
    try:
        cleaned["district"] = district_normalize(district) or district_from_address(address)
    except DomainError as exc:
        errors.append(exc)
    if errors:
        raise DomainErrors(errors)
    return cleaned


ORG_TEXT_FIELDS = (
    "representative",
    "phone",
    "email",
    "homepage",
    "postcode",
    "address",
    "province",
    "business_category",
    "business_item",
    "description",
)


@transaction.atomic
def organization_register(
    *,
    name: str,
    org_type: str,
    brn: str | None,
    crn: str | None = None,
    district: str | None = None,
    actor=None,
    **details,
) -> Organization:
    cleaned = organization_validate(
        name=name,
        org_type=org_type,
        brn=brn,
        crn=crn,
        district=district,
        address=details.get("address", ""),
    )
    extra = {k: (details.get(k) or "") for k in ORG_TEXT_FIELDS if k in details}
    if cleaned["district"] == "" and not extra.get("province"):
        extra.setdefault("province", "서울특별시" if "서울" in extra.get("address", "") else "")
    try:
        with transaction.atomic():
            return Organization.objects.create(**cleaned, **extra)
    except IntegrityError:
        raise DomainError("DUPLICATE_BRN", "이미 등록된 사업자등록번호입니다.", "brn")


@transaction.atomic
def certification_add(
    *,
    organization: Organization,
    kind: str,
    valid_from: date,
    valid_until: date | None = None,
    number: str = "",
    issuer: str = "",
    document=None,
    verified_by=None,
    verified_at=None,
) -> Certification:
    if kind not in CertificationKind.values:
        raise DomainError("INVALID", f"알 수 없는 인증 종류입니다: '{kind}'.", "kind")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError("INVALID", "유효 종료일이 시작일보다 빠릅니다.", "validUntil")
    cert = Certification(
        organization=organization,
        kind=kind,
        number=number or "",
        issuer=issuer or "",
        valid_from=valid_from,
        valid_until=valid_until,
        verified_by=verified_by,
        verified_at=verified_at,
    )
    if document is not None:
        cert.document = document
    cert.save()
    audit.record(
        "certification.added",
        cert,
        actor=verified_by,
        changes={
            "organization": organization.pk,
            "kind": kind,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "verified": verified_at is not None,
        },
    )
    return cert
