"""Locust scenario for ``make load``: citizens on the storefront pages and the GraphQL API.

Run by ``bench/load/run_load.py``, which seeds the database and writes the data this file
reads (``LOAD_DATA``, default ``var/load/data.json``): product and category slugs sampled
from the catalog, the Korean queries of the search relevance set, buyer accounts and the
variants (with ample stock) that buyers put in their carts.

Two kinds of users, each waiting ``LOAD_THINK`` seconds (``min-max``) between two actions:

* ``AnonymousCitizen`` (3 in 4): browses (home ``/``, a category ``/categories/<slug>/``,
  the GraphQL listing ``products(first: 12)``), searches (``/search/?q=<Korean query>``, then
  often opens a product from the results) and reads product pages ``/products/<slug>/``;
* ``Buyer`` (1 in 4): signs in once through the login form (session, CSRF) and once through
  ``tokenCreate`` (bearer token for the API), browses and searches the same way, and checks
  out through GraphQL with the documents of ``bench/checkout_bench.py``: ``checkoutCreate``
  (one vendor) → ``checkoutLinesAdd`` (a second vendor) → shipping address → delivery
  method → ``transactionInitialize`` (test gateway, card 4242…) → ``checkoutComplete``.

Requests are named ``<step>: <sub-step>`` (browse, search, product, login, checkout) so the
statistics group per step; ``checkout: whole flow`` (type ``FLOW``) is the time of a whole
checkout, not a request. A response fails when its status is not the expected one (200; 302
after the login form), when a GraphQL body has ``errors``, or when a mutation's ``errors``
is not empty. At exit, the per-step figures go to the JSON file ``run_load.py`` prints.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import sys
import time
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.stats import StatsEntry

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.checkout_bench import (  # noqa: E402  (the same documents as the checkout benchmark)
    ADDRESS,
    ADDRESS_INPUT,
    COMPLETE,
    CREATE,
    DELIVERY,
    GATEWAY,
    PAYMENT,
)
from bench.run import LISTING  # noqa: E402  (Saleor's storefront listing fields)

DATA = json.loads(
    Path(os.environ.get("LOAD_DATA", BASE_DIR / "var" / "load" / "data.json")).read_text()
)
_lo, _, _hi = DATA.get("think", "0.5-2").partition("-")
THINK = (float(_lo), float(_hi or _lo))

LINES_ADD = """
mutation LinesAdd($id: ID!, $lines: [CheckoutLineInput!]!) {
  checkoutLinesAdd(id: $id, lines: $lines) {
    checkout { id quantity
      lines { id quantity variant { id sku } totalPrice { gross { amount } } }
      totalPrice { gross { amount currency } } }
    errors { field code message }
  }
}"""
TOKEN_CREATE = """
mutation Login($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    token user { email }
    errors { field code message }
  }
}"""

PRODUCT_LINK = re.compile(r'href="(/products/[^"/]+/)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Steps in the order of the table run_load.py prints; a request's step is its name's prefix.
STEP_ORDER = ("browse", "search", "product", "login", "checkout")
FLOW = "FLOW"


class FlowError(Exception):
    pass


class Citizen(HttpUser):
    abstract = True
    wait_time = between(*THINK)

    def on_start(self):
        self.rng = random.Random()
        self.auth: dict[str, str] = {}

    # --- helpers ------------------------------------------------------------------------

    def page(self, path: str, name: str, params: dict | None = None) -> str | None:
        """GET a server-rendered page; anything but 200 (a redirect too) is a failure."""
        with self.client.get(
            path, params=params, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            return response.text

    def graphql(self, name: str, query: str, variables: dict, key: str | None = None, check=None):
        """POST to /graphql/; fails on HTTP != 200, ``errors``, the mutation's errors, or
        what ``check(payload)`` returns (a message)."""
        headers = {"Content-Type": "application/json", **self.auth}
        if not self.auth and "csrftoken" in self.client.cookies:
            # A signed-in browser (session) sends the CSRF token, as the storefront's JS does.
            headers["X-CSRFToken"] = self.client.cookies["csrftoken"]
        with self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables}),
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                raise FlowError(name)
            try:
                body = response.json()
            except ValueError:
                response.failure(f"not JSON: {response.text[:200]}")
                raise FlowError(name) from None
            if body.get("errors"):
                response.failure(f"errors: {json.dumps(body['errors'], ensure_ascii=False)[:300]}")
                raise FlowError(name)
            payload = body.get("data") or {}
            if key is not None:
                payload = payload.get(key) or {}
                if payload.get("errors"):
                    response.failure(
                        f"{key} errors: {json.dumps(payload['errors'], ensure_ascii=False)[:300]}"
                    )
                    raise FlowError(name)
            problem = check(payload) if check is not None else None
            if problem:
                response.failure(problem[:300])
                raise FlowError(name)
            return payload

    # --- browse, search, product ---------------------------------------------------------

    @task(2)
    def home(self):
        self.page("/", "browse: home /")

    @task(3)
    def category(self):
        slug = self.rng.choice(DATA["category_slugs"])
        params = {"page": self.rng.choice((1, 1, 1, 2))} if self.rng.random() < 0.3 else None
        self.page(f"/categories/{slug}/", "browse: category /categories/<slug>/", params)

    @task(2)
    def listing(self):
        def twelve(data):
            edges = (data.get("products") or {}).get("edges") or []
            return None if len(edges) == 12 else f"{len(edges)} products instead of 12"

        with contextlib.suppress(FlowError):  # already counted as a failure
            self.graphql(
                "browse: listing products(first: 12)", LISTING, {"first": 12}, None, twelve
            )

    @task(4)
    def search(self):
        query = self.rng.choice(DATA["queries"])
        html = self.page("/search/", "search: /search/?q=<query>", {"q": query})
        if html and self.rng.random() < 0.6:
            links = PRODUCT_LINK.findall(html)
            if links:  # what a citizen does next: open one of the first results
                self.page(self.rng.choice(links[:8]), "product: /products/<slug>/")

    @task(4)
    def product(self):
        slug = self.rng.choice(DATA["product_slugs"])
        self.page(f"/products/{slug}/", "product: /products/<slug>/")


class AnonymousCitizen(Citizen):
    weight = 3


class Buyer(Citizen):
    weight = 1
    _next = 0

    def on_start(self):
        super().on_start()
        buyers = DATA["buyers"]
        account = buyers[Buyer._next % len(buyers)]
        Buyer._next += 1
        self.email = account["email"]
        self.login_form(account["email"], account["password"])
        try:
            payload = self.graphql(
                "login: tokenCreate",
                TOKEN_CREATE,
                {"email": account["email"], "password": account["password"]},
                "tokenCreate",
            )
        except FlowError:
            self.auth = {}
        else:
            self.auth = {"Authorization": f"Bearer {payload['token']}"}

    def login_form(self, email: str, password: str) -> None:
        html = self.page("/accounts/login/", "login: form GET /accounts/login/")
        match = CSRF_INPUT.search(html or "")
        if match is None:
            return
        with self.client.post(
            "/accounts/login/",
            data={"username": email, "password": password, "csrfmiddlewaretoken": match[1]},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login: form POST /accounts/login/",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code} (expected a redirect)")

    @task(3)
    def checkout(self):
        if not self.auth:
            return
        started = time.perf_counter()
        error = None
        try:
            self.checkout_flow()
        except FlowError as exc:
            error = exc
        self.environment.events.request.fire(
            request_type=FLOW,
            name="checkout: whole flow",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )

    def checkout_flow(self) -> None:
        first, second = self.rng.sample(DATA["variants_by_vendor"], 2)
        lines = [
            {"variantId": gid, "quantity": self.rng.randint(1, 2)}
            for gid in self.rng.sample(first, self.rng.randint(1, 2))
        ]
        created = self.graphql(
            "checkout: checkoutCreate",
            CREATE,
            {"input": {"channel": "default-channel", "email": self.email, "lines": lines}},
            "checkoutCreate",
        )
        cid = created["checkout"]["id"]
        self.graphql(
            "checkout: checkoutLinesAdd",
            LINES_ADD,
            {"id": cid, "lines": [{"variantId": self.rng.choice(second), "quantity": 1}]},
            "checkoutLinesAdd",
        )
        self.graphql(
            "checkout: shipping address",
            ADDRESS,
            {"id": cid, "address": ADDRESS_INPUT},
            "checkoutShippingAddressUpdate",
        )
        self.graphql(
            "checkout: delivery method", DELIVERY, {"id": cid}, "checkoutDeliveryMethodUpdate"
        )
        self.graphql(
            "checkout: transactionInitialize (test gateway)",
            PAYMENT,
            {"id": cid, "gateway": GATEWAY},
            "transactionInitialize",
            lambda paid: (
                None
                if paid.get("transaction")
                and (paid.get("transactionEvent") or {}).get("type") == "CHARGE_SUCCESS"
                else f"payment not charged: {paid}"
            ),
        )
        self.graphql(
            "checkout: checkoutComplete",
            COMPLETE,
            {"id": cid},
            "checkoutComplete",
            lambda done: (
                None
                if (done.get("order") or {}).get("chargeStatus") == "FULL"
                else f"order not placed/paid: {done}"
            ),
        )


# ---------------------------------------------------------------------------------------------
# Per-step figures for run_load.py
# ---------------------------------------------------------------------------------------------


def _figures(entry: StatsEntry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.total_rps, 2),
        "p50_ms": entry.get_response_time_percentile(0.50) if entry.num_requests else None,
        "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else None,
        "p99_ms": entry.get_response_time_percentile(0.99) if entry.num_requests else None,
        "max_ms": round(entry.max_response_time) if entry.num_requests else None,
    }


@events.quitting.add_listener
def write_steps(environment, **_kwargs):
    stats = environment.stats
    groups: dict[str, StatsEntry] = {}
    total = StatsEntry(stats, "total", "")
    rows = []
    for (name, method), entry in sorted(stats.entries.items()):
        step = name.split(":", 1)[0]
        rows.append(
            {"name": name, "method": method, "step": step, "first": entry.start_time}
            | _figures(entry)
        )
        if method == FLOW:
            continue
        groups.setdefault(step, StatsEntry(stats, step, "")).extend(entry)
        total.extend(entry)
    for entry in [*groups.values(), total]:
        # extend() keeps the earliest start; the rate is over the whole run like the rows'.
        entry.start_time = stats.start_time
    order = {s: i for i, s in enumerate(STEP_ORDER)}
    out = {
        "steps": [
            {"step": step, **_figures(entry)}
            for step, entry in sorted(groups.items(), key=lambda kv: order.get(kv[0], 99))
        ],
        "rows": rows,
        "total": _figures(total),
        "duration_s": round((stats.last_request_timestamp or 0) - (stats.start_time or 0), 1),
        "errors": [
            {"name": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
            for e in stats.errors.values()
        ],
        "users": environment.runner.user_count if environment.runner else None,
    }
    path = Path(DATA.get("steps_json") or BASE_DIR / "var" / "load" / "steps.json")
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1))
