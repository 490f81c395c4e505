"""Audit events of manual stock changes: the vendor dashboard's variant form, the GraphQL
stock mutation and the bulk import (all of it or nothing, audit rows included)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from graphql_relay import to_global_id

from core.errors import DomainError
from shop.catalog import services
from shop.catalog.models import ProductVariant, Stock
from tests.audit.helpers import about
from tests.factories import StaffFactory
from tests.factories.catalog import CategoryFactory, ProductFactory, VariantFactory
from tests.factories.dashboard import vendor_with_owner
from tests.shop.test_bulk_import import csv_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.BULK_IMPORT_DIR = str(tmp_path / "imports")
    vendor, owner = vendor_with_owner(slug="hamkke")
    category = CategoryFactory(name="과자", slug="snack")
    product = ProductFactory(vendor=vendor, category=category, name="보리차", slug="barley")
    tea1 = VariantFactory(product=product, sku="TEA-1", name="1L", price=3000, stock=10)
    tea2 = VariantFactory(product=product, sku="TEA-2", name="2L", price=5000, stock=20)
    return {"vendor": vendor, "owner": owner, "product": product, "tea1": tea1, "tea2": tea2}


def variant_form(variant, **values) -> dict:
    base = {
        "sku": variant.sku,
        "name": variant.name,
        "price": str(variant.price),
        "weight_grams": "",
        "servings": "1",
        "quantity": "10",
    }
    base |= values
    return {f"v{variant.pk}-{k}": v for k, v in base.items()}


def test_stock_edit_in_the_dashboard_is_recorded_with_old_and_new(client, world, audit_log):
    owner, tea1 = world["owner"], world["tea1"]
    client.force_login(owner)
    url = reverse("dashboard:variant_update", args=["hamkke", world["product"].pk, tea1.pk])
    resp = client.post(url, variant_form(tea1, quantity="3"))
    assert resp.status_code == 302
    event = audit_log.one("stock.adjusted")
    assert about(event, tea1)
    assert (event.actor, event.actor_kind) == (owner, "user")
    assert event.changes == {"quantity": [10, 3]}
    assert event.object_repr == "보리차 1L"

    # Saving the form again without a change records nothing.
    audit_log.mark()
    assert client.post(url, variant_form(tea1, quantity="3")).status_code == 302
    assert audit_log.actions() == []


def test_a_refused_stock_edit_records_nothing(client, world, audit_log):
    tea1 = world["tea1"]
    Stock.objects.filter(variant=tea1).update(allocated=5)
    client.force_login(world["owner"])
    url = reverse("dashboard:variant_update", args=["hamkke", world["product"].pk, tea1.pk])
    resp = client.post(url, variant_form(tea1, price="9999", quantity="1"))
    assert resp.status_code == 400
    assert audit_log.actions() == []


def test_centre_staff_setting_stock_over_graphql_is_recorded_as_staff(gql, world, audit_log):
    staff = StaffFactory()
    gql.login(staff)
    body = gql(
        """mutation($v: ID!, $s: [StockInput!]!) { productVariantStocksUpdate(variantId: $v,
        stocks: $s) { productVariant { quantityAvailable } errors { code } } }""",
        {"v": to_global_id("ProductVariant", world["tea2"].pk), "s": [{"quantity": 7}]},
    )
    assert body["data"]["productVariantStocksUpdate"]["errors"] == []
    event = audit_log.one("stock.adjusted")
    assert about(event, world["tea2"])
    assert (event.actor, event.actor_label, event.actor_kind) == (staff, staff.email, "staff")
    assert event.changes == {"quantity": [20, 7]}


def _upload_and_preview(client, vendor, rows):
    data = csv_file(rows, ["상품명", "SKU", "가격", "재고"])
    resp = client.post(
        reverse("dashboard:import_start", args=[vendor.slug]),
        {"file": SimpleUploadedFile("재고.csv", data)},
    )
    assert resp.status_code == 302
    assert client.get(resp["Location"]).status_code == 200


def test_bulk_import_apply_records_one_event_per_stock_change(client, world, audit_log):
    vendor, owner = world["vendor"], world["owner"]
    client.force_login(owner)
    rows = [
        ["보리차", "TEA-1", "3000", "15"],
        ["보리차", "TEA-2", "5000", "20"],  # unchanged: no event
        ["보리차", "TEA-3", "7000", "4"],  # a new variant with stock
    ]
    _upload_and_preview(client, vendor, rows)
    resp = client.post(reverse("dashboard:import_apply", args=[vendor.slug]))
    assert resp.status_code == 302, resp.content.decode()[:2000]
    tea3 = ProductVariant.objects.get(sku="TEA-3")
    events = audit_log.new("stock.adjusted")
    assert [(e.object_id, e.changes) for e in events] == [
        (str(world["tea1"].pk), {"quantity": [10, 15]}),
        (str(tea3.pk), {"quantity": [None, 4]}),
    ]
    assert all((e.actor, e.actor_kind) == (owner, "user") for e in events)
    assert tea3.stock.quantity == 4


def test_a_bulk_import_failing_midway_leaves_no_audit_row(client, world, audit_log, monkeypatch):
    """The first row's stock change is written (and recorded), the second row's write fails:
    the whole import rolls back, its audit rows too."""
    vendor, owner = world["vendor"], world["owner"]
    client.force_login(owner)
    rows = [["보리차", "TEA-1", "3000", "15"], ["보리차", "TEA-2", "5000", "25"]]
    _upload_and_preview(client, vendor, rows)
    real = services.stock_set
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["variant"].sku)
        if len(calls) == 2:
            raise DomainError("INVALID", "저장 중 오류", "quantity")
        return real(**kwargs)

    monkeypatch.setattr(services, "stock_set", second_fails)
    resp = client.post(reverse("dashboard:import_apply", args=[vendor.slug]))
    assert resp.status_code == 400
    assert calls == ["TEA-1", "TEA-2"]
    assert audit_log.actions() == []
    assert Stock.objects.get(variant=world["tea1"]).quantity == 10
