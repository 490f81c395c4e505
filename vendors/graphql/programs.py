"""GraphQL for the centre's programs, their cycles and participation.

Visibility: programs and cycles are public. Participation is public only once an
organization is selected (``SELECTED``, ``ACTIVE``, ``COMPLETED``), the way the centre
publishes its selection results; applications (``APPLIED``), drop-outs (``DROPPED``) and the
``notes`` of every record are for centre staff only (others get an empty ``notes``).
Writes (``participationCreate``, ``participationUpdateStatus``) are for centre staff.
"""

from __future__ import annotations

import graphene
from django.db.models import Prefetch
from graphene import relay

from core.errors import DomainError
from core.graphql.connection import paginate
from core.graphql.errors import DomainGraphQLError, error_type
from core.graphql.ids import decode_id
from core.graphql.mutations import BaseMutation
from core.graphql.permissions import current_user, require_staff
from core.graphql.selection import node_paths
from vendors import programs as program_services
from vendors.graphql.types import (
    ParticipationConnection,
    ParticipationStatusEnum,
    ParticipationType,
    ProgramConnection,
    ProgramCycleType,
    ProgramKindEnum,
    ProgramType,
)
from vendors.models import Organization, Participation
from vendors.program_errors import ProgramErrorCode

ProgramError = error_type("ProgramError", ProgramErrorCode)

PARTICIPATION_VISIBILITY = (
    "Public: participations of selected organizations (SELECTED, ACTIVE, COMPLETED). "
    "Centre staff also see APPLIED and DROPPED records and the notes; for others `notes` is "
    "empty."
)


def _value(v):
    return getattr(v, "value", v)


def _is_staff(info) -> bool:
    user = current_user(info)
    return bool(user and user.is_staff)


class ParticipationFilterInput(graphene.InputObjectType):
    program = graphene.String(description="Program code, e.g. `moim`.")
    year = graphene.Int(description="Year of the program cycle.")
    status = graphene.List(graphene.NonNull(ParticipationStatusEnum))
    organization_id = graphene.ID(description="Only this organization's participations.")


def _participation_queryset(paths: set[str], qs):
    """Prefetch what the client asked for below ``participation.organization``."""
    if any(
        p.startswith(("organization.certifications", "organization.eligibility")) for p in paths
    ):
        qs = qs.prefetch_related("organization__certifications")
    if any(p.startswith("organization.vendor") for p in paths):
        qs = qs.select_related("organization__vendor")
    if any(p.startswith("organization.participations") for p in paths):
        qs = qs.prefetch_related(
            Prefetch(
                "organization__participations",
                queryset=Participation.objects.select_related("cycle__program"),
            )
        )
    return qs


def _hide_notes(rows) -> None:
    for row in rows:
        row.notes = ""


class ProgramQueries(graphene.ObjectType):
    programs = relay.ConnectionField(
        ProgramConnection,
        kind=graphene.Argument(ProgramKindEnum),
        description="The centre's programs, in the brochure's order.",
    )
    program = graphene.Field(
        ProgramType,
        code=graphene.String(required=True),
        description="A program by its code (`moim`, `wikiseoul`, …).",
    )
    program_cycles = graphene.List(
        graphene.NonNull(ProgramCycleType),
        required=True,
        program_code=graphene.String(),
        year=graphene.Int(),
        description="Cycles (year, cohort, application window, budget), newest year first.",
    )
    participations = relay.ConnectionField(
        ParticipationConnection,
        filter=ParticipationFilterInput(),
        description="Participation in the centre's programs. " + PARTICIPATION_VISIBILITY,
    )

    def resolve_programs(self, info, kind=None, **kwargs):
        qs = program_services.program_list(kind=_value(kind))
        try:
            return paginate(qs, ProgramConnection, **kwargs)
        except DomainError as exc:
            raise DomainGraphQLError(exc)

    def resolve_program(self, info, code):
        return program_services.program_list().filter(code=code).first()

    def resolve_program_cycles(self, info, program_code=None, year=None):
        return list(program_services.cycle_list(program=program_code, year=year))

    def resolve_participations(self, info, filter=None, **kwargs):
        f = filter or {}
        staff = _is_staff(info)
        try:
            organization = None
            if f.get("organization_id"):
                organization = decode_id(
                    f["organization_id"], "Organization", field="organizationId"
                )
            qs = program_services.participation_list(
                program=f.get("program"),
                year=f.get("year"),
                status=[_value(s) for s in f.get("status") or []],
                organization=organization,
                public_only=not staff,
            )
            qs = _participation_queryset(node_paths(info), qs)
            conn = paginate(qs, ParticipationConnection, **kwargs)
        except DomainError as exc:
            raise DomainGraphQLError(exc)
        if not staff:
            _hide_notes(edge.node for edge in conn.edges)
        return conn


