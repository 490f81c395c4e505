"""``make bench`` / ``make bench-pg``: Nuri's performance figures against DESIGN.md's targets.

Runs on a dedicated database, never the development one:

* SQLite (default): ``var/bench.sqlite3``;
* PostgreSQL (``BENCH_DB=postgres``): database ``nuri_bench`` on 127.0.0.1:5432 (user
  ``postgres``; ``BENCH_PG_URL`` overrides), created when missing.

It migrates, seeds ``--products`` generated products with ``seed_scale`` unless a marker
(``var/bench/seeded-<db>.json``) and the product count say they are there already, then
measures, in this process unless said otherwise:

a. Korean search latency p50/p95 over the relevance query set (taken from the search tests
   when they define one, else ``OWN_QUERIES``), after a warm-up;
b. the storefront listing ``products(first: 12)`` (Saleor's fields) through Django's test
   client: p50/p95 and the SQL statement count (at 12 and at 48, to show it is constant);
c. product details (``product(slug:)``, and the HTML page when it exists): p50;
d. indexing throughput: re-indexing ``--reindex`` products through the backend;
e. peak RSS of a web process: a fresh ``python -c`` that sets up Django, loads the Korean
   analyzer and serves 100 requests through the WSGI handler.

Prints a table with the targets beside each figure and writes ``var/bench/results-<db>.json``.
A part whose feature is not there yet prints "not available" instead of failing.

Options (``make bench BENCH_ARGS="..."``): ``--fresh`` drops the bench database and seeds it
again (needed when a migration was edited in place), ``--products N``, ``--runs N``,
``--reindex N``, ``--only abc`` (some parts only). Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
import traceback
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
OUT_DIR = VAR / "bench"
SQLITE_PATH = VAR / "bench.sqlite3"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/nuri_bench")

LISTING = """
query Listing($first: Int!) {
  products(first: $first) {
    edges { node {
      id name slug
      thumbnail { url alt }
      category { name }
      pricing { priceRange { start { gross { amount currency } } } }
      variants { id name sku quantityAvailable pricing { price { gross { amount currency } } } }
      isAvailable
      vendor { storeName }
    } }
  }
}"""

DETAIL = """
query Detail($slug: String!) {
  product(slug: $slug) {
    id name slug description seoTitle seoDescription
    thumbnail { url alt }
    media { url alt }
    category { name slug }
    pricing { priceRange {
      start { gross { amount currency } net { amount } tax { amount } }
      stop { gross { amount currency } }
    } }
    variants { id name sku quantityAvailable
      pricing { price { gross { amount currency } net { amount } tax { amount } } } }
    isAvailable taxType allergens
    vendor { storeName organization { orgType district { name } } }
  }
}"""

DETAIL_MINIMAL = """
query Detail($slug: String!) {
  product(slug: $slug) {
    id name slug description
    thumbnail { url alt }
    category { name }
    pricing { priceRange { start { gross { amount currency } } } }
    variants { id name sku quantityAvailable pricing { price { gross { amount currency } } } }
    isAvailable
    vendor { storeName }
  }
}"""

# Used when the search tests define no query set: particles, spacing, prefixes, 초성, typos,
# vendors, categories, attributes.
OWN_QUERIES = [
    "쌀과자", "쌀과자를", "쌀 과자", "쌀과", "ㅆㄱㅈ", "현미 쌀과자", "누룽지", "유기농", "유기능",
    "유기농 현미", "드립백", "드립백 커피", "원두", "커피를", "디카페인", "공정무역", "녹차",
    "허브티", "유자차", "주스", "사과주스", "김치", "포기김치", "ㄱㅊ", "두부", "순두부", "딸기잼",
    "잼", "꿀", "아카시아 꿀", "그래놀라", "그라놀라", "쿠키", "버터쿠키", "비건", "비건 쿠키",
    "인절미", "약과", "세제", "주방세제", "주방 세제", "비누", "수제 비누", "머그컵", "도자기",
    "ㄷㅈㄱ", "도마", "원목 도마", "에코백", "선물세트", "간식 꾸러미", "베이커리", "협동조합",
    "햇살", "현미", "국산콩", "무설탕",
]  # fmt: skip

# DESIGN.md "Performance targets" (2 cores, PostgreSQL, 100k products).
TARGETS = {
    "search_p50_ms": 8,
    "search_p95_ms": 15,
    "listing_p50_ms": 10,
    "listing_p95_ms": 20,
    "listing_sql": 6,
    "detail_p50_ms": 8,
    "rss_mib": 450,
}


# --------------------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------------------


def configure(db: str, *, fresh: bool = False) -> str:
    """Point Django at the bench database (creating the PostgreSQL one) before setup.

    ``fresh`` drops the bench database first (a migration edited in place leaves an existing
    database behind the models; seeding starts over then).
    """
    if fresh:
        marker_path(db).unlink(missing_ok=True)
    if db == "postgres":
        url = PG_URL
        ensure_pg_database(url, drop=fresh)
    else:
        VAR.mkdir(exist_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DJANGO_DEBUG"] = "0"  # production mode: no query log, no debug pages
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    return url


def ensure_pg_database(url: str, *, drop: bool = False) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if drop:
            print(f"dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))  # fmt: skip
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        print(f"creating database {name}")
        # UTF-8 ctype, as in CI: pg_trgm extracts nothing from Hangul under LC_CTYPE=C.
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )


def marker_path(db: str) -> Path:
    return OUT_DIR / f"seeded-{db}.json"


def ensure_seeded(db: str, *, products: int, orgs: int, seed: int) -> dict:
    from django.core.management import call_command

    from shop.catalog.models import Product
    from shop.management.commands.seed_scale import SLUG_PREFIX

    call_command("migrate", verbosity=0, interactive=False)
    have = Product.objects.filter(slug__startswith=SLUG_PREFIX).count()
    marker = marker_path(db)
    info = json.loads(marker.read_text()) if marker.exists() else {}
    if have >= products and info.get("products") == have and info.get("indexed"):
        print(f"reusing the seeded catalog: {have:,} products (marker {marker.name})")
        return {**info, "reused": True}
    print(f"seeding {products:,} products ({orgs:,} organizations) ...", flush=True)
    started = time.monotonic()
    call_command("seed_scale", orgs=orgs, products=products, seed=seed, verbosity=1)
    info = {
        "products": Product.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "orgs": orgs,
        "seed": seed,
        "indexed": True,
        "seconds": round(time.monotonic() - started, 1),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(info, indent=2))
    return {**info, "reused": False}


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


@dataclass
class Row:
    part: str
    measure: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: no target to compare with
    data: dict = field(default_factory=dict)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def timed(
    fn: Callable[[int], object],
    *,
    runs: int,
    warmup: int,
    before: Callable[[int], object] | None = None,
) -> list[float]:
    """Call ``fn(i)`` ``warmup`` times untimed, then ``runs`` times; latencies in ms.

    ``before(i)``, when given, runs ahead of each call outside the clock.
    """
    for i in range(warmup):
        fn(i)
    out = []
    for i in range(runs):
        if before is not None:
            before(i)
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def stats(ms: list[float]) -> dict:
    return {
        "runs": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(max(ms), 2),
    }


def within(value: float, target: float) -> bool:
    return value <= target


def relevance_queries() -> tuple[list[str], str]:
    """The search engineer's relevance query set when the tests define one, else ours."""
    import importlib
    import pkgutil

    folder = BASE_DIR / "tests" / "shop" / "search"
    if folder.is_dir():
        names = sorted(m.name for m in pkgutil.iter_modules([str(folder)]))
        # Dedicated modules first, scratch files last.
        names.sort(key=lambda n: ("relevance" not in n and "quer" not in n, "scratch" in n, n))
        for name in names:
            try:
                module = importlib.import_module(f"tests.shop.search.{name}")
            except Exception:
                continue
            for attr in ("RELEVANCE_QUERIES", "RELEVANCE", "QUERY_SET", "QUERIES", "CASES"):
                queries = _strings(getattr(module, attr, None))
                if len(queries) >= 10:
                    return queries, f"tests/shop/search/{name}.py:{attr}"
    return list(OWN_QUERIES), "bench/run.py:OWN_QUERIES"


