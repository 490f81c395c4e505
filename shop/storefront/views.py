"""Storefront pages (Korean): home, search and category listings with facets, product page.

Each page runs a fixed number of SQL statements whatever the catalog size (see
``shop.selectors``): the category tree once, five facet queries, one page of products with
three queries, and nothing per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from bundles.selectors import bundle_cards, bundle_search, published_bundles
from shop import selectors
from shop.catalog.models import Allergen, DietaryTag, TaxType
from shop.selectors import ProductFilter, SortField
from shop.tax import split_gross
from vendors.districts import DISTRICTS
from vendors.eligibility import organization_is_eligible
from vendors.models import OrgType
from vendors.selectors import vendor_list

PAGE_SIZE = 24

# key: (label, selector sort, descending)
SORTS = {
    "recommended": ("추천순", SortField.RECOMMENDED, False),
    "price_asc": ("낮은 가격순", SortField.PRICE, False),
    "price_desc": ("높은 가격순", SortField.PRICE, True),
    "newest": ("최신순", SortField.CREATED, True),
}

# Allergens a buyer most often excludes, shown as checkboxes ("nuts" is a group).
ALLERGEN_CHOICES = [
    ("milk", "우유"),
    ("egg", "달걀"),
    ("wheat", "밀"),
    ("soybean", "대두"),
    ("nuts", "견과류(땅콩·호두·잣)"),
    ("buckwheat", "메밀"),
    ("shrimp", "새우"),
]

PRICE_PRESETS = [
    ("", "10000", "1만원 이하"),
    ("10000", "30000", "1만~3만원"),
    ("30000", "50000", "3만~5만원"),
    ("50000", "", "5만원 이상"),
]


def _int(value) -> int | None:
    try:
        n = int(str(value).replace(",", "").strip())
    except (TypeError, ValueError):
        return None
    return n if n >= 0 else None


@dataclass
class ListingParams:
    filters: ProductFilter
    sort: str
    category_slug: str
    min_price: int | None
    max_price: int | None


def _params(request, tree: selectors.CategoryTree, category=None) -> ListingParams:
    get = request.GET
    if category is None:
        category = tree.by_slug.get(get.get("category", ""))
    allergen_codes = {c for c, _ in ALLERGEN_CHOICES} | set(Allergen.values)
    min_price, max_price = _int(get.get("min_price")), _int(get.get("max_price"))
    sort = get.get("sort") if get.get("sort") in SORTS else "recommended"
    filters = ProductFilter(
        search=(get.get("q") or "").strip()[:100],
        categories=(category.pk,) if category else (),
        org_types=tuple(v for v in get.getlist("type") if v in OrgType.values),
        districts=tuple(v for v in get.getlist("district") if v in DISTRICTS),
        tax_types=tuple(v for v in get.getlist("tax") if v in TaxType.values),
        price_gte=min_price,
        price_lte=max_price,
        dietary_tags=("vegan",) if get.get("vegan") else (),
        exclude_allergens=tuple(v for v in get.getlist("allergen") if v in allergen_codes),
        allergen_free=bool(get.get("allergen_free")),
        priority_purchase=bool(get.get("priority")),
        in_stock=True if get.get("in_stock") else None,
        vendor_slugs=tuple(v for v in get.getlist("vendor") if v)[:5],
    )
    return ListingParams(filters, sort, category.slug if category else "", min_price, max_price)


def _listing(request, *, template: str, category_slug: str | None = None, extra=None):
    tree = selectors.category_tree()
    category = None
    if category_slug is not None:
        category = tree.by_slug.get(category_slug)
        if category is None:
            raise Http404("분류를 찾을 수 없습니다.")
    params = _params(request, tree, category)
    f = params.filters
    ranked = selectors.search_ids(f.search) if f.search else None
    facets = selectors.product_facets(f, tree=tree, ranked=ranked)
    label, sort, descending = SORTS[params.sort]
    source = selectors.product_list(
        filters=f, sort=sort, descending=descending, tree=tree, ranked=ranked
    )
    paginator = Paginator(source, PAGE_SIZE)
    paginator.count = facets.total  # known from the facets: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    current = category or tree.by_slug.get(params.category_slug)
    category_facets = tree.children(current) if current is not None else tree.roots
    active = sum(
        [
            len(f.org_types),
            len(f.districts),
            len(f.tax_types),
            f.price_gte is not None or f.price_lte is not None,
            len(f.dietary_tags),
            len(f.exclude_allergens),
            f.allergen_free,
            f.priority_purchase,
            bool(f.in_stock),
            len(f.vendor_slugs),
            bool(params.category_slug) and category is None,
        ]
    )
    context = {
        "tree": tree,
        "category_page": category is not None,
        "category": current,
        "breadcrumbs": tree.ancestors(current) if current else [],
        "category_facets": [
            (c, facets.category_counts.get(c.pk, 0))
            for c in category_facets
            if facets.category_counts.get(c.pk, 0)
        ],
        "page": page,
        "cards": selectors.product_cards(page.object_list),
        "facets": facets,
        "filters": f,
        "params": params,
        "q": f.search,
        "sorts": [(key, value[0]) for key, value in SORTS.items()],
        "sort": params.sort,
        "sort_label": label,
        "allergen_choices": ALLERGEN_CHOICES,
        "price_presets": PRICE_PRESETS,
        "active_filters": active,
        "has_filters": bool(active),
    }
    if extra is not None:  # e.g. the bundles matching a search
        context.update(extra(f, ranked))
    return render(request, template, context)


def home(request):
    tree = selectors.category_tree()
    featured_qs = selectors.published_products().filter(is_featured=True)
    featured = selectors.product_cards(selectors.product_list(base=featured_qs)[:8])
    newest = selectors.product_cards(
        selectors.product_list(sort=SortField.CREATED, descending=True)[:8]
    )
    return render(
        request,
        "shop/storefront/home.html",
        {
            "sections": _sections(tree),
            "featured": featured,
            "newest": newest,
            "bundles": bundle_cards(published_bundles(limit=4)),  # the snack-bundle slot
            "vendors": list(vendor_list()[:8]),
        },
    )


def _bundle_results(filters: ProductFilter, ranked: list[int] | None) -> dict:
    """Published bundles matching the search (shown above the products)."""
    if not filters.search:
        return {}
    return {"bundle_cards": bundle_cards(bundle_search(filters.search, product_ids=ranked or []))}


def search(request):
    return _listing(request, template="bundles/search.html", extra=_bundle_results)


def category_detail(request, slug: str):
    return _listing(request, template="shop/storefront/product_list.html", category_slug=slug)


def product_detail(request, slug: str):
    product = selectors.product_detail(slug=slug)
    if product is None:
        raise Http404("상품을 찾을 수 없습니다.")
    tree = selectors.category_tree()
    org = product.vendor.organization
    variants = [
        {
            "variant": v,
            "taxed": split_gross(v.price, product.tax_type),
            "available": getattr(getattr(v, "stock", None), "available", 0),
        }
        for v in product.variants.all()
    ]
    allergen_labels = dict(Allergen.choices)
    dietary_labels = dict(DietaryTag.choices)
    return render(
        request,
        "shop/storefront/product_detail.html",
        {
            "product": product,
            "card": selectors.product_card(product),
            "images": list(product.images.all()),
            "variants": variants,
            # In the labelling standard's order, whatever order they were stored in.
            "allergens": [
                label for code, label in allergen_labels.items() if code in product.allergens
            ],
            "dietary": [dietary_labels.get(c, c) for c in product.dietary_tags],
            "breadcrumbs": [*tree.ancestors(product.category), product.category],
            "vendor": product.vendor,
            "org": org,
            "eligibility": organization_is_eligible(org, on=timezone.localdate()),
            "more": selectors.vendor_products(product.vendor_id, limit=4, exclude=[product.pk]),
        },
    )


def _sections(tree: selectors.CategoryTree):
    return [(root, tree.children(root)) for root in tree.roots]


def category_index(request):
    tree = selectors.category_tree()
    return render(request, "shop/storefront/categories.html", {"sections": _sections(tree)})
