"""GraphQL for the organization registry: queries and ``organizationRegister``."""

from __future__ import annotations

import graphene
from graphene import relay

from core.errors import DomainError
from core.graphql.connection import paginate
from core.graphql.errors import DomainGraphQLError, error_type
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import require_staff
from core.graphql.selection import node_paths, selected_paths
from vendors import selectors, services
from vendors.errors import OrganizationErrorCode
from vendors.graphql.types import OrganizationConnection, OrganizationType, OrgTypeEnum

OrganizationError = error_type("OrganizationError", OrganizationErrorCode)


class OrganizationFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Part of the name, representative or 사업자등록번호.")
    org_type = graphene.List(graphene.NonNull(OrgTypeEnum))
    district = graphene.String(description="District code (11440) or name (마포구).")
    eligible_on = graphene.Date(
        description="Only organizations that count for priority purchase on this date."
    )
    program = graphene.String(description="Program code: only organizations that took part in it.")


def _prefetch_flags(paths: set[str]) -> dict:
    return {
        "with_certifications": any(
            p.startswith(("certifications", "eligibility", "vendor")) for p in paths
        ),
        "with_participations": any(p.startswith("participations") for p in paths),
        "with_vendor": any(p.startswith("vendor") for p in paths),
    }


def _enum_values(values):
    return [getattr(v, "value", v) for v in values or []]


class RegistryQueries(graphene.ObjectType):
    organizations = relay.ConnectionField(
        OrganizationConnection, filter=OrganizationFilterInput(), description="The registry."
    )
    organization = graphene.Field(OrganizationType, id=graphene.ID(required=True))
    organization_by_brn = graphene.Field(
        OrganizationType,
        brn=graphene.String(required=True),
        description="Look up by 사업자등록번호.",
    )

    def resolve_organizations(self, info, filter=None, **kwargs):
        f = filter or {}
        try:
            qs = selectors.organization_list(
                search=f.get("search"),
                org_type=_enum_values(f.get("org_type")),
                district=f.get("district"),
                eligible_on=f.get("eligible_on"),
                program=f.get("program"),
                **_prefetch_flags(node_paths(info)),
            )
        except DomainError as exc:
            raise DomainGraphQLError(exc)
        return paginate(qs, OrganizationConnection, **kwargs)

    def resolve_organization(self, info, id):
        try:
            pk = decode_id(id, "Organization")
        except DomainError:
            return None
        flags = _prefetch_flags(selected_paths(info))
        return selectors.organization_list(**flags).filter(pk=pk).first()

    def resolve_organization_by_brn(self, info, brn):
        try:
            return selectors.organization_by_brn(brn)
        except DomainError as exc:
            raise DomainGraphQLError(exc)


class OrganizationRegisterInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    org_type = graphene.InputField(OrgTypeEnum, required=True)
    brn = graphene.String(description="사업자등록번호; required except for prospective groups.")
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


class OrganizationRegister(BaseMutation):
    """Add an organization to the registry (centre staff)."""

    class Arguments:
        input = OrganizationRegisterInput(required=True)

    class Meta:
        error_type_class = OrganizationError

    organization = graphene.Field(OrganizationType)

    @classmethod
    def perform_mutation(cls, root, info, input):
        actor = require_staff(info)
        data = dict(input)
        data["org_type"] = getattr(data["org_type"], "value", data["org_type"])
        data.setdefault("brn", None)  # optional in the API (prospective groups have none)
        org = services.organization_register(actor=actor, **data)
        return cls(organization=org)


class RegistryMutations(graphene.ObjectType):
    organization_register = OrganizationRegister.Field()
