"""The search index: ``ProductSearchDocument`` plus the engine-specific parts.

SQLite: an FTS5 table keyed by product id (the terms, ``unicode61`` with prefix indexes),
and the vocabulary of name words with an FTS5 ``trigram`` table over their jamo (typos;
queried with MATCH only, never LIKE).
PostgreSQL: pg_trgm, a weighted ``tsvector`` column with a GIN index, and the vocabulary
of name words with a trigram GIN index over their jamo (typos).
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS shop_search_fts USING fts5("
    "name_terms, sfx, vendor_terms, category_terms, body_terms, cho_terms, "
    "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')",
    "CREATE TABLE IF NOT EXISTS shop_search_vocab (word TEXT PRIMARY KEY, jamo TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS shop_search_vocab_trgm USING fts5("
    "jamo, tokenize = 'trigram')",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS shop_search_vocab_trgm",
    "DROP TABLE IF EXISTS shop_search_vocab",
    "DROP TABLE IF EXISTS shop_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE shop_productsearchdocument ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX shop_search_vector_gin ON shop_productsearchdocument USING gin (vector)",
    "CREATE TABLE shop_search_vocab (word text PRIMARY KEY, jamo text NOT NULL)",
    "CREATE INDEX shop_search_vocab_jamo_trgm ON shop_search_vocab USING gin (jamo gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS shop_search_vocab",
    "DROP INDEX IF EXISTS shop_search_vector_gin",
    "ALTER TABLE shop_productsearchdocument DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProductSearchDocument",
            fields=[
                (
                    "product",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="shop.product",
                        verbose_name="상품",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="상품명")),
                ("compact", models.CharField(max_length=200, verbose_name="붙여 쓴 이름")),
                ("cho", models.CharField(max_length=200, verbose_name="초성")),
                ("indexed_at", models.DateTimeField(auto_now=True, verbose_name="색인 시각")),
            ],
            options={
                "verbose_name": "상품 검색 색인",
                "verbose_name_plural": "상품 검색 색인",
            },
        ),
        migrations.CreateModel(
            name="SearchIndexState",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("token", models.CharField(max_length=32, verbose_name="색인 토큰")),
                ("changed_at", models.DateTimeField(auto_now=True, verbose_name="변경 시각")),
            ],
            options={
                "verbose_name": "검색 색인 상태",
                "verbose_name_plural": "검색 색인 상태",
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        ),
    ]
