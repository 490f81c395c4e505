"""GraphQL for vendor onboarding and vendors.

Queries: ``vendors``, ``vendor(slug)``, ``vendorApplications``, ``vendorApplication(id)``.
Mutations: ``vendorApplicationSubmit`` (multipart upload of the certification document),
``vendorApplicationResubmit``, and for centre staff ``vendorApplicationApprove``,
``vendorApplicationReject`` and ``vendorApplicationRequestChanges``. Resolvers are thin: the
rules live in ``vendors.onboarding``.
"""

from __future__ import annotations

import graphene
from django.db.models import Prefetch
from graphene import relay
from graphene_django import DjangoObjectType

from core.errors import DomainError
from core.graphql.connection import CountableConnection, paginate
from core.graphql.errors import DomainGraphQLError, error_type
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import current_user, require_login, require_staff
from core.graphql.scalars import Upload
from core.graphql.selection import node_paths, selected_paths
from vendors import onboarding, selectors
from vendors.errors import VendorApplicationErrorCode
from vendors.graphql.types import (
    CertificationKindEnum,
    OrgTypeEnum,
    VendorConnection,
    VendorType,
)
from vendors.models import (
    ApplicationEventType,
    ApplicationStatus,
    Participation,
    VendorApplication,
    VendorApplicationEvent,
)

VendorApplicationError = error_type("VendorApplicationError", VendorApplicationErrorCode)
VendorApplicationStatusEnum = graphene.Enum(
    "VendorApplicationStatus", [(v.upper(), v) for v in ApplicationStatus.values]
)
VendorApplicationEventsEnum = graphene.Enum(
    "VendorApplicationEventsEnum", [(v.upper(), v) for v in ApplicationEventType.values]
)


def _value(v):
    return getattr(v, "value", v)


def _input_dict(data) -> dict:
    """An input object as a dict without unset fields, enums turned into their values."""
    return {k: _value(v) for k, v in dict(data or {}).items() if v is not None}


# --- Types --------------------------------------------------------------------------------------


class VendorApplicationEventType(DjangoObjectType):
    """One step of an application: who did what, when."""

    type = graphene.Field(VendorApplicationEventsEnum, required=True)
    type_display = graphene.String(required=True)
    actor_name = graphene.String(
        description="Who acted; centre staff are shown by name to staff only."
    )

    class Meta:
        model = VendorApplicationEvent
        name = "VendorApplicationEvent"
        fields = ("message", "created_at")

    def resolve_type(self, info):
        return str(self.type)  # a plain value even right after assigning a TextChoices member

    def resolve_type_display(self, info):
        return self.get_type_display()

    def resolve_actor_name(self, info):
        actor = self.actor
        if actor is None:
            return None
        viewer = current_user(info)
        if actor.is_staff and not (viewer and viewer.is_staff):
            return "센터 담당자"
        return actor.name or actor.email


class VendorApplicationType(DjangoObjectType):
    status = graphene.Field(VendorApplicationStatusEnum, required=True)
    status_display = graphene.String(required=True)
    events = graphene.List(graphene.NonNull(VendorApplicationEventType), required=True)

    class Meta:
        model = VendorApplication
        name = "VendorApplication"
        interfaces = (relay.Node,)
        fields = (
            "id",
            "applicant",
            "organization",
            "certification",
            "store_name",
            "slug",
            "description",
            "mission",
            "contact_phone",
            "review_note",
            "reviewed_at",
            "vendor",
            "created_at",
            "updated_at",
        )

    @classmethod
    def get_node(cls, info, id):
        try:
            return onboarding.application_get(user=current_user(info), pk=int(id))
        except (TypeError, ValueError):
            return None

    def resolve_status(self, info):
        return str(self.status)  # a plain value even right after assigning a TextChoices member

    def resolve_status_display(self, info):
        return self.get_status_display()

    def resolve_events(self, info):
        return self.events.all()


class VendorApplicationConnection(CountableConnection):
    class Meta:
        node = VendorApplicationType


# --- Queries ------------------------------------------------------------------------------------


def _vendor_queryset(info, paths: set[str], *, search=None):
    user = current_user(info)
    qs = selectors.vendor_list(search=search, active_only=not (user and user.is_staff))
    if any(p.startswith("organization.participations") for p in paths):
        qs = qs.prefetch_related(
            Prefetch(
                "organization__participations",
                queryset=Participation.objects.select_related("cycle__program").order_by(
                    "-cycle__year", "id"
                ),
            )
        )
    return qs


