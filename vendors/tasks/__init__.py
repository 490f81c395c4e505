"""Celery tasks of the vendors app (thin entry points; one module per area)."""

from vendors.tasks import imports, onboarding  # noqa: F401
