"""The audit log is append-only: the model, its querysets and the database itself refuse to
change or remove an event (run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import audit
from audit.models import AppendOnlyError, AuditEvent
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(staff_user):
    vendor = VendorFactory()
    return audit.record(
        "vendor.approved", vendor, actor=staff_user, changes={"is_active": [False, True]}
    )


def _stored(event) -> AuditEvent:
    return AuditEvent.objects.get(pk=event.pk)


def test_an_event_is_stored_with_who_what_and_which_object(event, staff_user):
    stored = _stored(event)
    assert stored.action == "vendor.approved"
    assert stored.actor == staff_user
    assert stored.actor_label == staff_user.email
    assert stored.actor_kind == "staff"  # outside a request, a staff actor is still staff
    assert stored.object_type.model == "vendor"
    assert stored.changes == {"is_active": [False, True]}


def test_save_of_a_stored_event_is_refused(event):
    stored = _stored(event)
    stored.action = "vendor.rejected"
    with pytest.raises(AppendOnlyError, match="append-only"):
        stored.save()
    with pytest.raises(AppendOnlyError):
        stored.save(update_fields=["action"])
    assert _stored(event).action == "vendor.approved"


def test_delete_of_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError, match="append-only"):
        _stored(event).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    stored = _stored(event)
    stored.action = "x"
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([stored], ["action"])
    assert _stored(event).action == "vendor.approved"


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert _stored(event).action == "vendor.approved"


def test_raw_sql_delete_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)  # no pending FK checks, which TRUNCATE would refuse
def test_raw_sql_truncate_is_refused_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only (SQLite's DELETE is covered above)")
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_wiping_the_whole_database_with_flush_still_works(staff_user):
    """``manage.py flush`` (what transactional tests run after each test) empties the table;
    right after it, single rows are protected again."""
    vendor = VendorFactory()
    audit.record("vendor.approved", vendor, actor=staff_user)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    vendor = VendorFactory()
    event = audit.record("vendor.approved", vendor)
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"):
            _raw("TRUNCATE audit_auditevent")
