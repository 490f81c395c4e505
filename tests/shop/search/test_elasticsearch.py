"""Elasticsearch backend tests, without an Elasticsearch server.

No Elasticsearch server can be installed on the development and CI machines, so:

* the index mapping and the query bodies are compared with checked-in JSON fixtures
  (``fixtures/es_index.json``, ``fixtures/es_queries.json``; regenerate them with
  ``NURI_UPDATE_SEARCH_FIXTURES=1`` after a deliberate change, and review the diff);
* the wire format — what the official ``elasticsearch`` client sends and how the backend
  reads the answers — is tested against a local stand-in server (``es_standin.py``, a
  thread on 127.0.0.1 that records requests and answers like Elasticsearch 8 would);
* the live test at the bottom runs only when ``ELASTICSEARCH_URL`` is set (a real cluster
  with the ``analysis-nori`` plugin); the relevance set also runs on it then
  (``test_relevance.py``).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from shop.search import elastic
from shop.search.elastic import ElasticsearchBackend, index_body, query_body, typo_query_body
from tests.shop.search import es_standin
from tests.shop.search.catalog import build_catalog

FIXTURES = Path(__file__).parent / "fixtures"
UPDATE = os.environ.get("NURI_UPDATE_SEARCH_FIXTURES") == "1"
FIXTURE_QUERIES = [
    "쌀과자를",
    "쌀 과자",
    "쌀과",
    "ㅆㄱㅈ",
    "유기능",
    "그래놀",
    "참기름을 사고 싶어요",
    "house blend",
]


def _compare(name: str, actual) -> None:
    path = FIXTURES / name
    if UPDATE:
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", "utf-8")
    expected = json.loads(path.read_text("utf-8"))
    assert actual == expected, f"{name} changed: rerun with NURI_UPDATE_SEARCH_FIXTURES=1"


def test_index_mapping_matches_fixture():
    body = index_body()
    _compare("es_index.json", body)
    analyzers = body["settings"]["analysis"]
    assert analyzers["tokenizer"]["nori_user"]["decompound_mode"] == "mixed"
    assert "그래놀라" in analyzers["tokenizer"]["nori_user"]["user_dictionary_rules"]
    assert body["mappings"]["properties"]["sfx"]["analyzer"] == "prefix_index"


def test_query_bodies_match_fixtures():
    bodies = {
        q: {"search": query_body(q, limit=20), "typo": typo_query_body(q, limit=20)}
        for q in FIXTURE_QUERIES
    }
    _compare("es_queries.json", bodies)
    # Particles dropped, spacing variants, 초성 and empty queries, read back from the bodies.
    musts = bodies["쌀 과자"]["search"]["query"]["bool"]["must"]
    assert len(musts) == 2
    assert bodies["ㅆㄱㅈ"]["search"]["query"]["bool"]["must"] == [
        {"match": {"cho": {"query": "ㅆㄱㅈ"}}}
    ]
    assert bodies["ㅆㄱㅈ"]["typo"] is None
    assert query_body("  ?! ") is None


@pytest.fixture
def standin():
    server = es_standin.start()
    yield server
    server.stop()


@pytest.fixture
def catalog(db):
    return build_catalog()


def _backend(server, **kwargs) -> ElasticsearchBackend:
    return ElasticsearchBackend(url=server.url, index="nuri-products", **kwargs)


def test_rebuild_wire_format(standin, catalog):
    backend = _backend(standin)
    count = backend.rebuild()
    published = [p for p in catalog.values() if p.is_published]
    assert count == len(published)

    calls = standin.calls()
    new_index = standin.requests[0].path.strip("/")
    assert calls[0] == f"PUT /{new_index}"
    assert new_index.startswith("nuri-products-")
    assert standin.requests[0].json() == json.loads(json.dumps(index_body()))
    bulk = [r for r in standin.requests if r.path.endswith("/_bulk")]
    assert bulk
    assert all(r.path == f"/{new_index}/_bulk" for r in bulk)
    # Every request speaks Elasticsearch 8's compatible media type.
    for request in standin.requests:
        assert request.headers["accept"].startswith("application/vnd.elasticsearch+json")
    assert bulk[0].headers["content-type"].startswith("application/vnd.elasticsearch+x-ndjson")
    lines = [line for r in bulk for line in r.ndjson()]
    actions = lines[0::2]
    sources = lines[1::2]
    assert {a["index"]["_id"] for a in actions} == {str(p.pk) for p in published}
    mug = next(s for s in sources if s["name"] == "도자기 머그컵")
    assert mug["compact"] == "도자기머그컵"
    assert mug["cho_compact"] == "ㄷㅈㄱㅁㄱㅋ"
    assert "머그컵" in mug["sfx"]
    assert "흙과사람 공방" in mug["vendor"]
    assert set(mug) == set(index_body()["mappings"]["properties"])
    # Then refresh, find the old index behind the alias (none) and point the alias.
    assert f"POST /{new_index}/_refresh" in calls
    assert "GET /_alias/nuri-products" in calls
    aliases = next(r for r in standin.requests if r.path == "/_aliases").json()
    assert aliases == {"actions": [{"add": {"index": new_index, "alias": "nuri-products"}}]}
    assert standin.aliases["nuri-products"] == {new_index}


def test_rebuild_swaps_the_alias_and_drops_the_old_index(standin, catalog):
    backend = _backend(standin)
    backend.rebuild()
    first = next(iter(standin.aliases["nuri-products"]))
    backend.rebuild()
    second = next(iter(standin.aliases["nuri-products"]))
    assert first != second
    assert first not in standin.indices
    swap = [r for r in standin.requests if r.path == "/_aliases"][-1].json()
    assert swap["actions"] == [
        {"remove": {"index": first, "alias": "nuri-products"}},
        {"add": {"index": second, "alias": "nuri-products"}},
    ]


def test_search_wire_format_and_typo_fallback(standin, catalog):
    backend = _backend(standin)
    backend.rebuild()
    by_id = {p.pk: slug for slug, p in catalog.items()}

    standin.requests.clear()
    ids = backend.search("쌀과자를", limit=20)
    (request,) = standin.requests
    assert (request.method, request.path) == ("POST", "/nuri-products/_search")
    assert request.json() == query_body("쌀과자를", limit=20)
    # The stand-in returns what holds the typed strings, by id; the backend keeps that order.
    assert [by_id[i] for i in ids][:3] == [
        "rice-cracker",
        "brown-rice-cracker",
        "organic-rice-cracker",
    ]

    # Nothing found: a second request searches the jamo trigrams.
    calls = []

    def responder(index, body, docs):
        calls.append(body)
        if "jamo" not in json.dumps(body):
            return []
        return sorted((i for i, d in docs.items() if d["name"].startswith("유기농")), key=int)

    standin.responder = responder
    ids = backend.search("유기능", limit=20)
    assert calls == [query_body("유기능", limit=20), typo_query_body("유기능", limit=20)]
    assert {by_id[i] for i in ids} >= {"organic-brown-rice-tea", "organic-strawberry-jam"}


def test_index_products_deletes_unpublished_and_missing(standin, catalog):
    backend = _backend(standin)
    tofu = catalog["tofu"]
    hidden = catalog["discontinued-rice-cracker"]
    backend.index_products([tofu.pk, hidden.pk, 987654])
    # First use creates the index behind the alias.
    calls = standin.calls()
    assert calls[0] == "HEAD /_alias/nuri-products"
    assert any(c.startswith("PUT /nuri-products-") and "/_alias/" not in c for c in calls)
    assert any(
        c.startswith("PUT /nuri-products-") and c.endswith("/_alias/nuri-products") for c in calls
    )
    (bulk,) = [r for r in standin.requests if r.path.endswith("/_bulk")]
    assert bulk.path == "/nuri-products/_bulk"
    lines = bulk.ndjson()
    index_at = lines.index({"index": {"_id": str(tofu.pk)}})
    assert lines[index_at + 1]["name"] == "국산콩 두부"
    deletes = [line for line in lines if "delete" in line]
    assert deletes == [{"delete": {"_id": str(hidden.pk)}}, {"delete": {"_id": "987654"}}]
    assert len(lines) == 4


def test_missing_index_answers_nothing(standin):
    assert _backend(standin).search("두부") == []


def test_registry_builds_the_elasticsearch_backend(settings, standin):
    from shop.search.registry import get_backend

    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = standin.url
    settings.ELASTICSEARCH_INDEX = "nuri-registry"
    backend = get_backend()
    assert isinstance(backend, elastic.ElasticsearchBackend)
    assert backend.alias == "nuri-registry"
    assert get_backend() is backend


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="live Elasticsearch test: set ELASTICSEARCH_URL (with analysis-nori) to run it",
)
def test_live_cluster_round_trip(catalog):
    """Runs only when ``ELASTICSEARCH_URL`` points at a real cluster with analysis-nori."""
    backend = ElasticsearchBackend(
        url=os.environ["ELASTICSEARCH_URL"],
        index=f"nuri-test-{uuid.uuid4().hex[:8]}",
        refresh="wait_for",
    )
    try:
        assert backend.rebuild() == len([p for p in catalog.values() if p.is_published])
        by_id = {p.pk: slug for slug, p in catalog.items()}
        assert by_id[backend.search("쌀과자를")[0]] in {"rice-cracker", "brown-rice-cracker"}
        assert "rice-cracker" in {by_id[i] for i in backend.search("ㅆㄱㅈ")}
        tofu = catalog["tofu"]
        tofu.is_published = False
        tofu.save()
        backend.index_products([tofu.pk])
        assert tofu.pk not in backend.search("두부")
    finally:
        for name in backend.client.indices.get_alias(name=backend.alias):
            backend.client.indices.delete(index=name)
