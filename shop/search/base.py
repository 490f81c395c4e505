"""The search backend interface every engine implements (SQLite FTS5, PostgreSQL, Elasticsearch)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable


class SearchBackend(ABC):
    name: str = "base"

    @abstractmethod
    def search(self, query: str, *, limit: int = 1000) -> list[int]:
        """Ids of published products matching ``query``, best first."""

    @abstractmethod
    def index_products(self, product_ids: Iterable[int]) -> None:
        """(Re)index these products; unpublished or deleted ones are removed."""

    @abstractmethod
    def rebuild(self, *, progress: Callable[[int, int], None] | None = None) -> int:
        """Drop and rebuild the whole index; return the number of products indexed."""
