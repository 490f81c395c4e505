"""The periodic tasks: what ``CELERY_BEAT_SCHEDULE`` declares is what a real ``celery beat``
registers (read back from its schedule file), and every task it will send is one the real
worker knows."""

from __future__ import annotations

import shelve
import signal

import pytest
from celery.schedules import crontab
from django.conf import settings

from tests.realservices.helpers import CELERY, Process, process_env

pytestmark = pytest.mark.realservices

# What the business expects to run, in Asia/Seoul time.
EXPECTED = {
    "settlement-previous-month": (
        "shop.settlement.tasks.settlement_run_previous_month",
        crontab(minute=0, hour=3, day_of_month=1),
    ),
    "bundles-run-subscriptions": (
        "bundles.tasks.bundles_run_subscriptions",
        crontab(minute=0, hour=6),
    ),
    "purchasing-expire-quotes": (
        "purchasing.tasks.purchasing_expire_quotes",
        crontab(minute=10, hour=0),
    ),
    "purchasing-reminders": ("purchasing.tasks.purchasing_reminders", crontab(minute=0, hour=8)),
}


def test_the_settings_and_the_app_declare_the_expected_schedule():
    from config.celery import app

    declared = {
        name: (e["task"], e["schedule"]) for name, e in settings.CELERY_BEAT_SCHEDULE.items()
    }
    assert declared == EXPECTED
    in_app = {name: (e["task"], e["schedule"]) for name, e in app.conf.beat_schedule.items()}
    assert in_app == EXPECTED
    assert app.conf.timezone == "Asia/Seoul"


def test_a_real_beat_registers_every_entry_and_the_worker_knows_every_task(
    broker, worker, services
):
    schedule_file = services.root / "beat-schedule"
    beat = Process(
        name="beat",
        args=[
            CELERY,
            "-A",
            "config",
            "beat",
            "-S",
            "celery.beat:PersistentScheduler",
            "--schedule",
            str(schedule_file),
            "--loglevel=DEBUG",
        ],
        env=process_env(services),
        log=services.root / "beat.log",
    ).start()
    try:
        beat.wait_output("beat: Starting...")
        beat.wait_output("Current schedule:")  # the schedule is set up and written
    finally:
        beat.signal_group(signal.SIGTERM)  # beat syncs and closes its schedule file on exit
        beat.stop()
    log = beat.output()
    assert "Traceback" not in log, log[-3000:]

    with shelve.open(str(schedule_file), flag="r") as store:
        entries = dict(store["entries"])
        assert store["tz"] == "Asia/Seoul"
    registered = {name: (e.task, e.schedule) for name, e in entries.items()}
    assert {name: registered.get(name) for name in EXPECTED} == EXPECTED
    assert set(registered) - set(EXPECTED) <= {"celery.backend_cleanup"}
    for name in EXPECTED:
        assert f"<ScheduleEntry: {name} {EXPECTED[name][0]}" in log

    replies = broker.control.inspect([worker.hostname], timeout=10).registered()
    assert replies, "the worker did not answer inspect registered"
    known = set(replies[worker.hostname])
    missing = {task for task, _ in EXPECTED.values()} - known
    assert not missing, f"beat would send tasks the worker does not know: {missing}"
