"""The relevance set (``relevance.py``, 70+ queries over ``catalog.py``) on every backend.

Runs on the database backend of the test run (SQLite FTS5, or PostgreSQL with
``DATABASE_URL``) and, when ``ELASTICSEARCH_URL`` is set, on a live Elasticsearch cluster.
Prints a report table (recall@10, R-precision, precision@10, latency) and asserts:

* averaged recall@10 ≥ 0.95 and R-precision ≥ 0.9 (precision@10 ≥ 0.75: a short query
  like ``쌀과`` rightly lists other rice products after the rice crackers);
* the issue's must-show queries find their products first;
* where a query has one best answer, it comes first; unpublished products never appear;
* every backend agrees: the first result and the set of the first k results (k = number
  of relevant products) equal the checked-in snapshot ``fixtures/relevance_snapshot.json``,
  and database backends return exactly its first five. CI runs the suite on SQLite and on
  PostgreSQL, so both are held to the same answers. Regenerate the snapshot with
  ``NURI_UPDATE_SEARCH_SNAPSHOT=1`` after a deliberate ranking change.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from pathlib import Path

import pytest

from shop.search.registry import get_backend
from tests.shop.search.catalog import build_catalog
from tests.shop.search.relevance import CASES, MUST_SHOW, NEVER, score

SNAPSHOT = Path(__file__).parent / "fixtures" / "relevance_snapshot.json"
UPDATE = os.environ.get("NURI_UPDATE_SEARCH_SNAPSHOT") == "1"


def _backends():
    params = [pytest.param("database", id="database")]
    if os.environ.get("ELASTICSEARCH_URL"):
        params.append(pytest.param("elasticsearch", id="elasticsearch-live"))
    return params


def _make(kind: str):
    if kind == "database":
        return get_backend()
    from shop.search.elastic import ElasticsearchBackend

    return ElasticsearchBackend(
        url=os.environ["ELASTICSEARCH_URL"],
        index=f"nuri-relevance-{uuid.uuid4().hex[:8]}",
        refresh="wait_for",
    )


def _report(backend_name: str, rows: list[tuple], latencies: list[float]) -> str:
    lines = [
        f"search relevance on {backend_name}: {len(rows)} queries",
        f"{'query':<16} {'kind':<11} {'R@10':>5} {'R-P':>5} {'P@10':>5} {'ms':>6}  first results",
    ]
    for query, kind, s, ms, first in rows:
        lines.append(
            f"{query:<16} {kind:<11} {s['recall@10']:>5.2f} {s['r_precision']:>5.2f} "
            f"{s['precision@10']:>5.2f} {ms:>6.2f}  {', '.join(first[:3])}"
        )
    means = {k: statistics.mean(r[2][k] for r in rows) for k in rows[0][2]}
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    lines.append(
        f"MEAN recall@10={means['recall@10']:.3f} R-precision={means['r_precision']:.3f} "
        f"precision@10={means['precision@10']:.3f} | latency p50={statistics.median(ordered):.2f} "
        f"ms p95={p95:.2f} ms (small catalog, warm)"
    )
    return "\n".join(lines)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", _backends())
def test_relevance_set(kind, capsys):
    products = build_catalog()
    slug_of = {p.pk: slug for slug, p in products.items()}
    backend = _make(kind)
    try:
        backend.rebuild()
        backend.search("워밍업")  # analyzer and connection ready before timing
        results, rows, latencies = {}, [], []
        for case in CASES:
            started = time.perf_counter()
            ids = backend.search(case.query, limit=50)
            ms = (time.perf_counter() - started) * 1000
            found = [slug_of[i] for i in ids]
            results[case.query] = found
            latencies.append(ms)
            rows.append((case.query, case.kind, score(found, case), ms, found))
    finally:
        if kind == "elasticsearch":
            for name in backend.client.indices.get_alias(name=backend.alias):
                backend.client.indices.delete(index=name)

    with capsys.disabled():
        print("\n" + _report(backend.name, rows, latencies))

    assert len(CASES) >= 40
    means = {k: statistics.mean(r[2][k] for r in rows) for k in rows[0][2]}
    assert means["recall@10"] >= 0.95, means
    assert means["r_precision"] >= 0.9, means
    assert means["precision@10"] >= 0.75, means

    for query, expected in MUST_SHOW.items():
        found = results[query]
        assert found, query
        assert found[0] in expected, (query, found)
        assert set(expected) <= set(found[:10]), (query, found)

    wrong_top = {
        c.query: results[c.query][:1] for c in CASES if c.top and results[c.query][:1] != [c.top]
    }
    assert not wrong_top, wrong_top
    leaked = {q: set(found) & set(NEVER) for q, found in results.items() if set(found) & set(NEVER)}
    assert not leaked, leaked

    snapshot = {c.query: results[c.query][:10] for c in CASES}
    if UPDATE and kind == "database":
        SNAPSHOT.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n", "utf-8")
    expected = json.loads(SNAPSHOT.read_text("utf-8"))
    disagree = {}
    for case in CASES:
        k = len(case.relevant)
        mine, theirs = results[case.query], expected[case.query]
        if mine[:1] != theirs[:1] or set(mine[:k]) != set(theirs[:k]):
            disagree[case.query] = (mine[:k], theirs[:k])
        elif kind == "database" and mine[:5] != theirs[:5]:
            disagree[case.query] = (mine[:5], theirs[:5])
    assert not disagree, f"{backend.name} disagrees with the snapshot: {disagree}"
