"""Bundle builder benchmark: ``bundleBuild`` over 100k products with 5,000 snack/drink candidates.

    python bench/bundle_builder_bench.py [--requests 60] [--rounds 3] [--fresh]
    BENCH_DB=postgres python bench/bundle_builder_bench.py

Runs on its own database, never the development one:

* SQLite (default): ``var/bench-builder.sqlite3``;
* PostgreSQL (``BENCH_DB=postgres``): database ``nuri_bench_builder`` on 127.0.0.1:5432 (user
  ``postgres``; ``BENCH_BUILDER_PG_URL`` overrides), created when missing.

The catalog is made once (a marker in ``var/bench/`` remembers it): ``seed_scale`` generates
``--products`` products (2,381 organizations with their certifications, vendors, variants,
stock; no search index), then its snacks (쌀과자, 쿠키·베이커리, 견과·그래놀라, 떡) are food,
its drinks (커피, 차, 주스) drinks and everything else other goods, and all but
``--candidates`` of the published, in-stock snacks and drinks become other goods too, so
that the builder's candidates are exactly ``--candidates`` products (about 8,500 variants)
among 100k. Then, in this process
and after a warm-up, it times ``proposal_build`` (the service) for ``--requests`` varied
requests (headcount 5–500, ₩1,500–15,000 a person or a total, every occasion, allergen and
dietary exclusions, delivery dates, a few impossible ones), ``--rounds`` times each, and the
same requests once more through GraphQL ``bundleBuild`` (Django's test client against
``/graphql/`` when the root schema has the field, else a schema made of ``BuilderQueries``):
p50/p95/max, candidates considered, SQL and solver time, feasibility. DESIGN.md's target:
p95 ≤ 200 ms with 5,000 candidates (2 cores, PostgreSQL).

Prints a table and writes ``var/bench/builder.json`` (``builder-<db>.json`` too).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
OUT_DIR = VAR / "bench"
SQLITE_PATH = VAR / "bench-builder.sqlite3"
PG_URL = os.environ.get(
    "BENCH_BUILDER_PG_URL", "postgres://postgres@127.0.0.1:5432/nuri_bench_builder"
)
TARGET_P95_MS = 200  # DESIGN.md: bundle builder p95 with 5,000 candidates

BUILD = """
query Build($input: BundleBuildInput!) {
  bundleBuild(input: $input) {
    feasible message total costPerPerson foodServings drinkServings
    items { variant { id name } product { id name } name vendor { storeName }
            quantity servings unitPrice total reason countsForPriorityPurchase }
    vendors { storeName countsForPriorityPurchase }
    errors { field code message }
  }
}"""


# --------------------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------------------


def configure(db: str, *, fresh: bool) -> str:
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
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    return url


def ensure_pg_database(url: str, *, drop: bool) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if drop:
            print(f"dropping database {name}")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        print(f"creating database {name}")
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )


def marker_path(db: str) -> Path:
    return OUT_DIR / f"builder-seeded-{db}.json"


SNACK_CATEGORIES = ("rice-snacks", "cookies-bakery", "nuts-granola", "rice-cakes")
DRINK_CATEGORIES = ("coffee", "tea", "juice")
RESHAPE_RULE = "snack and drink categories, v2"


def ensure_catalog(db: str, *, products: int, candidates: int, orgs: int, seed: int) -> dict:
    """100k products of which ``candidates`` published snack/drink products have stock."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from shop.catalog.models import Product
    from shop.management.commands.seed_scale import SLUG_PREFIX

    call_command("migrate", verbosity=0, interactive=False)
    marker = marker_path(db)
    info = json.loads(marker.read_text()) if marker.exists() else {}
    have = Product.objects.filter(slug__startswith=SLUG_PREFIX).count()
    if (
        info.get("products") == have
        and have >= products
        and info.get("candidates") == candidates
        and info.get("rule") == RESHAPE_RULE
    ):
        print(f"reusing the catalog: {have:,} products, {candidates:,} candidates ({marker.name})")
        return {**info, "reused": True}
    started = time.monotonic()
    if have < products:
        print(f"seeding {products:,} products with seed_scale (no search index) ...", flush=True)
        call_command(
            "seed_scale",
            orgs=orgs,
            products=products,
            seed=seed,
            no_index=True,
            no_progress=True,
            verbosity=1,
        )
    # Snacks are food, drinks are drinks, everything else is other goods; then all but
    # ``candidates`` of the published, in-stock snacks and drinks become other goods too.
    print(f"reshaping: keeping {candidates:,} snack/drink products as candidates ...", flush=True)
    with transaction.atomic():
        Product.objects.exclude(category__slug__in=SNACK_CATEGORIES + DRINK_CATEGORIES).exclude(
            kind="other"
        ).update(kind="other")
        Product.objects.filter(category__slug__in=SNACK_CATEGORIES).update(kind="food")
        Product.objects.filter(category__slug__in=DRINK_CATEGORIES).update(kind="drink")
        pool = list(
            Product.objects.filter(
                kind__in=["food", "drink"],
                is_published=True,
                vendor__is_active=True,
                variants__stock__quantity__gt=0,
            )
            .values_list("pk", flat=True)
            .distinct()
            .order_by("pk")
        )
        keep = set(random.Random(seed).sample(pool, min(candidates, len(pool))))
        drop = [
            pk
            for pk in Product.objects.filter(kind__in=["food", "drink"]).values_list(
                "pk", flat=True
            )
            if pk not in keep
        ]
        for start in range(0, len(drop), 5000):
            Product.objects.filter(pk__in=drop[start : start + 5000]).update(kind="other")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    info = {
        "products": Product.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "candidates": candidates,
        "candidate_products": Product.objects.filter(kind__in=["food", "drink"]).count(),
        "rule": RESHAPE_RULE,
        "orgs": orgs,
        "seed": seed,
        "seconds": round(time.monotonic() - started, 1),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(info, indent=2))
    return {**info, "reused": False}


