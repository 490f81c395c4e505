"""What gets indexed for a product, built in batches (one query per batch, kiwi per text).

Every backend indexes the same ``SearchDocument``: the database backends store its term
lists, Elasticsearch sends its raw texts (for nori) plus the same suffix and 초성 fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch

from shop.catalog.models import DietaryTag, Product, ProductVariant
from shop.search import analysis

# Long descriptions are cut before analysis: what matters for search is in the first lines,
# and it bounds indexing time per product.
DESCRIPTION_CHARS = 2000
BATCH_SIZE = 500


@dataclass
class SearchDocument:
    product_id: int
    name: str
    compact: str
    cho: str
    jamo: str
    name_terms: list[str]
    sfx: list[str]
    vendor_terms: list[str]
    category_terms: list[str]
    body_terms: list[str]
    cho_terms: list[str]
    # Words of the name (two characters or more): the typo-correction vocabulary.
    words: list[str] = field(default_factory=list)
    # Raw texts, for engines that analyze themselves (Elasticsearch/nori).
    raw: dict[str, str] = field(default_factory=dict)


def product_queryset():
    """Published products with everything a document needs, in two queries per batch."""
    return (
        Product.objects.filter(is_published=True)
        .select_related("vendor__organization", "category__parent")
        .prefetch_related(
            Prefetch("variants", queryset=ProductVariant.objects.only("id", "product_id", "name"))
        )
        .order_by("pk")
    )


_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|\n+")


class _Cache:
    """Analysis shared across the products of one indexing run.

    Vendor and category texts repeat, and so do description sentences (a vendor's
    boilerplate, a product line's blurb): each distinct sentence goes through kiwi once.
    Bounded, so that a 100k-product rebuild does not keep every sentence in memory.
    """

    MAX_SENTENCES = 50_000

    def __init__(self):
        self.sentences: dict[str, list[str]] = {}
        self.vendors: dict[int, str] = {}

    def sentence_terms(self, sentence: str) -> list[str]:
        terms = self.sentences.get(sentence)
        if terms is None:
            if len(self.sentences) >= self.MAX_SENTENCES:
                self.sentences.clear()
            terms = self.sentences[sentence] = analysis.text_terms(sentence)
        return terms

    def terms(self, text: str) -> list[str]:
        """Index terms of a text, analyzed sentence by sentence."""
        sentences = [s.strip() for s in _SENTENCE_END.split(text or "")]
        return analysis.unique(t for s in sentences if s for t in self.sentence_terms(s))

    def vendor_text(self, product: Product) -> str:
        text = self.vendors.get(product.vendor_id)
        if text is None:
            text = self.vendors[product.vendor_id] = vendor_text(product)
        return text


def vendor_text(product: Product) -> str:
    vendor = product.vendor
    org = vendor.organization
    parts = [vendor.store_name]
    if org.name != vendor.store_name:
        parts.append(org.name)
    parts += [org.get_org_type_display(), org.district_name]
    return " ".join(str(p) for p in parts if p)


def category_text(product: Product) -> str:
    category = product.category
    parts = [category.name]
    if category.parent_id:
        parts.append(category.parent.name)
    return " ".join(parts)


def body_text(product: Product) -> str:
    variants = " ".join(v.name for v in product.variants.all() if v.name)
    dietary = " ".join(
        str(DietaryTag(code).label) for code in product.dietary_tags if code in DietaryTag.values
    )
    parts = [
        product.description[:DESCRIPTION_CHARS],
        product.origin,
        product.certification_marks.replace(",", " "),
        dietary,
        variants,
    ]
    return "\n".join(p for p in parts if p)


def build_document(product: Product, cache: _Cache | None = None) -> SearchDocument:
    cache = cache if cache is not None else _Cache()
    name = analysis.normalize(product.name)
    terms = analysis.name_terms(name)
    vendor = cache.vendor_text(product)
    category = category_text(product)
    body = body_text(product)
    name_set = set(terms)
    return SearchDocument(
        product_id=product.pk,
        name=product.name,
        compact=analysis.compact(name),
        cho=analysis.choseong(analysis.compact(name)),
        jamo=analysis.jamo(name),
        name_terms=terms,
        sfx=analysis.suffixes(name),
        vendor_terms=cache.terms(vendor),
        category_terms=cache.terms(category),
        # Terms already in the name add nothing but length to the description column.
        body_terms=[t for t in cache.terms(body) if t not in name_set],
        cho_terms=analysis.choseong_terms(name, terms),
        words=[w for w in analysis.words_of(name) if len(w) >= 2],
        raw={"name": product.name, "vendor": vendor, "category": category, "body": body},
    )


def iter_batches(
    product_ids: Iterable[int] | None = None, *, batch_size: int = BATCH_SIZE
) -> Iterator[tuple[list[int], list[SearchDocument]]]:
    """``(ids asked for, documents of the published ones)`` per batch, by ascending id.

    With ``product_ids=None`` every published product is read with keyset pagination.
    """
    cache = _Cache()
    if product_ids is not None:
        ids = sorted({int(i) for i in product_ids})
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            products = product_queryset().filter(pk__in=chunk)
            yield chunk, [build_document(p, cache) for p in products]
        return
    last = 0
    while True:
        products = list(product_queryset().filter(pk__gt=last)[:batch_size])
        if not products:
            return
        last = products[-1].pk
        yield [p.pk for p in products], [build_document(p, cache) for p in products]
