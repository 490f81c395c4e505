"""Celery tasks of the shop app (thin entry points)."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def search_index_products(product_ids: list[int]) -> int:
    from shop.search.registry import get_backend

    get_backend().index_products(product_ids)
    return len(product_ids)


from shop.orders import tasks as order_tasks  # noqa: E402, F401  (autodiscovery finds shop.tasks)
from shop.settlement import tasks as settlement_tasks  # noqa: E402, F401