def catalog_figures() -> dict:
    from django.db.models import F

    from shop.catalog.models import Product, ProductVariant

    variants = ProductVariant.objects.filter(
        product__kind__in=["food", "drink"],
        product__is_published=True,
        product__vendor__is_active=True,
        stock__quantity__gt=F("stock__allocated"),
    )
    return {
        "products": Product.objects.count(),
        "food_drink_products": Product.objects.filter(kind__in=["food", "drink"]).count(),
        "candidate_variants": variants.count(),
        "candidate_vendors": variants.values("product__vendor_id").distinct().count(),
    }


# --------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------

EXCLUSIONS = [[], [], ["nuts"], ["nuts", "milk"], ["egg"], ["wheat"], ["soybean"], ["peanut"]]
DIETARY = [[], [], [], ["vegan"], ["caffeine_free"], ["vegetarian"], ["gluten_free"], ["organic"]]
HEADCOUNTS = [5, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500]
PER_PERSON = [1_500, 2_500, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 10_000, 12_000, 15_000]
OCCASIONS = ["meeting", "event", "reception", "office_snack"]


def make_requests(n: int, seed: int) -> list[dict]:
    """``n`` varied GraphQL inputs (camelCase): the issue's case first, then the impossible
    one (₩500 a person), then random ones (about 5% of them at ₩500 a person too)."""
    from django.utils import timezone

    rng = random.Random(seed)
    today = timezone.localdate()
    out = [
        {
            "headcount": 30,
            "budgetPerPerson": 7000,
            "occasion": "MEETING",
            "excludeAllergens": ["nuts"],
        },
        {"headcount": 30, "budgetPerPerson": 500, "occasion": "MEETING"},
    ]
    while len(out) < n:
        headcount = rng.choice(HEADCOUNTS)
        data = {
            "headcount": headcount,
            "occasion": rng.choice(OCCASIONS).upper(),
            "deliveryDate": (today + dt.timedelta(days=rng.randint(1, 30))).isoformat(),
            "excludeAllergens": rng.choice(EXCLUSIONS),
            "dietary": [d.upper() for d in rng.choice(DIETARY)],
        }
        if rng.random() < 0.25:
            data["budgetTotal"] = rng.choice(PER_PERSON) * headcount
        else:
            data["budgetPerPerson"] = rng.choice(PER_PERSON)
        if rng.random() < 0.15:
            data["foodServingsPerPerson"] = 2
        if rng.random() < 0.05:
            data.pop("budgetTotal", None)
            data["budgetPerPerson"] = 500
        out.append(data)
    return out


def service_request(data: dict):
    from bundles.builder import build_request

    def lower(values):
        return [str(v).lower() for v in values or []]

    date = data.get("deliveryDate")
    return build_request(
        headcount=data["headcount"],
        budget_per_person=data.get("budgetPerPerson"),
        budget_total=data.get("budgetTotal"),
        occasion=str(data.get("occasion", "MEETING")).lower(),
        delivery_date=dt.date.fromisoformat(date) if date else None,
        exclude_allergens=lower(data.get("excludeAllergens")),
        dietary=lower(data.get("dietary")),
        food_servings_per_person=data.get("foodServingsPerPerson"),
    )


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def summary(ms: list[float]) -> dict:
    return {
        "runs": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "max_ms": round(max(ms), 1),
    }


