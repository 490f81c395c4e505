"""Error codes of the programs and participation domain (``ProgramError`` in GraphQL)."""

from core.graphql.errors import make_code_enum

ProgramErrorCode = make_code_enum(
    "ProgramErrorCode",
    [
        "INVALID_STATUS",
        "INVALID_AMOUNT",
        "BUDGET_EXCEEDED",
        "DUPLICATE_PARTICIPATION",
    ],
)
