"""The root GraphQL schema: a list of each app's Queries and Mutations."""

import graphene
from graphene import relay

from accounts.graphql.schema import Mutations as AccountMutations
from accounts.graphql.schema import Queries as AccountQueries
from vendors.graphql.schema import Mutations as VendorMutations
from vendors.graphql.schema import Queries as VendorQueries


class Query(AccountQueries, VendorQueries, graphene.ObjectType):
    node = relay.Node.Field()


class Mutation(AccountMutations, VendorMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
