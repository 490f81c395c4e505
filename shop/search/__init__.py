"""Product search: a backend interface, chosen by settings (see ``shop/search/base.py``).

``queue_index(product_ids)`` is what catalog writes call. Inside a transaction the ids are
collected and sent as one indexing task (in chunks) when it commits, so a bulk import of
thousands of rows queues a handful of tasks, not thousands; outside one they go at once.
"""

from __future__ import annotations

from django.db import transaction

INDEX_CHUNK = 500


def _send(ids: list[int]) -> None:
    from shop.tasks import search_index_products

    for start in range(0, len(ids), INDEX_CHUNK):
        search_index_products.delay(ids[start : start + INDEX_CHUNK])


def _flush() -> None:
    conn = transaction.get_connection()
    pending = getattr(conn, "_nuri_index_pending", None) or set()
    conn._nuri_index_pending = None
    if pending:
        _send(sorted(pending))


def queue_index(product_ids) -> None:
    ids = {int(i) for i in product_ids}
    if not ids:
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _send(sorted(ids))
        return
    pending = getattr(conn, "_nuri_index_pending", None)
    # A rolled-back transaction drops our callback but leaves the set: start afresh then.
    if pending is None or not any(cb[1] is _flush for cb in conn.run_on_commit):
        pending = conn._nuri_index_pending = set()
        transaction.on_commit(_flush)
    pending.update(ids)


def warm_up() -> None:
    """Load the Korean analyzer now (1-3 s, ~300 MB), e.g. in a gunicorn ``post_fork`` hook,
    instead of on the first search a worker answers."""
    from shop.search.analysis import get_kiwi

    get_kiwi()
