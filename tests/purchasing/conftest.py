"""Fixtures of the purchasing tests."""

import pytest


@pytest.fixture(autouse=True)
def _report_categories(request):
    """The default report categories come from a data migration, which a transactional test
    elsewhere in the run may have flushed: make sure they exist for tests using the DB."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from purchasing.services import purchase_categories_ensure

    purchase_categories_ensure()


_LOCAL_SCHEMA = None


def wire_purchasing_schema(monkeypatch) -> None:
    """Serve the purchasing API at ``/graphql/`` in tests.

    Once ``config/schema.py`` inherits ``PurchasingQueries``/``PurchasingMutations`` this does
    nothing; until then it serves the root schema plus those classes (the same code, only
    assembled here).
    """
    global _LOCAL_SCHEMA
    import graphene
    from graphene_django.settings import graphene_settings

    if "quoteAccept" in graphene_settings.SCHEMA.graphql_schema.mutation_type.fields:
        return
    if _LOCAL_SCHEMA is None:
        from config.schema import Mutation, Query
        from purchasing.graphql.schema import PurchasingMutations, PurchasingQueries

        class LocalQuery(PurchasingQueries, Query):
            class Meta:
                name = "Query"

        class LocalMutation(PurchasingMutations, Mutation):
            class Meta:
                name = "Mutation"

        _LOCAL_SCHEMA = graphene.Schema(query=LocalQuery, mutation=LocalMutation)
    monkeypatch.setattr(graphene_settings, "SCHEMA", _LOCAL_SCHEMA)


@pytest.fixture
def pgql(gql, monkeypatch):
    """The ``gql`` client with the purchasing API served."""
    wire_purchasing_schema(monkeypatch)
    return gql
