"""GraphQL fuzzing with schemathesis: every query and mutation field of the published API
(the committed ``schema.graphql``) gets generated queries, valid and invalid, sent to the real
WSGI application (``config.wsgi.application``) over a small realistic world (the demo data:
registry, vendors, products, bundles, an agency and its buyer; plus a cart and an order), as
an anonymous visitor and as signed-in users (bearer tokens from ``tokenCreate``).

"Finds no 500": no response is a 5xx, and no response hides one in a 200. GraphQL answers
resolver exceptions with status 200 and an ``errors`` entry, so the endpoint logs every
exception that is not one of the product's (``DomainError``, ``PermissionDenied``, GraphQL
validation and coercion errors) on the ``core.graphql`` logger and answers it with the code
``INTERNAL_SERVER_ERROR``; both are failures here.

Bounded in time: ``FUZZ_MAX_EXAMPLES`` examples per operation and role (default 20), drawn
the same way on every CI run (``CI=true`` derandomizes). Runs on SQLite and on PostgreSQL
(stricter: NUL bytes, integers beyond bigint, lone surrogates), e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/nuri_fuzz pytest tests/fuzz --create-db``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from datetime import date
from pathlib import Path

import graphql
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from graphql_relay import to_global_id
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[2]
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
ENDPOINT = "http://localhost/graphql/"
ROLES = ("citizen", "owner", "buyer", "staff")

# Identifiers of the fixture world, filled by ``fuzz_world`` before any example is drawn, so
# that some generated IDs and tokens name real objects and reach past the "not found" checks.
POOL: dict[str, list[str]] = {"ID": [], "UUID": []}


def _from_pool(kind: str):
    return st.integers(min_value=0, max_value=10**6).map(
        lambda i: POOL[kind][i % len(POOL[kind])] if POOL[kind] else ""
    )


def _json_node(value) -> graphql.ValueNode:
    if value is None:
        return nodes.Null
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return nodes.List([_json_node(v) for v in value])
    return nodes.Object(
        [
            graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=_json_node(v))
            for k, v in value.items()
        ]
    )


names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=4),
    max_leaves=8,
)

schema = schemathesis.graphql.from_path(ROOT / "schema.graphql")

NODE_TYPES = sorted(
    name
    for name, type_ in schema.client_schema.type_map.items()
    if isinstance(type_, graphql.GraphQLObjectType)
    and any(i.name == "Node" for i in type_.interfaces)
)

# Strategies for the schema's custom scalars, and for ``ID``: real objects' IDs, well-formed
# IDs of every node type with any number (beyond bigint too), and arbitrary text.
schemathesis.graphql.scalar(
    "ID",
    st.one_of(
        _from_pool("ID").map(nodes.String),
        st.builds(
            lambda type_name, pk: to_global_id(type_name, pk),
            st.sampled_from(NODE_TYPES),
            st.one_of(st.integers(), st.text(max_size=8)),
        ).map(nodes.String),
        st.text().map(nodes.String),
        st.integers(min_value=-(2**31), max_value=2**31 - 1).map(nodes.Int),
    ),
)
schemathesis.graphql.scalar(
    "UUID",
    st.one_of(_from_pool("UUID"), st.uuids().map(str), st.text(max_size=40)).map(nodes.String),
)
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False).map(str).map(nodes.String),
        st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999999", "0.08", "", "abc"]).map(
            nodes.String
        ),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.integers().map(nodes.Int),
    ),
)
schemathesis.graphql.scalar(
    "JSONString",
    st.one_of(json_values.map(json.dumps), st.text()).map(nodes.String),
)
schemathesis.graphql.scalar("JSON", json_values.map(_json_node))
# A JSON body cannot carry a file: whatever a client writes there is not an upload.
schemathesis.graphql.scalar(
    "Upload", st.one_of(st.text(max_size=20).map(nodes.String), st.just(nodes.Null))
)

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=CI,
    database=None if CI else settings.default.database,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


# ---------------------------------------------------------------------------------------------
# The world the fuzzer runs against (built once per module, rolled back at the end)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    from django.test import Client

    from accounts.models import User
    from bundles.models import Bundle
    from core.demo import ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_PASSWORD, OWNER_EMAIL, demo_load
    from purchasing.models import Agency, QuoteRequest
    from shop.catalog.models import Category, Product, ProductVariant
    from shop.checkout.models import Checkout
    from shop.orders.models import Order, VendorOrder
    from tests.factories import UserFactory
    from tests.factories.orders import place_order, ready_checkout
    from vendors.models import Organization, Vendor, VendorApplication

    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(small=True, images=False, reindex=False, on=date(2026, 11, 24))
        citizen = UserFactory(email="citizen@fuzz.nuri.local")
        variants = list(ProductVariant.objects.filter(product__is_published=True)[:3])
        place_order([(variants[0], 1), (variants[1], 2)], user=citizen)
        ready_checkout([(variants[2], 1)], user=citizen)
        ready_checkout([(variants[0], 2)])

        client = Client()
        tokens = {}
        for role, email, password in (
            ("citizen", citizen.email, "pw-12345678"),
            ("owner", OWNER_EMAIL, DEMO_PASSWORD),
            ("buyer", "buyer@nuri.local", DEMO_PASSWORD),
            ("staff", ADMIN_EMAIL, ADMIN_PASSWORD),
        ):
            body = client.post(
                "/graphql/",
                data=json.dumps(
                    {
                        "query": "mutation($e: String!, $p: String!) { tokenCreate(email: $e, "
                        "password: $p) { token errors { code } } }",
                        "variables": {"e": email, "p": password},
                    }
                ),
                content_type="application/json",
            ).json()
            token = body["data"]["tokenCreate"]["token"]
            assert token, body
            tokens[role] = token

        ids = []
        for type_name, queryset in (
            ("Product", Product.objects.all()[:5]),
            ("ProductVariant", ProductVariant.objects.all()[:5]),
            ("Category", Category.objects.all()[:3]),
            ("Vendor", Vendor.objects.all()[:3]),
            ("Organization", Organization.objects.all()[:3]),
            ("VendorApplication", VendorApplication.objects.all()[:2]),
            ("Bundle", Bundle.objects.all()[:2]),
            ("Agency", Agency.objects.all()[:1]),
            ("QuoteRequest", QuoteRequest.objects.all()[:2]),
            ("Checkout", Checkout.objects.all()[:2]),
            ("Order", Order.objects.all()[:1]),
            ("VendorOrder", VendorOrder.objects.all()[:2]),
            ("User", User.objects.all()[:2]),
        ):
            ids += [to_global_id(type_name, obj.pk) for obj in queryset]
        POOL["ID"][:] = ids
        POOL["UUID"][:] = [str(t) for t in Checkout.objects.values_list("token", flat=True)] + [
            str(t) for t in Order.objects.values_list("token", flat=True)
        ]
        yield tokens
        transaction.set_rollback(True)
    POOL["ID"].clear()
    POOL["UUID"].clear()


# ---------------------------------------------------------------------------------------------
# Sending a case and judging the answer
# ---------------------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def _keep_connection():
    """Like Django's test client: a request must not close the connection that holds the
    test transaction (``close_old_connections`` runs when a request starts and ends)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@contextlib.contextmanager