class OnboardingQueries(graphene.ObjectType):
    vendors = relay.ConnectionField(
        VendorConnection,
        search=graphene.String(description="Part of the store or organization name."),
        description="Vendors selling on Nuri (staff also see inactive ones).",
    )
    vendor = graphene.Field(
        VendorType, slug=graphene.String(required=True), description="A vendor by its slug."
    )
    vendor_applications = relay.ConnectionField(
        VendorApplicationConnection,
        status=VendorApplicationStatusEnum(),
        description="Vendor applications: every one for centre staff, one's own otherwise.",
    )
    vendor_application = graphene.Field(VendorApplicationType, id=graphene.ID(required=True))

    def resolve_vendors(self, info, search=None, **kwargs):
        qs = _vendor_queryset(info, node_paths(info), search=search)
        try:
            return paginate(qs, VendorConnection, **kwargs)
        except DomainError as exc:
            raise DomainGraphQLError(exc)

    def resolve_vendor(self, info, slug):
        return _vendor_queryset(info, selected_paths(info)).filter(slug=slug).first()

    def resolve_vendor_applications(self, info, status=None, **kwargs):
        try:
            user = require_login(info)
            with_events = any(p.startswith("events") for p in node_paths(info))
            qs = onboarding.application_list(
                user=user, status=_value(status), with_events=with_events
            )
            if any(p.startswith("organization.") for p in node_paths(info)):
                qs = qs.prefetch_related("organization__certifications")
            return paginate(qs, VendorApplicationConnection, **kwargs)
        except DomainError as exc:
            raise DomainGraphQLError(exc)

    def resolve_vendor_application(self, info, id):
        try:
            pk = decode_id(id, "VendorApplication")
        except DomainError:
            return None
        return onboarding.application_get(user=current_user(info), pk=pk)


# --- Inputs ---------------------------------------------------------------------------------------


class VendorApplicationOrganizationInput(graphene.InputObjectType):
    """Registry data of an organization that is not in the registry yet."""

    name = graphene.String(required=True)
    org_type = graphene.InputField(OrgTypeEnum, required=True)
    crn = graphene.String(description="법인등록번호.")
    representative = graphene.String()
    phone = graphene.String()
    email = graphene.String()
    homepage = graphene.String()
    postcode = graphene.String()
    address = graphene.String()
    district = graphene.String(description="District code or name; empty outside Seoul.")
    province = graphene.String()
    business_category = graphene.String(description="업태")
    business_item = graphene.String(description="종목")
    description = graphene.String()


class VendorApplicationCertificationInput(graphene.InputObjectType):
    """The certification the document proves; verified by centre staff at approval."""

    kind = graphene.InputField(CertificationKindEnum, required=True)
    number = graphene.String(description="e.g. 제2015-123호")
    issuer = graphene.String()
    valid_from = graphene.Date(required=True)
    valid_until = graphene.Date()


class VendorApplicationSubmitInput(graphene.InputObjectType):
    brn = graphene.String(required=True, description="사업자등록번호 (###-##-#####).")
    organization = graphene.Field(
        VendorApplicationOrganizationInput,
        description="Needed only when the number is not in the registry.",
    )
    certification = graphene.Field(VendorApplicationCertificationInput)
    certification_document = Upload(description="PDF, JPG or PNG (multipart request).")
    store_name = graphene.String(required=True)
    slug = graphene.String(description="Wanted address name; made unique at approval.")
    description = graphene.String()
    mission = graphene.String()
    contact_phone = graphene.String()


class VendorApplicationResubmitInput(graphene.InputObjectType):
    store_name = graphene.String()
    slug = graphene.String()
    description = graphene.String()
    mission = graphene.String()
    contact_phone = graphene.String()
    certification = graphene.Field(VendorApplicationCertificationInput)
    certification_document = Upload()
    message = graphene.String(description="A note to the reviewer.")


