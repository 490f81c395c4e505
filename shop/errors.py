from core.graphql.errors import make_code_enum

ProductErrorCode = make_code_enum(
    "ProductErrorCode", ["DUPLICATED_INPUT_ITEM", "INVALID_PRICE", "INSUFFICIENT_STOCK"]
)
