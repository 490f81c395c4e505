"""GraphQL for vendor onboarding and vendors (filled in by the onboarding work)."""

import graphene


class OnboardingQueries(graphene.ObjectType):
    pass


class OnboardingMutations(graphene.ObjectType):
    pass
