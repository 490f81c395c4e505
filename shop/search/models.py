"""The search index kept in the database (SQLite FTS5 / PostgreSQL backends).

One row per *published* product, rebuilt from the catalog by ``shop.search.documents``:
the name forms that ranking and typo matching read. The terms live in engine-specific
structures, created by migration ``shop/0002_search_index`` outside the model:

* SQLite: the FTS5 table ``shop_search_fts`` (name terms, name suffixes, vendor, category,
  description and 초성 terms; ``unicode61``, prefix indexes), keyed by product id;
* PostgreSQL: a weighted ``tsvector`` column ``vector`` (A name, B vendor and category,
  C description, D name suffixes and 초성) with a GIN index;
* both: ``shop_search_vocab``, the words of indexed names with their jamo, trigram-indexed
  (FTS5 ``trigram`` / pg_trgm GIN) for typo correction.

The row is kept narrow on purpose: a broad query at 100k products reads thousands of them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductSearchDocument(models.Model):
    product = models.OneToOneField(
        "shop.Product",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("상품"),
    )
    name = models.CharField(_("상품명"), max_length=200)
    # The name without spaces or punctuation, lower-case: ranks exact/prefix/substring matches.
    compact = models.CharField(_("붙여 쓴 이름"), max_length=200)
    # 초성 of the compact name (ㅎㅁㅆㄱㅈ for 현미 쌀과자).
    cho = models.CharField(_("초성"), max_length=200)
    indexed_at = models.DateTimeField(_("색인 시각"), auto_now=True)

    class Meta:
        verbose_name = _("상품 검색 색인")
        verbose_name_plural = _("상품 검색 색인")

    def __str__(self) -> str:
        return self.name


class SearchIndexState(models.Model):
    """One row whose token changes (randomly) with every index write.

    Cached search results are keyed by it (``DatabaseBackend.search``). A random token, not
    a counter: a rolled-back write restores the previous token, never reuses a later one.
    Missing (a new or flushed database) means "do not cache".
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(_("색인 토큰"), max_length=32)
    changed_at = models.DateTimeField(_("변경 시각"), auto_now=True)

    class Meta:
        verbose_name = _("검색 색인 상태")
        verbose_name_plural = _("검색 색인 상태")

    def __str__(self) -> str:
        return self.token