def _strings(value) -> list[str]:
    if not isinstance(value, dict | list | tuple):
        return []
    items = list(value)
    out = []
    for item in items:
        if isinstance(item, list | tuple) and item and isinstance(item[0], str):
            item = item[0]
        elif hasattr(item, "query") and isinstance(item.query, str):
            item = item.query
        if isinstance(item, str) and item.strip() and item not in out:
            out.append(item)
    return out


def bench_search(runs: int) -> list[Row]:
    from shop.search.registry import get_backend

    backend = get_backend()
    if backend.name == "null":
        return [Row("a", "검색 search", "not available (no search backend)")]
    queries, source = relevance_queries()
    started = time.monotonic()
    backend.search(queries[0], limit=20)  # loads the analyzer
    load_s = time.monotonic() - started
    hits = {q: len(backend.search(q, limit=20)) for q in queries}  # warm-up, and a sanity check
    n = max(runs, len(queries) * 5)

    def one(i: int) -> None:
        backend.search(queries[i % len(queries)], limit=20)

    # Cold: the shared cache is emptied before every query, so each one really searches.
    from django.core.cache import cache

    ms = timed(one, runs=n, warmup=0, before=lambda i: cache.clear())
    s = stats(ms)
    # Warm: the same queries again, answered by the search backend's result cache if it has one.
    warm = stats(timed(one, runs=n, warmup=len(queries)))
    empty = [q for q, h in hits.items() if h == 0]
    per_query = {q: statistics.median(ms[i :: len(queries)]) for i, q in enumerate(queries)}
    slowest = sorted(per_query.items(), key=lambda kv: -kv[1])[:5]
    data = {
        **s,
        "warm": warm,
        "backend": backend.name,
        "queries": len(queries),
        "query_source": source,
        "empty_queries": empty,
        "slowest_queries_ms": {q: round(v, 1) for q, v in slowest},
        "analyzer_first_call_s": round(load_s, 2),
    }
    t50, t95 = TARGETS["search_p50_ms"], TARGETS["search_p95_ms"]
    note = f"{backend.name}, {len(queries)} queries × {n // len(queries)} ({source})"
    return [
        Row("a", "검색 search p50 (cold cache)", f"{s['p50_ms']:.2f} ms", f"≤ {t50} ms",
            within(s["p50_ms"], t50), data),
        Row("a", "검색 search p95 (cold cache)", f"{s['p95_ms']:.2f} ms", f"≤ {t95} ms",
            within(s["p95_ms"], t95)),
        Row("a", "  runs / empty results", f"{n} runs; {len(empty)} queries found nothing",
            note),
        Row("a", "  slowest (median ms)", ", ".join(f"{q} {v:.0f}" for q, v in slowest[:3])),
        Row("a", "  warm (repeated queries) p50 / p95",
            f"{warm['p50_ms']:.2f} / {warm['p95_ms']:.2f} ms", "result cache, for reference"),
    ]  # fmt: skip


