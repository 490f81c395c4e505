"""Checkout benchmark: the full flow through the GraphQL API on PostgreSQL.

    python bench/checkout_bench.py [--clients 8] [--iterations 200]

Against its own database (``nuri_bench_checkout`` on 127.0.0.1:5432, user ``postgres``;
``BENCH_CHECKOUT_PG_URL`` overrides), created when missing, migrated, and seeded once with
3 vendors × 50 products (taxable, exempt and zero-rated) with ample stock (topped up on every
run), it runs what a storefront does, in-process through Django's test ``Client`` (the whole
middleware stack, sessions included) against ``/graphql/``:

    checkoutCreate (3 lines from 2 vendors) → checkoutShippingAddressUpdate →
    checkoutDeliveryMethodUpdate → transactionInitialize (test gateway, card 4242…) →
    checkoutComplete

1. sequentially, ``--iterations`` times after a warm-up: p50/p95 per step and for the whole
   flow, and the SQL statements per step;
2. with ``--clients`` concurrent clients (processes by default, each with its own database
   connection, like gunicorn workers; ``--mode threads`` for threads), ``--concurrent``
   checkouts in all: completed checkouts per second, errors, and p50/p95 under load.

Tasks: by default Celery publishes to an in-memory broker and nothing consumes it, as with
workers in production (the order e-mails are not part of the request); ``--eager-tasks``
renders and "sends" them inside ``checkoutComplete`` instead (as ``make run`` does).

Prints a table with DESIGN.md's target beside it and writes ``var/bench/checkout.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import platform
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "var" / "bench" / "checkout.json"
PG_URL = os.environ.get(
    "BENCH_CHECKOUT_PG_URL", "postgres://postgres@127.0.0.1:5432/nuri_bench_checkout"
)
TARGET_P50_MS = 150  # DESIGN.md: checkout create → address → delivery → complete p50
VENDORS = 3
PRODUCTS_PER_VENDOR = 50
STOCK = 1_000_000
SLUG_PREFIX = "bench-checkout"
CARD = "4242424242424242"
STEPS = ("create", "address", "delivery", "payment", "complete")

CREATE = """
mutation Create($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id token quantity
      lines { id quantity variant { id sku } totalPrice { gross { amount } } }
      totalPrice { gross { amount currency } net { amount } tax { amount } } }
    errors { field code message }
  }
}"""
ADDRESS = """
mutation Address($id: ID!, $address: AddressInput!) {
  checkoutShippingAddressUpdate(id: $id, shippingAddress: $address) {
    checkout { id shippingAddress { postalCode streetAddress1 }
      availableShippingMethods { id name price { amount } } }
    errors { field code message }
  }
}"""
DELIVERY = """
mutation Delivery($id: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: "standard") {
    checkout { id deliveryMethod { ... on ShippingMethod { id name } }
      shippingPrice { gross { amount } } totalPrice { gross { amount } } }
    errors { field code message }
  }
}"""
PAYMENT = """
mutation Pay($id: ID!, $gateway: PaymentGatewayToInitialize!) {
  transactionInitialize(id: $id, paymentGateway: $gateway) {
    transaction { id chargedAmount { amount currency } }
    transactionEvent { type }
    errors { field code message }
  }
}"""
COMPLETE = """
mutation Complete($id: ID!) {
  checkoutComplete(id: $id) {
    order { id number status chargeStatus total { gross { amount } } }
    confirmationNeeded
    errors { field code message }
  }
}"""
GATEWAY = {"id": "nuri.payments.test", "data": {"cardNumber": CARD}}
ADDRESS_INPUT = {
    "firstName": "김누리",
    "phone": "01012345678",
    "postalCode": "03900",
    "streetAddress1": "서울특별시 마포구 월드컵북로 400",
    "streetAddress2": "5층",
}


# ---------------------------------------------------------------------------------------------
# Setup
# ---------------------------------------------------------------------------------------------


def ensure_pg_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        print(f"creating database {name}")
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )


def configure(*, eager_tasks: bool) -> None:
    ensure_pg_database(PG_URL)
    os.environ["DATABASE_URL"] = PG_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DJANGO_DEBUG"] = "0"  # production mode: no query log, no debug pages
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if eager_tasks:
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
        os.environ["CELERY_BROKER_URL"] = ""
    else:
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
        os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def seed() -> list[int]:
    """3 vendors × 50 published products (one variant each) with ample stock; idempotent.
    Returns the variant ids."""
    from django.core.management import call_command
    from django.db import transaction

    from shop.catalog.models import Category, Product, ProductVariant, Stock
    from vendors.identifiers import brn_check_digit
    from vendors.models import Organization, Vendor

    call_command("migrate", verbosity=0, interactive=False)
    tax_types = ["taxable", "taxable", "exempt", "zero_rated"]
    rng = random.Random(20260101)
    with transaction.atomic():
        category, _ = Category.objects.get_or_create(
            slug=SLUG_PREFIX, defaults={"name": "벤치마크 상품"}
        )
        for v in range(1, VENDORS + 1):
            slug = f"{SLUG_PREFIX}-{v}"
            vendor = Vendor.objects.filter(slug=slug).first()
            if vendor is None:
                first9 = f"{700 + v}81{9000 + v:04d}"
                org = Organization.objects.create(
                    name=f"벤치마크 사회적기업 {v}",
                    org_type="social_enterprise",
                    brn=first9 + str(brn_check_digit(first9)),
                    representative="김누리",
                    district="11440",
                )
                vendor = Vendor.objects.create(
                    organization=org,
                    store_name=f"벤치마크 상점 {v}",
                    slug=slug,
                    shipping_base_fee=3_000,
                    shipping_free_over=50_000,
                )
            have = set(Product.objects.filter(vendor=vendor).values_list("slug", flat=True))
            new = []
            for p in range(PRODUCTS_PER_VENDOR):
                pslug = f"{slug}-p{p:03d}"
                if pslug in have:
                    continue
                price = rng.randrange(3_000, 30_000, 100)
                new.append(
                    (
                        Product(
                            vendor=vendor,
                            category=category,
                            name=f"벤치마크 상품 {v}-{p}",
                            slug=pslug,
                            tax_type=tax_types[p % len(tax_types)],
                            is_published=True,
                            min_price=price,
                            max_price=price,
                        ),
                        price,
                    )
                )
            if new:
                products = Product.objects.bulk_create([p for p, _ in new])
                variants = ProductVariant.objects.bulk_create(
                    ProductVariant(product=p, sku=f"{p.slug}-v", name="기본", price=price)
                    for p, (_, price) in zip(products, new, strict=True)
                )
                Stock.objects.bulk_create(Stock(variant=var, quantity=STOCK) for var in variants)
        variants = ProductVariant.objects.filter(product__vendor__slug__startswith=SLUG_PREFIX)
        # Top up on every run: the benchmark never runs out of stock.
        Stock.objects.filter(variant__in=variants).update(quantity=STOCK, allocated=0)
        return sorted(variants.values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# The flow
# ---------------------------------------------------------------------------------------------


class FlowError(Exception):
    pass


class Shopper:
    """One client (its own session and, being its own thread or process, its own database
    connection) that runs the checkout flow."""

    def __init__(self, variant_gids_by_vendor: list[list[str]], seed: int):
        from django.test import Client

        self.client = Client()
        self.by_vendor = variant_gids_by_vendor
        self.rng = random.Random(seed)

    def _post(self, query: str, variables: dict, key: str) -> dict:
        response = self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
        )
        if response.status_code != 200:
            raise FlowError(f"{key}: HTTP {response.status_code}")
        body = response.json()
        if body.get("errors"):
            raise FlowError(f"{key}: {body['errors'][0].get('message')}")
        payload = body["data"][key]
        if payload.get("errors"):
            raise FlowError(f"{key}: {payload['errors']}")
        return payload

    def lines(self) -> list[dict]:
        """3 lines from 2 vendors (2 + 1), quantities 1–3."""
        first, second = self.rng.sample(range(len(self.by_vendor)), 2)
        picks = self.rng.sample(self.by_vendor[first], 2) + self.rng.sample(
            self.by_vendor[second], 1
        )
        return [{"variantId": gid, "quantity": self.rng.randint(1, 3)} for gid in picks]

    def checkout(self) -> dict[str, float]:
        """One whole flow; returns milliseconds per step (and ``total``)."""
        times: dict[str, float] = {}

        def step(name, query, variables, key):
            started = time.perf_counter()
            payload = self._post(query, variables, key)
            times[name] = (time.perf_counter() - started) * 1000
            return payload

        email = f"bench-{uuid.uuid4().hex[:12]}@example.kr"
        created = step(
            "create",
            CREATE,
            {"input": {"channel": "default-channel", "email": email, "lines": self.lines()}},
            "checkoutCreate",
        )
        cid = created["checkout"]["id"]
        step(
            "address",
            ADDRESS,
            {"id": cid, "address": ADDRESS_INPUT},
            "checkoutShippingAddressUpdate",
        )
        step("delivery", DELIVERY, {"id": cid}, "checkoutDeliveryMethodUpdate")
        paid = step("payment", PAYMENT, {"id": cid, "gateway": GATEWAY}, "transactionInitialize")
        if not paid["transaction"] or paid["transactionEvent"]["type"] != "CHARGE_SUCCESS":
            raise FlowError(f"payment not charged: {paid}")
        done = step("complete", COMPLETE, {"id": cid}, "checkoutComplete")
        if not done["order"] or done["order"]["chargeStatus"] != "FULL":
            raise FlowError(f"order not placed/paid: {done}")
        times["total"] = sum(times[s] for s in STEPS)
        return times


def variant_gids(variant_ids: list[int]) -> list[list[str]]:
    from graphql_relay import to_global_id

    from shop.catalog.models import ProductVariant

    by_vendor: dict[int, list[str]] = {}
    for pk, vendor_id in ProductVariant.objects.filter(pk__in=variant_ids).values_list(
        "pk", "product__vendor_id"
    ):
        by_vendor.setdefault(vendor_id, []).append(to_global_id("ProductVariant", pk))
    return [by_vendor[k] for k in sorted(by_vendor)]


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(samples: list[dict[str, float]]) -> dict:
    out = {}
    for name in (*STEPS, "total"):
        values = [s[name] for s in samples]
        out[name] = {
            "p50_ms": round(pct(values, 50), 2),
            "p95_ms": round(pct(values, 95), 2),
            "mean_ms": round(statistics.fmean(values), 2) if values else None,
        }
    return out


def sql_counts(shopper: Shopper, runs: int = 5) -> dict[str, int]:
    """SQL statements per step (median over a few flows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, list[int]] = {s: [] for s in STEPS}
    original = shopper._post

    for _ in range(runs):
        per_step: dict[str, int] = {}

        def counting(query, variables, key, _per_step=per_step):
            with CaptureQueriesContext(connection) as ctx:
                result = original(query, variables, key)
            _per_step[key] = len(ctx)
            return result

        shopper._post = counting
        try:
            shopper.checkout()
        finally:
            shopper._post = original
        keys = dict(
            zip(
                STEPS,
                (
                    "checkoutCreate",
                    "checkoutShippingAddressUpdate",
                    "checkoutDeliveryMethodUpdate",
                    "transactionInitialize",
                    "checkoutComplete",
                ),
                strict=True,
            )
        )
        for step, key in keys.items():
            counts[step].append(per_step[key])
    result = {s: int(statistics.median(v)) for s, v in counts.items()}
    result["total"] = sum(result[s] for s in STEPS)
    return result


