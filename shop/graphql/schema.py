"""Shop GraphQL: Saleor-shaped storefront queries and vendor-side catalog mutations."""

import graphene


class Queries(graphene.ObjectType):
    pass


class Mutations(graphene.ObjectType):
    pass
