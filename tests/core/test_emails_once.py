"""``core.emails.send_once``: the guard that keeps e-mail tasks from sending twice when their
message is delivered again (acks_late)."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from core import emails
from core.models import SentEmail

pytestmark = pytest.mark.django_db


def send(**overrides):
    kwargs = {"subject": "[누리] 안내", "body": "본문", "recipients": ["a@example.kr"]}
    return emails.send_once("test.notice", 7, **{**kwargs, **overrides})


def test_sent_once_per_kind_and_object():
    assert send() == 1
    assert send() == 0
    assert emails.send_once("test.notice", 8, subject="s", body="b", recipients=["a@ex.kr"]) == 1
    assert emails.send_once("test.other", 7, subject="s", body="b", recipients=["a@ex.kr"]) == 1
    assert len(mail.outbox) == 3
    record = SentEmail.objects.get(kind="test.notice", object_id="7")
    assert (record.status, record.recipients) == ("sent", ["a@example.kr"])
    assert record.sent_at is not None
    assert emails.already_sent("test.notice", 7)


def test_a_failed_send_releases_the_claim_so_the_retry_sends(monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(emails, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send()
    assert not SentEmail.objects.exists()
    monkeypatch.undo()
    assert send() == 1


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_the_lease():
    now = timezone.now()
    SentEmail.objects.create(kind="test.notice", object_id="7", claimed_at=now)
    assert send() == 0  # another delivery may be sending it right now
    SentEmail.objects.update(claimed_at=now - emails.SENDING_LEASE - dt.timedelta(seconds=1))
    assert send() == 1
    assert SentEmail.objects.get().status == "sent"


def test_nobody_to_send_to():
    assert send(recipients=["", None]) == 0
    assert not SentEmail.objects.exists()
