"""Settlement tasks (thin entry points; the work is in ``shop.settlement.services``).

They take ids and ISO dates, are idempotent (a statement is regenerated in place) and
``acks_late``, so a worker killed half-way loses nothing: the run is simply done again.

Beat: ``settlement_run_previous_month`` on the 1st of each month at 03:00 Asia/Seoul.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from core.errors import DomainError

RETRY = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (DomainError,),  # a bad period will not get better by retrying
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def settlement_run_previous_month() -> int:
    """Statements of last month (in Asia/Seoul) for every vendor with activity."""
    from shop.settlement.services import previous_month, settlement_run_month

    year, month = previous_month()
    return len(settlement_run_month(year=year, month=month))


@shared_task(**RETRY)
def settlement_run_month_task(year: int, month: int) -> int:
    """A given month for every vendor with activity (staff, from the admin)."""
    from shop.settlement.services import settlement_run_month

    return len(settlement_run_month(year=int(year), month=int(month)))


@shared_task(**RETRY)
def settlement_generate_task(vendor_id: int, start: str, end: str) -> int | None:
    """One vendor's statement for ``start``..``end`` (ISO dates, both included), on demand.
    Returns the statement's id (None when the vendor no longer exists)."""
    from shop.settlement.services import settlement_generate
    from vendors.models import Vendor

    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is None:
        return None
    statement = settlement_generate(
        vendor=vendor,
        period_start=dt.date.fromisoformat(str(start)),
        period_end=dt.date.fromisoformat(str(end)),
    )
    return statement.pk
