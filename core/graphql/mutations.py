"""Base mutation: runs the domain action in a transaction and maps domain errors.

Subclasses declare ``Arguments``, output fields, ``error_type_class`` (from
``core.graphql.errors.error_type``) and implement ``perform_mutation``. A
``DomainError`` raised inside becomes ``errors { field code message }`` and the
transaction is rolled back, so nothing is half-written.
"""

from __future__ import annotations

import logging

import graphene
from django.core.exceptions import PermissionDenied
from django.db import transaction

from core.errors import DomainError, DomainErrors, as_error_list

logger = logging.getLogger(__name__)


class BaseMutation(graphene.Mutation):
    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, error_type_class=None, **options):
        if error_type_class is None:
            raise TypeError(f"{cls.__name__} needs Meta.error_type_class")
        cls._error_type_class = error_type_class
        # Add the ``errors`` field to the payload type.
        cls.errors = graphene.List(graphene.NonNull(error_type_class), required=True)
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def perform_mutation(cls, root, info, **data):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def error_response(cls, errors: list[DomainError]):
        return cls(
            errors=[{"field": e.field, "code": e.code, "message": str(e.message)} for e in errors]
        )

    @classmethod
    def mutate(cls, root, info, **data):
        try:
            with transaction.atomic():
                result = cls.perform_mutation(root, info, **data)
        except (DomainError, DomainErrors) as exc:
            return cls.error_response(as_error_list(exc))
        except PermissionDenied as exc:
            return cls.error_response(
                [DomainError("PERMISSION_DENIED", str(exc) or "권한이 없습니다.")]
            )
        if result is None:
            result = cls()
        if getattr(result, "errors", None) is None:
            result.errors = []
        return result
