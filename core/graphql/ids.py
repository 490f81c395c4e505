from __future__ import annotations

from graphql_relay import from_global_id

from core.errors import DomainError


def decode_id(global_id: str, expected_type: str, *, field: str = "id") -> int:
    """Turn a Relay global ID into a primary key, checking its type."""
    try:
        type_name, pk = from_global_id(global_id)
        if type_name != expected_type:
            raise ValueError
        return int(pk)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise DomainError("INVALID", f"'{global_id}' is not a valid {expected_type} ID.", field)
