from __future__ import annotations

import graphene
from django.utils import timezone
from graphene_django import DjangoObjectType

from core.graphql.connection import CountableConnection
from vendors.districts import DISTRICTS
from vendors.eligibility import organization_is_eligible
from vendors.models import (
    Certification,
    CertificationKind,
    Organization,
    OrgType,
    Participation,
    ParticipationStatus,
    Program,
    ProgramCycle,
    ProgramKind,
    Vendor,
)
from vendors.programs import PUBLIC_STATUSES

OrgTypeEnum = graphene.Enum("OrgType", [(v.upper(), v) for v in OrgType.values])
CertificationKindEnum = graphene.Enum(
    "CertificationKind", [(v.upper(), v) for v in CertificationKind.values]
)
ProgramKindEnum = graphene.Enum("ProgramKind", [(v.upper(), v) for v in ProgramKind.values])
ParticipationStatusEnum = graphene.Enum(
    "ParticipationStatus", [(v.upper(), v) for v in ParticipationStatus.values]
)


def _can_see_vendor_private(info, vendor) -> bool:
    """Commission and settlement account: centre staff and the vendor's own staff."""
    user = getattr(info.context, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    cache = info.context.__dict__.setdefault("_vendor_ids_of_user", {})
    if user.pk not in cache:
        cache[user.pk] = set(user.vendor_roles.values_list("vendor_id", flat=True))
    return vendor.pk in cache[user.pk]


class District(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)


class Eligibility(graphene.ObjectType):
    """Whether a purchase on a date counts for priority purchase (우선구매), and why."""

    eligible = graphene.Boolean(required=True)
    reason = graphene.String(required=True, description="ELIGIBLE or the reason code.")
    message = graphene.String(required=True)
    on = graphene.Date(required=True)
    certification = graphene.Field(lambda: CertificationType)


def eligibility_payload(org, on):
    result = organization_is_eligible(org, on=on)
    return Eligibility(
        eligible=result.eligible,
        reason=result.reason,
        message=result.message,
        on=on,
        certification=result.certification,
    )


class CertificationType(DjangoObjectType):
    kind = graphene.Field(CertificationKindEnum, required=True)
    kind_display = graphene.String(required=True)
    is_verified = graphene.Boolean(required=True)

    class Meta:
        model = Certification
        name = "Certification"
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "number",
            "issuer",
            "valid_from",
            "valid_until",
            "revoked_on",
            "verified_at",
        )

    def resolve_kind(self, info):
        return self.kind

    def resolve_kind_display(self, info):
        return self.get_kind_display()

    def resolve_is_verified(self, info):
        return self.verified_at is not None


class ProgramType(DjangoObjectType):
    kind = graphene.Field(ProgramKindEnum, required=True)
    facts = graphene.JSONString()

    class Meta:
        model = Program
        name = "Program"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "code", "name", "description", "is_active")

    def resolve_kind(self, info):
        return self.kind

    def resolve_facts(self, info):
        return self.facts


class ProgramCycleType(DjangoObjectType):
    class Meta:
        model = ProgramCycle
        name = "ProgramCycle"
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "program",
            "year",
            "cohort",
            "application_opens",
            "application_closes",
            "budget",
        )


class ParticipationType(DjangoObjectType):
    status = graphene.Field(ParticipationStatusEnum, required=True)
    notes = graphene.String(description="Staff notes; empty for everyone else.")

    class Meta:
        model = Participation
        name = "Participation"
        interfaces = (graphene.relay.Node,)
        fields = ("id", "cycle", "organization", "amount_granted")

    @classmethod
    def get_node(cls, info, id):
        """``node(id)``: as ``participations``, APPLIED and DROPPED records for staff only."""
        qs = Participation.objects.filter(pk=id)
        user = getattr(info.context, "user", None)
        if user is None or not user.is_staff:
            qs = qs.filter(status__in=PUBLIC_STATUSES)
        return qs.first()

    def resolve_status(self, info):
        return self.status

    def resolve_notes(self, info):
        user = getattr(info.context, "user", None)
        return self.notes if user is not None and user.is_staff else ""


class OrganizationType(DjangoObjectType):
    org_type = graphene.Field(OrgTypeEnum, required=True)
    org_type_display = graphene.String(required=True)
    brn = graphene.String(description="사업자등록번호, formatted ###-##-#####.")
    crn = graphene.String(description="법인등록번호, formatted ######-#######.")
    district = graphene.Field(District)
    certifications = graphene.List(graphene.NonNull(CertificationType), required=True)
    participations = graphene.List(graphene.NonNull(ParticipationType), required=True)
    eligibility = graphene.Field(
        Eligibility,
        required=True,
        on=graphene.Date(description="Date of the purchase; today (Asia/Seoul) by default."),
    )
    vendor = graphene.Field(lambda: VendorType)

    class Meta:
        model = Organization
        name = "Organization"
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "name",
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
            "created_at",
        )

    def resolve_org_type(self, info):
        return self.org_type

    def resolve_org_type_display(self, info):
        return self.get_org_type_display()

    def resolve_brn(self, info):
        return self.brn_display or None

    def resolve_crn(self, info):
        return self.crn_display or None

    def resolve_district(self, info):
        return (
            District(code=self.district, name=DISTRICTS[self.district]) if self.district else None
        )

    def resolve_certifications(self, info):
        return self.certifications.all()

    def resolve_participations(self, info):
        """Staff see every record; others only selected/active/completed ones."""
        rows = self.participations.all()
        user = getattr(info.context, "user", None)
        if user is not None and user.is_staff:
            return rows
        return [p for p in rows if p.status in PUBLIC_STATUSES]

    def resolve_eligibility(self, info, on=None):
        return eligibility_payload(self, on or timezone.localdate())

    def resolve_vendor(self, info):
        return getattr(self, "vendor", None)


class VendorType(DjangoObjectType):
    bank_account = graphene.String(description="Settlement account, masked.")

    class Meta:
        model = Vendor
        name = "Vendor"
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "organization",
            "store_name",
            "slug",
            "description",
            "mission",
            "shipping_base_fee",
            "shipping_free_over",
            "shipping_jeju_extra",
            "shipping_remote_extra",
            "is_active",
        )

    logo_url = graphene.String()

    def resolve_logo_url(self, info):
        return self.logo.url if self.logo else None

    commission_rate = graphene.Decimal(
        description="Commission rate; the vendor's staff and centre staff only."
    )

    def resolve_bank_account(self, info):
        if not _can_see_vendor_private(info, self):
            return None
        return self.bank_account_masked or None

    def resolve_commission_rate(self, info):
        return self.commission_rate if _can_see_vendor_private(info, self) else None


class OrganizationConnection(CountableConnection):
    class Meta:
        node = OrganizationType


class VendorConnection(CountableConnection):
    class Meta:
        node = VendorType


class ProgramConnection(CountableConnection):
    class Meta:
        node = ProgramType


class ParticipationConnection(CountableConnection):
    class Meta:
        node = ParticipationType
