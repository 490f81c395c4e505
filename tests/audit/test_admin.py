"""The audit log in the staff admin: listed, filtered and searched; never added, changed or
deleted (not even by a superuser); the list's query count does not grow with its rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

import audit
from audit.models import AuditEvent
from tests.factories import StaffFactory, UserFactory, VendorFactory
from tests.factories.catalog import VariantFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:audit_auditevent_changelist")


def make_events(n: int) -> None:
    """``n`` events of each kind, by different actors, about different objects."""
    for i in range(n):
        user = UserFactory()
        variant = VariantFactory(stock=10)
        audit.record(
            "stock.adjusted", variant, actor=user, changes={"quantity": [10, i]}, reason="실사"
        )
        audit.record("application.approved", VendorFactory(), actor=StaffFactory())
        audit.record("quote.expired", variant.product)  # the system, no actor


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(email="auditor@sehub.kr"))
    return client


def rows(response) -> int:
    return response.context["cl"].result_count


def test_staff_list_and_filter_by_action(staff_client):
    make_events(2)
    page = staff_client.get(LIST)
    assert page.status_code == 200
    assert rows(page) == 6
    html = page.content.decode()
    assert "quantity: 10 → 1" in html  # the change summary
    filtered = staff_client.get(LIST, {"action": "stock.adjusted"})
    assert filtered.status_code == 200
    assert rows(filtered) == 2
    assert {e.action for e in filtered.context["cl"].result_list} == {"stock.adjusted"}
    by_kind = staff_client.get(LIST, {"actor_kind__exact": "system"})
    assert {e.action for e in by_kind.context["cl"].result_list} == {"quote.expired"}


def test_search_by_actor_email_and_an_objects_history(staff_client):
    make_events(2)
    target = AuditEvent.objects.filter(action="stock.adjusted").first()
    found = staff_client.get(LIST, {"q": target.actor_label})
    assert [e.pk for e in found.context["cl"].result_list] == [target.pk]
    history = staff_client.get(
        LIST, {"object_type__id__exact": target.object_type_id, "object_id": target.object_id}
    )
    assert [e.pk for e in history.context["cl"].result_list] == [target.pk]
    # The list links each row's object to that history.
    assert f"object_id={target.object_id}" in staff_client.get(LIST).content.decode()


def test_nobody_can_add_change_or_delete_events_in_the_admin(staff_client):
    make_events(1)
    event = AuditEvent.objects.filter(action="stock.adjusted").get()
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = staff_client.get(change)
    assert page.status_code == 200  # read-only view
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert reverse("admin:audit_auditevent_delete", args=[event.pk]) not in html
    assert staff_client.post(change, {"action": "forged"}).status_code == 403
    assert staff_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert staff_client.get(delete).status_code == 403
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    listing = staff_client.get(LIST)
    assert 'name="action"' not in listing.content.decode()  # no bulk actions (delete)
    bulk = staff_client.post(LIST, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert bulk.status_code in (200, 302)
    event.refresh_from_db()
    assert event.action == "stock.adjusted"
    assert AuditEvent.objects.count() == 3


def test_staff_without_the_view_permission_cannot_read_the_log(client):
    make_events(1)
    clerk = UserFactory(is_staff=True)  # staff, not a superuser, no audit permission
    client.force_login(clerk)
    assert client.get(LIST).status_code == 403


def test_the_list_query_count_does_not_grow_with_rows(staff_client, count_queries):
    make_events(2)
    with count_queries() as few:
        assert rows(staff_client.get(LIST)) == 6
    make_events(15)
    with count_queries() as many:
        assert rows(staff_client.get(LIST)) == 51
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
