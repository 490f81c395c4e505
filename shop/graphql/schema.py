"""Shop GraphQL: Saleor-shaped storefront queries and vendor-side catalog mutations.

``products(first: 12)`` with thumbnail, category, pricing, variants (with stock) and vendor
runs three SQL statements (products joined with category, vendor and organization; variants
joined with stock; images), whatever the page size; ``totalCount`` adds a count only when
asked, and a ``search`` filter adds the backend's lookup plus one query for the filters.
"""

from __future__ import annotations

import graphene
from graphene import relay

from core.errors import DomainError
from core.graphql.connection import paginate
from core.graphql.errors import DomainGraphQLError
from core.graphql.ids import decode_id
from core.graphql.selection import node_paths, selected_paths
from shop import selectors
from shop.catalog.models import ProductVariant
from shop.graphql.checkout import CheckoutMutations, CheckoutQueries
from shop.graphql.filters import (
    CategoryFilterInput,
    ProductFilterInput,
    ProductOrder,
    product_filter,
    product_sort,
)
from shop.graphql.mutations import ProductMutations
from shop.graphql.orders import OrderMutations, OrderQueries
from shop.graphql.payments import PaymentMutations, PaymentQueries
from shop.graphql.types import (
    CHANNELS,
    CategoryCountableConnection,
    CategoryType,
    Channel,
    ListSource,
    ProductCountableConnection,
    ProductType,
    ProductVariantType,
    category_tree_for,
    product_relations,
    visible_products,
)

CHANNEL_ARG = "Slug of a channel for which the data should be returned (default-channel)."


def check_channel(slug: str | None) -> None:
    if slug is not None and slug not in CHANNELS:
        raise DomainGraphQLError(
            DomainError("NOT_FOUND", f"Channel with '{slug}' slug does not exist.", "channel")
        )


def _one_of(id, slug, *, slug_name: str = "slug") -> None:
    if id and slug:
        raise DomainError("INVALID", f"Argument 'id' cannot be combined with '{slug_name}'.")
    if not id and not slug:
        raise DomainError(
            "REQUIRED", f"At least one of arguments is required: 'id', '{slug_name}'."
        )


class CatalogQueries(graphene.ObjectType):
    products = relay.ConnectionField(
        ProductCountableConnection,
        filter=ProductFilterInput(description="Filtering options for products."),
        sort_by=ProductOrder(description="Sort products."),
        search=graphene.String(description="Search products (same as filter.search)."),
        channel=graphene.String(description=CHANNEL_ARG),
        description="List of the shop's products (published, from active vendors).",
    )
    product = graphene.Field(
        ProductType,
        id=graphene.ID(description="ID of the product."),
        slug=graphene.String(description="Slug of the product."),
        channel=graphene.String(description=CHANNEL_ARG),
        description="Look up a product by ID or slug.",
    )
    product_variant = graphene.Field(
        ProductVariantType,
        id=graphene.ID(description="ID of the product variant."),
        sku=graphene.String(description="Sku of the product variant."),
        channel=graphene.String(description=CHANNEL_ARG),
        description="Look up a product variant by ID or SKU.",
    )
    categories = relay.ConnectionField(
        CategoryCountableConnection,
        filter=CategoryFilterInput(description="Filtering options for categories."),
        level=graphene.Int(description="Filter categories by the nesting level in the tree."),
        description="List of the shop's categories.",
    )
    category = graphene.Field(
        CategoryType,
        id=graphene.ID(description="ID of the category."),
        slug=graphene.String(description="Slug of the category"),
        description="Look up a category by ID or slug.",
    )
    channels = graphene.List(
        graphene.NonNull(Channel), description="List of all channels (one: default-channel)."
    )
    channel = graphene.Field(
        Channel,
        id=graphene.ID(description="ID of the channel."),
        slug=graphene.String(description="Slug of the channel."),
        description="Look up a channel by ID or slug.",
    )

    def resolve_products(self, info, filter=None, sort_by=None, search=None, channel=None, **kw):
        check_channel(channel)
        try:
            filters = product_filter(filter, search=search)
            sort, descending = product_sort(sort_by)
            tree = category_tree_for(info) if filters.categories else None
            source = selectors.product_list(
                filters=filters,
                sort=sort,
                descending=descending,
                relations=product_relations(node_paths(info)),
                tree=tree,
            )
            return paginate(source, ProductCountableConnection, **kw)
        except DomainError as exc:
            raise DomainGraphQLError(exc)

    def resolve_product(self, info, id=None, slug=None, channel=None):
        check_channel(channel)
        try:
            _one_of(id, slug)
            pk = decode_id(id, "Product") if id else None
        except DomainError as exc:
            raise DomainGraphQLError(exc)
        return selectors.product_detail(
            slug=slug,
            pk=pk,
            relations=product_relations(selected_paths(info)),
            base=visible_products(info),
        )

    def resolve_product_variant(self, info, id=None, sku=None, channel=None):
        check_channel(channel)
        try:
            _one_of(id, sku, slug_name="sku")
            qs = ProductVariant.objects.filter(product__in=visible_products(info))
            qs = qs.select_related("stock", "product__category", "product__vendor__organization")
            if id:
                return qs.filter(pk=decode_id(id, "ProductVariant")).first()
            return qs.filter(sku=sku).first()
        except DomainError as exc:
            raise DomainGraphQLError(exc)

    def resolve_categories(self, info, filter=None, level=None, **kw):
        tree = category_tree_for(info)
        items = tree.nodes
        f = filter or {}
        try:
            if f.get("ids"):
                ids = {decode_id(v, "Category", field="ids") for v in f["ids"]}
                items = [c for c in items if c.pk in ids]
            if f.get("slugs"):
                items = [c for c in items if c.slug in set(f["slugs"])]
            if f.get("search"):
                term = f["search"].strip().lower()
                items = [c for c in items if term in c.name.lower() or term in c.slug.lower()]
            if level is not None:
                items = [c for c in items if tree.level(c) == level]
            return paginate(ListSource(items), CategoryCountableConnection, **kw)
        except DomainError as exc:
            raise DomainGraphQLError(exc)

    def resolve_category(self, info, id=None, slug=None):
        tree = category_tree_for(info)
        try:
            _one_of(id, slug)
            if id:
                return tree.by_id.get(decode_id(id, "Category"))
        except DomainError as exc:
            raise DomainGraphQLError(exc)
        return tree.by_slug.get(slug)

    def resolve_channels(self, info):
        return list(CHANNELS.values())

    def resolve_channel(self, info, id=None, slug=None):
        try:
            _one_of(id, slug)
            if id:
                return Channel.get_node(info, decode_id(id, "Channel"))
        except DomainError as exc:
            raise DomainGraphQLError(exc)
        return CHANNELS.get(slug)


class Queries(CatalogQueries, CheckoutQueries, OrderQueries, PaymentQueries):
    pass


class Mutations(ProductMutations, CheckoutMutations, OrderMutations, PaymentMutations):
    pass
