from __future__ import annotations

from graphql_relay import from_global_id

from core.errors import DomainError

# Primary keys are bigint at most; a larger number names nothing, and the databases refuse
# it as a query parameter (SQLite: OverflowError; PostgreSQL: out of range for bigint).
MAX_PK = 2**63 - 1


def decode_id(global_id: str, expected_type: str, *, field: str = "id") -> int:
    """Turn a Relay global ID into a primary key, checking its type."""
    try:
        type_name, pk = from_global_id(global_id)
        if type_name != expected_type or not -MAX_PK <= int(pk) <= MAX_PK:
            raise ValueError
        return int(pk)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise DomainError("INVALID", f"'{global_id}' is not a valid {expected_type} ID.", field)


def resolve_node(info, global_id: str):
    """``node(id:)``: the object with this global ID, or null when there is none (or the
    viewer may not see it). An ID that names no node type is ``INVALID``, not a crash:
    graphene's own resolver raises bare exceptions for undecodable IDs and lets
    ``ValueError`` escape for a non-numeric primary key."""
    from django.core.exceptions import ObjectDoesNotExist, ValidationError
    from graphene import relay

    from core.graphql.errors import DomainGraphQLError

    try:
        type_name, pk = from_global_id(global_id)
    except (ValueError, TypeError, UnicodeDecodeError):
        type_name, pk = "", ""
    graphql_type = info.schema.get_type(type_name) if type_name else None
    graphene_type = getattr(graphql_type, "graphene_type", None)
    meta = getattr(graphene_type, "_meta", None)
    if not pk or relay.Node not in getattr(meta, "interfaces", ()):
        raise DomainGraphQLError(DomainError("INVALID", f"'{global_id}' is not a valid ID.", "id"))
    try:
        return graphene_type.get_node(info, pk)
    except (ValueError, TypeError, OverflowError, ValidationError, ObjectDoesNotExist):
        return None
