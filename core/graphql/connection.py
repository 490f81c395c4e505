"""Cursor connections without the ``COUNT(*)`` trap.

``paginate`` slices the queryset with one query (``first + 1`` rows tell
``hasNextPage``); ``totalCount`` runs a count only when a client asks for it.
"""

from __future__ import annotations

import base64

import graphene
from django.conf import settings
from graphene import relay

from core.errors import DomainError


def _encode(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _decode(cursor: str) -> int:
    try:
        kind, value = base64.b64decode(cursor.encode()).decode().split(":", 1)
        if kind != "offset":
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise DomainError("INVALID", "Invalid cursor.", "after")


class CountableConnection(relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(description="Number of items in the whole list (costs a count).")

    def resolve_total_count(self, info):
        qs = getattr(self, "_queryset", None)
        return qs.count() if qs is not None else len(self.edges)


def paginate(queryset, connection_type, *, first=None, after=None, **_ignored):
    """Return a ``connection_type`` instance holding one page of ``queryset``."""
    max_size = settings.GRAPHQL_MAX_PAGE_SIZE
    if first is None:
        first = settings.GRAPHQL_DEFAULT_PAGE_SIZE
    if first < 0:
        raise DomainError("INVALID", "`first` must be positive.", "first")
    if first > max_size:
        raise DomainError("INVALID", f"`first` may be at most {max_size}.", "first")
    start = _decode(after) + 1 if after else 0
    rows = list(queryset[start : start + first + 1])
    has_next = len(rows) > first
    rows = rows[:first]
    edge_type = connection_type.Edge
    edges = [edge_type(node=row, cursor=_encode(start + i)) for i, row in enumerate(rows)]
    conn = connection_type(
        edges=edges,
        page_info=relay.PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=start > 0,
            has_next_page=has_next,
        ),
    )
    conn._queryset = queryset
    return conn