def _errors_logged():
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in ("core.graphql", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def send_and_check(case, token: str | None = None) -> None:
    from config.wsgi import application

    headers = {"Authorization": f"Bearer {token}"} if token else None
    with _keep_connection(), _errors_logged() as logged:
        response = case.call(base_url=ENDPOINT, app=application, headers=headers)
    query = case.body
    assert response.status_code < 500, f"HTTP {response.status_code} for\n{query}"
    if logged:
        record = logged[0]
        detail = record.getMessage()
        if record.exc_info:
            detail += "\n" + logging.Formatter().formatException(record.exc_info)
        pytest.fail(f"Unhandled exception for\n{query}\n{detail}")
    try:
        payload = json.loads(response.content)
    except ValueError:
        # Only the endpoint's own plain-text refusals (400/405) are not JSON.
        assert response.status_code in (400, 405), response.content[:500]
        return
    for error in payload.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code != "INTERNAL_SERVER_ERROR", f"{error} for\n{query}"


@pytest.fixture
def db(fuzz_world):
    """Database access for this module's tests: the fixture world, with whatever one test
    writes rolled back after it (a savepoint inside the module's transaction).

    It overrides pytest-django's ``db`` here: asking for ``db`` still makes pytest-django
    create the test database, but its per-test ``TestCase`` would close the connection that
    holds the module's transaction (``TestCase.tearDownClass``), losing the world."""
    with transaction.atomic():
        yield fuzz_world
        transaction.set_rollback(True)


@schema.parametrize()
@FUZZ_SETTINGS
def test_graphql_fuzz_anonymous(case, db):
    send_and_check(case)


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES))
@FUZZ_SETTINGS
def test_graphql_fuzz_signed_in(case, role, db):
    send_and_check(case, db[role])
