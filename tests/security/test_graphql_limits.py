"""GraphQL limits through ``/graphql/`` (``core/graphql/limits.py``): depth, cost, page sizes,
list arguments, aliases, introspection and batches. A refused operation runs nothing.

Decisions: ``first``/``last`` above the maximum page size is refused with
``PAGE_SIZE_TOO_LARGE`` (never silently clamped); introspection is allowed in every
environment (the schema is public and committed) but the cyclic "introspection bomb" is
refused; batches (a JSON list of operations) are refused with ``BATCH_NOT_SUPPORTED``.
"""

from __future__ import annotations

import json
from collections import deque

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import GraphQLNonNull, get_introspection_query, get_named_type
from graphql_relay import to_global_id

from accounts.models import ApiToken
from config.schema import schema
from shop.checkout.models import CheckoutLine
from tests.factories import UserFactory
from tests.factories.catalog import CategoryFactory
from tests.factories.orders import CheckoutFactory, CheckoutLineFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-12345678"


def post(client, payload, **extra):
    return client.post(
        "/graphql/", data=json.dumps(payload), content_type="application/json", **extra
    )


def codes(body) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


def _is_connection(type_) -> bool:
    fields = getattr(type_, "fields", None) or {}
    return "edges" in fields and "pageInfo" in fields


def connection_field_queries(page_arg: str) -> dict[str, str]:
    """A query reaching every connection field of the schema (``Type.field``), found by a
    breadth-first walk from ``Query`` through fields without required arguments. A connection
    added anywhere later is picked up here without editing this test."""
    gql_schema = schema.graphql_schema
    found: dict[str, str] = {}
    queue = deque([(gql_schema.query_type, [])])
    visited = {gql_schema.query_type.name}
    while queue:
        type_, path = queue.popleft()
        for name, fld in type_.fields.items():
            if name.startswith("__"):
                continue
            named = get_named_type(fld.type)
            required = [a for a, v in fld.args.items() if isinstance(v.type, GraphQLNonNull)]
            if required:
                continue
            if _is_connection(named):
                key = f"{type_.name}.{name}"
                if key not in found:
                    inner = f"{name}({page_arg}) {{ edges {{ node {{ __typename }} }} }}"
                    for step in reversed(path):
                        inner = f"{step} {{ {inner} }}"
                    found[key] = f"{{ {inner} }}"
                target = get_named_type(named.fields["edges"].type).fields["node"].type
                step = [f"{name}(first: 1)", "edges", "node"]
                next_type = get_named_type(target)
            elif hasattr(named, "fields"):
                step, next_type = [name], named
            else:
                continue
            if next_type.name not in visited and hasattr(next_type, "fields"):
                visited.add(next_type.name)
                queue.append((next_type, path + step))
    return found


# --- page sizes -------------------------------------------------------------------------------


def test_every_connection_field_is_found():
    found = connection_field_queries("first: 1")
    # Root lists and nested ones (a category's children, a user's orders) are all walked.
    assert {"Query.products", "Query.organizations", "Category.children", "User.orders"} <= set(
        found
    )
    assert len(found) >= 18


@pytest.mark.parametrize("page_arg", ["first: 1000", "last: 1000", "first: 101"])
def test_every_connection_refuses_oversized_pages(gql, page_arg):
    for key, query in connection_field_queries(page_arg).items():
        body = gql(query, expect_errors=True)
        assert codes(body) == ["PAGE_SIZE_TOO_LARGE"], (key, body)
        assert body.get("data") is None, key
        err = body["errors"][0]
        assert err["extensions"]["maxPageSize"] == 100
        assert err["message"].endswith("may be at most 100."), key


def test_page_size_limit_reads_variables_and_allows_the_maximum(gql):
    CategoryFactory()
    q = "query($n: Int) { categories(first: $n) { edges { node { name } } } }"
    assert codes(gql(q, {"n": 101}, expect_errors=True)) == ["PAGE_SIZE_TOO_LARGE"]
    assert len(gql(q, {"n": 100})["data"]["categories"]["edges"]) == 1


# --- depth and cost ---------------------------------------------------------------------------

DEEP_TOKEN = """mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token user { orders(first: 1) { edges {
    node { lines { variant { product { vendor { organization { vendor { organization {
      vendor { organization { vendor { slug } } } } } } } } } } } } } } } }"""


def test_too_deep_mutation_is_refused_before_it_runs(client):
    user = UserFactory()
    body = post(
        client, {"query": DEEP_TOKEN, "variables": {"email": user.email, "password": PASSWORD}}
    ).json()
    assert codes(body) == ["QUERY_TOO_DEEP"]
    assert body.get("data") is None
    assert not ApiToken.objects.exists()  # the token was never created


def test_costly_nested_connections_are_refused(gql):
    CategoryFactory()
    q = """query($a: Int, $b: Int) { categories(first: $a) { edges { node {
        children(first: $b) { edges { node { name children(first: $b) { edges { node { name }
        } } } } } } } } }"""
    assert "errors" not in gql(q, {"a": 10, "b": 5})
    body = gql(q, {"a": 100, "b": 100}, expect_errors=True)
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert body.get("data") is None


def test_aliases_are_counted_one_by_one(gql):
    one = 'p{i}: product(slug: "nothing-{i}") {{ name }}'
    few = "{ " + " ".join(one.format(i=i) for i in range(10)) + " }"
    assert gql(few)["data"]["p0"] is None
    many = "{ " + " ".join(one.format(i=i) for i in range(500)) + " }"
    with CaptureQueriesContext(connection) as queries:
        body = gql(many, expect_errors=True)
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert not [q for q in queries.captured_queries if "product" in q["sql"].lower()]


