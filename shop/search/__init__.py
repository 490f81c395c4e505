"""Product search: a backend interface, chosen by settings (see ``shop/search/base.py``).

``queue_index(product_ids)`` is what catalog writes call: it queues (after commit) an index
update for those products.
"""

from __future__ import annotations

from django.db import transaction


def queue_index(product_ids) -> None:
    ids = sorted({int(i) for i in product_ids})
    if not ids:
        return

    def _send():
        from shop.tasks import search_index_products

        search_index_products.delay(ids)

    transaction.on_commit(_send)