class VendorApplicationApproveInput(graphene.InputObjectType):
    commission_rate = graphene.Decimal(description="e.g. 0.08 for 8%; the default otherwise.")
    store_name = graphene.String()
    slug = graphene.String()
    description = graphene.String()
    mission = graphene.String()
    logo = Upload()
    shipping_base_fee = graphene.Int()
    shipping_free_over = graphene.Int()
    shipping_jeju_extra = graphene.Int()
    shipping_remote_extra = graphene.Int()
    bank_name = graphene.String()
    bank_account_holder = graphene.String()
    bank_account_number = graphene.String(description="Stored encrypted; shown masked.")
    note = graphene.String(description="Review note shown to the applicant.")


# --- Mutations ----------------------------------------------------------------------------------


def _application_for(info, id, user) -> VendorApplication:
    pk = decode_id(id, "VendorApplication")
    application = onboarding.application_list(user=user).filter(pk=pk).first()
    if application is None:
        raise DomainError("NOT_FOUND", "입점 신청을 찾을 수 없습니다.", "id")
    return application


class VendorApplicationSubmit(BaseMutation):
    """Apply to sell on Nuri for an organization (a signed-in user)."""

    class Arguments:
        input = VendorApplicationSubmitInput(required=True)

    class Meta:
        error_type_class = VendorApplicationError

    vendor_application = graphene.Field(VendorApplicationType)

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = require_login(info)
        data = _input_dict(input)
        organization = _input_dict(data.pop("organization", None)) or None
        certification = _input_dict(data.pop("certification", None)) or None
        document = data.pop("certification_document", None)
        application = onboarding.application_submit(
            applicant=user,
            organization=organization,
            certification=certification,
            document=document,
            **data,
        )
        return cls(vendor_application=application)


class VendorApplicationResubmit(BaseMutation):
    """Send the application again after centre staff asked for changes (the applicant)."""

    class Arguments:
        id = graphene.ID(required=True)
        input = VendorApplicationResubmitInput(required=True)

    class Meta:
        error_type_class = VendorApplicationError

    vendor_application = graphene.Field(VendorApplicationType)

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        user = require_login(info)
        application = _application_for(info, id, user)
        data = _input_dict(input)
        certification = _input_dict(data.pop("certification", None)) or None
        application = onboarding.application_resubmit(
            application=application,
            actor=user,
            certification=certification,
            document=data.pop("certification_document", None),
            message=data.pop("message", ""),
            **data,
        )
        return cls(vendor_application=application)


class VendorApplicationApprove(BaseMutation):
    """Approve an application: creates the vendor, the applicant becomes its owner (staff)."""

    class Arguments:
        id = graphene.ID(required=True)
        input = VendorApplicationApproveInput()

    class Meta:
        error_type_class = VendorApplicationError

    vendor_application = graphene.Field(VendorApplicationType)
    vendor = graphene.Field(VendorType)

    @classmethod
    def perform_mutation(cls, root, info, id, input=None):
        actor = require_staff(info)
        application = _application_for(info, id, actor)
        application = onboarding.application_approve(
            application=application, actor=actor, **_input_dict(input)
        )
        return cls(vendor_application=application, vendor=application.vendor)


class VendorApplicationReject(BaseMutation):
    """Refuse an application with a reason shown to the applicant (staff)."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    class Meta:
        error_type_class = VendorApplicationError

    vendor_application = graphene.Field(VendorApplicationType)

    @classmethod
    def perform_mutation(cls, root, info, id, reason):
        actor = require_staff(info)
        application = onboarding.application_reject(
            application=_application_for(info, id, actor), actor=actor, reason=reason
        )
        return cls(vendor_application=application)


class VendorApplicationRequestChanges(BaseMutation):
    """Send an application back to the applicant with what to fix (staff)."""

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String(required=True)

    class Meta:
        error_type_class = VendorApplicationError

    vendor_application = graphene.Field(VendorApplicationType)

    @classmethod
    def perform_mutation(cls, root, info, id, note):
        actor = require_staff(info)
        application = onboarding.application_request_changes(
            application=_application_for(info, id, actor), actor=actor, note=note
        )
        return cls(vendor_application=application)


class OnboardingMutations(graphene.ObjectType):
    vendor_application_submit = VendorApplicationSubmit.Field()
    vendor_application_resubmit = VendorApplicationResubmit.Field()
    vendor_application_approve = VendorApplicationApprove.Field()
    vendor_application_reject = VendorApplicationReject.Field()
    vendor_application_request_changes = VendorApplicationRequestChanges.Field()
