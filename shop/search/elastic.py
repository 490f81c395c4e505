"""Elasticsearch backend: the official client (8.x, the cluster's major) and a nori index.

The index (``index_body()``) analyzes names, vendors, categories and descriptions with the
``nori`` tokenizer (``decompound_mode: mixed``, the same user words kiwi needs), drops
particles, endings and verbs, and adds what the database backends also index, computed in
Python: the name's suffixes on an edge-n-gram field (substrings and partial words), 초성
tokens (prefix match), the compact name and 초성 (exact/prefix boosts) and the jamo name on a
trigram field (typos).

Queries (``query_body()``) follow the same plan as the database backends: kiwi decides which
typed words must match (``shop.search.analysis.parse_query``); each must match through nori
(all of its terms, across fields) or as a substring of the name; exact, prefix and
substring name matches are boosted; a query of consonants only searches 초성; when nothing
matches, one more request looks for typos on the jamo field.

``ELASTICSEARCH_INDEX`` is an alias: ``rebuild()`` fills a new timestamped index and swaps
the alias atomically, so that search never sees a half-built index.

No Elasticsearch server can be installed on the development machines: the mapping and query
bodies are tested against checked-in fixtures, the wire format against a local stand-in
server, and a live test runs only when ``ELASTICSEARCH_URL`` is set.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from shop.search import analysis
from shop.search.base import SearchBackend
from shop.search.documents import SearchDocument, iter_batches

logger = logging.getLogger(__name__)

# Parts of speech dropped by nori_part_of_speech: particles, endings, verbs and adjectives,
# affixes, adverbs, interjections, symbols (kiwi keeps nouns, roots, foreign words, numbers).
STOPTAGS = [
    "E",
    "IC",
    "J",
    "MAG",
    "MAJ",
    "MM",
    "SP",
    "SSC",
    "SSO",
    "SC",
    "SE",
    "XPN",
    "XSA",
    "XSN",
    "XSV",
    "UNA",
    "NA",
    "VSV",
    "VV",
    "VA",
    "VX",
    "VCP",
    "VCN",
]
TEXT_FIELDS = ["name^8", "vendor^4", "category^4", "body"]


def index_body() -> dict[str, Any]:
    """Settings and mappings of a new index (compared with a fixture in the tests)."""
    return {
        "settings": {
            "index": {"number_of_shards": 1, "number_of_replicas": 1},
            "analysis": {
                "tokenizer": {
                    "nori_user": {
                        "type": "nori_tokenizer",
                        "decompound_mode": "mixed",
                        "discard_punctuation": True,
                        "user_dictionary_rules": [w for w, _ in analysis.USER_WORDS],
                    },
                    "jamo_trigram": {
                        "type": "ngram",
                        "min_gram": 3,
                        "max_gram": 3,
                        "token_chars": ["letter", "digit"],
                    },
                },
                "filter": {
                    "korean_pos": {"type": "nori_part_of_speech", "stoptags": STOPTAGS},
                    "prefix_edge": {"type": "edge_ngram", "min_gram": 1, "max_gram": 40},
                },
                "analyzer": {
                    "korean": {
                        "type": "custom",
                        "tokenizer": "nori_user",
                        "filter": ["korean_pos", "nori_readingform", "lowercase"],
                    },
                    "prefix_index": {
                        "type": "custom",
                        "tokenizer": "keyword",
                        "filter": ["lowercase", "prefix_edge"],
                    },
                    "prefix_search": {
                        "type": "custom",
                        "tokenizer": "keyword",
                        "filter": ["lowercase"],
                    },
                    "jamo": {"type": "custom", "tokenizer": "jamo_trigram"},
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "product_id": {"type": "long"},
                "name": {"type": "text", "analyzer": "korean"},
                "vendor": {"type": "text", "analyzer": "korean"},
                "category": {"type": "text", "analyzer": "korean"},
                "body": {"type": "text", "analyzer": "korean"},
                "sfx": {
                    "type": "text",
                    "analyzer": "prefix_index",
                    "search_analyzer": "prefix_search",
                },
                "cho": {
                    "type": "text",
                    "analyzer": "prefix_index",
                    "search_analyzer": "prefix_search",
                },
                "compact": {"type": "keyword"},
                "cho_compact": {"type": "keyword"},
                "jamo": {"type": "text", "analyzer": "jamo"},
            },
        },
    }


def document_body(doc: SearchDocument) -> dict[str, Any]:
    return {
        "product_id": doc.product_id,
        "name": doc.raw.get("name", doc.name),
        "vendor": doc.raw.get("vendor", ""),
        "category": doc.raw.get("category", ""),
        "body": doc.raw.get("body", ""),
        "sfx": doc.sfx,
        "cho": doc.cho_terms,
        "compact": doc.compact,
        "cho_compact": doc.cho,
        "jamo": doc.jamo,
    }


def _tier_boosts(field: str, forms: list[str], contains_field: str | None) -> list[dict]:
    boosts: list[dict] = []
    for form in forms:
        boosts.append({"term": {field: {"value": form, "boost": 100}}})
        boosts.append({"prefix": {field: {"value": form, "boost": 50}}})
        if contains_field:
            boosts.append({"match": {contains_field: {"query": form, "boost": 20}}})
    return boosts


def query_body(query: str, *, limit: int = 1000) -> dict[str, Any] | None:
    """The search request body for ``query`` (None: nothing to search for)."""
    parsed = analysis.parse_query(query or "")
    if parsed.is_empty:
        return None
    if parsed.mode == "choseong":
        must = [{"match": {"cho": {"query": chunk}}} for chunk in parsed.chunks]
        should = _tier_boosts("cho_compact", [parsed.compact], None)
    else:
        must = []
        for word in parsed.required:
            alternatives: list[dict] = [
                {
                    "multi_match": {
                        "query": word.surface,
                        "fields": TEXT_FIELDS,
                        "type": "cross_fields",
                        "operator": "and",
                    }
                }
            ]
            if word.substring:
                alternatives.append({"match": {"sfx": {"query": word.substring, "boost": 8}}})
            must.append({"bool": {"should": alternatives, "minimum_should_match": 1}})
        if parsed.optional:
            must.append(
                {
                    "bool": {
                        "should": [
                            {"match": {"sfx": {"query": w.substring, "boost": 8}}}
                            for w in parsed.optional
                        ],
                        "minimum_should_match": 1,
                    }
                }
            )
        forms = analysis.unique([parsed.compact, parsed.content])
        should = _tier_boosts("compact", forms, "sfx")
    return {
        "size": limit,
        "_source": False,
        "track_total_hits": False,
        "query": {"bool": {"must": must, "should": should}},
        "sort": [{"_score": "desc"}, {"product_id": "asc"}],
    }


def typo_query_body(query: str, *, limit: int = 1000) -> dict[str, Any] | None:
    """The second request, when the first found nothing: jamo trigrams of the name."""
    parsed = analysis.parse_query(query or "")
    if parsed.mode != "terms" or not parsed.jamo:
        return None
    return {
        "size": limit,
        "_source": False,
        "track_total_hits": False,
        "query": {"match": {"jamo": {"query": parsed.jamo, "minimum_should_match": "50%"}}},
        "sort": [{"_score": "desc"}, {"product_id": "asc"}],
    }


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(
        self,
        *,
        url: str,
        index: str,
        client=None,
        refresh: bool | str = False,
        request_timeout: float = 5.0,
    ):
        self.url = url
        self.alias = index
        self.refresh = refresh
        self.request_timeout = request_timeout
        self._client = client
        self._index_ready = False

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(self.url, request_timeout=self.request_timeout)
        return self._client

    # --- searching ---------------------------------------------------------------------------

    def _ids(self, body: dict) -> list[int]:
        from elasticsearch import NotFoundError

        try:
            response = self.client.search(index=self.alias, body=body)
        except NotFoundError:
            logger.warning("No search index %s: run manage.py search_reindex", self.alias)
            return []
        return [int(hit["_id"]) for hit in response["hits"]["hits"]]

    def search(self, query: str, *, limit: int = 1000) -> list[int]:
        body = query_body(query, limit=limit)
        if body is None or limit <= 0:
            return []
        ids = self._ids(body)
        if not ids:
            typo = typo_query_body(query, limit=limit)
            if typo is not None:
                ids = self._ids(typo)
        return ids

    # --- indexing ----------------------------------------------------------------------------

    def new_index_name(self) -> str:
        return f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1000:03d}"

    def ensure_index(self) -> None:
        """Create the first index behind the alias if there is none yet."""
        if self._index_ready:
            return
        indices = self.client.indices
        if not indices.exists_alias(name=self.alias) and not indices.exists(index=self.alias):
            name = self.new_index_name()
            indices.create(index=name, **index_body())
            indices.put_alias(index=name, name=self.alias)
        self._index_ready = True

    def _bulk(self, operations: list[dict], *, index: str) -> None:
        if not operations:
            return
        response = self.client.bulk(operations=operations, index=index, refresh=self.refresh)
        if response.get("errors"):
            failed = [
                item
                for item in response["items"]
                for op in item.values()
                if op.get("error") and op.get("status") != 404
            ]
            if failed:
                raise RuntimeError(f"Elasticsearch bulk indexing failed: {failed[:3]}")

    @staticmethod
    def operations(asked: list[int], docs: list[SearchDocument]) -> list[dict]:
        by_id = {d.product_id: d for d in docs}
        ops: list[dict] = []
        for product_id in asked:
            doc = by_id.get(product_id)
            if doc is None:
                ops.append({"delete": {"_id": str(product_id)}})
            else:
                ops.append({"index": {"_id": str(product_id)}})
                ops.append(document_body(doc))
        return ops

    def index_products(self, product_ids: Iterable[int]) -> None:
        self.ensure_index()
        for asked, docs in iter_batches(product_ids):
            self._bulk(self.operations(asked, docs), index=self.alias)

    def rebuild(self, *, progress: Callable[[int, int], None] | None = None) -> int:
        from elasticsearch import NotFoundError

        from shop.catalog.models import Product

        total = Product.objects.filter(is_published=True).count()
        indices = self.client.indices
        new = self.new_index_name()
        indices.create(index=new, **index_body())
        done = 0
        if progress:
            progress(0, total)
        for _, docs in iter_batches(None):
            self._bulk(self.operations([d.product_id for d in docs], docs), index=new)
            done += len(docs)
            if progress:
                progress(done, max(total, done))
        indices.refresh(index=new)
        try:
            old = list(indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            old = []
        if not old and indices.exists(index=self.alias):
            # A concrete index squats the alias's name (auto-created by a stray write).
            indices.delete(index=self.alias)
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new, "alias": self.alias}})
        indices.update_aliases(actions=actions)
        for name in old:
            indices.delete(index=name)
        self._index_ready = True
        return done
