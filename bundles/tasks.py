"""Bundle tasks (thin entry points; the work is in ``bundles.subscriptions``).

Beat: ``bundles_run_subscriptions`` once a day (06:00 Asia/Seoul) creates the orders of the
office subscriptions due that day. It is idempotent (one run per subscription and period)
and ``acks_late``, so a worker killed half-way loses nothing: the next run finishes the job.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from core.errors import DomainError

RETRY = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (DomainError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(name="bundles.tasks.bundles_run_subscriptions", **RETRY)
def bundles_run_subscriptions(today: str | None = None) -> dict:
    """Run every subscription due on ``today`` (ISO date; default: today in Asia/Seoul).
    Returns how many periods were ordered, skipped and failed."""
    from bundles.subscriptions import subscription_run_due

    runs = subscription_run_due(dt.date.fromisoformat(today) if today else None)
    counts = {"ordered": 0, "skipped": 0, "failed": 0}
    for run in runs:
        counts[run.status] = counts.get(run.status, 0) + 1
    return counts
