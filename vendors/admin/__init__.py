"""Staff admin for the registry, programs, onboarding and imports (one module per area)."""

from vendors.admin import imports, onboarding, programs, registry  # noqa: F401
