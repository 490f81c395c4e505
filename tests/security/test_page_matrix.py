"""Who may open which page of the vendor dashboard (``/vendor/``) and the agency portal
(``/agency/``): every URL pattern under those prefixes, read from the project's URL resolver,
has a row here (a new page without one fails ``test_every_page_has_a_row``), and every cell is
requested through the test client as one of the seven kinds of caller.

What the product does, and so what the rows say:

- anonymous → the login page (``302 /accounts/login/?next=<the page>``);
- vendor dashboard: a vendor's area answers **404** to anyone who may not manage that vendor
  (citizens, agency buyers, another vendor's staff), whether or not it exists, so it never
  reveals which vendors, products or orders exist; an object of vendor A asked for under
  vendor B's own address is 404 as well (``test_other_vendor_under_own_address``). Centre staff
  manage every vendor: their column equals the owner's;
- agency portal: a signed-in user who is not an approved buyer (citizens, vendor staff) is sent
  to the buyer registration page (``302 /agency/register/``); another agency's buyer gets the
  portal of their own agency, so lists answer 200 with their own rows and agency A's objects
  answer 404; centre staff see every agency (200);
- POST-only endpoints (actions): every caller POSTs; the owner's and staff's POST does what it
  says (302 back to the page, the state changed), anyone else's changes nothing; a GET is 405.

No page served to an owner shows the other owner's data: the order, request and delivery
numbers, titles and names of the other side (``foreign()``) are absent from every body,
and ``test_markers_are_what_the_owners_see`` proves the markers are what those pages print.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from purchasing.models import Delivery, Quote, QuoteRequest
from shop.catalog import bulk
from shop.catalog.models import Product, ProductImage, ProductVariant
from shop.orders.models import ReturnRequest, VendorOrder
from tests.security.permission_world import ROLES, World, days, world_fixture

world = world_fixture()

PREFIXES = ("vendor/", "agency/")

LOGIN = "login"  # 302 to the login page, back here afterwards
REGISTER = "/agency/register/"  # a path: 302 there
OWN = "own"  # 302 to the caller's own vendor dashboard
DONE = "done"  # POST: 302 and the state changed

# Rows of expectations, in ROLES order:
#        anonymous citizen   owner_v   other_v   owner_a   other_a   staff
V_GET = (LOGIN, 404, 200, 404, 404, 404, 200)  # a vendor's page
V_POST = (LOGIN, 404, DONE, 404, 404, 404, DONE)  # a vendor's action
A_OBJ = (LOGIN, REGISTER, REGISTER, REGISTER, 200, 404, 200)  # one of agency A's objects
A_LIST = (LOGIN, REGISTER, REGISTER, REGISTER, 200, 200, 200)  # a page of the caller's agency
A_POST = (LOGIN, REGISTER, REGISTER, REGISTER, DONE, 404, DONE)  # an action on agency A's object


@dataclass(frozen=True)
class Page:
    expect: tuple
    kwargs: Callable[[World], dict] = lambda w: {}
    post: Callable[[World], dict] | None = None  # POST-only: the form data
    state: Callable[[World], Any] | None = None  # POST-only: what it changes
    prepare: Callable[[Any, World, str], None] | None = None  # as the caller, before


def slug(w: World) -> dict:
    return {"vendor_slug": w.vendor_a.slug}


def with_slug(**objects: Callable[[World], Any]) -> Callable[[World], dict]:
    return lambda w: {**slug(w), **{k: f(w) for k, f in objects.items()}}


def one(model, pk, *fields):
    return model.objects.filter(pk=pk).values_list(*fields).first()


# -- the bulk import needs an upload first (as the caller; only the vendor's managers can) -----


def import_rows(w: World) -> bytes:
    values = {
        "name": "가온 누룽지",
        "category": w.category.name,
        "kind": "먹거리",
        "tax_type": "과세",
        "published": "Y",
        "sku": "PERM-IMPORT-1",
        "variant_name": "1봉",
        "price": "3,000",
        "stock": "10",
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(bulk.HEADERS)
    writer.writerow([values.get(c.key, "") for c in bulk.COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def upload_import(client, w: World, vendor_slug: str) -> None:
    client.post(
        f"/vendor/{vendor_slug}/import/",
        {"file": SimpleUploadedFile("상품.csv", import_rows(w), content_type="text/csv")},
    )


def pending_files(w: World) -> int:
    """Uploads waiting in the import directory (``import_dir`` below)."""
    base = Path(settings.BULK_IMPORT_DIR)
    return len(list(base.iterdir())) if base.is_dir() else 0


# fmt: off
PAGES: dict[str, Page] = {
    # --- vendor dashboard: products ---
    "vendor/": Page((LOGIN, 200, OWN, OWN, 200, 200, 200)),
    "vendor/<str:vendor_slug>/": Page(V_GET, slug),
    "vendor/<str:vendor_slug>/products/new/": Page(V_GET, slug),
    "vendor/<str:vendor_slug>/products/<int:pk>/": Page(
        V_GET, with_slug(pk=lambda w: w.product_a.pk)),
    "vendor/<str:vendor_slug>/products/<int:pk>/publish/": Page(
        V_POST, with_slug(pk=lambda w: w.draft_a.pk), post=lambda w: {},
        state=lambda w: one(Product, w.draft_a.pk, "is_published")),
    "vendor/<str:vendor_slug>/products/<int:pk>/unpublish/": Page(
        V_POST, with_slug(pk=lambda w: w.product_a.pk), post=lambda w: {},
        state=lambda w: one(Product, w.product_a.pk, "is_published")),
    "vendor/<str:vendor_slug>/products/<int:pk>/delete/": Page(
        V_GET, with_slug(pk=lambda w: w.spare_product_a.pk)),
    "vendor/<str:vendor_slug>/products/<int:pk>/variants/": Page(
        V_POST, with_slug(pk=lambda w: w.product_a.pk),
        post=lambda w: {"new-sku": "PERM-WEB-1", "new-name": "선물용", "new-price": "15000",
                        "new-servings": "1", "new-quantity": "3"},
        state=lambda w: ProductVariant.objects.filter(product=w.product_a).count()),
    "vendor/<str:vendor_slug>/products/<int:pk>/variants/<int:variant_pk>/": Page(
        V_POST, with_slug(pk=lambda w: w.product_a.pk, variant_pk=lambda w: w.variant_a.pk),
        post=lambda w: {f"v{w.variant_a.pk}-{k}": v for k, v in {
            "sku": w.variant_a.sku, "name": "기본", "price": "13000", "servings": "1",
            "quantity": "100"}.items()},
        state=lambda w: one(ProductVariant, w.variant_a.pk, "price")),
    "vendor/<str:vendor_slug>/products/<int:pk>/images/": Page(
        V_POST, with_slug(pk=lambda w: w.product_a.pk),
        post=lambda w: {"file": _png(), "alt": "쌀과자 사진"},
        state=lambda w: ProductImage.objects.filter(product=w.product_a).count()),
    "vendor/<str:vendor_slug>/products/<int:pk>/images/<int:image_pk>/delete/": Page(
        V_POST, with_slug(pk=lambda w: w.product_a.pk, image_pk=lambda w: w.image_a.pk),
        post=lambda w: {}, state=lambda w: ProductImage.objects.filter(pk=w.image_a.pk).count()),
    # --- vendor dashboard: bulk import and export ---
    "vendor/<str:vendor_slug>/import/": Page(V_GET, slug),
    "vendor/<str:vendor_slug>/import/preview/": Page(
        V_GET, slug, prepare=lambda c, w, role: upload_import(c, w, w.vendor_a.slug)),
    "vendor/<str:vendor_slug>/import/apply/": Page(
        V_POST, slug, post=lambda w: {},
        state=lambda w: Product.objects.filter(vendor=w.vendor_a).count(),
        prepare=lambda c, w, role: upload_import(c, w, w.vendor_a.slug)),
    "vendor/<str:vendor_slug>/import/cancel/": Page(
        V_POST, slug, post=lambda w: {}, state=pending_files,
        prepare=lambda c, w, role: upload_import(c, w, w.vendor_a.slug)),
    "vendor/<str:vendor_slug>/import/template.<fileformat:fmt>": Page(
        V_GET, with_slug(fmt=lambda w: "csv")),
    "vendor/<str:vendor_slug>/export.<fileformat:fmt>": Page(V_GET, with_slug(fmt=lambda w: "csv")),
    # --- vendor dashboard: orders ---
    "vendor/<str:vendor_slug>/orders/": Page(V_GET, slug),
    "vendor/<str:vendor_slug>/orders/<str:number>/": Page(
        V_GET, with_slug(number=lambda w: w.vo_open.number)),
    "vendor/<str:vendor_slug>/orders/<str:number>/ship/": Page(
        V_POST, with_slug(number=lambda w: w.vo_open.number),
        post=lambda w: {"carrier": "CJ대한통운", "tracking_number": "612345678901"},
        state=lambda w: one(VendorOrder, w.vo_open.pk, "status", "tracking_number")),
    "vendor/<str:vendor_slug>/orders/<str:number>/deliver/": Page(
        V_POST, with_slug(number=lambda w: w.vo_shipped.number), post=lambda w: {},
        state=lambda w: one(VendorOrder, w.vo_shipped.pk, "status")),
    "vendor/<str:vendor_slug>/orders/<str:number>/cancel/": Page(
        V_POST, with_slug(number=lambda w: w.vo_open.number), post=lambda w: {"reason": "품절"},
        state=lambda w: one(VendorOrder, w.vo_open.pk, "status")),
    "vendor/<str:vendor_slug>/orders/<str:number>/refund/": Page(
        V_POST, with_slug(number=lambda w: w.vo_open.number),
        post=lambda w: {"amount": "1000", "reason": "배송 지연 보상"},
        state=lambda w: one(VendorOrder, w.vo_open.pk, "refunded")),
    "vendor/<str:vendor_slug>/orders/<str:number>/returns/<int:pk>/accept/": Page(
        V_POST, with_slug(number=lambda w: w.vo_returning.number, pk=lambda w: w.return_request.pk),
        post=lambda w: {"note": "환불해 드렸습니다."},
        state=lambda w: one(ReturnRequest, w.return_request.pk, "status")),
    "vendor/<str:vendor_slug>/orders/<str:number>/returns/<int:pk>/reject/": Page(
        V_POST, with_slug(number=lambda w: w.vo_returning.number, pk=lambda w: w.return_request.pk),
        post=lambda w: {"reason": "사용한 흔적이 있습니다."},
        state=lambda w: one(ReturnRequest, w.return_request.pk, "status")),
    # --- vendor dashboard: settlement ---
    "vendor/<str:vendor_slug>/settlement/": Page(V_GET, slug),
    "vendor/<str:vendor_slug>/settlement/preview/": Page(V_GET, slug),
    "vendor/<str:vendor_slug>/settlement/preview.csv": Page(V_GET, slug),
    "vendor/<str:vendor_slug>/settlement/<int:pk>/": Page(
        V_GET, with_slug(pk=lambda w: w.statement_a.pk)),
    "vendor/<str:vendor_slug>/settlement/<int:pk>.csv": Page(
        V_GET, with_slug(pk=lambda w: w.statement_a.pk)),
    # --- vendor dashboard: quotes and invoice orders ---
    "vendor/<str:vendor_slug>/quotes/": Page(V_GET, slug),
    "vendor/<str:vendor_slug>/quotes/requests/<int:pk>/": Page(
        V_GET, with_slug(pk=lambda w: w.rfq_open.pk)),
    "vendor/<str:vendor_slug>/quotes/requests/<int:pk>/withdraw/": Page(
        V_POST, with_slug(pk=lambda w: w.rfq_open.pk), post=lambda w: {},
        state=lambda w: one(Quote, w.quote_open.pk, "status")),
    "vendor/<str:vendor_slug>/quotes/requests/<int:pk>/quote.pdf": Page(
        V_GET, with_slug(pk=lambda w: w.rfq_open.pk)),
    "vendor/<str:vendor_slug>/quotes/orders/<int:pk>/": Page(
        V_GET, with_slug(pk=lambda w: w.d_accepted.pk)),
    "vendor/<str:vendor_slug>/quotes/orders/<int:pk>/deliver/": Page(
        V_POST, with_slug(pk=lambda w: w.d_ordered.pk), post=lambda w: {"note": "정문 경비실"},
        state=lambda w: one(Delivery, w.d_ordered.pk, "status")),
    "vendor/<str:vendor_slug>/quotes/orders/<int:pk>/payment/": Page(
        V_POST, with_slug(pk=lambda w: w.d_accepted.pk), post=lambda w: {"reference": "이체 0427"},
        state=lambda w: one(Delivery, w.d_accepted.pk, "status", "paid_amount")),
    "vendor/<str:vendor_slug>/quotes/orders/<int:pk>/statement.pdf": Page(
        V_GET, with_slug(pk=lambda w: w.d_accepted.pk)),
    "vendor/<str:vendor_slug>/quotes/orders/<int:pk>/tax-invoice.pdf": Page(
        V_GET, with_slug(pk=lambda w: w.d_accepted.pk)),
    "vendor/<str:vendor_slug>/quotes/orders/<int:pk>/tax-invoice.csv": Page(
        V_GET, with_slug(pk=lambda w: w.d_accepted.pk)),
    # --- agency portal ---
    "agency/": Page(A_LIST),
    # registration: anyone signed in who is not yet a buyer; approved buyers go to the portal
    "agency/register/": Page((LOGIN, 200, 200, 200, "/agency/", "/agency/", 200)),
    "agency/catalog/": Page(A_LIST),
    "agency/catalog/vendors/": Page(A_LIST),
    "agency/requests/": Page(A_LIST),
    # centre staff first pick the agency they act for (?agency=)
    "agency/requests/new/": Page((*A_LIST[:-1], "/agency/requests/")),
    "agency/requests/<int:pk>/": Page(A_OBJ, lambda w: {"pk": w.rfq_open.pk}),
    "agency/requests/<int:pk>/cancel/": Page(
        A_POST, lambda w: {"pk": w.rfq_open.pk}, post=lambda w: {"reason": "예산 삭감"},
        state=lambda w: one(QuoteRequest, w.rfq_open.pk, "status")),
    "agency/quotes/<int:pk>/accept/": Page(
        A_POST, lambda w: {"pk": w.quote_open.pk}, post=lambda w: {},
        state=lambda w: one(Quote, w.quote_open.pk, "status")),
    "agency/quotes/<int:pk>/reject/": Page(
        A_POST, lambda w: {"pk": w.quote_open.pk}, post=lambda w: {"reason": "예산 초과"},
        state=lambda w: one(Quote, w.quote_open.pk, "status")),
    "agency/quotes/<int:pk>/quote.pdf": Page(A_OBJ, lambda w: {"pk": w.quote_open.pk}),
    "agency/orders/": Page(A_LIST),
    "agency/orders/<int:pk>/": Page(A_OBJ, lambda w: {"pk": w.d_accepted.pk}),
    "agency/orders/<int:pk>/inspect/": Page(
        A_POST, lambda w: {"pk": w.d_delivered.pk}, post=lambda w: {"result": "accepted"},
        state=lambda w: one(Delivery, w.d_delivered.pk, "status")),
    "agency/orders/<int:pk>/cancel/": Page(
        A_POST, lambda w: {"pk": w.d_ordered.pk}, post=lambda w: {"reason": "행사 취소"},
        state=lambda w: one(Delivery, w.d_ordered.pk, "status")),
    "agency/orders/<int:pk>/statement.pdf": Page(A_OBJ, lambda w: {"pk": w.d_accepted.pk}),
    "agency/orders/<int:pk>/tax-invoice.pdf": Page(A_OBJ, lambda w: {"pk": w.d_accepted.pk}),
    "agency/orders/<int:pk>/tax-invoice.csv": Page(A_OBJ, lambda w: {"pk": w.d_accepted.pk}),
    "agency/plan/": Page((*A_LIST[:-1], "/agency/report/")),
    "agency/report/": Page(A_LIST),
    "agency/report/<int:year>.<exportformat:fmt>": Page(
        A_LIST, lambda w: {"year": timezone.localdate().year, "fmt": "csv"}),
}
# fmt: on


def _png() -> SimpleUploadedFile:
    from tests.factories.dashboard import image_upload

    return image_upload("photo.png")


# ---------------------------------------------------------------------------------------------
# The URL resolver and the table agree
# ---------------------------------------------------------------------------------------------


def project_routes() -> list[str]:
    """Full route patterns of every page under ``/vendor/`` and ``/agency/``."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    return [r for r in walk(get_resolver().url_patterns) if r.startswith(PREFIXES)]