def _graphql_client():
    from django.test import Client

    client = Client()

    def post(query: str, variables: dict) -> dict:
        resp = client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
        )
        if resp.status_code != 200:
            raise RuntimeError(f"HTTP {resp.status_code}: {resp.content[:300]!r}")
        body = resp.json()
        if body.get("errors"):
            raise RuntimeError(json.dumps(body["errors"], ensure_ascii=False)[:500])
        return body["data"]

    return client, post


def count_sql(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def bench_listing(runs: int, warmup: int) -> list[Row]:
    from config.schema import schema

    if "products" not in schema.graphql_schema.query_type.fields:
        return [Row("b", "목록 listing", "not available (no products query)")]
    _, post = _graphql_client()
    try:
        data = post(LISTING, {"first": 12})
    except RuntimeError as exc:
        return [Row("b", "목록 listing", f"not available ({exc})")]
    if len(data["products"]["edges"]) != 12:
        return [Row("b", "목록 listing", "not available (fewer than 12 products)")]
    ms = timed(lambda i: post(LISTING, {"first": 12}), runs=runs, warmup=warmup)
    s = stats(ms)
    sql12 = count_sql(lambda: post(LISTING, {"first": 12}))
    sql48 = count_sql(lambda: post(LISTING, {"first": 48}))
    t50, t95, tsql = TARGETS["listing_p50_ms"], TARGETS["listing_p95_ms"], TARGETS["listing_sql"]
    return [
        Row("b", "목록 listing products(first: 12) p50", f"{s['p50_ms']:.2f} ms", f"≤ {t50} ms",
            within(s["p50_ms"], t50), {**s, "sql_first_12": sql12, "sql_first_48": sql48}),
        Row("b", "목록 listing p95", f"{s['p95_ms']:.2f} ms", f"≤ {t95} ms",
            within(s["p95_ms"], t95)),
        Row("b", "목록 listing SQL statements (12 / 48)", f"{sql12} / {sql48}",
            f"≤ {tsql}, constant", sql12 <= tsql and sql12 == sql48),
    ]  # fmt: skip


def _sample_slugs(n: int = 50) -> list[str]:
    from shop.catalog.models import Product

    qs = Product.objects.filter(is_published=True, vendor__is_active=True).order_by("pk")
    total = qs.count()
    step = max(1, total // n)
    return list(qs.values_list("slug", flat=True)[: step * n : step]) if total else []


def bench_detail(runs: int, warmup: int) -> list[Row]:
    from config.schema import schema

    rows: list[Row] = []
    slugs = _sample_slugs()
    if not slugs:
        return [Row("c", "상세 detail", "not available (no products)")]
    target = TARGETS["detail_p50_ms"]
    if "product" in schema.graphql_schema.query_type.fields:
        client, post = _graphql_client()
        query = DETAIL
        try:
            post(query, {"slug": slugs[0]})
        except RuntimeError:
            query = DETAIL_MINIMAL
        try:
            post(query, {"slug": slugs[0]})
            ms = timed(lambda i: post(query, {"slug": slugs[i % len(slugs)]}), runs=runs,
                       warmup=warmup)  # fmt: skip
            s = stats(ms)
            sql = count_sql(lambda: post(query, {"slug": slugs[1 % len(slugs)]}))
            label = "full" if query is DETAIL else "minimal fields"
            rows.append(
                Row("c", f"상세 detail product(slug:) p50 ({label})", f"{s['p50_ms']:.2f} ms",
                    f"≤ {target} ms", within(s["p50_ms"], target), {**s, "sql": sql})
            )  # fmt: skip
            rows.append(Row("c", "  detail p95 / SQL statements", f"{s['p95_ms']:.2f} ms / {sql}"))
        except RuntimeError as exc:
            rows.append(Row("c", "상세 detail product(slug:)", f"not available ({exc})"))
    else:
        rows.append(Row("c", "상세 detail product(slug:)", "not available (no product query)"))

    # The storefront's HTML product page, when there is one.
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("storefront:product_detail", args=[slugs[0]])
    except NoReverseMatch:
        rows.append(Row("c", "상세 page /products/<slug>/", "not available (no page)"))
        return rows
    client = Client()
    if client.get(url).status_code != 200:
        rows.append(Row("c", "상세 page /products/<slug>/", "not available (page fails)"))
        return rows

    def page(i: int) -> None:
        resp = client.get(reverse("storefront:product_detail", args=[slugs[i % len(slugs)]]))
        if resp.status_code != 200:
            raise RuntimeError(f"HTTP {resp.status_code}")

    ms = timed(page, runs=runs, warmup=warmup)
    s = stats(ms)
    sql = count_sql(lambda: page(1))
    rows.append(
        Row("c", "상세 page HTML /products/<slug>/ p50", f"{s['p50_ms']:.2f} ms",
            "(page, for reference)", None, {**s, "sql": sql})
    )  # fmt: skip
    rows.append(Row("c", "  page p95 / SQL statements", f"{s['p95_ms']:.2f} ms / {sql}"))
    return rows


def bench_indexing(count: int) -> list[Row]:
    from shop.catalog.models import Product
    from shop.search.registry import get_backend

    backend = get_backend()
    if backend.name == "null":
        return [Row("d", "색인 indexing", "not available (no search backend)")]
    ids = list(
        Product.objects.filter(is_published=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    if not ids:
        return [Row("d", "색인 indexing", "not available (no products)")]
    backend.search("쌀과자", limit=1)  # the analyzer is loaded before the clock starts
    started = time.perf_counter()
    backend.index_products(ids)
    seconds = time.perf_counter() - started
    rate = len(ids) / seconds
    data = {"products": len(ids), "seconds": round(seconds, 2), "products_per_s": round(rate)}
    return [
        Row("d", f"색인 indexing throughput ({len(ids):,} products)", f"{rate:,.0f} products/s",
            f"{seconds:.1f} s (no target)", None, data)
    ]  # fmt: skip


RSS_CHILD = textwrap.dedent(
    """
    import io, json, os, resource, sys, time
    from wsgiref.util import setup_testing_defaults

    def rss_mib():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    sys.path.insert(0, os.environ["BENCH_BASE_DIR"])
    out = {"rss_start": rss_mib()}
    import django
    django.setup()
    from django.core.wsgi import get_wsgi_application
    app = get_wsgi_application()
    out["rss_django"] = rss_mib()
    try:
        from shop.search import analysis
        started = time.monotonic()
        analysis.get_kiwi()
        out["analyzer"] = "kiwi"
        out["analyzer_load_s"] = round(time.monotonic() - started, 2)
    except (ImportError, AttributeError) as exc:
        out["analyzer"] = f"not available ({exc})"
    out["rss_analyzer"] = rss_mib()

    def call(method, path, body=b"", content_type=""):
        env = {}
        setup_testing_defaults(env)
        env.update({
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
            "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "HTTP_HOST": "127.0.0.1", "SERVER_NAME": "127.0.0.1",
        })
        status = []
        result = app(env, lambda s, h, exc_info=None: status.append(s))
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        code = int(status[0].split()[0])
        if path == "/graphql/" and code == 200 and b'"errors"' in body:
            return 599  # a GraphQL error: counted as a failure
        return code

    listing = json.dumps({"query": os.environ["BENCH_LISTING"], "variables": {"first": 12}})
    search = '{ products(first: 12, search: "%s") { edges { node { id name } } } }'
    queries = json.loads(os.environ["BENCH_QUERIES"])
    slugs = json.loads(os.environ["BENCH_SLUGS"])
    statuses = {}
    for i in range(100):
        kind = ("listing", "search", "product page", "home")[i % 4]
        if kind == "listing":
            code = call("POST", "/graphql/", listing.encode(), "application/json")
        elif kind == "search":
            q = json.dumps({"query": search % queries[i % len(queries)].replace('"', "")})
            code = call("POST", "/graphql/", q.encode(), "application/json")
        elif kind == "product page" and slugs:
            code = call("GET", "/products/%s/" % slugs[i % len(slugs)])
        else:
            code = call("GET", "/")
        key = "%s %s" % (kind, code)
        statuses[key] = statuses.get(key, 0) + 1
    out["statuses"] = statuses
    out["rss_end"] = rss_mib()
    out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("BENCH_RSS " + json.dumps(out))
    """
)


def bench_rss() -> list[Row]:
    from urllib.parse import quote

    queries, _ = relevance_queries()
    env = {
        **os.environ,
        "BENCH_BASE_DIR": str(BASE_DIR),
        "BENCH_LISTING": LISTING,
        "BENCH_QUERIES": json.dumps(queries[:25], ensure_ascii=False),
        "BENCH_SLUGS": json.dumps([quote(s) for s in _sample_slugs(25)]),
    }
    proc = subprocess.run(
        [sys.executable, "-c", RSS_CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=BASE_DIR,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("BENCH_RSS ")), None)
    if proc.returncode != 0 or line is None:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return [Row("e", "메모리 peak RSS", f"not available (child failed: {tail[0][:200]})")]
    data = json.loads(line[len("BENCH_RSS ") :])
    peak, target = data["peak_rss"], TARGETS["rss_mib"]
    ok_requests = sum(n for key, n in data["statuses"].items() if key[-3] in "23")
    failed = {key: n for key, n in data["statuses"].items() if key[-3] not in "23"}
    return [
        Row("e", "메모리 web process peak RSS (analyzer loaded)", f"{peak:.0f} MiB",
            f"≤ {target} MiB", within(peak, target), data),
        Row("e", "  RSS after Django / analyzer / 100 requests",
            f"{data['rss_django']:.0f} / {data['rss_analyzer']:.0f} / {data['rss_end']:.0f} MiB",
            f"{ok_requests}/100 requests OK" + (f", failed: {failed}" if failed else "")),
    ]  # fmt: skip


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def environment(db: str, seeded: dict) -> dict:
    from django.db import connection

    from shop.catalog.models import Product, ProductVariant

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    return {
        "db": db,
        "database": version,
        "products": Product.objects.count(),
        "published": Product.objects.filter(is_published=True).count(),
        "variants": ProductVariant.objects.count(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seeded": seeded,
    }


def print_table(rows: list[Row], env: dict) -> None:
    head = ("part", "measure", "result", "target", "")
    width = [4, 7, 6, 6, 4]
    for r in rows:
        for i, cell in ((1, r.measure), (2, r.value), (3, r.target)):
            width[i] = max(width[i], _width(cell))
    width[3] = min(width[3], 34)
    line = "  ".join("-" * w for w in width)
    print()
    print(
        f"Nuri bench — {env['database']}, {env['products']:,} products "
        f"({env['published']:,} published, {env['variants']:,} variants), "
        f"{env['cpus']} CPUs, Python {env['python']}"
    )
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(head, width, strict=True)).rstrip())
    print(line)
    for r in rows:
        mark = "" if r.ok is None else ("OK" if r.ok else "MISS")
        cells = (r.part, r.measure, r.value, r.target, mark)
        print("  ".join(_pad(c, w) for c, w in zip(cells, width, strict=True)).rstrip())
    print(line)
    print("OK / MISS: against DESIGN.md's targets (set for 2 cores and PostgreSQL).")


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"],
                        default=os.environ.get("BENCH_DB", "sqlite"))  # fmt: skip
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=2381)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=200, help="timed runs per measure (≥200)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--reindex", type=int, default=10_000, help="products to re-index")
    parser.add_argument("--only", default="abcde", help="parts to run, e.g. 'ab'")
    parser.add_argument(
        "--fresh", action="store_true", help="drop the bench database and seed it again"
    )
    args = parser.parse_args(argv)

    configure(args.db, fresh=args.fresh)
    seeded = ensure_seeded(args.db, products=args.products, orgs=args.orgs, seed=args.seed)
    env = environment(args.db, seeded)

    parts = {
        "a": lambda: bench_search(args.runs),
        "b": lambda: bench_listing(args.runs, args.warmup),
        "c": lambda: bench_detail(args.runs, args.warmup),
        "d": lambda: bench_indexing(args.reindex),
        "e": bench_rss,
    }
    rows: list[Row] = []
    for key, run in parts.items():
        if key not in args.only:
            continue
        print(f"measuring {key} ...", flush=True)
        try:
            rows += run()
        except Exception as exc:  # a part that breaks must not hide the others
            traceback.print_exc(limit=3)
            hint = ""
            if "no such table" in str(exc) or "does not exist" in str(exc):
                hint = "; the bench database is behind the models: run with --fresh"
            rows.append(
                Row(key, f"part {key}", f"not available ({type(exc).__name__}: {exc}{hint})")
            )

    print_table(rows, env)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"results-{args.db}.json"
    saved = [asdict(r) for r in rows]
    if set(parts) - set(args.only) and out.exists():
        # Some parts only: keep the other parts' figures from the last run.
        previous = json.loads(out.read_text()).get("rows", [])
        saved += [r for r in previous if r.get("part") not in args.only]
        saved.sort(key=lambda r: r.get("part", ""))
    out.write_text(
        json.dumps(
            {"environment": env, "targets": TARGETS, "rows": saved}, ensure_ascii=False, indent=2
        )
    )
    print(f"results: {out.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
