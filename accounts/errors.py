from core.graphql.errors import make_code_enum

AccountErrorCode = make_code_enum(
    "AccountErrorCode", ["INVALID_CREDENTIALS", "INVALID_TOKEN", "TOO_MANY_ATTEMPTS"]
)
