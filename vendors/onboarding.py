"""Vendor onboarding: apply, review (approve / reject / ask for changes), become a vendor.

Every write is a keyword-only, transactional service that takes the acting user, records a
``VendorApplicationEvent`` (who, when, what) and queues the e-mail after commit. Problems are
raised as ``DomainError``/``DomainErrors`` with codes from ``VendorApplicationErrorCode``;
field names are the GraphQL input names (nested inputs as ``organization.name``).

State machine::

    submitted ──approve──▶ approved (creates the Vendor, applicant becomes its owner)
        │  ╲──reject───▶ rejected
        │   ╲─request changes─▶ changes_requested ──resubmit──▶ submitted
        │                              ╲──reject──▶ rejected
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

import audit
from core import uploads
from core.errors import DomainError, DomainErrors
from vendors import services
from vendors.banking import vendor_set_bank_account
from vendors.eligibility import organization_can_sell
from vendors.identifiers import brn_format, brn_normalize
from vendors.models import (
    ApplicationEventType,
    ApplicationStatus,
    Certification,
    CertificationKind,
    Organization,
    Vendor,
    VendorApplication,
    VendorApplicationEvent,
    VendorRole,
    VendorStaff,
)

# --- Uploaded files ------------------------------------------------------------------------------

# What each upload may be; the content decides (core.uploads sniffs and parses the bytes).
DOCUMENT_TYPES = uploads.DOCUMENT_KINDS
LOGO_TYPES = frozenset({uploads.JPEG, uploads.PNG})


def upload_validate(
    upload, *, field: str = "certificationDocument", types=None, label: str = ""
) -> None:
    """Check an uploaded document or logo by its real content, extension and size.

    Raises ``INVALID_FILE_TYPE``, ``FILE_TOO_LARGE`` (or ``REQUIRED`` when nothing was sent).
    """
    uploads.upload_check(
        upload, kinds=types or DOCUMENT_TYPES, field=field, label=label or "증빙 서류"
    )


# --- Small validators ----------------------------------------------------------------------------


def _enum_value(value):
    return getattr(value, "value", value)


def _text(value) -> str:
    return str(value or "").strip()


def _require_staff(actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise DomainError("PERMISSION_DENIED", "로그인이 필요합니다.")
    if not actor.is_staff:
        raise DomainError("PERMISSION_DENIED", "센터 직원만 입점 신청을 심사할 수 있습니다.")


def _require_login(user) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise DomainError("PERMISSION_DENIED", "로그인이 필요합니다.")


def _clean_slug(value: str, field: str = "slug") -> str:
    raw = _text(value)
    if not raw:
        return ""
    slug = slugify(raw, allow_unicode=True)[:100]
    if not slug:
        raise DomainError(
            "INVALID", "주소 이름에는 글자, 숫자, '-', '_'를 사용할 수 있습니다.", field
        )
    return slug


def _clean_store(data: dict, errors: list[DomainError], *, partial: bool = False) -> dict:
    """Store details of an application (``storeName``, ``slug``, ...)."""
    cleaned: dict[str, Any] = {}
    if not partial or data.get("store_name") is not None:
        name = _text(data.get("store_name"))
        if not name:
            errors.append(DomainError("REQUIRED", "상점명을 입력하세요.", "storeName"))
        elif len(name) > 100:
            errors.append(DomainError("INVALID", "상점명은 100자 이내로 입력하세요.", "storeName"))
        cleaned["store_name"] = name
    if not partial or data.get("slug") is not None:
        try:
            cleaned["slug"] = _clean_slug(data.get("slug"))
        except DomainError as exc:
            errors.append(exc)
    for key in ("description", "mission"):
        if not partial or data.get(key) is not None:
            cleaned[key] = _text(data.get(key))
    if not partial or data.get("contact_phone") is not None:
        phone = _text(data.get("contact_phone"))
        if phone and (len(phone) > 30 or not all(ch.isdigit() or ch in "-+ ()" for ch in phone)):
            errors.append(
                DomainError(
                    "INVALID", "연락처는 숫자와 '-'로 입력하세요 (예: 02-353-3553).", "contactPhone"
                )
            )
        cleaned["contact_phone"] = phone
    return cleaned


def _clean_certification(data: dict, errors: list[DomainError]) -> dict:
    """Fields of a certification the applicant declares (checked by staff at review)."""
    cleaned: dict[str, Any] = {}
    kind = _enum_value(data.get("kind"))
    if not kind:
        errors.append(DomainError("REQUIRED", "인증 종류를 선택하세요.", "certification.kind"))
    elif kind not in CertificationKind.values:
        errors.append(
            DomainError("INVALID", f"알 수 없는 인증 종류입니다: '{kind}'.", "certification.kind")
        )
    cleaned["kind"] = kind
    valid_from, valid_until = data.get("valid_from"), data.get("valid_until")
    if not isinstance(valid_from, date):
        errors.append(
            DomainError("REQUIRED", "인증 유효 시작일을 입력하세요.", "certification.validFrom")
        )
    elif isinstance(valid_until, date) and valid_until < valid_from:
        errors.append(
            DomainError("INVALID", "유효 종료일이 시작일보다 빠릅니다.", "certification.validUntil")
        )
    cleaned["valid_from"] = valid_from
    cleaned["valid_until"] = valid_until if isinstance(valid_until, date) else None
    cleaned["number"] = _text(data.get("number"))[:50]
    cleaned["issuer"] = _text(data.get("issuer"))[:100]
    return cleaned


def _prefix_errors(exc: DomainError | DomainErrors, prefix: str) -> list[DomainError]:
    errs = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [
        DomainError(e.code, e.message, f"{prefix}.{e.field}" if e.field else prefix) for e in errs
    ]


# --- Events and e-mails --------------------------------------------------------------------------


def _record_event(
    application: VendorApplication, type_: str, actor, message: str = ""
) -> VendorApplicationEvent:
    event = VendorApplicationEvent.objects.create(
        application=application, type=type_, actor=actor, message=message or ""
    )
    from vendors.tasks.onboarding import application_event_email

    app_id, event_id = application.pk, event.pk
    transaction.on_commit(lambda: application_event_email.delay(app_id, type_, event_id))
    return event


def _lock(application: VendorApplication) -> VendorApplication:
    """The application re-read under a row lock, so two reviewers cannot both decide."""
    return (
        VendorApplication.objects.select_for_update(of=("self",))
        .select_related("organization", "applicant", "certification")
        .get(pk=application.pk)
    )


def _check_status(application: VendorApplication, allowed: set[str], action: str) -> None:
    if application.status not in allowed:
        raise DomainError(
            "INVALID_STATUS",
            f"'{application.get_status_display()}' 상태의 신청은 {action}할 수 없습니다.",
            "id",
        )


def _pending_q() -> Q:
    return Q(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.CHANGES_REQUESTED])


def _already_vendor_error(org: Organization, field: str | None = "brn") -> DomainError:
    return DomainError(
        "ALREADY_VENDOR",
        f"'{org.name}'({org.brn_display})은(는) 이미 누리에 입점한 조직입니다.",
        field,
    )


# --- Applicant: submit and resubmit --------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    applicant,
    brn: str,
    store_name: str,
    organization: dict | None = None,
    certification: dict | None = None,
    document=None,
    slug: str = "",
    description: str = "",
    mission: str = "",
    contact_phone: str = "",
) -> VendorApplication:
    """An applicant asks to sell for the organization with this 사업자등록번호.

    ``organization`` holds the registry fields (``name``, ``org_type``, ``representative``,
    ``address``, ``district``, ...) and is needed only when the number is not in the registry
    yet; an existing organization's registry data is never changed by an applicant.
    ``certification`` (``kind``, ``number``, ``issuer``, ``valid_from``, ``valid_until``) with
    its ``document`` (PDF/JPG/PNG) is recorded unverified; staff verify it at approval. It may be
    left out when the organization already has its certification in the registry.
    Every problem is reported at once and nothing is written when there is one.
    """
    _require_login(applicant)
    errors: list[DomainError] = []
    digits = None
    org = None
    try:
        digits = brn_normalize(brn, field="brn")
    except DomainError as exc:
        errors.append(exc)

    org_data: dict | None = None
    if digits:
        org = Organization.objects.filter(brn=digits).select_related("vendor").first()
        if org is not None:
            if getattr(org, "vendor", None) is not None:
                errors.append(_already_vendor_error(org))
            elif VendorApplication.objects.filter(_pending_q(), organization=org).exists():
                errors.append(
                    DomainError(
                        "INVALID_STATUS",
                        f"'{org.name}'의 입점 신청이 이미 심사 중입니다.",
                        "brn",
                    )
                )
        elif not organization:
            errors.append(
                DomainError(
                    "REQUIRED",
                    f"사업자등록번호 {brn_format(digits)}는 등록부에 없습니다. "
                    "조직 정보를 입력하세요.",
                    "organization",
                )
            )
        else:
            org_data = {k: v for k, v in dict(organization).items() if v is not None}
            org_data["org_type"] = _enum_value(org_data.get("org_type", ""))
            org_data.pop("brn", None)
            try:
                services.organization_validate(
                    name=org_data.get("name", ""),
                    org_type=org_data["org_type"],
                    brn=digits,
                    crn=org_data.get("crn"),
                    district=org_data.get("district"),
                    address=org_data.get("address", ""),
                )
            except (DomainError, DomainErrors) as exc:
                errors.extend(_prefix_errors(exc, "organization"))

    store = _clean_store(
        {
            "store_name": store_name,
            "slug": slug,
            "description": description,
            "mission": mission,
            "contact_phone": contact_phone,
        },
        errors,
    )
    cert_data = None
    if certification:
        cert_data = _clean_certification(dict(certification), errors)
        try:
            upload_validate(document)
        except DomainError as exc:
            errors.append(exc)
    elif document is not None:
        errors.append(
            DomainError(
                "REQUIRED", "증빙 서류가 어떤 인증의 것인지 입력하세요.", "certification.kind"
            )
        )
    if errors:
        raise DomainErrors(errors)

    if org is None:
        try:
            org = services.organization_register(brn=digits, actor=applicant, **org_data)
        except (DomainError, DomainErrors) as exc:
            raise DomainErrors(_prefix_errors(exc, "organization"))
    cert = None
    if cert_data is not None:
        cert = services.certification_add(organization=org, document=document, **cert_data)
    application = VendorApplication.objects.create(
        applicant=applicant, organization=org, certification=cert, **store
    )
    _record_event(application, ApplicationEventType.SUBMITTED, applicant)
    return application


@transaction.atomic
def application_resubmit(
    *,
    application: VendorApplication,
    actor,
    message: str = "",
    certification: dict | None = None,
    document=None,
    **store_fields,
) -> VendorApplication:
    """The applicant answers a request for changes: updated details and/or a new document.

    ``store_fields`` may hold ``store_name``, ``slug``, ``description``, ``mission`` and
    ``contact_phone`` (``None`` keeps the current value). A new ``certification`` needs its
    ``document``; a ``document`` alone replaces the file of the application's unverified
    certification.
    """
    _require_login(actor)
    unknown = set(store_fields) - {"store_name", "slug", "description", "mission", "contact_phone"}
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    application = _lock(application)
    if application.applicant_id != actor.pk:
        raise DomainError("PERMISSION_DENIED", "본인의 입점 신청만 다시 제출할 수 있습니다.")
    _check_status(application, {ApplicationStatus.CHANGES_REQUESTED}, "다시 제출")

    errors: list[DomainError] = []
    store = _clean_store(store_fields, errors, partial=True)
    cert_data = None
    if certification:
        cert_data = _clean_certification(dict(certification), errors)
    if certification or document is not None:
        try:
            upload_validate(document)
        except DomainError as exc:
            errors.append(exc)
    if (
        document is not None
        and not certification
        and (application.certification is None or application.certification.verified_at)
    ):
        errors.append(
            DomainError("REQUIRED", "새 증빙 서류의 인증 정보를 입력하세요.", "certification.kind")
        )
    if errors:
        raise DomainErrors(errors)

    for key, value in store.items():
        setattr(application, key, value)
    if cert_data is not None:
        application.certification = services.certification_add(
            organization=application.organization, document=document, **cert_data
        )
    elif document is not None:
        application.certification.document = document
        application.certification.save(update_fields=["document"])
    application.status = ApplicationStatus.SUBMITTED
    application.save()
    _record_event(application, ApplicationEventType.RESUBMITTED, actor, _text(message))
    return application


# --- Centre staff: review ------------------------------------------------------------------------

_UNSET: Any = object()


def _clean_commission(value, errors: list[DomainError]) -> Decimal:
    raw = settings.DEFAULT_COMMISSION_RATE if value is None else value
    try:
        rate = Decimal(str(raw)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        errors.append(DomainError("INVALID", "수수료율은 숫자로 입력하세요.", "commissionRate"))
        return Decimal("0")
    if not Decimal("0") <= rate < Decimal("1"):
        errors.append(
            DomainError(
                "INVALID",
                "수수료율은 0 이상 1 미만의 소수로 입력하세요 (예: 0.08 = 8%).",
                "commissionRate",
            )
        )
    return rate


def _unique_slug(base: str) -> str:
    base = slugify(base, allow_unicode=True)[:90].strip("-_") or "vendor"
    taken = set(Vendor.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def application_approve(
    *,
    application: VendorApplication,
    actor,
    commission_rate: Decimal | str | None = None,
    store_name: str | None = None,
    slug: str | None = None,
    description: str | None = None,
    mission: str | None = None,
    logo=None,
    shipping_base_fee: int | None = None,
    shipping_free_over: int | None = _UNSET,
    shipping_jeju_extra: int | None = None,
    shipping_remote_extra: int | None = None,
    bank_name: str = "",
    bank_account_holder: str = "",
    bank_account_number: str = "",
    note: str = "",
    on: date | None = None,
) -> VendorApplication:
    """Approve: verify the certification, create the vendor, make the applicant its owner.

    The organization must hold, on ``on`` (today), a valid certification of a selling kind
    (``settings.SELLING_KINDS``), else ``NOT_ELIGIBLE`` with the reason. Store details default
    to the application's; the slug is made unique; the commission defaults to
    ``settings.DEFAULT_COMMISSION_RATE``; a settlement account, when given, is stored encrypted.
    """
    _require_staff(actor)
    application = _lock(application)
    _check_status(application, {ApplicationStatus.SUBMITTED}, "승인")
    org = application.organization
    if Vendor.objects.filter(organization=org).exists():
        raise _already_vendor_error(org, None)
    on = on or timezone.localdate()
    verdict = organization_can_sell(org, on=on)
    if not verdict.eligible:
        raise DomainError(
            "NOT_ELIGIBLE", f"입점을 승인할 수 없습니다. 사유: {verdict.message}", None
        )

    errors: list[DomainError] = []
    rate = _clean_commission(commission_rate, errors)
    policy = {
        "shipping_base_fee": shipping_base_fee,
        "shipping_jeju_extra": shipping_jeju_extra,
        "shipping_remote_extra": shipping_remote_extra,
    }
    if shipping_free_over is not _UNSET:
        policy["shipping_free_over"] = shipping_free_over
    for key, value in list(policy.items()):
        if value is None and key != "shipping_free_over":
            policy.pop(key)
        elif value is not None and (not isinstance(value, int) or value < 0):
            field = "".join(p.title() if i else p for i, p in enumerate(key.split("_")))
            errors.append(DomainError("INVALID", "배송비는 0원 이상의 정수(원)입니다.", field))
    overrides = _clean_store(
        {"store_name": store_name, "slug": slug, "description": description, "mission": mission},
        errors,
        partial=True,
    )
    if logo is not None:
        try:
            upload_validate(logo, field="logo", types=LOGO_TYPES, label="로고")
        except DomainError as exc:
            errors.append(exc)
    if errors:
        raise DomainErrors(errors)

    details = {
        "store_name": application.store_name,
        "description": application.description,
        "mission": application.mission,
        **{k: v for k, v in overrides.items() if k != "slug"},
    }
    requested_slug = overrides.get("slug") or application.slug or details["store_name"]
    vendor = None
    for _attempt in range(5):
        candidate = Vendor(
            organization=org, slug=_unique_slug(requested_slug), commission_rate=rate, **details
        )
        for key, value in policy.items():
            setattr(candidate, key, value)
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:
            if Vendor.objects.filter(organization=org).exists():
                raise _already_vendor_error(org, None)
            continue  # someone took the slug meanwhile: pick the next one
        vendor = candidate
        break
    if vendor is None:  # pragma: no cover - five concurrent slug clashes
        raise DomainError("UNIQUE", "상점 주소 이름을 정하지 못했습니다. 다시 시도하세요.", "slug")
    if logo is not None:
        vendor.logo = logo
        vendor.save(update_fields=["logo"])
    if _text(bank_account_number):
        vendor_set_bank_account(
            vendor=vendor,
            bank_name=bank_name,
            holder=bank_account_holder or org.name,
            number=bank_account_number,
        )
    VendorStaff.objects.update_or_create(
        vendor=vendor, user=application.applicant, defaults={"role": VendorRole.OWNER}
    )

    now = timezone.now()
    verified = [verdict.certification, application.certification]
    newly_verified = []
    for cert in {c.pk: c for c in verified if c is not None and c.is_valid_on(on)}.values():
        if cert.verified_at is None:
            cert.verified_by, cert.verified_at = actor, now
            cert.save(update_fields=["verified_by", "verified_at"])
            newly_verified.append(cert.pk)
    audit.record(
        "application.approved",
        application,
        actor=actor,
        reason=_text(note),
        changes={
            "status": [application.status, ApplicationStatus.APPROVED],
            "vendor": [None, vendor.pk],
            "store_name": vendor.store_name,
            "commission_rate": rate,
            "verified_certifications": newly_verified,
        },
    )

    application.status = ApplicationStatus.APPROVED
    application.vendor = vendor
    application.reviewed_by, application.reviewed_at = actor, now
    application.review_note = _text(note)
    application.save()
    _record_event(application, ApplicationEventType.APPROVED, actor, _text(note))
    return application


@transaction.atomic
def application_reject(*, application: VendorApplication, actor, reason: str) -> VendorApplication:
    """Refuse the application; the reason (required) is shown to the applicant."""
    _require_staff(actor)
    reason = _text(reason)
    if not reason:
        raise DomainError("REQUIRED", "반려 사유를 입력하세요.", "reason")
    application = _lock(application)
    _check_status(
        application,
        {ApplicationStatus.SUBMITTED, ApplicationStatus.CHANGES_REQUESTED},
        "반려",
    )
    audit.record(
        "application.rejected",
        application,
        actor=actor,
        reason=reason,
        changes={"status": [application.status, ApplicationStatus.REJECTED]},
    )
    application.status = ApplicationStatus.REJECTED
    application.review_note = reason
    application.reviewed_by, application.reviewed_at = actor, timezone.now()
    application.save()
    _record_event(application, ApplicationEventType.REJECTED, actor, reason)
    return application


@transaction.atomic
def application_request_changes(
    *, application: VendorApplication, actor, note: str
) -> VendorApplication:
    """Send the application back to the applicant with what to fix (required)."""
    _require_staff(actor)
    note = _text(note)
    if not note:
        raise DomainError("REQUIRED", "보완 요청 내용을 입력하세요.", "note")
    application = _lock(application)
    _check_status(application, {ApplicationStatus.SUBMITTED}, "보완 요청")
    audit.record(
        "application.changes_requested",
        application,
        actor=actor,
        reason=note,
        changes={"status": [application.status, ApplicationStatus.CHANGES_REQUESTED]},
    )
    application.status = ApplicationStatus.CHANGES_REQUESTED
    application.review_note = note
    application.reviewed_by, application.reviewed_at = actor, timezone.now()
    application.save()
    _record_event(application, ApplicationEventType.CHANGES_REQUESTED, actor, note)
    return application


# --- Reads ---------------------------------------------------------------------------------------


def application_list(
    *, user, status: str | None = None, with_events: bool = False
) -> QuerySet[VendorApplication]:
    """Applications ``user`` may see: staff see every one, others only their own."""
    if user is None or not user.is_authenticated:
        return VendorApplication.objects.none()
    qs = VendorApplication.objects.select_related(
        "organization", "certification", "applicant", "vendor", "reviewed_by"
    )
    if not user.is_staff:
        qs = qs.filter(applicant=user)
    if status:
        qs = qs.filter(status=_enum_value(status))
    if with_events:
        qs = qs.prefetch_related(
            Prefetch(
                "events",
                queryset=VendorApplicationEvent.objects.select_related("actor").order_by(
                    "created_at", "id"
                ),
            )
        )
    return qs.order_by("-created_at", "-id")


def application_get(*, user, pk: int) -> VendorApplication | None:
    return application_list(user=user, with_events=True).filter(pk=pk).first()


def organization_lookup(brn: str) -> Organization | None:
    """The registry entry for a 사업자등록번호 (``INVALID_BRN`` when the number is wrong)."""
    digits = brn_normalize(brn, field="brn")
    return (
        Organization.objects.filter(brn=digits)
        .select_related("vendor")
        .prefetch_related(
            Prefetch("certifications", queryset=Certification.objects.order_by("-valid_from"))
        )
        .first()
    )


def organization_open_application(org: Organization) -> VendorApplication | None:
    return VendorApplication.objects.filter(_pending_q(), organization=org).first()