def test_every_page_has_a_row():
    routes = project_routes()
    assert len(routes) >= 60
    missing = [f"page /{r} has no row in the page matrix" for r in routes if r not in PAGES]
    unknown = [
        f"the page matrix names /{r}, which no URL pattern has" for r in PAGES if r not in routes
    ]
    assert not (missing + unknown), "\n".join(missing + unknown)


def url_for(route: str, kwargs: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


# ---------------------------------------------------------------------------------------------
# Markers of each side's private data
# ---------------------------------------------------------------------------------------------


def secrets_of_vendor_a(w: World) -> list[str]:
    return [w.vo_open.number, w.vo_returning.number, w.d_accepted.order.number, "가온 쌀과자"]


def secrets_of_vendor_b(w: World) -> list[str]:
    return [w.vo_b.number, w.d_b.order.number, w.rfq_b.number, w.quote_b.number, "바른 유기농 두유"]


def secrets_of_agency_a(w: World) -> list[str]:
    return [w.rfq_open.number, w.rfq_open.title, w.d_accepted.order.number, w.quote_open.number]


def secrets_of_agency_b(w: World) -> list[str]:
    return [w.rfq_b.number, w.rfq_b.title, w.d_b.order.number, w.quote_b.number]


def foreign(w: World, role: str) -> list[str]:
    """What a page shown to ``role`` must never contain."""
    return {
        "anonymous": secrets_of_vendor_a(w) + secrets_of_agency_a(w),
        "citizen": secrets_of_vendor_a(w) + secrets_of_vendor_b(w) + secrets_of_agency_a(w),
        "owner_vendor": secrets_of_vendor_b(w) + secrets_of_agency_b(w),
        "other_vendor": secrets_of_vendor_a(w) + secrets_of_agency_a(w),
        "owner_agency": secrets_of_agency_b(w) + secrets_of_vendor_b(w)[:2],
        "other_agency": secrets_of_agency_a(w) + secrets_of_vendor_a(w)[:3],
        "staff": [],
    }[role]


def body_of(resp) -> str:
    # (a streamed file is closed by the test client once read to the end)
    data = b"".join(resp.streaming_content) if resp.streaming else resp.content
    if resp.get("Content-Type", "").startswith(("text/", "application/json")):
        return data.decode("utf-8", errors="replace")
    return ""  # PDF, XLSX: binary (and compressed)


# ---------------------------------------------------------------------------------------------
# Every cell
# ---------------------------------------------------------------------------------------------

CELLS = [(route, role, PAGES[route].expect[i]) for route in PAGES for i, role in enumerate(ROLES)]


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.BULK_IMPORT_DIR = str(tmp_path / "imports")
    return tmp_path


def assert_status(resp, expected, url: str, w: World, role: str) -> None:
    where = f"{resp.request['REQUEST_METHOD']} {url} as {role}"
    if expected == LOGIN:
        assert resp.status_code == 302, where
        location = urlsplit(resp["Location"])
        assert location.path == "/accounts/login/", where
        assert parse_qs(location.query)["next"] == [url], where
    elif isinstance(expected, str) and expected.startswith("/"):
        assert resp.status_code == 302, f"{where}: {resp.status_code}"
        assert urlsplit(resp["Location"]).path == expected, where
    elif expected == OWN:
        own = w.vendor_a if role == "owner_vendor" else w.vendor_b
        assert (resp.status_code, resp["Location"]) == (302, f"/vendor/{own.slug}/"), where
    elif expected == DONE:
        assert resp.status_code == 302, where
        assert not resp["Location"].startswith("/accounts/login/"), where
    else:
        assert resp.status_code == expected, f"{where}: {resp.status_code}"


@pytest.mark.parametrize(
    ("route", "role", "expected"), CELLS, ids=[f"/{r}-{role}" for r, role, _ in CELLS]
)
def test_page(world, db, client, import_dir, route, role, expected):
    page = PAGES[route]
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    if page.prepare:
        page.prepare(client, world, role)
    url = url_for(route, page.kwargs(world))
    if page.post is None:
        resp = client.get(url)
        assert_status(resp, expected, url, world, role)
        text = body_of(resp)
        if resp.status_code == 200:
            leaked = [m for m in foreign(world, role) if m in text]
            assert not leaked, f"GET {url} as {role} shows {leaked}"
        return
    before = page.state(world)
    resp = client.post(url, page.post(world))
    assert_status(resp, expected, url, world, role)
    after = page.state(world)
    if expected == DONE:
        assert after != before, f"POST {url} as {role} changed nothing ({before!r})"
    else:
        assert after == before, f"POST {url} as {role} was refused but changed {before!r}"


POST_ONLY = [route for route, page in PAGES.items() if page.post is not None]


@pytest.mark.parametrize("route", POST_ONLY)
def test_actions_refuse_get(world, db, client, import_dir, route):
    client.force_login(world.vendor_a.owner if route.startswith("vendor/") else world.buyer_a.user)
    page = PAGES[route]
    before = page.state(world)
    assert client.get(url_for(route, page.kwargs(world))).status_code == 405
    assert page.state(world) == before


@pytest.mark.parametrize(
    "route",
    [
        r
        for r in PAGES
        if r.startswith("vendor/<str:vendor_slug>/") and ("<int:" in r or "<str:number>" in r)
    ],
)
def test_other_vendor_under_own_address(world, db, client, import_dir, route):
    """Vendor B's staff ask for vendor A's product, order, statement, request or delivery
    under B's own dashboard address: 404, and an action changes nothing."""
    page = PAGES[route]
    client.force_login(world.vendor_b.owner)
    kwargs = {**page.kwargs(world), "vendor_slug": world.vendor_b.slug}
    url = url_for(route, kwargs)
    if page.post is None:
        assert client.get(url).status_code == 404, url
        return
    before = page.state(world)
    assert client.post(url, page.post(world)).status_code == 404, url
    assert page.state(world) == before


# ---------------------------------------------------------------------------------------------
# Pages that show a form on GET and act on POST: nobody but the owner (and staff) acts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormPost:
    data: Callable[[World], dict]
    state: Callable[[World], Any]  # the owner's state the POST would change
    allowed: tuple[str, ...] = ("owner_vendor", "staff")


def _quote_form(w: World) -> dict:
    item = w.rfq_open.items.get()
    return {"valid_until": days(30), f"price_{item.pk}": "4400", f"tax_{item.pk}": "taxable"}


def _request_form(w: World) -> dict:
    deadline = timezone.localtime() + dt.timedelta(days=5)
    return {
        "title": "웹 견적 요청",
        "delivery_date": days(12),
        "delivery_place": "서울특별시 중구 세종대로 110",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "vendors": [str(w.vendor_a.pk)],
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-name": "떡 세트",
        "items-0-quantity": "20",
    }


PRODUCT_FORM = {"kind": "food", "tax_type": "taxable"}

FORM_POSTS: dict[str, FormPost] = {
    "vendor/<str:vendor_slug>/products/new/": FormPost(
        lambda w: {**PRODUCT_FORM, "name": "웹으로 만든 상품", "category": w.category.pk},
        lambda w: Product.objects.filter(vendor=w.vendor_a).count(),
    ),
    "vendor/<str:vendor_slug>/products/<int:pk>/": FormPost(
        lambda w: {
            **PRODUCT_FORM,
            "name": "웹에서 바꾼 이름",
            "category": w.category.pk,
            "slug": w.product_a.slug,
            "is_published": "on",
        },
        lambda w: one(Product, w.product_a.pk, "name"),
    ),
    "vendor/<str:vendor_slug>/products/<int:pk>/delete/": FormPost(
        lambda w: {}, lambda w: Product.objects.filter(pk=w.spare_product_a.pk).count()
    ),
    "vendor/<str:vendor_slug>/quotes/requests/<int:pk>/": FormPost(
        _quote_form,
        lambda w: sorted(Quote.objects.filter(request=w.rfq_open).values_list("status", "total")),
    ),
    # another agency's buyer creates a request of their own agency: agency A's are untouched;
    # staff must pick an agency first
    "agency/requests/new/": FormPost(
        _request_form,
        lambda w: QuoteRequest.objects.filter(agency=w.agency_a).count(),
        allowed=("owner_agency",),
    ),
}

FORM_CELLS = [(route, role) for route in FORM_POSTS for role in ROLES]


@pytest.mark.parametrize(
    ("route", "role"), FORM_CELLS, ids=[f"/{r}-{role}" for r, role in FORM_CELLS]
)
def test_form_post(world, db, client, route, role):
    page, form = PAGES[route], FORM_POSTS[route]
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url = url_for(route, page.kwargs(world))
    before = form.state(world)
    resp = client.post(url, form.data(world))
    after = form.state(world)
    if role in form.allowed:
        assert resp.status_code == 302, f"POST {url} as {role}: {resp.status_code}"
        assert after != before, f"POST {url} as {role} changed nothing ({before!r})"
        return
    assert after == before, f"POST {url} as {role} changed {before!r} to {after!r}"
    expected = page.expect[ROLES.index(role)]
    if expected != 200:  # refused the same way as the GET
        assert_status(resp, expected, url, world, role)


def test_markers_are_what_the_owners_see(world, db, client):
    """The leak markers are printed on the owners' own pages (so their absence elsewhere
    means something)."""
    w = world

    def text(user, url):
        client.force_login(user)
        resp = client.get(url)
        assert resp.status_code == 200, url
        return body_of(resp)

    a_orders = text(w.vendor_a.owner, f"/vendor/{w.vendor_a.slug}/orders/")
    assert w.vo_open.number in a_orders
    assert w.vo_returning.number in a_orders
    assert "가온 쌀과자" in text(w.vendor_a.owner, f"/vendor/{w.vendor_a.slug}/")
    a_quotes = text(w.vendor_a.owner, f"/vendor/{w.vendor_a.slug}/quotes/")
    assert w.rfq_open.number in a_quotes
    b_orders = text(w.vendor_b.owner, f"/vendor/{w.vendor_b.slug}/orders/")
    assert w.vo_b.number in b_orders
    assert "바른 유기농 두유" in text(w.vendor_b.owner, f"/vendor/{w.vendor_b.slug}/")
    b_quotes = text(w.vendor_b.owner, f"/vendor/{w.vendor_b.slug}/quotes/")
    assert w.rfq_b.number in b_quotes
    assert w.rfq_b.title in b_quotes

    a_requests = text(w.buyer_a.user, "/agency/requests/")
    assert w.rfq_open.number in a_requests
    assert w.rfq_open.title in a_requests
    assert w.d_accepted.order.number in text(w.buyer_a.user, "/agency/orders/")
    assert w.quote_open.number in text(w.buyer_a.user, f"/agency/requests/{w.rfq_open.pk}/")
    b_requests = text(w.buyer_b.user, "/agency/requests/")
    assert w.rfq_b.number in b_requests
    assert w.rfq_b.title in b_requests
    assert w.d_b.order.number in text(w.buyer_b.user, "/agency/orders/")
    assert w.quote_b.number in text(w.buyer_b.user, f"/agency/requests/{w.rfq_b.pk}/")
