"""URLconf for the payments tests until the lead wires payments into the project.

``config.urls`` plus the webhook endpoint at ``webhooks/`` and, when the root schema does
not have the payments mutations yet, ``/graphql/`` served with a schema that adds them.
Once wired, this is just ``config.urls`` (nothing is added twice).
"""

from __future__ import annotations

import graphene
from django.urls import NoReverseMatch, include, path, reverse

from config import schema as root
from config.urls import urlpatterns as project_urlpatterns
from core.graphql.views import NuriGraphQLView
from shop.graphql.payments import PaymentMutations, PaymentQueries

urlpatterns = list(project_urlpatterns)

try:
    reverse("payments:stripe-webhook", urlconf="config.urls")
except NoReverseMatch:
    urlpatterns.append(path("webhooks/", include("shop.payments.urls")))

if "transactionInitialize" not in root.schema.graphql_schema.mutation_type.fields:

    class Query(root.Query, PaymentQueries):
        pass

    class Mutation(root.Mutation, PaymentMutations):
        pass

    schema = graphene.Schema(query=Query, mutation=Mutation)
    urlpatterns.insert(0, path("graphql/", NuriGraphQLView.as_view(schema=schema)))
