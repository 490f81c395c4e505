from core.graphql.errors import make_code_enum

OrganizationErrorCode = make_code_enum(
    "OrganizationErrorCode",
    ["INVALID_BRN", "DUPLICATE_BRN", "INVALID_CRN", "INVALID_DISTRICT", "INVALID_ORG_TYPE"],
)
VendorApplicationErrorCode = make_code_enum(
    "VendorApplicationErrorCode",
    [
        "INVALID_BRN",
        "DUPLICATE_BRN",
        "INVALID_DISTRICT",
        "INVALID_ORG_TYPE",
        "NOT_ELIGIBLE",
        "INVALID_STATUS",
        "INVALID_FILE_TYPE",
        "FILE_TOO_LARGE",
        "ALREADY_VENDOR",
    ],
)