def run_sequential(gids, iterations: int, warmup: int) -> tuple[list[dict], dict, int]:
    shopper = Shopper(gids, seed=1)
    for _ in range(warmup):
        shopper.checkout()
    statements = sql_counts(shopper)
    samples, errors = [], 0
    for _ in range(iterations):
        try:
            samples.append(shopper.checkout())
        except FlowError as exc:
            errors += 1
            print("  error:", exc, file=sys.stderr)
    return samples, statements, errors


def _client_loop(gids, n: int, seed: int, barrier, results) -> None:
    """One concurrent client: ``n`` flows after everyone is ready."""
    from django.db import connections

    shopper = Shopper(gids, seed=seed)
    shopper.checkout()  # warm-up: connection, session, caches
    samples, errors, messages = [], 0, []
    barrier.wait()
    started = time.perf_counter()
    for _ in range(n):
        try:
            samples.append(shopper.checkout())
        except FlowError as exc:
            errors += 1
            messages.append(str(exc)[:300])
    finished = time.perf_counter()
    connections.close_all()
    results.put(
        {
            "samples": samples,
            "errors": errors,
            "messages": messages[:5],
            "started": started,
            "finished": finished,
        }
    )


def run_concurrent(gids, clients: int, total: int, mode: str) -> dict:
    from django.db import connections

    per_client = math.ceil(total / clients)
    if mode == "processes":
        ctx = mp.get_context("fork")
        barrier, results = ctx.Barrier(clients), ctx.Queue()
        connections.close_all()  # never share a connection across a fork
        workers = [
            ctx.Process(target=_client_loop, args=(gids, per_client, 100 + i, barrier, results))
            for i in range(clients)
        ]
    else:
        import queue

        barrier, results = threading.Barrier(clients), queue.Queue()
        workers = [
            threading.Thread(
                target=_client_loop, args=(gids, per_client, 100 + i, barrier, results)
            )
            for i in range(clients)
        ]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=3600) for _ in workers]
    for w in workers:
        w.join()
    samples = [s for o in outcomes for s in o["samples"]]
    errors = sum(o["errors"] for o in outcomes)
    # Same clock for every worker: perf_counter is CLOCK_MONOTONIC, shared across forks.
    wall = max(o["finished"] for o in outcomes) - min(o["started"] for o in outcomes)
    return {
        "mode": mode,
        "clients": clients,
        "checkouts": len(samples),
        "errors": errors,
        "error_messages": [m for o in outcomes for m in o["messages"]][:5],
        "wall_s": round(wall, 3),
        "checkouts_per_s": round(len(samples) / wall, 2) if wall > 0 else None,
        "latency": summarize(samples),
    }


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--iterations", type=int, default=200, help="sequential checkouts (default 200)"
    )
    parser.add_argument(
        "--concurrent",
        type=int,
        default=None,
        help="checkouts in the concurrent run, all clients together (default: --iterations)",
    )
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--mode", choices=("processes", "threads"), default="processes")
    parser.add_argument(
        "--eager-tasks",
        action="store_true",
        help="run the order e-mail tasks inside checkoutComplete (as with no Celery worker)",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.iterations < 1:
        parser.error("--clients and --iterations must be at least 1")

    configure(eager_tasks=args.eager_tasks)
    from django.db import connection

    version = connection.cursor().connection.info.server_version
    print(f"database: {PG_URL.rsplit('@', 1)[-1]} (PostgreSQL {version})")
    variant_ids = seed()
    gids = variant_gids(variant_ids)
    load_before = os.getloadavg()
    if load_before[0] > (os.cpu_count() or 1) * 0.5:
        print(
            f"warning: load average {load_before[0]:.2f} on {os.cpu_count()} CPUs: "
            "other work is running, the figures will be slower than the code is"
        )
    print(f"seeded: {len(gids)} vendors, {len(variant_ids)} variants with stock {STOCK:,} each")

    print(f"sequential: {args.iterations} checkouts (after {args.warmup} warm-up)…")
    samples, statements, seq_errors = run_sequential(gids, args.iterations, args.warmup)
    sequential = {
        "checkouts": len(samples),
        "errors": seq_errors,
        "latency": summarize(samples),
        "sql_statements": statements,
    }
    total_concurrent = args.concurrent or args.iterations
    print(f"concurrent: {args.clients} clients ({args.mode}), {total_concurrent} checkouts…")
    concurrent = run_concurrent(gids, args.clients, total_concurrent, args.mode)

    from django.conf import settings

    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "database": "postgresql",
        "tasks": "eager (inline)" if args.eager_tasks else "queued (in-memory broker)",
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
        "target": {"total_p50_ms": TARGET_P50_MS},
        "sequential": sequential,
        "concurrent": concurrent,
        "meets_target": sequential["latency"]["total"]["p50_ms"] <= TARGET_P50_MS,
    }
    print_table(result)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"\nwritten: {OUT.relative_to(BASE_DIR)}")
    return 0 if seq_errors == 0 and concurrent["errors"] == 0 else 1


