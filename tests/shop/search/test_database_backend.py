"""The database backends (SQLite FTS5 / PostgreSQL): index after commit, query counts,
the issue's must-show queries, the pg_trgm ctype guard and the registry.

Runs on SQLite by default and on PostgreSQL with ``DATABASE_URL``; PostgreSQL-only tests are
skipped on SQLite.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from shop.catalog.models import Product
from shop.catalog.services import (
    category_get_or_create,
    product_create,
    product_delete,
    product_update,
    variant_create,
)
from shop.search import checks
from shop.search.database import PostgresBackend, SQLiteBackend, postgres_trgm_problem
from shop.search.models import ProductSearchDocument
from shop.search.registry import get_backend
from tests.factories import VendorFactory
from tests.factories.catalog import CategoryFactory, ProductFactory, VariantFactory
from tests.shop.search.catalog import build_catalog
from tests.shop.search.relevance import MUST_SHOW

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="needs PostgreSQL (DATABASE_URL)"
)


def test_registry_picks_the_backend_of_the_database(db):
    backend = get_backend()
    expected = PostgresBackend if connection.vendor == "postgresql" else SQLiteBackend
    assert isinstance(backend, expected)
    assert get_backend() is backend  # one instance per process


def test_registry_rejects_unknown_backends(settings):
    settings.SEARCH_BACKEND = "solr"
    with pytest.raises(ImproperlyConfigured, match="solr"):
        get_backend()


@pytest.mark.django_db
def test_must_show_queries():
    products = build_catalog()
    slug_of = {p.pk: slug for slug, p in products.items()}
    backend = get_backend()
    backend.rebuild()
    for query, expected in MUST_SHOW.items():
        found = [slug_of[i] for i in backend.search(query)]
        assert found[0] in expected, (query, found)
        assert set(expected) <= set(found[: len(expected) + 1]), (query, found)
    assert "discontinued-rice-cracker" not in {slug_of[i] for i in backend.search("쌀과자")}


@pytest.fixture
def shop_setup(db):
    vendor = VendorFactory(store_name="누리베이커리")
    category = category_get_or_create(name="간식", slug="snack")
    return vendor, category


def _create(staff_user, vendor, category, name, **data):
    product = product_create(
        actor=staff_user,
        vendor=vendor,
        name=name,
        category=category,
        description=data.pop("description", "국산 쌀로 바삭하게 구웠습니다."),
        is_published=data.pop("is_published", True),
        **data,
    )
    variant_create(
        actor=staff_user, product=product, sku=f"SKU-{product.pk}", price=4500, quantity=10
    )
    return product


def test_catalog_writes_reach_the_index_after_commit(
    shop_setup, staff_user, django_capture_on_commit_callbacks
):
    vendor, category = shop_setup
    backend = get_backend()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        product = _create(staff_user, vendor, category, "현미 쌀과자")
        hidden = _create(staff_user, vendor, category, "쌀과자 시식용", is_published=False)
        assert backend.search("쌀과자") == []  # queued, not yet indexed
    assert callbacks
    assert backend.search("쌀과자를") == [product.pk]
    assert not ProductSearchDocument.objects.filter(product=hidden).exists()

    with django_capture_on_commit_callbacks(execute=True):
        product_update(actor=staff_user, product=product, is_published=False)
    assert backend.search("쌀과자") == []

    with django_capture_on_commit_callbacks(execute=True):
        product_update(actor=staff_user, product=product, is_published=True, name="현미 누룽지")
        product_update(actor=staff_user, product=hidden, is_published=True)
    assert backend.search("누룽지") == [product.pk]
    assert backend.search("쌀과자") == [hidden.pk]
    assert backend.search("ㅎㅁ ㄴㄹㅈ") == [product.pk]

    with django_capture_on_commit_callbacks(execute=True):
        product_delete(actor=staff_user, product=hidden)
    assert backend.search("쌀과자") == []
    assert backend.search("유기능") == []


@pytest.mark.django_db(transaction=True)
def test_index_update_waits_for_the_real_commit(staff_user):
    vendor = VendorFactory(store_name="그린그램")
    category = category_get_or_create(name="차·음료", slug="tea")
    backend = get_backend()
    with transaction.atomic():
        product = _create(staff_user, vendor, category, "콤부차", description="홍차 발효 음료")
        assert backend.search("콤부차") == []
    assert backend.search("콤부차") == [product.pk]
    assert backend.search("ㅋㅂㅊ") == [product.pk]


def test_unpublished_rows_left_in_the_index_are_never_returned(db, settings):
    settings.SEARCH_CACHE_SECONDS = 0  # (a cached answer would stay until the index changes)
    product = ProductFactory(name="쌀과자")
    backend = get_backend()
    backend.index_products([product.pk])
    assert backend.search("쌀과자") == [product.pk]
    # Unpublished without an index update (a lagging worker): still hidden at query time.
    Product.objects.filter(pk=product.pk).update(is_published=False)
    assert backend.search("쌀과자") == []
    assert backend.search("쌀과쟈") == []  # nor by the typo path


def test_rebuild_drops_stale_rows_and_counts(db):
    kept, dropped = ProductFactory(name="두부"), ProductFactory(name="순두부")
    backend = get_backend()
    assert backend.rebuild() == 2
    Product.objects.filter(pk=dropped.pk).update(is_published=False)
    progress = []
    assert backend.rebuild(progress=lambda done, total: progress.append((done, total))) == 1
    assert progress[0] == (0, 1)
    assert progress[-1] == (1, 1)
    assert list(ProductSearchDocument.objects.values_list("product_id", flat=True)) == [kept.pk]
    assert backend.search("두부") == [kept.pk]


NAMES = [
    "현미 쌀과자",
    "유기농 현미차",
    "비건 그래놀라",
    "도자기 머그컵",
    "친환경 주방세제",
    "원두 커피 드립백",
    "수제 쿠키",
    "국산콩 두부",
]


def _bulk(vendor, category, start: int, stop: int) -> None:
    Product.objects.bulk_create(
        Product(
            vendor=vendor,
            category=category,
            name=f"{NAMES[i % len(NAMES)]} {i}호",
            slug=f"bulk-{i}",
            description="서울 사회적기업이 만든 상품입니다.",
            is_published=True,
        )
        for i in range(start, stop)
    )


@pytest.mark.django_db
def test_search_runs_a_constant_number_of_statements(count_queries, settings):
    """10 products or 1,000: one statement per search. The typo fallback adds the
    vocabulary lookup and the corrected search (and on PostgreSQL the transaction-local
    pg_trgm threshold before the lookup)."""
    settings.SEARCH_CACHE_SECONDS = 0
    vendor = VendorFactory()
    category = CategoryFactory(name="식품")
    backend = get_backend()
    queries = ["쌀과자를", "쌀 과자", "쌀과", "그래놀", "ㅆㄱㅈ", "유기능"]

    def measure() -> dict[str, tuple[int, bool]]:
        backend.rebuild()
        for q in queries:
            backend.search(q)  # warm: analyzer loaded, ctype checked once per process
        out = {}
        for q in queries:
            with count_queries() as ctx:
                ids = backend.search(q)
            out[q] = (len(ctx), bool(ids))
        return out

    _bulk(vendor, category, 0, 10)
    small = measure()
    _bulk(vendor, category, 10, 1000)
    large = measure()
    assert small == large
    assert {q: n for q, (n, _) in small.items()} == {
        "쌀과자를": 1,
        "쌀 과자": 1,
        "쌀과": 1,
        "그래놀": 1,
        "ㅆㄱㅈ": 1,
        "유기능": 4 if connection.vendor == "postgresql" else 3,
    }
    assert all(found for _, found in large.values())


def test_ctype_check_passes_on_this_database(db):
    assert checks.check_pg_trgm_ctype(databases=["default"]) == []


@postgres_only
def test_ctype_check_and_first_search_fail_loudly(db, monkeypatch):
    message = "pg_trgm extracts no trigrams from Hangul … LC_CTYPE is 'C'"
    monkeypatch.setattr("shop.search.database.postgres_trgm_problem", lambda conn=None: message)
    (error,) = checks.check_pg_trgm_ctype(databases=["default"])
    assert error.id == "shop.search.E001"
    assert "LC_CTYPE" in error.msg
    monkeypatch.setattr(PostgresBackend, "_checked", False)
    with pytest.raises(ImproperlyConfigured, match="LC_CTYPE"):
        PostgresBackend().search("쌀과자")


@postgres_only
def test_a_c_ctype_database_is_detected(db):
    """A real database created with LC_CTYPE 'C': show_trgm('쌀과자') is {} there."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    name = "nuri_search_ctype_c_check"
    base = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}
    with psycopg.connect(dbname="postgres", autocommit=True, **base) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    try:
        with psycopg.connect(dbname=name, autocommit=True, **base) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            problem = postgres_trgm_problem(conn)
        assert problem
        assert "LC_CTYPE is 'C'" in problem
        assert postgres_trgm_problem() is None  # the test database is UTF-8
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **base) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")


