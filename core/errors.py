"""One error path: services raise ``DomainError``; GraphQL and web views render it.

A ``DomainError`` carries a machine code (an enum value such as ``INVALID_BRN``), a
human message (translatable, Korean first) and optionally the input field it concerns.
Several errors can be raised at once with ``DomainErrors``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class DomainError(Exception):
    code: str
    message: str
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.code}: {self.message}" + (f" ({self.field})" if self.field else "")


class DomainErrors(Exception):
    """Several domain errors raised together (e.g. every invalid field of a form)."""

    def __init__(self, errors: Iterable[DomainError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e.message) for e in self.errors))


def as_error_list(exc: Exception) -> list[DomainError]:
    if isinstance(exc, DomainErrors):
        return exc.errors
    if isinstance(exc, DomainError):
        return [exc]
    raise TypeError(exc)


def add_to_form(form, exc: DomainError | DomainErrors) -> None:
    """Attach domain errors to a Django form (field errors where the field exists)."""
    for err in as_error_list(exc):
        field = err.field if err.field in form.fields else None
        form.add_error(field, str(err.message))
