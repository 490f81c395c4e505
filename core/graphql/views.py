"""The ``/graphql/`` endpoint: graphene-django's view plus limits, CSRF for sessions,
and GraphQL multipart uploads (https://github.com/jaydenseric/graphql-multipart-request-spec).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, parse

from core.graphql.limits import check_limits


def _set_path(target, path: list[str], value) -> None:
    for key in path[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = path[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


@method_decorator(csrf_exempt, name="dispatch")
class NuriGraphQLView(GraphQLView):
    def dispatch(self, request, *args, **kwargs):
        # Session-authenticated browsers must send the CSRF token; API clients using
        # ``Authorization: Bearer`` are not exposed to CSRF and skip the check.
        if (
            request.method == "POST"
            and not getattr(request, "auth_via_token", False)
            and request.user.is_authenticated
        ):
            reject = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
            if reject is not None:
                return reject
        return super().dispatch(request, *args, **kwargs)

    def parse_body(self, request):
        content_type = self.get_content_type(request)
        if content_type == "multipart/form-data" and "operations" in request.POST:
            try:
                operations = json.loads(request.POST["operations"])
                files_map = json.loads(request.POST.get("map", "{}"))
                for key, paths in files_map.items():
                    upload = request.FILES.get(key)
                    for path in paths:
                        _set_path(operations, path.split("."), upload)
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise HttpError(HttpResponseBadRequest(f"Invalid multipart request: {exc}"))
            return operations
        return super().parse_body(request)

    def execute_graphql_request(
        self, request, data, query, variables, operation_name, show_graphiql=False
    ):
        if query:
            try:
                document = parse(query)
            except Exception as exc:
                return ExecutionResult(errors=[exc])
            errors = check_limits(
                document,
                variables,
                operation_name,
                max_depth=settings.GRAPHQL_MAX_DEPTH,
                max_cost=settings.GRAPHQL_MAX_COST,
                default_page=settings.GRAPHQL_DEFAULT_PAGE_SIZE,
                schema=self.schema.graphql_schema,
            )
            if errors:
                return ExecutionResult(data=None, errors=errors)
        return super().execute_graphql_request(
            request, data, query, variables, operation_name, show_graphiql
        )
