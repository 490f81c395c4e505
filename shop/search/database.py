"""Database search backends: SQLite FTS5 and PostgreSQL (tsvector + pg_trgm).

Both index the same ``SearchDocument`` and answer a query with one SQL statement (the typo
fallback adds one more when nothing matched):

1. ``ParsedQuery`` (kiwi morphemes, compact form, 초성) becomes an FTS5 ``MATCH`` expression or
   a ``tsquery`` literal: every typed word must match by all of its morphemes (name, vendor,
   category or description) or as a substring of the name; a query of consonants only
   matches 초성 prefixes.
2. Matches are ordered by engine-independent keys first (``DatabaseBackend.order_keys``),
   then by the engine's own weighted score (FTS5 bm25 / ``ts_rank`` with length
   normalization), then by id. Only the published products among the first ``limit`` are
   returned (a row of a just-unpublished product can linger until its index task runs).
3. Typo fallback, when nothing matched: each typed word is replaced by the closest word of
   the vocabulary of indexed names (jamo trigrams, word similarity ≥ 0.5: 유기능 → 유기농),
   and the corrected query runs once more. PostgreSQL finds it with pg_trgm's ``%>`` (GIN);
   SQLite finds candidates in an FTS5 ``trigram`` table (with ``MATCH``, never ``LIKE``) and
   computes the same similarity in Python (``analysis.word_similarity`` is a port of
   pg_trgm's), so both correct identically. The vocabulary is small (thousands of words
   for 100k products), which keeps this fast where matching every product name is not.

The index tables are narrow on purpose (the PostgreSQL row is the tsvector plus the short
name forms): at 100k products a broad query reads thousands of rows.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import ClassVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from shop.catalog.models import Product
from shop.search import analysis
from shop.search.base import SearchBackend
from shop.search.documents import SearchDocument, iter_batches
from shop.search.models import ProductSearchDocument, SearchIndexState

DOC_TABLE = ProductSearchDocument._meta.db_table
PRODUCT_TABLE = Product._meta.db_table
FTS_TABLE = "shop_search_fts"
VOCAB_TABLE = "shop_search_vocab"
VOCAB_TRGM_TABLE = "shop_search_vocab_trgm"
STATE_TABLE = SearchIndexState._meta.db_table
VOCAB_CANDIDATES = 500
# Ranking weight of a typed word by the best field holding all of its morphemes.
FIELD_WEIGHTS = (("name", 8), ("vendor_category", 4), ("body", 1))


def cache_seconds() -> int:
    """``SEARCH_CACHE_SECONDS`` (default 300; 0 turns the result cache off)."""
    return int(getattr(settings, "SEARCH_CACHE_SECONDS", 300))


class DatabaseBackend(SearchBackend):
    """What both database backends share: the query plan, the ranking keys, indexing."""

    # --- searching ---------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 1000) -> list[int]:
        parsed = analysis.parse_query(query or "")
        if parsed.is_empty or limit <= 0:
            return []
        key = self._cache_key(parsed, limit)
        if key:
            cached = cache.get(key)
            if cached is not None:
                return list(cached)
        ids = self._search(parsed, limit)
        if not ids and parsed.mode == "terms":
            ids = self._typo_search(parsed, limit)
        if key:
            cache.set(key, ids, cache_seconds())
        return ids

    # --- result cache ------------------------------------------------------------------------
    # A broad query at 100k products reads thousands of index rows; popular queries repeat.
    # Results are cached (Django's cache: Redis in production) under the index token, which
    # every index write replaces: one cheap statement per search, and a hit answers with it.

    def _cache_key(self, parsed: analysis.ParsedQuery, limit: int) -> str | None:
        if not cache_seconds():
            return None
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {STATE_TABLE} WHERE id = 1")
            row = cursor.fetchone()
        if row is None:
            return None  # a new or flushed index: nothing is known to be current
        raw = "|".join(
            [self.name, str(connection.settings_dict["NAME"]), row[0], str(limit), parsed.text]
        )
        return "nuri-search:" + hashlib.sha1(raw.encode()).hexdigest()

    def _touch(self) -> None:
        """Give the index a new token (inside the transaction that changes the index)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {STATE_TABLE} (id, token, changed_at) VALUES (1, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET token = excluded.token, "
                "changed_at = excluded.changed_at",
                [uuid.uuid4().hex, timezone.now()],
            )

    # Dialect hooks.
    CONTAINS = "instr"  # instr(haystack, needle) / strpos(…): 1-based position, 0 if absent

    def _match(self, parsed: analysis.ParsedQuery) -> tuple[str, str, list]:
        """``(FROM clause with the document as d, WHERE condition, its params)``."""
        raise NotImplementedError

    def _engine_rank(self, parsed: analysis.ParsedQuery) -> tuple[str, str, list]:
        """``(expression, ASC/DESC, params)``: the engine's relevance score."""
        raise NotImplementedError

    def _field_condition(self, field: str, word: analysis.QueryWord) -> tuple[str, list] | None:
        """SQL true when ``field`` holds all of the word's morphemes (or its compound)."""
        raise NotImplementedError

    def _closest_words(self, words: list[str]) -> dict[str, str]:
        """For each typed word, the closest vocabulary word (similarity ≥ the threshold)."""
        raise NotImplementedError

    def _typo_search(self, parsed: analysis.ParsedQuery, limit: int) -> list[int]:
        words = analysis.words_of(parsed.text)
        closest = self._closest_words(analysis.unique(words)) if words else {}
        corrected = " ".join(closest.get(w, w) for w in words)
        if not closest or corrected == " ".join(words):
            return []
        retry = analysis.parse_query(corrected)
        return [] if retry.is_empty else self._search(retry, limit)

    @staticmethod
    def best_word(query_jamo: str, candidates: Iterable[tuple[str, str]]) -> str | None:
        """The candidate ``(word, jamo)`` most similar to the query word, ties to the shortest
        then the first in code-point order; None under the threshold. (PostgreSQL orders
        the same way in SQL.)"""
        scored = []
        for word, jamo in candidates:
            similarity = analysis.word_similarity(query_jamo, jamo)
            if similarity >= analysis.TYPO_THRESHOLD:
                scored.append((-similarity, len(word), word))
        return min(scored)[2] if scored else None

    def order_keys(self, parsed: analysis.ParsedQuery) -> list[tuple[str, str, list]]:
        """The engine-independent ranking keys, ``(expression, ASC/DESC, params)``:

        1. tiers: the compact name equals / starts with / contains the compact query (as
           typed, then without particles), or the 초성 name likewise for a 초성 query;
        2. a match score, summed over the typed words: the best field holding all of a
           word's morphemes (or its compound) — name 8 (also when the word is a substring of
           the name), vendor or category 4, description 1;
        3. shorter names first (the more specific match).
        The engine's bm25 / ts_rank then orders what is still tied, so every backend returns
        the same top results for the same catalog.
        """
        contains = self.CONTAINS
        if parsed.mode == "choseong":
            column, forms = "cho", [parsed.compact]
        else:
            column, forms = "compact", analysis.unique([parsed.compact, parsed.content])
        keys = [
            (
                f"CASE WHEN d.{column} = %s THEN 0 WHEN {contains}(d.{column}, %s) = 1 THEN 1 "
                f"WHEN {contains}(d.{column}, %s) > 0 THEN 2 ELSE 3 END",
                "ASC",
                [form, form, form],
            )
            for form in forms
        ]
        if parsed.mode == "terms":
            parts, params = [], []
            for word in [*parsed.required, *parsed.optional]:
                whens = []
                for field, weight in FIELD_WEIGHTS:
                    condition = self._field_condition(field, word)
                    if condition:
                        whens.append(f"WHEN {condition[0]} THEN {weight}")
                        params += condition[1]
                if whens:
                    parts.append("CASE " + " ".join(whens) + " ELSE 0 END")
            if parts:
                keys.append(("(" + " + ".join(parts) + ")", "DESC", params))
        keys.append(("length(d.compact)", "ASC", []))
        return keys

    def _search(self, parsed: analysis.ParsedQuery, limit: int) -> list[int]:
        source, condition, match_params = self._match(parsed)
        keys = [*self.order_keys(parsed), self._engine_rank(parsed)]
        columns = ", ".join(f"{expr} AS k{i}" for i, (expr, _, _) in enumerate(keys))
        order = ", ".join(f"k{i} {direction}" for i, (_, direction, _) in enumerate(keys))
        outer_order = ", ".join(f"r.k{i} {d}" for i, (_, d, _) in enumerate(keys))
        sql = (
            f"SELECT r.product_id FROM ("
            f"SELECT d.product_id, {columns} FROM {source} WHERE {condition} "
            f"ORDER BY {order}, d.product_id LIMIT %s"
            f") r JOIN {PRODUCT_TABLE} p ON p.id = r.product_id WHERE p.is_published "
            f"ORDER BY {outer_order}, r.product_id"
        )
        params = [p for _, _, key_params in keys for p in key_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *match_params, limit])
            return [row[0] for row in cursor.fetchall()]

    # --- indexing ----------------------------------------------------------------------------

    def index_products(self, product_ids: Iterable[int]) -> None:
        for chunk, docs in iter_batches(product_ids):
            with transaction.atomic():
                self._delete(chunk)
                self._insert(docs)
                self._touch()

    def rebuild(self, *, progress: Callable[[int, int], None] | None = None) -> int:
        """Re-index every published product batch by batch, then drop stale rows.

        Each batch is its own short transaction, so that search keeps answering (from the
        previous rows) and catalog writes are not blocked while a large catalog is rebuilt.
        The typo vocabulary starts afresh (words of deleted products go).
        """
        total = Product.objects.filter(is_published=True).count()
        with transaction.atomic():
            self._clear_vocabulary()
        done = 0
        if progress:
            progress(0, total)
        for chunk, docs in iter_batches(None):
            with transaction.atomic():
                self._delete(chunk)
                self._insert(docs)
                self._touch()
            done += len(docs)
            if progress:
                progress(done, max(total, done))
        with transaction.atomic():
            self._delete_stale()
            self._touch()
        self._optimize()
        return done

    def _delete(self, product_ids: list[int]) -> None:
        marks = ", ".join(["%s"] * len(product_ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {DOC_TABLE} WHERE product_id IN ({marks})", product_ids)

    def _insert(self, docs: list[SearchDocument]) -> None:
        raise NotImplementedError

    def _clear_vocabulary(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {VOCAB_TABLE}")

    @staticmethod
    def _vocabulary(docs: list[SearchDocument]) -> list[tuple[str, str]]:
        words = analysis.unique(w for d in docs for w in d.words)
        return [(w, analysis.jamo(w)) for w in words]

    def _delete_stale(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {DOC_TABLE} WHERE product_id NOT IN "
                f"(SELECT id FROM {PRODUCT_TABLE} WHERE is_published)"
            )

    def _optimize(self) -> None:
        return None


# --- SQLite -----------------------------------------------------------------------------------


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class SQLiteBackend(DatabaseBackend):
    """FTS5 (``unicode61``, prefix indexes) ranked by bm25; typos via an FTS5 trigram table."""

    name = "sqlite"
    TEXT_COLUMNS = "{name_terms vendor_terms category_terms body_terms}"
    # bm25 weights, in the FTS5 column order: name, sfx, vendor, category, body, cho.
    BM25 = f"bm25({FTS_TABLE}, 10.0, 3.0, 4.0, 4.0, 1.0, 10.0)"
    FIELDS = {
        "name": f"' ' || {FTS_TABLE}.name_terms || ' '",
        "vendor_category": (
            f"' ' || {FTS_TABLE}.vendor_terms || ' ' || {FTS_TABLE}.category_terms || ' '"
        ),
        "body": f"' ' || {FTS_TABLE}.body_terms || ' '",
    }

    @classmethod
    def match_expression(cls, parsed: analysis.ParsedQuery) -> str:
        if parsed.mode == "choseong":
            return " AND ".join(f"cho_terms : {_fts_string(c)}*" for c in parsed.chunks)
        clauses = []
        for word in parsed.required:
            morphs = " AND ".join(_fts_string(m) for m in word.morphs)
            if word.compound:
                morphs = f"({morphs}) OR {_fts_string(word.compound)}"
            alternatives = [f"{cls.TEXT_COLUMNS} : ({morphs})"]
            if word.substring:
                alternatives.append(f"sfx : {_fts_string(word.substring)}*")
            clauses.append("(" + " OR ".join(alternatives) + ")")
        if parsed.optional:
            clauses.append(
                "("
                + " OR ".join(f"sfx : {_fts_string(w.substring)}*" for w in parsed.optional)
                + ")"
            )
        return " AND ".join(clauses)

    def _match(self, parsed):
        source = f"{FTS_TABLE} JOIN {DOC_TABLE} d ON d.product_id = {FTS_TABLE}.rowid"
        return source, f"{FTS_TABLE} MATCH %s", [self.match_expression(parsed)]

    def _engine_rank(self, parsed):
        return self.BM25, "ASC", []

    def _field_condition(self, field, word):
        haystack = self.FIELDS[field]
        alternatives, params = [], []
        if word.morphs:
            alternatives.append(" AND ".join([f"instr({haystack}, %s) > 0"] * len(word.morphs)))
            params += [f" {m} " for m in word.morphs]
        if word.compound:
            alternatives.append(f"instr({haystack}, %s) > 0")
            params.append(f" {word.compound} ")
        if field == "name" and word.substring:
            # A prefix of a name suffix: what ``sfx : "…"*`` matched.
            alternatives.append(f"instr(' ' || {FTS_TABLE}.sfx, %s) > 0")
            params.append(f" {word.substring}")
        if not alternatives:
            return None
        return " OR ".join(f"({a})" for a in alternatives), params

    def _closest_words(self, words):
        jamos = {w: analysis.jamo(w) for w in words}
        grams = analysis.unique(g for j in jamos.values() for g in analysis.interior_trigrams(j))
        if not grams:
            return {}
        sql = (
            f"SELECT v.word, v.jamo FROM {VOCAB_TRGM_TABLE} "
            f"JOIN {VOCAB_TABLE} v ON v.rowid = {VOCAB_TRGM_TABLE}.rowid "
            f"WHERE {VOCAB_TRGM_TABLE} MATCH %s "
            f"ORDER BY bm25({VOCAB_TRGM_TABLE}) LIMIT {VOCAB_CANDIDATES}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [" OR ".join(_fts_string(g) for g in grams)])
            candidates = cursor.fetchall()
        closest = {}
        for word, jamo in jamos.items():
            best = self.best_word(jamo, candidates)
            if best:
                closest[word] = best
        return closest

    def _delete(self, product_ids):
        super()._delete(product_ids)
        marks = ", ".join(["%s"] * len(product_ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", product_ids)

    def _insert(self, docs):
        if not docs:
            return
        ProductSearchDocument.objects.bulk_create(
            [
                ProductSearchDocument(
                    product_id=d.product_id,
                    name=d.name[:200],
                    compact=d.compact[:200],
                    cho=d.cho[:200],
                )
                for d in docs
            ]
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, name_terms, sfx, vendor_terms, "
                "category_terms, body_terms, cho_terms) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.product_id,
                        " ".join(d.name_terms),
                        " ".join(d.sfx),
                        " ".join(d.vendor_terms),
                        " ".join(d.category_terms),
                        " ".join(d.body_terms),
                        " ".join(d.cho_terms),
                    )
                    for d in docs
                ],
            )
            vocabulary = self._vocabulary(docs)
            if vocabulary:
                cursor.executemany(
                    f"INSERT OR IGNORE INTO {VOCAB_TABLE} (word, jamo) VALUES (%s, %s)",
                    vocabulary,
                )
                # New words into the trigram table (rowid = the vocabulary row's).
                cursor.execute(
                    f"INSERT INTO {VOCAB_TRGM_TABLE} (rowid, jamo) SELECT v.rowid, v.jamo "
                    f"FROM {VOCAB_TABLE} v WHERE v.rowid NOT IN "
                    f"(SELECT rowid FROM {VOCAB_TRGM_TABLE})"
                )

    def _clear_vocabulary(self):
        super()._clear_vocabulary()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {VOCAB_TRGM_TABLE}")

    def _delete_stale(self):
        super()._delete_stale()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT product_id FROM {DOC_TABLE})"
            )

    def _optimize(self):
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, VOCAB_TRGM_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


# --- PostgreSQL -------------------------------------------------------------------------------


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


CTYPE_MESSAGE = (
    "pg_trgm extracts no trigrams from Hangul in this PostgreSQL database "
    "(show_trgm('쌀과자') = '{{}}'): its LC_CTYPE is {ctype!r}. Korean typo search needs a "
    "database created with a UTF-8 ctype, e.g. CREATE DATABASE nuri TEMPLATE template0 "
    "ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'."
)


def postgres_trgm_problem(conn=None) -> str | None:
    """A message if pg_trgm cannot see Hangul in this database (``LC_CTYPE=C``), else None.

    ``conn`` is a Django connection or a DB-API connection (the default connection if None).
    """
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT show_trgm('쌀과자') = '{}'::text[], "
            "(SELECT datctype FROM pg_database WHERE datname = current_database())"
        )
        broken, ctype = cursor.fetchone()
    return CTYPE_MESSAGE.format(ctype=ctype) if broken else None


class PostgresBackend(DatabaseBackend):
    """A weighted tsvector (GIN) ranked by ts_rank; typos via pg_trgm on the vocabulary.

    tsvector weights: A = name terms, B = vendor and category terms, C = description
    terms, D = name suffixes (substrings) and 초성 tokens. The lexemes come from kiwi and are
    written as a tsvector literal: no text-search parser or dictionary is involved.
    """

    name = "postgresql"
    CONTAINS = "strpos"
    # ts_rank weights for {D, C, B, A}, the ratios of the SQLite bm25 column weights; length
    # normalization 1 (rank / (1 + log length)) mirrors bm25's.
    RANK = "ts_rank('{0.3, 0.1, 0.4, 1.0}', d.vector, %s::tsquery, 1)"
    WEIGHTS = {"name": "A", "vendor_category": "B", "body": "C"}
    _checked: ClassVar[bool] = False

    @staticmethod
    def tsquery(parsed: analysis.ParsedQuery) -> str:
        if parsed.mode == "choseong":
            return " & ".join(f"{_lexeme(c)}:*D" for c in parsed.chunks)
        clauses = []
        for word in parsed.required:
            morphs = " & ".join(f"{_lexeme(m)}:ABC" for m in word.morphs)
            if word.compound:
                morphs = f"( {morphs} ) | {_lexeme(word.compound)}:ABC"
            alternatives = [f"( {morphs} )"]
            if word.substring:
                alternatives.append(f"{_lexeme(word.substring)}:*D")
            clauses.append("( " + " | ".join(alternatives) + " )")
        if parsed.optional:
            clauses.append(
                "( " + " | ".join(f"{_lexeme(w.substring)}:*D" for w in parsed.optional) + " )"
            )
        return " & ".join(clauses)

    @staticmethod
    def tsvector(doc: SearchDocument) -> str:
        """The weighted tsvector literal of a document."""
        positions: dict[str, list[str]] = {}
        pos = 0
        columns = (
            ("A", doc.name_terms),
            ("B", doc.vendor_terms),
            ("B", doc.category_terms),
            ("C", doc.body_terms),
            ("D", doc.sfx),
            ("D", doc.cho_terms),
        )
        for weight, terms in columns:
            for term in terms:
                pos = min(pos + 1, 16383)
                entry = positions.setdefault(term, [])
                if len(entry) < 256:
                    entry.append(f"{pos}{weight}")
        return " ".join(f"{_lexeme(t)}:{','.join(p)}" for t, p in positions.items())

    def check_trigrams(self) -> None:
        """Fail loudly, once per process, on a database whose ctype breaks pg_trgm."""
        if PostgresBackend._checked:
            return
        problem = postgres_trgm_problem()
        if problem:
            raise ImproperlyConfigured(problem)
        PostgresBackend._checked = True

    def _search(self, parsed, limit):
        self.check_trigrams()
        return super()._search(parsed, limit)

    def _match(self, parsed):
        return f"{DOC_TABLE} d", "d.vector @@ %s::tsquery", [self.tsquery(parsed)]

    def _engine_rank(self, parsed):
        return self.RANK, "DESC", [self.tsquery(parsed)]

    def _field_condition(self, field, word):
        weight = self.WEIGHTS[field]
        alternatives = []
        if word.morphs:
            alternatives.append(
                "( " + " & ".join(f"{_lexeme(m)}:{weight}" for m in word.morphs) + " )"
            )
        if word.compound:
            alternatives.append(f"{_lexeme(word.compound)}:{weight}")
        if field == "name" and word.substring:
            alternatives.append(f"{_lexeme(word.substring)}:*D")
        if not alternatives:
            return None
        return "d.vector @@ %s::tsquery", [" | ".join(alternatives)]

    def _closest_words(self, words):
        # pg_trgm's `%>` uses its word-similarity threshold setting: set it for this one
        # transaction only (safe behind a transaction-pooling proxy). Ties: the shortest
        # word, then code-point order (COLLATE "C"), as ``best_word`` does.
        sql = (
            f"SELECT DISTINCT ON (q.i) q.word, v.word "
            f"FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS q(word, jamo, i) "
            f"JOIN {VOCAB_TABLE} v ON v.jamo %%> q.jamo "
            f"ORDER BY q.i, word_similarity(q.jamo, v.jamo) DESC, length(v.word), "
            f'v.word COLLATE "C"'
        )
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(analysis.TYPO_THRESHOLD)],
            )
            cursor.execute(sql, [words, [analysis.jamo(w) for w in words]])
            return dict(cursor.fetchall())

    def _insert(self, docs):
        if not docs:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {DOC_TABLE} (product_id, name, compact, cho, indexed_at, vector) "
                "VALUES (%s, %s, %s, %s, now(), %s::tsvector) "
                "ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, "
                "compact = EXCLUDED.compact, cho = EXCLUDED.cho, "
                "indexed_at = EXCLUDED.indexed_at, vector = EXCLUDED.vector",
                [
                    (
                        d.product_id,
                        d.name[:200],
                        d.compact[:200],
                        d.cho[:200],
                        self.tsvector(d),
                    )
                    for d in docs
                ],
            )
            vocabulary = self._vocabulary(docs)
            if vocabulary:
                cursor.executemany(
                    f"INSERT INTO {VOCAB_TABLE} (word, jamo) VALUES (%s, %s) "
                    "ON CONFLICT (word) DO NOTHING",
                    vocabulary,
                )

    def _optimize(self):
        # A bulk rebuild leaves entries in the GIN indexes' pending lists, which every search
        # would scan linearly until autovacuum merges them: merge them now.
        with connection.cursor() as cursor:
            for index in ("shop_search_vector_gin", "shop_search_vocab_jamo_trgm"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute(f"ANALYZE {DOC_TABLE}")
            cursor.execute(f"ANALYZE {VOCAB_TABLE}")
