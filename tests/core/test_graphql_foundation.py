"""The GraphQL foundation: token auth, error shape, depth and cost limits, CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_CREATE = """
mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    token user { email } errors { field code message }
  }
}"""


def test_token_create_and_bearer_auth(gql):
    UserFactory(email="buyer@example.kr")
    data = gql(TOKEN_CREATE, {"email": "Buyer@Example.kr", "password": "pw-12345678"})["data"]
    token = data["tokenCreate"]["token"]
    assert token.startswith("nuri_")
    assert data["tokenCreate"]["errors"] == []

    gql.token = token
    me = gql("{ me { email } }")["data"]["me"]
    assert me == {"email": "buyer@example.kr"}


def test_token_create_wrong_password_is_a_coded_error(gql):
    UserFactory(email="buyer@example.kr")
    data = gql(TOKEN_CREATE, {"email": "buyer@example.kr", "password": "nope"})["data"]
    assert data["tokenCreate"]["token"] is None
    assert data["tokenCreate"]["errors"] == [
        {
            "field": "email",
            "code": "INVALID_CREDENTIALS",
            "message": "이메일 또는 비밀번호가 올바르지 않습니다.",
        }
    ]


def test_invalid_bearer_token_is_refused(client):
    resp = client.post(
        "/graphql/",
        data={"query": "{ me { email } }"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer nuri_forged",
    )
    assert resp.status_code == 401
    assert resp.json()["errors"][0]["code"] == "INVALID_TOKEN"


def test_anonymous_me_is_null(gql):
    assert gql("{ me { email } }")["data"]["me"] is None


def test_session_mutations_need_csrf_but_bearer_does_not():
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    resp = browser.post(
        "/graphql/",
        data={"query": 'mutation { tokenCreate(email: "x@y.kr", password: "z") { token } }'},
        content_type="application/json",
    )
    assert resp.status_code == 403

    api = Client(enforce_csrf_checks=True)
    token = api.post(
        "/graphql/",
        data={"query": TOKEN_CREATE, "variables": {"email": user.email, "password": "pw-12345678"}},
        content_type="application/json",
    ).json()["data"]["tokenCreate"]["token"]
    resp = api.post(
        "/graphql/",
        data={"query": "{ me { email } }"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert resp.status_code == 200
    assert resp.json()["data"]["me"]["email"] == user.email


def test_too_deep_query_is_refused_with_a_clear_error(gql, settings):
    settings.GRAPHQL_MAX_DEPTH = 5
    deep = "{ organizations { edges { node { vendor { organization { vendor { slug } } } } } } }"
    body = gql(deep, expect_errors=True)
    assert body.get("data") is None
    err = body["errors"][0]
    assert err["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert "maximum allowed depth of 5" in err["message"]


def test_depth_through_fragments_is_counted(gql, settings):
    settings.GRAPHQL_MAX_DEPTH = 4
    q = """
    fragment V on Vendor { organization { vendor { slug } } }
    { organizations { edges { node { vendor { ...V } } } } }"""
    body = gql(q, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


def test_costly_query_is_refused(gql, settings):
    settings.GRAPHQL_MAX_COST = 200
    q = """query($n: Int) { organizations(first: $n) { edges { node {
        name certifications { kind number } participations { status } } } } }"""
    ok = gql(q, {"n": 10})
    assert ok["data"]["organizations"]["edges"] == []
    body = gql(q, {"n": 100}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "maximum allowed cost of 200" in body["errors"][0]["message"]


def test_page_size_is_capped(gql):
    body = gql("{ organizations(first: 500) { edges { node { name } } } }", expect_errors=True)
    assert body["errors"][0]["message"] == "`first` may be at most 100."


def test_cursor_pagination_walks_the_whole_list(gql):
    for i in range(5):
        OrganizationFactory(name=f"가나다{i}")
    q = """query($after: String) { organizations(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }"""
    names, after = [], None
    while True:
        conn = gql(q, {"after": after})["data"]["organizations"]
        names += [e["node"]["name"] for e in conn["edges"]]
        assert conn["totalCount"] == 5
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert names == [f"가나다{i}" for i in range(5)]


def test_relay_node_query_resolves_an_organization(gql):
    org = OrganizationFactory(name="햇살협동조합", org_type="coop")
    q = "{ organizations(first: 1) { edges { node { id } } } }"
    node_id = gql(q)["data"]["organizations"]["edges"][0]["node"]["id"]
    body = gql(
        "query($id: ID!) { node(id: $id) { ... on Organization { name orgType } } }",
        {"id": node_id},
    )
    assert body["data"]["node"] == {"name": org.name, "orgType": "COOP"}


def test_graphiql_is_served_in_debug_only(client):
    resp = client.get("/graphql/", HTTP_ACCEPT="text/html")
    # Tests run with DEBUG=False: no GraphiQL page, a JSON error instead.
    assert b"graphiql" not in resp.content.lower()
