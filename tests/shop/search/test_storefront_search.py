"""The storefront's search (GraphQL ``products(search:)`` and the ``/search/`` page) finds
the issue's must-show queries through the configured backend, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from shop.search.registry import get_backend
from tests.shop.search.catalog import PRODUCTS, build_catalog
from tests.shop.search.relevance import MUST_SHOW

QUERY = """
query Search($q: String!) {
  products(first: 20, search: $q) { edges { node { slug name } } }
}
"""


@pytest.fixture
def indexed_catalog(db):
    products = build_catalog()
    get_backend().rebuild()
    return products


@pytest.mark.parametrize("query", list(MUST_SHOW))
def test_graphql_products_search(gql, indexed_catalog, query):
    body = gql(QUERY, {"q": query})
    slugs = [e["node"]["slug"] for e in body["data"]["products"]["edges"]]
    expected = MUST_SHOW[query]
    assert slugs[0] in expected, slugs
    assert set(expected) <= set(slugs), slugs
    assert "discontinued-rice-cracker" not in slugs


@pytest.mark.parametrize("query", ["쌀과자를", "ㅆㄱㅈ", "유기능"])
def test_search_page(client, indexed_catalog, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    for slug in MUST_SHOW[query]:
        assert PRODUCTS[slug][0] in html, (query, slug)
