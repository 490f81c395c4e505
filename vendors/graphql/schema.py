from vendors.graphql.onboarding import OnboardingMutations, OnboardingQueries
from vendors.graphql.programs import ProgramMutations, ProgramQueries
from vendors.graphql.registry import RegistryMutations, RegistryQueries


class Queries(RegistryQueries, ProgramQueries, OnboardingQueries):
    pass


class Mutations(RegistryMutations, ProgramMutations, OnboardingMutations):
    pass
