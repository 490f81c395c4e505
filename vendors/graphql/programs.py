"""GraphQL for the centre's programs, cycles and participation (filled in by the programs work)."""

import graphene


class ProgramQueries(graphene.ObjectType):
    pass


class ProgramMutations(graphene.ObjectType):
    pass
