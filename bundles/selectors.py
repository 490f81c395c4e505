"""Bundle reads, N+1-free: a page of bundles with every component's variant, product,
vendor and stock costs two queries (bundles joined with their curator; components joined
with variant, product, vendor, organization and stock), whatever the page size. Price,
vendor shares and availability are then computed from what is loaded (``bundles.pricing``).

Who sees what: published bundles are public; centre staff see every bundle; a vendor's staff
also see the bundles their vendor curates; anyone signed in also sees the (personal,
unpublished) bundles they created.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from bundles.models import Bundle, BundleComponent, Subscription, SubscriptionRun
from bundles.pricing import (
    BundleAvailability,
    BundlePrice,
    bundle_availability,
    bundle_price,
    components_of,
)

# Product ids from the search backend looked at when finding bundles for a search.
SEARCH_PRODUCT_IDS = 200


def components_queryset() -> QuerySet[BundleComponent]:
    return BundleComponent.objects.select_related(
        "variant__product__vendor__organization", "variant__stock"
    ).order_by("sort_order", "id")


def components_prefetch() -> Prefetch:
    return Prefetch("components", queryset=components_queryset())


def with_components(qs: QuerySet[Bundle]) -> QuerySet[Bundle]:
    return qs.select_related("curator_vendor").prefetch_related(components_prefetch())


def _managed_vendor_ids(user) -> list[int]:
    return list(user.vendor_roles.values_list("vendor_id", flat=True))


def visible_bundles(user=None) -> QuerySet[Bundle]:
    """The bundles ``user`` may see (see the module docstring)."""
    qs = Bundle.objects.all()
    if user is None or not user.is_authenticated:
        return qs.filter(is_published=True)
    if user.is_staff:
        return qs
    return qs.filter(
        Q(is_published=True)
        | Q(created_by=user)
        | Q(curator_vendor_id__in=_managed_vendor_ids(user))
    )


def unavailable_component_exists() -> Exists:
    """A component of the outer bundle that stops one bundle from being made now:
    unpublished product, vendor not selling, no stock row, or fewer units than needed."""
    return Exists(
        BundleComponent.objects.filter(bundle=OuterRef("pk")).filter(
            Q(variant__product__is_published=False)
            | Q(variant__product__vendor__is_active=False)
            | Q(variant__stock__isnull=True)
            | Q(variant__stock__quantity__lt=F("variant__stock__allocated") + F("quantity"))
        )
    )


def bundle_list(
    *,
    user=None,
    occasion: str | None = None,
    available: bool | None = None,
    search: str | None = None,
    curator_vendor_id: int | None = None,
) -> QuerySet[Bundle]:
    """Visible bundles, newest first, with their components (two queries per page).

    ``available`` filters in SQL on the same rule as ``bundle_availability`` (at least one
    bundle can be made now)."""
    qs = visible_bundles(user)
    if occasion:
        qs = qs.filter(occasion=occasion)
    if curator_vendor_id is not None:
        qs = qs.filter(curator_vendor_id=curator_vendor_id)
    if search:
        term = search.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term))
    if available is not None:
        has_components = Exists(BundleComponent.objects.filter(bundle=OuterRef("pk")))
        makeable = has_components & ~unavailable_component_exists()
        qs = qs.filter(makeable) if available else qs.exclude(makeable)
    return with_components(qs).order_by("-created_at", "-id")


def bundle_get(*, slug: str | None = None, pk: int | None = None, user=None) -> Bundle | None:
    """One visible bundle with its components (two queries), or None."""
    if slug is None and pk is None:
        return None
    qs = visible_bundles(user)
    if slug is not None:
        qs = qs.filter(slug=slug)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return with_components(qs).first()


def bundle_search(query: str, *, product_ids: Sequence[int] = (), limit: int = 6) -> list[Bundle]:
    """Published bundles for a storefront search: the name or description contains the
    query (case-insensitive), or a component is one of the products the search backend found
    (``product_ids``, best first; so particles, spacing and 초성 work as for products)."""
    term = (query or "").strip()
    if not term:
        return []
    match = Q(name__icontains=term) | Q(description__icontains=term)
    ids = list(product_ids)[:SEARCH_PRODUCT_IDS]
    if ids:
        match |= Exists(
            BundleComponent.objects.filter(bundle=OuterRef("pk"), variant__product_id__in=ids)
        )
    qs = Bundle.objects.filter(is_published=True).filter(match)
    return list(with_components(qs).order_by("-created_at", "-id")[:limit])


def published_bundles(*, limit: int = 6) -> list[Bundle]:
    """The newest published bundles with their components (home page)."""
    qs = Bundle.objects.filter(is_published=True)
    return list(with_components(qs).order_by("-created_at", "-id")[:limit])


# ---------------------------------------------------------------------------------------------
# Cards: what a bundle tile shows
# ---------------------------------------------------------------------------------------------


@dataclass
class BundleCard:
    bundle: Bundle
    price: BundlePrice
    availability: BundleAvailability
    vendors: list

    @property
    def url(self) -> str:
        return reverse("bundles:detail", args=[self.bundle.slug])

    @property
    def name(self) -> str:
        return self.bundle.name


def bundle_card(bundle: Bundle) -> BundleCard:
    vendors = []
    for c in components_of(bundle):
        vendor = c.variant.product.vendor
        if all(v.pk != vendor.pk for v in vendors):
            vendors.append(vendor)
    return BundleCard(
        bundle=bundle,
        price=bundle_price(bundle),
        availability=bundle_availability(bundle),
        vendors=vendors,
    )


def bundle_cards(bundles: Iterable[Bundle]) -> list[BundleCard]:
    return [bundle_card(b) for b in bundles]


# ---------------------------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------------------------


def subscription_list(user) -> QuerySet[Subscription]:
    """The user's subscriptions with their bundle (and its components) and runs."""
    if user is None or not user.is_authenticated:
        return Subscription.objects.none()
    runs = SubscriptionRun.objects.select_related("order").order_by("-period_date", "-id")
    bundles = with_components(Bundle.objects.all())
    return (
        Subscription.objects.filter(user=user)
        .prefetch_related(Prefetch("bundle", queryset=bundles), Prefetch("runs", queryset=runs))
        .order_by("-created_at", "-id")
    )


def bundle_for_ref(*, user=None, pk: int | None = None, slug: str | None = None) -> Bundle | None:
    """The bundle a client names by id or slug, among those ``user`` may see (without the
    component prefetch: for writes that load what they need)."""
    qs = visible_bundles(user)
    if pk is not None:
        return qs.filter(pk=pk).first()
    if slug:
        return qs.filter(slug=slug).first()
    return None
