"""The root GraphQL schema: a list of each app's Queries and Mutations."""

import graphene
from graphene import relay

from accounts.graphql.schema import Mutations as AccountMutations
from accounts.graphql.schema import Queries as AccountQueries
from bundles.builder_graphql import BuilderMutations, BuilderQueries
from bundles.graphql.schema import BundleMutations, BundleQueries
from core.graphql.ids import resolve_node
from purchasing.graphql.schema import PurchasingMutations, PurchasingQueries
from shop.graphql.schema import Mutations as ShopMutations
from shop.graphql.schema import Queries as ShopQueries
from vendors.graphql.schema import Mutations as VendorMutations
from vendors.graphql.schema import Queries as VendorQueries


class Query(
    AccountQueries,
    VendorQueries,
    ShopQueries,
    BundleQueries,
    BuilderQueries,
    PurchasingQueries,
    graphene.ObjectType,
):
    node = graphene.Field(
        relay.Node, id=graphene.ID(required=True, description="The ID of the object")
    )

    @staticmethod
    def resolve_node(root, info, id):
        return resolve_node(info, id)


class Mutation(
    AccountMutations,
    VendorMutations,
    ShopMutations,
    BundleMutations,
    BuilderMutations,
    PurchasingMutations,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