def test_factories_make_searchable_products(db):
    product = ProductFactory(name="수제 비누 선물세트", variants=2, variants__stock=5)
    assert product.variants.count() == 2
    assert {v.stock.quantity for v in product.variants.all()} == {5}
    variant = VariantFactory(product=product, stock=3, stock__allocated=1)
    assert variant.stock.available == 2
    get_backend().index_products([product.pk])
    assert get_backend().search("비누") == [product.pk]


def test_result_cache_answers_repeats_and_follows_index_writes(db, count_queries, settings):
    settings.SEARCH_CACHE_SECONDS = 60
    tofu = ProductFactory(name="국산콩 두부")
    backend = get_backend()
    assert backend.search("두부") == []  # no index token yet: not cached
    backend.index_products([tofu.pk])
    assert backend.search("두부") == [tofu.pk]  # miss: token + search
    with count_queries() as ctx:
        assert backend.search("두부") == [tofu.pk]
    assert len(ctx) == 1  # hit: the token only
    soft = ProductFactory(name="순두부")
    backend.index_products([soft.pk])  # a new token: earlier answers are not used again
    assert set(backend.search("두부")) == {tofu.pk, soft.pk}


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "*",
        "(쌀",
        "AND OR NOT",
        "sfx:쌀",
        "NEAR(쌀 과자)",
        "\\",
        "%",
        "_",
        "😀",
        "ㅆ과자",
        "ㅏㅑ",
        "12345",
        "a" * 300,
        "쌀과자 " * 50,
        "{name_terms}: 쌀",
        "'; DROP TABLE shop_product; --",
    ],
)
def test_any_typed_text_is_a_safe_query(db, query, settings):
    settings.SEARCH_CACHE_SECONDS = 0
    product = ProductFactory(name="쌀과자")
    get_backend().index_products([product.pk])
    assert isinstance(get_backend().search(query), list)
    assert Product.objects.filter(pk=product.pk).exists()
