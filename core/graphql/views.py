"""The ``/graphql/`` endpoint: graphene-django's view plus limits, CSRF for sessions,
and GraphQL multipart uploads (https://github.com/jaydenseric/graphql-multipart-request-spec).
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, parse, validate
from graphql.utilities import get_operation_ast

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
        """Parse and validate once per distinct query text (cached), check the depth and
        cost limits with this request's variables, then execute (mutations atomically)."""
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        schema = self.schema.graphql_schema
        document, errors = _parse_and_validate(schema, query)
        if errors:
            return ExecutionResult(data=None, errors=list(errors))
        limit_errors = check_limits(
            document,
            variables,
            operation_name,
            max_depth=settings.GRAPHQL_MAX_DEPTH,
            max_cost=settings.GRAPHQL_MAX_COST,
            default_page=settings.GRAPHQL_DEFAULT_PAGE_SIZE,
            schema=schema,
        )
        if limit_errors:
            return ExecutionResult(data=None, errors=limit_errors)
        operation_ast = get_operation_ast(document, operation_name)
        if (
            request.method.lower() == "get"
            and operation_ast is not None
            and (operation_ast.operation != OperationType.QUERY)
        ):
            if show_graphiql:
                return None
            raise HttpError(
                HttpResponseNotAllowed(
                    ["POST"], f"Can only perform a {operation_ast.operation.value} from POST."
                )
            )
        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
        }
        try:
            # Each mutation runs its domain action in its own transaction (BaseMutation).
            return execute(schema, document, **options)
        except Exception as exc:
            return ExecutionResult(errors=[exc])


@lru_cache(maxsize=256)
def _parse_and_validate(schema, query: str):
    """The document and validation errors of a query text; clients repeat the same few
    queries, so parsing and validating them once per process saves most of the overhead."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return None, (exc,)
    return document, tuple(validate(schema, document))