def bench_service(requests: list[dict], rounds: int) -> dict:
    from django.db import connection, reset_queries

    from bundles.builder import proposal_build

    built = [service_request(r) for r in requests]
    for req in built[:5]:  # warm-up: imports, connections, statement caches
        proposal_build(request=req)
    totals, solves, sqls, cands, queries = [], [], [], [], []
    feasible = 0
    per_request = []
    for _ in range(rounds):
        for data, req in zip(requests, built, strict=True):
            reset_queries()
            connection.force_debug_cursor = True
            start = time.perf_counter()
            proposal = proposal_build(request=req)
            ms = (time.perf_counter() - start) * 1000
            connection.force_debug_cursor = False
            sql_ms = sum(float(q["time"]) for q in connection.queries) * 1000
            totals.append(ms)
            solves.append(proposal.solve_ms)
            sqls.append(sql_ms)
            cands.append(proposal.candidates_considered)
            queries.append(len(connection.queries))
            feasible += proposal.feasible
            if len(per_request) < len(requests):
                per_request.append(
                    {
                        "input": data,
                        "ms": round(ms, 1),
                        "solve_ms": round(proposal.solve_ms, 1),
                        "sql_ms": round(sql_ms, 1),
                        "sql_statements": len(connection.queries),
                        "candidates": proposal.candidates_considered,
                        "feasible": proposal.feasible,
                        "items": len(proposal.items),
                        "vendors": len(proposal.vendors),
                        "total": proposal.total,
                        "message": proposal.message,
                    }
                )
    return {
        "latency": summary(totals),
        "solver": summary(solves),
        "sql": summary(sqls),
        "sql_statements": {"min": min(queries), "max": max(queries)},
        "candidates_considered": {
            "min": min(cands),
            "median": statistics.median(cands),
            "max": max(cands),
        },
        "feasible_share": round(feasible / len(totals), 3),
        "requests": per_request,
    }


def bench_cold(requests: list[dict], runs: int = 10) -> dict:
    """The pool's load, and builds that pay for it (the first build of a process, or the
    first after ``POOL_TTL_SECONDS``)."""
    from bundles import builder

    loads, builds = [], []
    for data in requests[:runs]:
        builder.pool_clear()
        start = time.perf_counter()
        pool = builder.pool_load()
        loads.append((time.perf_counter() - start) * 1000)
        builder.pool_clear()
        req = service_request(data)
        start = time.perf_counter()
        builder.proposal_build(request=req)
        builds.append((time.perf_counter() - start) * 1000)
    # A pool past its TTL: the build uses it and a thread loads a fresh one meanwhile.
    import threading

    stale = []
    for data in requests[:runs]:
        pool = builder.candidate_pool()
        pool.loaded_at -= builder.POOL_TTL_SECONDS + 1
        req = service_request(data)
        start = time.perf_counter()
        builder.proposal_build(request=req)
        stale.append((time.perf_counter() - start) * 1000)
        for thread in threading.enumerate():
            if thread.name == "bundle-builder-pool":
                thread.join()
    return {
        "pool_rows": len(pool),
        "pool_load": summary(loads),
        "cold_build": summary(builds),
        "stale_build": summary(stale),
    }


