"""GraphQL error types: ``errors { field code message }`` with a per-domain code enum."""

from __future__ import annotations

import enum

import graphene

# Codes every domain shares; each domain enum includes them.
COMMON_CODES = ["GRAPHQL_ERROR", "INVALID", "NOT_FOUND", "PERMISSION_DENIED", "REQUIRED", "UNIQUE"]


def make_code_enum(name: str, codes: list[str]) -> type[enum.Enum]:
    """A Python enum of error codes (common ones included), for ``error_type``."""
    values = sorted(set(COMMON_CODES) | set(codes))
    return enum.Enum(name, {c: c for c in values})


def error_type(name: str, code_enum: type[enum.Enum]) -> type[graphene.ObjectType]:
    gql_enum = graphene.Enum.from_enum(code_enum, description=f"Error codes of {name}.")

    return type(
        name,
        (graphene.ObjectType,),
        {
            "__doc__": "A problem with the input, in a machine code and a human message.",
            "field": graphene.String(
                description="The input field concerned, or null for the whole request."
            ),
            "code": graphene.Field(gql_enum, required=True),
            "message": graphene.String(required=True),
            "__module__": __name__,
        },
    )


class DomainGraphQLError(Exception):
    """A domain error raised from a *query* resolver: a GraphQL error carrying the code.

    Mutations return ``errors`` in their payload instead (see ``BaseMutation``).
    """

    def __init__(self, err):
        super().__init__(str(err.message))
        self.extensions = {"code": err.code, "field": err.field}
