"""Bundle test wiring: the API and pages as the project will serve them.

Until ``config/schema.py`` inherits ``BundleQueries``/``BundleMutations`` (and
``config/urls.py`` includes ``bundles.urls``), these serve a schema assembled from the root
schema plus those classes, and a URLconf with the bundle pages; once wired, they change
nothing.
"""

from __future__ import annotations

import graphene
import pytest

_LOCAL_SCHEMA = None


@pytest.fixture
def bundle_api(monkeypatch):
    global _LOCAL_SCHEMA
    from graphene_django.settings import graphene_settings

    if "bundleCreate" in graphene_settings.SCHEMA.graphql_schema.mutation_type.fields:
        return
    if _LOCAL_SCHEMA is None:
        from bundles.graphql.schema import BundleMutations, BundleQueries
        from config.schema import Mutation, Query

        class LocalQuery(BundleQueries, Query):
            class Meta:
                name = "Query"

        class LocalMutation(BundleMutations, Mutation):
            class Meta:
                name = "Mutation"

        _LOCAL_SCHEMA = graphene.Schema(query=LocalQuery, mutation=LocalMutation)
    monkeypatch.setattr(graphene_settings, "SCHEMA", _LOCAL_SCHEMA)
