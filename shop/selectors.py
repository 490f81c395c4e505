"""Storefront reads: product listing (filters, sort, facets), product detail, category tree.

Every function here runs a fixed number of SQL statements whatever the catalog size:

- the category tree is one query (categories are few), reused for filters, facets,
  breadcrumbs and navigation;
- a product page of any size is one query (``select_related`` category, vendor and
  organization) plus one per prefetched relation (variants with their stock, images,
  optionally the organization's certifications and program participations);
- a search ranks with the search backend, keeps the matches that pass the filters in one
  query and fetches only the requested page, ordered by rank (``RankedProducts``);
- facets are three queries (see ``product_facets``), each multi-valued dimension counted
  with every filter but its own, so that ticking a box never hides its siblings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from shop.catalog.models import (
    ALLERGEN_GROUPS,
    Category,
    Product,
    ProductImage,
    ProductVariant,
    TaxType,
)
from shop.search import registry as search_registry
from vendors.eligibility import valid_certifications_q
from vendors.models import Certification, OrgType, Participation

# ---------------------------------------------------------------------------------------------
# Category tree
# ---------------------------------------------------------------------------------------------


class CategoryTree:
    """Every category, loaded in one query, with parent/child links resolved in memory."""

    def __init__(self, categories: Iterable[Category]):
        self.nodes: list[Category] = list(categories)
        self.by_id: dict[int, Category] = {c.pk: c for c in self.nodes}
        self.by_slug: dict[str, Category] = {c.slug: c for c in self.nodes}
        self._children: dict[int | None, list[Category]] = {}
        for c in self.nodes:  # already ordered by sort_order, name
            self._children.setdefault(c.parent_id, []).append(c)

    @property
    def roots(self) -> list[Category]:
        return self._children.get(None, [])

    def children(self, category: Category | int) -> list[Category]:
        pk = category if isinstance(category, int) else category.pk
        return self._children.get(pk, [])

    def parent(self, category: Category) -> Category | None:
        return self.by_id.get(category.parent_id) if category.parent_id else None

    def ancestors(self, category: Category) -> list[Category]:
        """From the root down to the parent of ``category``."""
        out, seen = [], {category.pk}
        node = self.parent(category)
        while node is not None and node.pk not in seen:
            out.append(node)
            seen.add(node.pk)
            node = self.parent(node)
        return out[::-1]

    def level(self, category: Category) -> int:
        return len(self.ancestors(category))

    def descendant_ids(self, category: Category | int) -> list[int]:
        """``category`` and everything below it."""
        root = category if isinstance(category, int) else category.pk
        out, stack, seen = [], [root], set()
        while stack:
            pk = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            out.append(pk)
            stack.extend(c.pk for c in self._children.get(pk, []))
        return out

    def rolled_up(self, counts: dict[int, int]) -> dict[int, int]:
        """Counts per category including all descendants."""
        total: dict[int, int] = {}
        for pk, n in counts.items():
            node = self.by_id.get(pk)
            if node is None:
                continue
            for c in [node, *self.ancestors(node)]:
                total[c.pk] = total.get(c.pk, 0) + n
        return total


def category_tree() -> CategoryTree:
    return CategoryTree(Category.objects.order_by("sort_order", "name", "id"))


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductFilter:
    """What a buyer narrows the catalog by; every field is optional.

    Prices are integer KRW including VAT. ``price_*`` keeps products with at least one
    variant in the range (Saleor's ``price``); ``minimal_price_*`` compares the product's
    lowest variant price (Saleor's ``minimalPrice``). ``categories`` include descendants.
    """

    search: str = ""
    categories: tuple[int, ...] = ()
    ids: tuple[int, ...] = ()
    slugs: tuple[str, ...] = ()
    vendors: tuple[int, ...] = ()
    vendor_slugs: tuple[str, ...] = ()
    org_types: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    tax_types: tuple[str, ...] = ()
    price_gte: int | None = None
    price_lte: int | None = None
    minimal_price_gte: int | None = None
    minimal_price_lte: int | None = None
    dietary_tags: tuple[str, ...] = ()
    exclude_allergens: tuple[str, ...] = ()
    allergen_free: bool = False
    priority_purchase: bool = False
    priority_on: date | None = None
    in_stock: bool | None = None


# Multi-valued dimensions shown as facets, each counted without its own filter.
FACET_DIMENSIONS = ("category", "org_type", "district", "tax_type")


def published_products() -> QuerySet[Product]:
    """What the public may see: published products of active vendors."""
    return Product.objects.filter(is_published=True, vendor__is_active=True)


def _variants_in_range(gte: int | None, lte: int | None) -> Exists:
    q = Q(product=OuterRef("pk"))
    if gte is not None:
        q &= Q(price__gte=gte)
    if lte is not None:
        q &= Q(price__lte=lte)
    return Exists(ProductVariant.objects.filter(q))


def priority_purchase_exists(on: date | None = None) -> Exists:
    """Products whose vendor counts for priority purchase (우선구매) on ``on``."""
    certs = Certification.objects.filter(
        valid_certifications_q(on or timezone.localdate(), settings.PRIORITY_PURCHASE_KINDS),
        organization=OuterRef("vendor__organization"),
    )
    return Exists(certs)


def expand_allergen_codes(codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        out.extend(ALLERGEN_GROUPS.get(code, [code]))
    return sorted(set(out))


def _conditions(f: ProductFilter, tree: CategoryTree | None, ranked: list[int] | None) -> dict:
    """Filter conditions by dimension: ``{name: [Q or Exists, ...]}``."""
    c: dict[str, list] = {}
    if ranked is not None:
        c["search"] = [Q(pk__in=ranked)]
    if f.categories:
        tree = tree or category_tree()
        ids = sorted({d for pk in f.categories for d in tree.descendant_ids(pk)})
        c["category"] = [Q(category_id__in=ids)]
    if f.ids:
        c["ids"] = [Q(pk__in=f.ids)]
    if f.slugs:
        c["slugs"] = [Q(slug__in=f.slugs)]
    if f.vendors:
        c["vendor"] = [Q(vendor_id__in=f.vendors)]
    if f.vendor_slugs:
        c["vendor_slug"] = [Q(vendor__slug__in=f.vendor_slugs)]
    if f.org_types:
        c["org_type"] = [Q(vendor__organization__org_type__in=f.org_types)]
    if f.districts:
        c["district"] = [Q(vendor__organization__district__in=f.districts)]
    if f.tax_types:
        c["tax_type"] = [Q(tax_type__in=f.tax_types)]
    if f.price_gte is not None or f.price_lte is not None:
        c["price"] = [_variants_in_range(f.price_gte, f.price_lte)]
    if f.minimal_price_gte is not None or f.minimal_price_lte is not None:
        conds = []
        if f.minimal_price_gte is not None:
            conds.append(Q(min_price__gte=f.minimal_price_gte))
        if f.minimal_price_lte is not None:
            conds.append(Q(min_price__lte=f.minimal_price_lte))
        c["minimal_price"] = conds
    if f.dietary_tags:
        c["dietary"] = [Q(dietary_codes__contains=f",{t},") for t in f.dietary_tags]
    if f.exclude_allergens:
        c["allergens"] = [
            ~Q(allergen_codes__contains=f",{a},")
            for a in expand_allergen_codes(f.exclude_allergens)
        ]
    if f.allergen_free:
        c["allergen_free"] = [Q(allergen_codes="")]
    if f.priority_purchase:
        c["priority"] = [priority_purchase_exists(f.priority_on)]
    if f.in_stock is not None:
        in_stock = Exists(
            ProductVariant.objects.filter(
                product=OuterRef("pk"), stock__quantity__gt=F("stock__allocated")
            )
        )
        c["in_stock"] = [in_stock if f.in_stock else ~in_stock]
    return c


def _apply(qs: QuerySet, conditions: dict, *, without: Iterable[str] = ()) -> QuerySet:
    skip = set(without)
    for name, conds in conditions.items():
        if name not in skip:
            qs = qs.filter(*conds)
    return qs


def search_ids(query: str, *, limit: int = 1000) -> list[int]:
    """Product ids matching ``query``, best first (the configured search backend)."""
    query = (query or "").strip()
    return search_registry.get_backend().search(query, limit=limit) if query else []


# ---------------------------------------------------------------------------------------------
# Prefetching what a product card or a product page shows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRelations:
    """Which relations to load with a page of products (each prefetch is one query)."""

    category: bool = True
    vendor: bool = True
    variants: bool = True
    images: bool = True
    certifications: bool = False
    participations: bool = False
    priority_flag: bool = False  # annotate ``is_priority`` (no extra query)


CARD_RELATIONS = ProductRelations(priority_flag=True)


def with_relations(qs: QuerySet[Product], rel: ProductRelations) -> QuerySet[Product]:
    related = []
    if rel.category:
        related.append("category")
    if rel.vendor or rel.certifications or rel.participations:
        related.append("vendor__organization")
    if related:
        qs = qs.select_related(*related)
    prefetch = []
    if rel.variants:
        prefetch.append(
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.select_related("stock").order_by(
                    "sort_order", "id"
                ),
            )
        )
    if rel.images:
        prefetch.append(
            Prefetch("images", queryset=ProductImage.objects.order_by("sort_order", "id"))
        )
    if rel.certifications:
        prefetch.append(
            Prefetch(
                "vendor__organization__certifications",
                queryset=Certification.objects.order_by("-valid_from", "id"),
            )
        )
    if rel.participations:
        prefetch.append(
            Prefetch(
                "vendor__organization__participations",
                queryset=Participation.objects.select_related("cycle__program").order_by(
                    "-cycle__year", "id"
                ),
            )
        )
    if prefetch:
        qs = qs.prefetch_related(*prefetch)
    if rel.priority_flag:
        qs = qs.annotate(is_priority=priority_purchase_exists())
    return qs


# ---------------------------------------------------------------------------------------------
# Listing
# ---------------------------------------------------------------------------------------------


class SortField:
    RECOMMENDED = "recommended"  # rank when searching, else featured first then newest
    RANK = "rank"
    NAME = "name"
    PRICE = "price"  # the product's lowest variant price
    CREATED = "created"
    UPDATED = "updated"


def _ordered(qs: QuerySet[Product], sort: str, descending: bool) -> QuerySet[Product]:
    if sort == SortField.NAME:
        return qs.order_by("-name", "-id") if descending else qs.order_by("name", "id")
    if sort == SortField.PRICE:  # Product.min_price is kept by the variant services
        if descending:
            return qs.order_by(F("min_price").desc(nulls_last=True), "-id")
        return qs.order_by(F("min_price").asc(nulls_last=True), "id")
    if sort == SortField.CREATED:
        return (
            qs.order_by("created_at", "id") if not descending else qs.order_by("-created_at", "-id")
        )
    if sort == SortField.UPDATED:
        return (
            qs.order_by("updated_at", "id") if not descending else qs.order_by("-updated_at", "-id")
        )
    # RECOMMENDED (and RANK without a search)
    return qs.order_by("-is_featured", "-created_at", "-id")


class RankedProducts:
    """Search results in the backend's rank order, sliceable like a queryset.

    ``count()`` and slicing run one query that keeps the ranked ids passing the filters;
    a slice then fetches just that page (with its relations) by id. Works with
    ``core.graphql.connection.paginate`` and Django's ``Paginator``.
    """

    def __init__(self, filtered: QuerySet[Product], ranked_ids: Sequence[int], page_qs):
        self._filtered = filtered
        self._ranked = list(ranked_ids)
        self._page_qs = page_qs
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            if not self._ranked:
                self._ids = []
            else:
                keep = set(self._filtered.values_list("pk", flat=True))
                self._ids = [pk for pk in self._ranked if pk in keep]
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        page = self.ids()[key]
        if not page:
            return []
        rows = {p.pk: p for p in self._page_qs.filter(pk__in=page)}
        return [rows[pk] for pk in page if pk in rows]

    def __iter__(self):
        return iter(self[:])


def product_list(
    *,
    filters: ProductFilter = ProductFilter(),
    sort: str = SortField.RECOMMENDED,
    descending: bool = False,
    relations: ProductRelations = CARD_RELATIONS,
    tree: CategoryTree | None = None,
    base: QuerySet[Product] | None = None,
    ranked: list[int] | None = None,
):
    """Published products passing ``filters``, sorted; a queryset or ``RankedProducts``.

    Slice the result to get a page: relations are loaded for that page only. ``ranked``
    passes search results already fetched (for the facets of the same page).
    """
    base = published_products() if base is None else base
    if ranked is None and filters.search.strip():
        ranked = search_ids(filters.search)
    filtered = _apply(base, _conditions(filters, tree, ranked))
    if ranked is not None and sort in (SortField.RECOMMENDED, SortField.RANK):
        # Best first, except an explicit ascending RANK (worst first, as in Saleor).
        order = ranked[::-1] if (sort == SortField.RANK and not descending) else ranked
        return RankedProducts(filtered, order, with_relations(base, relations))
    return with_relations(_ordered(filtered, sort, descending), relations)


# ---------------------------------------------------------------------------------------------
# Facets
# ---------------------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facets:
    total: int
    category_counts: dict[int, int] = field(default_factory=dict)  # rolled up to ancestors
    org_types: list[FacetValue] = field(default_factory=list)
    districts: list[FacetValue] = field(default_factory=list)
    tax_types: list[FacetValue] = field(default_factory=list)
    vegan: int = 0
    allergen_free: int = 0
    priority_purchase: int = 0


def product_facets(
    filters: ProductFilter,
    *,
    tree: CategoryTree | None = None,
    base: QuerySet | None = None,
    ranked: list[int] | None = None,
) -> Facets:
    """Counts for the storefront's filter panel, in three queries (plus the search).

    Each multi-valued facet is counted with every filter but its own ("disjunctive"
    facets: ticking 협동조합 keeps 사회적기업's count visible):

    1. categories: ``GROUP BY category`` without the category filter;
    2. organization type and district: one ``GROUP BY org_type, district`` without either
       filter; each facet then applies the *other* filter in Python;
    3. one aggregate without the tax-type filter, which goes into each ``FILTER`` clause
       instead: the total, the count per tax type, and the toggles (vegan, allergen-free,
       priority purchase). Priority purchase is an ``IN (subquery)`` over certifications,
       which the database hashes once, never a subquery per product. (The in-stock toggle
       has no count: it would cost a pass over every variant and its stock.)
    """
    from vendors.districts import DISTRICTS

    f = filters
    tree = tree or category_tree()
    base = published_products() if base is None else base
    if ranked is None and f.search.strip():
        ranked = search_ids(f.search)
    conds = _conditions(f, tree, ranked)

    by_category = dict(
        _apply(base, conds, without=["category"])
        .order_by()
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )

    org_rows = (
        _apply(base, conds, without=["org_type", "district"])
        .order_by()
        .values("vendor__organization__org_type", "vendor__organization__district")
        .annotate(n=Count("pk"))
        .values_list("vendor__organization__org_type", "vendor__organization__district", "n")
    )
    by_org_type: dict[str, int] = {}
    by_district: dict[str, int] = {}
    for org_type, district, n in org_rows:
        if not f.districts or district in f.districts:
            by_org_type[org_type] = by_org_type.get(org_type, 0) + n
        if not f.org_types or org_type in f.org_types:
            by_district[district] = by_district.get(district, 0) + n

    tax_q = Q(tax_type__in=f.tax_types) if f.tax_types else None

    def count(q: Q | None = None) -> Count:
        both = [c for c in (tax_q, q) if c is not None]
        if not both:
            return Count("pk")
        return Count("pk", filter=both[0] if len(both) == 1 else both[0] & both[1])

    eligible_orgs = Certification.objects.filter(
        valid_certifications_q(
            f.priority_on or timezone.localdate(), settings.PRIORITY_PURCHASE_KINDS
        )
    ).values("organization_id")
    agg = _apply(base, conds, without=["tax_type"]).aggregate(
        total=count(),
        vegan=count(Q(dietary_codes__contains=",vegan,")),
        allergen_free=count(Q(allergen_codes="")),
        priority=count(Q(vendor__organization_id__in=eligible_orgs)),
        **{f"tax_{t}": Count("pk", filter=Q(tax_type=t)) for t in TaxType.values},
    )
    return Facets(
        total=agg["total"],
        category_counts=tree.rolled_up(by_category),
        org_types=[
            FacetValue(v, str(label), by_org_type.get(v, 0), v in f.org_types)
            for v, label in OrgType.choices
            if by_org_type.get(v) or v in f.org_types
        ],
        districts=[
            FacetValue(code, name, by_district.get(code, 0), code in f.districts)
            for code, name in sorted(DISTRICTS.items(), key=lambda kv: kv[1])
            if by_district.get(code) or code in f.districts
        ],
        tax_types=[
            FacetValue(v, str(label), agg[f"tax_{v}"], v in f.tax_types)
            for v, label in TaxType.choices
        ],
        vegan=agg["vegan"],
        allergen_free=agg["allergen_free"],
        priority_purchase=agg["priority"],
    )


# ---------------------------------------------------------------------------------------------
# Single products
# ---------------------------------------------------------------------------------------------

DETAIL_RELATIONS = ProductRelations(certifications=True, priority_flag=False)


def product_detail(
    *,
    slug: str | None = None,
    pk: int | None = None,
    relations: ProductRelations = DETAIL_RELATIONS,
    base: QuerySet[Product] | None = None,
) -> Product | None:
    """One published product with what its page shows (4 queries), or None."""
    qs = published_products() if base is None else base
    if slug is not None:
        qs = qs.filter(slug=slug)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return with_relations(qs, relations).first()


def vendor_products(vendor_id: int, *, limit: int = 24, exclude: Iterable[int] = ()) -> list:
    """A vendor's published products, as cards for its page (3 queries)."""
    qs = product_list(filters=ProductFilter(vendors=(vendor_id,)), sort=SortField.RECOMMENDED)
    if exclude:
        qs = qs.exclude(pk__in=list(exclude))
    return product_cards(qs[:limit])


# ---------------------------------------------------------------------------------------------
# Cards: what a product tile shows, from prefetched variants and images
# ---------------------------------------------------------------------------------------------


@dataclass
class ProductCard:
    product: Product
    price_min: int | None
    price_max: int | None
    available: bool
    image: ProductImage | None

    @property
    def price_varies(self) -> bool:
        return self.price_min is not None and self.price_min != self.price_max

    @property
    def is_priority(self) -> bool:
        return bool(getattr(self.product, "is_priority", False))


def product_card(product: Product) -> ProductCard:
    variants = list(product.variants.all())
    prices = [v.price for v in variants]
    images = list(product.images.all())

    def available(v) -> bool:
        stock = getattr(v, "stock", None)  # None when the variant has no stock row
        return stock is not None and stock.available > 0

    return ProductCard(
        product=product,
        price_min=min(prices) if prices else None,
        price_max=max(prices) if prices else None,
        available=any(available(v) for v in variants),
        image=images[0] if images else None,
    )


def product_cards(products: Iterable[Product]) -> list[ProductCard]:
    return [product_card(p) for p in products]
