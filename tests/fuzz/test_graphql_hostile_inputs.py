"""Inputs the fuzzer draws too rarely to rely on, sent on purpose: the values PostgreSQL is
stricter about than SQLite (NUL characters, unpaired surrogates, integers beyond bigint) and
bodies that are not UTF-8. Each must come back as a client error with a code, never as a 5xx
nor as a hidden ``INTERNAL_SERVER_ERROR``; run on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import base64
import json
import logging

import pytest

from tests.factories import VendorStaffFactory
from tests.factories.catalog import CategoryFactory
from tests.factories.orders import sellable

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

HUGE = 10**30  # far beyond bigint (9.2e18)


def post(client, body: bytes | str, **headers):
    if isinstance(body, str):
        body = body.encode()
    return client.post("/graphql/", data=body, content_type="application/json", **headers)


def codes(response) -> list[str]:
    return [(e.get("extensions") or {}).get("code") for e in response.json().get("errors", [])]


def gid(type_name: str, pk) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


@pytest.mark.parametrize(
    "body",
    [
        # NUL in a variable, in a literal (GraphQL escape), in a JSON object key.
        json.dumps(
            {
                "query": "query($s: String!) { product(slug: $s) { id } }",
                "variables": {"s": "쌀과자\x00"},
            }
        ),
        json.dumps({"query": '{ product(slug: "\\u0000") { id } }'}),
        json.dumps({"query": '{ vendor(slug: "a\\u0000b") { id } }'}),
        json.dumps(
            {
                "query": "query($s: String!) { organizationByBrn(brn: $s) { id } }",
                "variables": {"s": "124-81-00998\x00"},
            }
        ),
        # An unpaired surrogate: valid JSON, not encodable as UTF-8.
        '{"query": "query($s: String!) { product(slug: $s) { id } }", '
        '"variables": {"s": "\\ud800"}}',
    ],
)
def test_text_no_database_can_store_is_refused_with_a_code(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert codes(response) == ["INVALID_CHARACTERS"]


def test_unpaired_surrogate_escape_in_query_text_is_a_syntax_error(client):
    body = json.dumps({"query": '{ products(first: 1, search: "\\ud800") { totalCount } }'})
    response = post(client, body)
    assert response.status_code == 400
    assert "Invalid Unicode escape" in response.json()["errors"][0]["message"]


def test_mutations_never_store_nul(gql):
    from shop.catalog.models import Product

    staff = VendorStaffFactory()
    category = CategoryFactory()
    gql.login(staff.user)
    body = gql(
        """mutation($input: ProductCreateInput!) {
             productCreate(input: $input) { product { id } errors { field code } } }""",
        {
            "input": {
                "name": "쌀\x00과자",
                "category": gid("Category", category.pk),
                "vendor": gid("Vendor", staff.vendor.pk),
            }
        },
        expect_errors=True,
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_CHARACTERS"]
    assert not Product.objects.filter(vendor=staff.vendor).exists()


def test_bytes_that_are_not_utf8_are_a_bad_request(client):
    response = post(client, b'{"query": "{ me { id } }", "x": "\xff\xfe"}')
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        f'{{ node(id: "{gid("Product", HUGE)}") {{ id }} }}',
        f'{{ node(id: "{gid("Product", -HUGE)}") {{ id }} }}',
        f'{{ node(id: "{gid("Product", "abc")}") {{ id }} }}',
        f'{{ product(id: "{gid("Product", HUGE)}") {{ id }} }}',
        f'{{ productVariant(id: "{gid("ProductVariant", HUGE)}") {{ id }} }}',
        f'{{ bundle(id: "{gid("Bundle", HUGE)}") {{ id }} }}',
        f'{{ order(id: "{gid("Order", HUGE)}") {{ id }} }}',
    ],
)
def test_ids_beyond_bigint_find_nothing(client, query):
    response = post(client, json.dumps({"query": query}))
    assert response.status_code < 500
    assert "INTERNAL_SERVER_ERROR" not in codes(response)
    data = response.json().get("data") or {}
    assert all(value is None for value in data.values())


def test_node_with_an_undecodable_id_is_invalid(client):
    for bad in ("", "0", "abc", gid("NoSuchType", 1), gid("PageInfo", 1)):
        response = post(client, json.dumps({"query": f'{{ node(id: "{bad}") {{ id }} }}'}))
        assert response.status_code < 500
        assert codes(response) == ["INVALID"], (bad, response.json())


def test_cart_lines_beyond_bigint_are_not_found(client):
    variant = sellable(price=5_000)
    body = post(
        client,
        json.dumps(
            {
                "query": """mutation($input: CheckoutCreateInput!) {
                    checkoutCreate(input: $input) { checkout { id } errors { field code } } }""",
                "variables": {
                    "input": {
                        "email": "buyer@example.kr",
                        "lines": [
                            {"variantId": gid("ProductVariant", HUGE), "quantity": 1},
                            {"variantId": gid("ProductVariant", variant.pk), "quantity": 1},
                        ],
                    }
                },
            }
        ),
    ).json()
    assert "errors" not in body, body
    payload = body["data"]["checkoutCreate"]
    assert payload["checkout"] is None
    assert payload["errors"]
    assert {e["field"] for e in payload["errors"]} == {"lines"}


def test_an_unexpected_exception_is_logged_and_masked(client, monkeypatch, caplog, settings):
    """The safety net the fuzzer relies on: a resolver's unhandled exception is a logged
    error (with its traceback) and an ``INTERNAL_SERVER_ERROR`` without internals."""
    from vendors import selectors

    def broken(brn):
        raise RuntimeError("connection to db-primary.internal:5432 refused")

    monkeypatch.setattr(selectors, "organization_by_brn", broken)
    settings.DEBUG = False
    query = '{ organizationByBrn(brn: "124-81-00998") { id } }'
    with caplog.at_level(logging.ERROR, logger="core.graphql"):
        response = post(client, json.dumps({"query": query}))

    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert error["path"] == ["organizationByBrn"]
    assert "db-primary" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "core.graphql"]
    assert "RuntimeError" in record.getMessage()
    assert record.exc_info[0] is RuntimeError


def test_domain_errors_keep_their_code_and_message(client):
    response = post(client, json.dumps({"query": '{ organizationByBrn(brn: "123") { id } }'}))
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID_BRN"
    assert "사업자등록번호" in error["message"]
