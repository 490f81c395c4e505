from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import StaffFactory, UserFactory


class GraphQLClient:
    """Posts to the real ``/graphql/`` endpoint, as a session user or with a bearer token."""

    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def login(self, user):
        self.client.force_login(user)
        return self

    def logout(self):
        self.client.logout()
        self.token = None
        return self

    def __call__(self, query: str, variables: dict | None = None, *, expect_errors=False, **extra):
        headers = {}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        resp = self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
            **extra,
        )
        body = resp.json()
        if not expect_errors:
            assert "errors" not in body, body.get("errors")
        return body


@pytest.fixture
def gql(client):
    return GraphQLClient(client)


@pytest.fixture
def staff_user(db):
    return StaffFactory()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def count_queries():
    """``with count_queries() as q: ...; len(q)`` — the SQL statements run inside."""

    def _ctx():
        return CaptureQueriesContext(connection)

    return _ctx


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
