"""``make load``: a headless locust run against gunicorn on PostgreSQL with the 100k catalog.

    python bench/load/run_load.py          # what ``make load`` runs

1. Database ``nuri_load`` (``LOAD_DB``) on 127.0.0.1:5432, user ``postgres``: created when
   missing (UTF-8 ``C.UTF-8`` ctype, which the PostgreSQL search backend needs), migrated,
   and seeded ONCE with ``seed_scale --orgs 2381 --products 100000`` (which also builds the
   search index); a database that already holds the products and their index is reused.
   Then, on every run: a few hundred variants from many vendors get ample stock (so that
   checkouts never run out), and buyer accounts ``load-buyer-NNN@nuri.local`` (password
   ``nuri-load-1234``) exist. What the locust users need (product slugs, category slugs,
   the Korean search queries of the relevance set, the buyers, the variants to buy) is
   written to ``var/load/data.json``.
2. Services, each logging to ``var/load/``: a Celery worker on a Redis broker
   (``redis://127.0.0.1:6379/13``), so the checkout's side effects (order e-mails) go
   through the queue as in production; gunicorn (``config.wsgi``, ``LOAD_WEB_WORKERS``
   sync workers, a free 127.0.0.1 port) with ``config.settings.base``, ``DJANGO_DEBUG=false``
   and the Redis cache ``redis://127.0.0.1:6379/12``. Both Redis databases are flushed first.
3. Warm-up (every worker loads the Korean analyzer; queries outside the measured set so
   that the search cache starts cold for them), then ``locust --headless`` with
   ``bench/load/locustfile.py`` for ``LOAD_TIME``; CSVs in ``var/load/load_*.csv``.
4. A table per step (requests, req/s, p50/p95/p99, failures) and the overall error rate;
   the exit status is non-zero when any request failed. gunicorn and the worker are stopped
   at the end, also on Ctrl-C.

Environment: ``LOAD_USERS`` (20), ``LOAD_SPAWN_RATE`` (users started per second, 5),
``LOAD_TIME`` (60s), ``LOAD_WEB_WORKERS`` (4), ``LOAD_DB`` (nuri_load), ``LOAD_THINK``
(seconds a user waits between two actions, ``min-max``, default ``0.5-2``).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
OUT = BASE_DIR / "var" / "load"
DATA = OUT / "data.json"
CSV_PREFIX = OUT / "load"
STEPS_JSON = OUT / "steps.json"

USERS = int(os.environ.get("LOAD_USERS", "20"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "5"))
RUN_TIME = os.environ.get("LOAD_TIME", "60s")
WEB_WORKERS = int(os.environ.get("LOAD_WEB_WORKERS", "4"))
DB_NAME = os.environ.get("LOAD_DB", "nuri_load")
THINK = os.environ.get("LOAD_THINK", "0.5-2")
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
CACHE_URL = "redis://127.0.0.1:6379/12"
BROKER_URL = "redis://127.0.0.1:6379/13"

ORGS, PRODUCTS = 2381, 100_000
BUYER_PASSWORD = "nuri-load-1234"
CHECKOUT_VENDORS, VARIANTS_PER_VENDOR = 40, 5
STOCK = 1_000_000
SAMPLE_SLUGS = 2000
# Warm-up searches: not in the measured query set, so its cache entries start cold.
WARMUP_QUERIES = ["들기름", "참기름 선물", "수세미", "현미 누룽지 선물", "ㄷㄱㄹ", "꿀 선물세트"]


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------


def ensure_database() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            return
        log(f"creating database {DB_NAME}")
        # UTF-8 ctype: pg_trgm extracts nothing from Hangul under LC_CTYPE=C (shop.search).
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(DB_NAME))
        )


def setup_django() -> None:
    os.environ["DATABASE_URL"] = PG_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"  # only for this setup process
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def ensure_seeded() -> None:
    from django.core.management import call_command

    from shop.catalog.models import Product
    from shop.management.commands.seed_scale import SLUG_PREFIX
    from shop.search.models import ProductSearchDocument

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    scale = Product.objects.filter(slug__startswith=SLUG_PREFIX)
    products = scale.count()
    published = scale.filter(is_published=True).count()
    indexed = ProductSearchDocument.objects.filter(product__slug__startswith=SLUG_PREFIX).count()
    if products >= PRODUCTS and published and indexed >= published:
        log(f"reusing the seeded catalog: {products:,} products, {indexed:,} indexed")
        return
    log(
        f"seeding {PRODUCTS:,} products and {ORGS:,} organizations with seed_scale "
        f"(have {products:,}, indexed {indexed:,}); this takes several minutes"
    )
    started = time.monotonic()
    call_command("seed_scale", orgs=ORGS, products=PRODUCTS, verbosity=1)
    log(f"seeded in {time.monotonic() - started:.0f} s")


def prepare_data() -> dict:
    """Stock for the variants the buyers buy, the buyer accounts, and data.json."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import F
    from graphql_relay import to_global_id

    from accounts.models import User
    from bench.run import relevance_queries
    from shop import selectors
    from shop.catalog.models import Product, ProductVariant, Stock
    from shop.management.commands.seed_scale import SLUG_PREFIX

    rng = random.Random(20260101)
    sellable = Product.objects.filter(
        slug__startswith=SLUG_PREFIX, is_published=True, vendor__is_active=True
    )
    slugs = sorted(sellable.values_list("slug", flat=True))
    slugs = rng.sample(slugs, min(SAMPLE_SLUGS, len(slugs)))
    categories = [c.slug for c in selectors.category_tree().by_slug.values()]

    by_vendor: dict[int, list[int]] = {}
    for pk, vendor_id in (
        ProductVariant.objects.filter(product__in=sellable)
        .order_by("pk")
        .values_list("pk", "product__vendor_id")
    ):
        by_vendor.setdefault(vendor_id, []).append(pk)
    vendors = sorted(v for v, ids in by_vendor.items() if len(ids) >= VARIANTS_PER_VENDOR)
    chosen = rng.sample(vendors, min(CHECKOUT_VENDORS, len(vendors)))
    variants = {v: rng.sample(by_vendor[v], VARIANTS_PER_VENDOR) for v in sorted(chosen)}
    variant_ids = [pk for ids in variants.values() for pk in ids]
    with transaction.atomic():
        # Ample stock whatever earlier runs allocated: checkouts never run out.
        have = set(
            Stock.objects.filter(variant_id__in=variant_ids).values_list("variant_id", flat=True)
        )
        Stock.objects.bulk_create(
            [Stock(variant_id=pk, quantity=STOCK) for pk in variant_ids if pk not in have]
        )
        Stock.objects.filter(variant_id__in=variant_ids).update(quantity=F("allocated") + STOCK)

    buyers = [f"load-buyer-{i:03d}@nuri.local" for i in range(1, max(USERS, 10) + 1)]
    password = make_password(BUYER_PASSWORD)  # hashed once for every account
    existing = set(User.objects.filter(email__in=buyers).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(email=email, name=f"부하시험 구매자 {i}", password=password)
            for i, email in enumerate(buyers, start=1)
            if email not in existing
        ]
    )
    User.objects.filter(email__in=buyers).update(password=password, is_active=True)

    queries, source = relevance_queries()
    data = {
        "product_slugs": slugs,
        "category_slugs": categories,
        "queries": queries,
        "query_source": source,
        "buyers": [{"email": e, "password": BUYER_PASSWORD} for e in buyers],
        "variants_by_vendor": [
            [to_global_id("ProductVariant", pk) for pk in ids] for ids in variants.values()
        ],
        "think": THINK,
        "steps_json": str(STEPS_JSON),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    DATA.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    log(
        f"data: {len(slugs):,} product slugs, {len(categories)} categories, "
        f"{len(queries)} queries ({source}), {len(buyers)} buyers, "
        f"{len(variant_ids)} variants from {len(variants)} vendors with stock {STOCK:,}"
    )
    return data


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": PG_URL,
            "REDIS_URL": CACHE_URL,
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # The order e-mails are rendered by the worker, then dropped (no SMTP here).
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def flush_redis() -> None:
    import redis

    for url in (CACHE_URL, BROKER_URL):
        redis.Redis.from_url(url).flushdb()


class Services:
    """gunicorn and a Celery worker, each in its own process group, stopped together."""

    def __init__(self, port: int):
        self.port = port
        self.env = service_env(port)
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def spawn(self, label: str, cmd: list[str], logfile: Path) -> subprocess.Popen:
        handle = logfile.open("w")
        proc = subprocess.Popen(
            cmd,
            cwd=BASE_DIR,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches us, not them: we stop them in order
        )
        handle.close()
        self.procs.append((label, proc))
        return proc

    def start(self) -> None:
        worker_log, web_log = OUT / "celery.log", OUT / "gunicorn.log"
        (OUT / "access.log").unlink(missing_ok=True)  # gunicorn appends
        worker = self.spawn(
            "celery worker",
            [
                str(VENV_BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
                "--concurrency=1", "--hostname=nuri-load@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            worker_log,
        )  # fmt: skip
        web = self.spawn(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"), "config.wsgi",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(WEB_WORKERS),
                "--timeout", "120",
                "--access-logfile", str(OUT / "access.log"),
                "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s',
            ],
            web_log,
        )  # fmt: skip
        log(f"gunicorn: {WEB_WORKERS} workers on 127.0.0.1:{self.port} (pid {web.pid}), "
            f"log {web_log.relative_to(BASE_DIR)}")  # fmt: skip
        log(f"celery worker on {BROKER_URL} (pid {worker.pid}), "
            f"log {worker_log.relative_to(BASE_DIR)}")  # fmt: skip
        self.wait_ready(worker, worker_log, web, web_log)

    def wait_ready(self, worker, worker_log: Path, web, web_log: Path) -> None:
        import requests

        deadline = time.monotonic() + 90
        web_ok = worker_ok = False
        while time.monotonic() < deadline and not (web_ok and worker_ok):
            for label, proc, path in (("gunicorn", web, web_log), ("celery", worker, worker_log)):
                if proc.poll() is not None:
                    raise RuntimeError(f"{label} exited ({proc.returncode}):\n{tail(path)}")
            if not web_ok:
                with contextlib.suppress(requests.RequestException):
                    web_ok = requests.get(f"{self.url}/healthz", timeout=5).status_code == 200
            worker_ok = worker_ok or " ready." in worker_log.read_text(errors="replace")
            time.sleep(0.5)
        if not (web_ok and worker_ok):
            raise RuntimeError(
                f"not ready after 90 s (gunicorn {web_ok}, worker {worker_ok}):\n"
                f"{tail(web_log)}\n{tail(worker_log)}"
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        for _label, proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # warm shutdown: gunicorn, then celery
        for label, proc in reversed(self.procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log(f"{label} did not stop in 20 s: killing it")
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def warm_up(url: str, data: dict) -> None:
    """Every worker imports everything and loads the Korean analyzer before the clock runs."""
    import requests

    paths = []
    for i in range(WEB_WORKERS * 3):
        paths += [
            "/",
            f"/categories/{data['category_slugs'][i % len(data['category_slugs'])]}/",
            f"/products/{data['product_slugs'][i]}/",
            f"/search/?q={WARMUP_QUERIES[i % len(WARMUP_QUERIES)]}",
        ]
    from bench.run import LISTING

    listing = json.dumps({"query": LISTING, "variables": {"first": 12}})

    def get(path: str) -> str | None:
        response = requests.get(url + path, timeout=60, allow_redirects=False)
        return None if response.status_code == 200 else f"{path}: HTTP {response.status_code}"

    def post(_: int) -> str | None:
        response = requests.post(
            url + "/graphql/",
            data=listing,
            headers={"Content-Type": "application/json"},
            timeout=60,
        )
        ok = response.status_code == 200 and not response.json().get("errors")
        return None if ok else f"listing: HTTP {response.status_code} {response.text[:200]}"

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WEB_WORKERS * 2) as pool:
        problems = [p for p in pool.map(get, paths) if p]
        problems += [p for p in pool.map(post, range(WEB_WORKERS * 2)) if p]
    if problems:
        raise RuntimeError("warm-up failed:\n  " + "\n  ".join(problems[:10]))
    log(f"warm-up: {len(paths) + WEB_WORKERS * 2} requests in {time.monotonic() - started:.1f} s")


# ---------------------------------------------------------------------------------------------
# Locust and the report
# ---------------------------------------------------------------------------------------------


def run_locust(url: str) -> int:
    for old in OUT.glob("load_*.csv"):
        old.unlink()
    STEPS_JSON.unlink(missing_ok=True)
    cmd = [
        str(VENV_BIN / "locust"),
        "-f", str(BASE_DIR / "bench" / "load" / "locustfile.py"),
        "--headless",
        "-u", str(USERS),
        "-r", str(SPAWN_RATE),
        "-t", RUN_TIME,
        "--stop-timeout", "30",
        "--host", url,
        "--csv", str(CSV_PREFIX),
        "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    locust_log = OUT / "locust.log"
    log(f"locust: {USERS} users (spawn {SPAWN_RATE:g}/s) for {RUN_TIME}, think {THINK} s; "
        f"log {locust_log.relative_to(BASE_DIR)}")  # fmt: skip
    env = {**os.environ, "LOAD_DATA": str(DATA)}
    with locust_log.open("w") as handle:
        return subprocess.call(cmd, cwd=BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT)


def fmt_ms(value) -> str:
    return "-" if value is None else f"{value:,.0f}"


def server_times() -> tuple[int, int, int] | None:
    """p50, p95 (ms) and count of the request times gunicorn logged."""
    path = OUT / "access.log"
    text = path.read_text(errors="replace") if path.exists() else ""
    times = sorted(int(m[1]) for m in re.finditer(r" (\d+)ms pid=", text))
    if not times:
        return None
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))], len(times)


def report(result: dict, machine: dict) -> int:
    """The table; returns the number of failed requests."""
    steps = {s["step"]: s for s in result["steps"]}
    rows_by_step: dict[str, list[dict]] = {}
    for row in result["rows"]:
        rows_by_step.setdefault(row["step"], []).append(row)
    header = (
        f"{'step':<50} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'failures':>8}"
    )

    def line(label: str, f: dict) -> str:
        return (
            f"{label:<50} {f['requests']:>8,} {f['rps']:>7.2f} {fmt_ms(f['p50_ms']):>7} "
            f"{fmt_ms(f['p95_ms']):>7} {fmt_ms(f['p99_ms']):>7} {f['failures']:>8,}"
        )

    print()
    print(
        f"Load test: {USERS} users ({machine['users_note']}), {RUN_TIME} "
        f"({result['duration_s']} s measured), gunicorn {WEB_WORKERS} workers, PostgreSQL "
        f"{DB_NAME} ({machine['products']:,} products), Redis cache, Celery worker"
    )
    print(header)
    print("-" * len(header))
    for step, figures in steps.items():
        print(line(step, figures))
        # Sub-steps in the order they were first requested (a checkout's in flow order).
        for row in sorted(
            rows_by_step.get(step, []), key=lambda r: (r["method"] == "FLOW", r["first"])
        ):
            label = row["name"].split(":", 1)[1].strip()
            if row["method"] == "FLOW":
                label = f"({label}, per checkout)"
            print(line(f"  {label}", row))
    print("-" * len(header))
    total = result["total"]
    print(line("all requests", total))
    rate = total["failures"] / total["requests"] * 100 if total["requests"] else 0.0
    print(
        f"\nerror rate: {rate:.2f} % ({total['failures']:,} of {total['requests']:,} requests); "
        f"machine: {machine['cpus']} CPUs, load average {machine['load_before']} before, "
        f"{machine['load_after']} after"
    )
    server = server_times()
    if server:
        print(
            f"server-side time (gunicorn access log, without queueing): p50 {server[0]:,} ms, "
            f"p95 {server[1]:,} ms over {server[2]:,} requests (warm-up included)"
        )
    for error in result["errors"][:10]:
        print(f"  {error['count']}× {error['method']} {error['name']}: {error['error'][:300]}")
    print(f"CSVs: {CSV_PREFIX.relative_to(BASE_DIR)}_*.csv; logs: var/load/*.log")
    return total["failures"]


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_database()
    setup_django()
    ensure_seeded()
    data = prepare_data()
    from django.db import connections

    from shop.catalog.models import Product
    from shop.management.commands.seed_scale import SLUG_PREFIX

    products = Product.objects.filter(slug__startswith=SLUG_PREFIX).count()
    connections.close_all()

    flush_redis()
    services = Services(free_port())

    def on_term(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C stops everything even when started from a shell that ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    load_before = os.getloadavg()
    try:
        services.start()
        warm_up(services.url, data)
        code = run_locust(services.url)
    except KeyboardInterrupt:
        log("interrupted: stopping gunicorn and the worker")
        return 130
    except RuntimeError as exc:
        log(str(exc))
        return 2
    finally:
        services.stop()
    if not STEPS_JSON.exists():
        log(f"locust wrote no figures (exit {code}):\n{tail(OUT / 'locust.log')}")
        return code or 1
    result = json.loads(STEPS_JSON.read_text())
    machine = {
        "cpus": os.cpu_count(),
        "load_before": ", ".join(f"{x:.2f}" for x in load_before),
        "load_after": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "products": products,
        "users_note": "3 anonymous : 1 signed-in buyer",
    }
    failures = report(result, machine)
    if failures or code:
        log(f"FAILED: {failures} failed requests (locust exit {code})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