def graphql_executor():
    """Post to ``/graphql/`` when the root schema has ``bundleBuild``, else a local schema."""
    import graphene
    from django.test import Client, RequestFactory

    from config.schema import schema as root

    if "bundleBuild" in root.graphql_schema.query_type.fields:
        client = Client()

        def post(variables: dict) -> dict:
            resp = client.post(
                "/graphql/",
                data=json.dumps({"query": BUILD, "variables": variables}),
                content_type="application/json",
            )
            body = resp.json()
            if body.get("errors"):
                raise RuntimeError(json.dumps(body["errors"], ensure_ascii=False)[:400])
            return body["data"]

        return post, "/graphql/ (root schema)"

    from bundles.builder_graphql import BuilderQueries

    class Query(BuilderQueries, graphene.ObjectType):
        pass

    local = graphene.Schema(query=Query)
    factory = RequestFactory()

    def execute(variables: dict) -> dict:
        request = factory.post("/graphql/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        result = local.execute(BUILD, variable_values=variables, context_value=request)
        if result.errors:
            raise RuntimeError(str(result.errors[0]))
        return result.data

    return execute, "local schema (BuilderQueries; bundleBuild not wired into config.schema yet)"


def bench_graphql(requests: list[dict]) -> dict:
    run, how = graphql_executor()
    for data in requests[:3]:
        run({"input": data})
    ms = []
    feasible = 0
    for data in requests:
        start = time.perf_counter()
        out = run({"input": data})
        ms.append((time.perf_counter() - start) * 1000)
        feasible += bool(out["bundleBuild"]["feasible"])
    return {"latency": summary(ms), "via": how, "feasible": feasible}


def db_version(connection) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], default=os.environ.get("BENCH_DB", "sqlite")
    )
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=5_000)
    parser.add_argument("--orgs", type=int, default=2381)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=60, help="varied requests (≥ 50)")
    parser.add_argument("--rounds", type=int, default=3, help="times each request is timed")
    parser.add_argument("--fresh", action="store_true", help="drop the database and seed again")
    parser.add_argument("--seed-only", action="store_true", help="make the catalog and stop")
    args = parser.parse_args(argv)

    configure(args.db, fresh=args.fresh)
    seeded = ensure_catalog(
        args.db,
        products=args.products,
        candidates=args.candidates,
        orgs=args.orgs,
        seed=args.seed,
    )
    from django.db import connection

    figures = catalog_figures()
    if args.seed_only:
        print(json.dumps(figures))
        return 0
    requests = make_requests(max(args.requests, 50), args.seed)
    print(f"timing {len(requests)} requests × {args.rounds} (service) ...", flush=True)
    service = bench_service(requests, args.rounds)
    print("timing the same requests through GraphQL ...", flush=True)
    graphql = bench_graphql(requests)
    print("timing the candidate pool's load ...", flush=True)
    cold = bench_cold(requests)

    from bundles import builder

    env = {
        "db": args.db,
        "db_version": db_version(connection),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "catalog": {**figures, "seeded": seeded},
        "candidates_per_kind": builder.CANDIDATES_PER_KIND,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    lat = service["latency"]
    ok = lat["p95_ms"] <= TARGET_P95_MS
    rows = [
        ("catalog", f"{figures['products']:,} products; {figures['food_drink_products']:,} "
         f"food/drink products = {figures['candidate_variants']:,} in-stock variants "
         f"from {figures['candidate_vendors']:,} vendors", ""),
        ("bundleBuild (service) p50 / p95 / max",
         f"{lat['p50_ms']:.1f} / {lat['p95_ms']:.1f} / {lat['max_ms']:.1f} ms",
         f"p95 ≤ {TARGET_P95_MS} ms {'OK' if ok else 'MISSED'}"),
        ("  runs", f"{lat['runs']} ({len(requests)} requests × {args.rounds})", ""),
        ("  SQL time p50 / p95",
         f"{service['sql']['p50_ms']:.1f} / {service['sql']['p95_ms']:.1f} ms",
         f"{service['sql_statements']['min']}–{service['sql_statements']['max']} statements"),
        ("  solver time p50 / p95",
         f"{service['solver']['p50_ms']:.1f} / {service['solver']['p95_ms']:.1f} ms",
         "scipy.optimize.milp (HiGHS)"),
        ("  candidates considered",
         f"median {service['candidates_considered']['median']}, "
         f"max {service['candidates_considered']['max']}",
         f"pre-ranked from {figures['candidate_variants']:,}"),
        ("  feasible proposals", f"{service['feasible_share']:.0%}", "the rest say what to relax"),
        ("bundleBuild (GraphQL) p50 / p95",
         f"{graphql['latency']['p50_ms']:.1f} / {graphql['latency']['p95_ms']:.1f} ms",
         graphql["via"]),
        ("candidate pool load p50 / max",
         f"{cold['pool_load']['p50_ms']:.1f} / {cold['pool_load']['max_ms']:.1f} ms",
         f"{cold['pool_rows']:,} rows; reloaded in the background every "
         f"{builder.POOL_TTL_SECONDS} s"),
        ("  a build that loads it p50 / max",
         f"{cold['cold_build']['p50_ms']:.1f} / {cold['cold_build']['max_ms']:.1f} ms",
         "first build of a process (or after an hour idle)"),
        ("  a build past the TTL p50 / max",
         f"{cold['stale_build']['p50_ms']:.1f} / {cold['stale_build']['max_ms']:.1f} ms",
         "old pool used; a thread reloads it meanwhile"),
    ]  # fmt: skip
    print()
    print(f"Bundle builder on {env['db_version']}, {env['cpus']} CPUs")
    width = max(len(r[0]) for r in rows) + 2
    for name, value, note in rows:
        print(f"  {name:<{width}} {value:<44} {note}")
    first = service["requests"][0]
    print(f"\n  issue case (30명, ₩7,000, 견과류 제외): {first['message']}")
    print(f"  impossible case (30명, ₩500): {service['requests'][1]['message']}")
    out = {
        "environment": env,
        "target_p95_ms": TARGET_P95_MS,
        "ok": ok,
        "service": service,
        "graphql": graphql,
        "cold": cold,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(out, ensure_ascii=False, indent=2, default=str)
    (OUT_DIR / "builder.json").write_text(text)
    (OUT_DIR / f"builder-{args.db}.json").write_text(text)
    print(f"\nresults: {(OUT_DIR / 'builder.json').relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