def print_table(result: dict) -> None:
    seq, conc = result["sequential"], result["concurrent"]
    print()
    print(f"Checkout flow on PostgreSQL, tasks {result['tasks']}")
    print(f"{'step':<10} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>5}   {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'':<10} {'sequential':>23}   {'under load (' + str(conc['clients']) + ')':>17}")
    for name in (*STEPS, "total"):
        s, c = seq["latency"][name], conc["latency"][name]
        sql = seq["sql_statements"][name]
        print(
            f"{name:<10} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} {sql:>5}   "
            f"{c['p50_ms']:>8.1f} {c['p95_ms']:>8.1f}"
        )
    verdict = "meets" if result["meets_target"] else "MISSES"
    print(
        f"\nsequential total p50 {seq['latency']['total']['p50_ms']:.1f} ms "
        f"(target ≤ {TARGET_P50_MS} ms: {verdict}); {seq['checkouts']} checkouts, "
        f"{seq['errors']} errors"
    )
    print(
        f"concurrent: {conc['checkouts_per_s']} completed checkouts/s with {conc['clients']} "
        f"clients ({conc['mode']}), {conc['checkouts']} checkouts in {conc['wall_s']} s, "
        f"{conc['errors']} errors"
    )
    for message in conc["error_messages"]:
        print("  error:", message)


if __name__ == "__main__":
    sys.exit(main())