def test_aliased_mutations_are_counted_too(client):
    user = UserFactory()
    tries = " ".join(
        f't{i}: tokenCreate(email: "{user.email}", password: "x{i}") {{ token }}'
        for i in range(120)
    )
    body = post(client, {"query": f"mutation {{ {tries} }}"}).json()
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert not AccessAttempt.objects.exists()  # not a single password was tried


def test_huge_documents_are_refused_before_parsing_ends(gql, settings):
    settings.GRAPHQL_MAX_TOKENS = 500
    q = "{ " + " ".join(f"a{i}: __typename" for i in range(400)) + " }"
    body = gql(q, expect_errors=True)
    assert codes(body) == ["QUERY_TOO_LARGE"]


# --- list arguments ---------------------------------------------------------------------------


def test_filter_id_lists_are_capped(gql):
    q = "query($ids: [ID!]) { products(filter: {ids: $ids}) { edges { node { name } } } }"
    ok = gql(q, {"ids": [to_global_id("Product", i) for i in range(1, 101)]})
    assert ok["data"]["products"]["edges"] == []
    body = gql(q, {"ids": [to_global_id("Product", i) for i in range(1, 102)]}, expect_errors=True)
    (err,) = body["errors"]
    assert err["extensions"] == {
        "code": "INPUT_LIST_TOO_LONG",
        "field": "products",
        "argument": "filter.ids",
        "length": 101,
        "maxLength": 100,
    }
    assert body.get("data") is None


def test_inline_list_literals_are_capped_too(gql):
    slugs = ", ".join(f'"s{i}"' for i in range(150))
    body = gql(
        f"{{ categories(filter: {{slugs: [{slugs}]}}) {{ edges {{ node {{ name }} }} }} }}",
        expect_errors=True,
    )
    assert codes(body) == ["INPUT_LIST_TOO_LONG"]
    assert body["errors"][0]["extensions"]["argument"] == "filter.slugs"


def test_checkout_line_lists_are_capped_and_nothing_is_written(gql):
    checkout = CheckoutFactory()
    line = CheckoutLineFactory(checkout=checkout, quantity=2)
    add = """mutation($token: UUID, $lines: [CheckoutLineInput!]) {
        checkoutLinesAdd(token: $token, lines: $lines) { errors { code } } }"""
    lines = [{"variantId": f"UHJvZHVjdFZhcmlhbnQ6{i}", "quantity": 1} for i in range(101)]
    body = gql(add, {"token": str(checkout.token), "lines": lines}, expect_errors=True)
    assert codes(body) == ["INPUT_LIST_TOO_LONG"]
    assert body["errors"][0]["extensions"]["field"] == "checkoutLinesAdd"
    assert body["errors"][0]["extensions"]["argument"] == "lines"

    delete = """mutation($token: UUID, $ids: [ID!]!) {
        checkoutLinesDelete(token: $token, linesIds: $ids) { errors { code } } }"""
    body = gql(delete, {"token": str(checkout.token), "ids": ["x"] * 101}, expect_errors=True)
    assert codes(body) == ["INPUT_LIST_TOO_LONG"]
    assert body["errors"][0]["extensions"]["argument"] == "linesIds"
    assert list(CheckoutLine.objects.filter(checkout=checkout)) == [line]


def test_lists_nested_in_input_objects_are_capped(gql):
    create = """mutation($input: QuoteRequestCreateInput!) {
        quoteRequestCreate(input: $input) { errors { code } } }"""
    item = {"description": "다과", "quantity": 1}
    payload = {
        "title": "행사 다과",
        "deliveryDate": "2030-01-10",
        "deliveryPlace": "서울시청",
        "deadline": "2030-01-05T10:00:00+09:00",
        "items": [item] * 101,
    }
    body = gql(create, {"input": payload}, expect_errors=True)
    assert codes(body) == ["INPUT_LIST_TOO_LONG"]
    assert body["errors"][0]["extensions"]["argument"] == "input.items"


# --- introspection ----------------------------------------------------------------------------


def test_standard_introspection_is_allowed_without_debug(gql, settings):
    assert settings.DEBUG is False
    body = gql(get_introspection_query(descriptions=True))
    names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"Query", "Mutation", "Product", "Vendor"} <= names


@pytest.mark.parametrize(
    "bomb",
    [
        """{ __type(name: "Query") { fields { type { fields { type { fields { name
            type { fields { name } } } } } } } } }""",
        "{ __schema { types { fields { type { fields { name } } } } } }",
        '{ __type(name: "Product") { interfaces { possibleTypes { name } } } }',
    ],
)
def test_introspection_bomb_is_refused(gql, bomb):
    body = gql(bomb, expect_errors=True)
    assert codes(body) == ["QUERY_TOO_DEEP"]
    assert body.get("data") is None


def test_aliased_introspection_pays_the_root_cost(gql):
    many = "{ " + " ".join(f"s{i}: __schema {{ queryType {{ name }} }}" for i in range(600)) + " }"
    assert codes(gql(many, expect_errors=True)) == ["QUERY_TOO_COSTLY"]


# --- batches and malformed bodies -------------------------------------------------------------


def test_batches_are_refused(client):
    user = UserFactory()
    op = {
        "query": "mutation($e: String!, $p: String!) { tokenCreate(email: $e, password: $p) "
        "{ token } }",
        "variables": {"e": user.email, "p": PASSWORD},
    }
    resp = post(client, [op, op])
    assert resp.status_code == 400
    assert codes(resp.json()) == ["BATCH_NOT_SUPPORTED"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "payload", ["just a string", 42, {"query": "{ me { email } }", "variables": [1, 2]}]
)
def test_malformed_bodies_are_a_clean_400(client, payload):
    resp = post(client, payload)
    assert resp.status_code == 400
    assert codes(resp.json()) == ["INVALID_REQUEST"]