class ParticipationCreateInput(graphene.InputObjectType):
    cycle_id = graphene.ID(required=True, description="The ProgramCycle.")
    organization_id = graphene.ID(
        required=True, description="The organization or prospective group (예비 주체)."
    )
    status = ParticipationStatusEnum(description="Initial status; APPLIED by default.")
    amount_granted = graphene.BigInt(description="Grant in KRW (integer won); 0 by default.")
    notes = graphene.String(description="Staff notes (never shown to the public).")


class ParticipationCreate(BaseMutation):
    """Record a participation in a program cycle (centre staff)."""

    class Arguments:
        input = ParticipationCreateInput(required=True)

    class Meta:
        error_type_class = ProgramError

    participation = graphene.Field(ParticipationType)

    @classmethod
    def perform_mutation(cls, root, info, input):
        actor = require_staff(info)
        cycle_pk = decode_id(input["cycle_id"], "ProgramCycle", field="cycleId")
        org_pk = decode_id(input["organization_id"], "Organization", field="organizationId")
        cycle = program_services.cycle_list().filter(pk=cycle_pk).first()
        if cycle is None:
            raise DomainError("NOT_FOUND", "사업 회차를 찾을 수 없습니다.", "cycleId")
        organization = Organization.objects.filter(pk=org_pk).first()
        if organization is None:
            raise DomainError("NOT_FOUND", "조직을 찾을 수 없습니다.", "organizationId")
        participation = program_services.participation_create(
            cycle=cycle,
            organization=organization,
            actor=actor,
            status=_value(input.get("status")) or "applied",
            amount_granted=input.get("amount_granted") or 0,
            notes=input.get("notes") or "",
        )
        return cls(participation=participation)


class ParticipationUpdateStatus(BaseMutation):
    """Move a participation to another status (centre staff).

    Allowed: APPLIED → SELECTED | DROPPED, SELECTED → ACTIVE | DROPPED,
    ACTIVE → COMPLETED | DROPPED. `amountGranted` may change the grant at the same time;
    the cycle's grants may not exceed its budget (BUDGET_EXCEEDED).
    """

    class Arguments:
        id = graphene.ID(required=True)
        status = ParticipationStatusEnum(required=True)
        amount_granted = graphene.BigInt(description="New grant in KRW (integer won).")

    class Meta:
        error_type_class = ProgramError

    participation = graphene.Field(ParticipationType)

    @classmethod
    def perform_mutation(cls, root, info, id, status, amount_granted=None):
        actor = require_staff(info)
        pk = decode_id(id, "Participation")
        participation = Participation.objects.filter(pk=pk).first()
        if participation is None:
            raise DomainError("NOT_FOUND", "참여 기록을 찾을 수 없습니다.", "id")
        participation = program_services.participation_set_status(
            participation=participation,
            status=_value(status),
            actor=actor,
            amount_granted=amount_granted,
        )
        return cls(participation=participation)


class ProgramMutations(graphene.ObjectType):
    participation_create = ParticipationCreate.Field()
    participation_update_status = ParticipationUpdateStatus.Field()
