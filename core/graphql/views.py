"""The ``/graphql/`` endpoint: graphene-django's view plus limits, CSRF for sessions,
and GraphQL multipart uploads (https://github.com/jaydenseric/graphql-multipart-request-spec).
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, parse, validate
from graphql.utilities import get_operation_ast

from core.errors import DomainError, DomainErrors
from core.graphql.errors import DomainGraphQLError
from core.graphql.limits import check_limits
from core.graphql.text import literal_errors, variable_errors

logger = logging.getLogger("core.graphql")

# What resolvers raise on purpose, with a message meant for the client.
CLIENT_ERRORS = (GraphQLError, DomainError, DomainErrors, DomainGraphQLError, PermissionDenied)
INTERNAL_ERROR_CODE = "INTERNAL_SERVER_ERROR"
INTERNAL_ERROR_MESSAGE = "서버 오류가 발생했습니다. 잠시 후 다시 시도하세요."


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
            return self._single_operation(operations)
        try:
            data = super().parse_body(request)
        except HttpError as exc:
            if content_type == "application/json" and _is_json_list(request.body):
                raise _coded_http_error(
                    "Batch requests are not supported: send one operation per request.",
                    "BATCH_NOT_SUPPORTED",
                )
            exc.code = getattr(exc, "code", None) or "INVALID_REQUEST"
            raise
        return self._single_operation(data)

    @staticmethod
    def _single_operation(data):
        """One operation per request: a JSON list (a batch) is refused, not run in a loop
        where each entry would escape the per-request limits."""
        if isinstance(data, list):
            raise _coded_http_error(
                "Batch requests are not supported: send one operation per request.",
                "BATCH_NOT_SUPPORTED",
            )
        if not isinstance(data, dict):
            raise _coded_http_error("The request body must be a JSON object.", "INVALID_REQUEST")
        variables = data.get("variables")
        if variables is not None and not isinstance(variables, dict | str):
            raise _coded_http_error("`variables` must be a JSON object.", "INVALID_REQUEST")
        return data

    @staticmethod
    def format_error(error):
        if isinstance(error, HttpError) and getattr(error, "code", None):
            return {"message": error.message, "extensions": {"code": error.code}}
        return _format_execution_error(error)

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
        text_errors = variable_errors(variables)
        if text_errors:
            return ExecutionResult(data=None, errors=text_errors)
        limit_errors = check_limits(
            document,
            variables,
            operation_name,
            max_depth=settings.GRAPHQL_MAX_DEPTH,
            max_cost=settings.GRAPHQL_MAX_COST,
            default_page=settings.GRAPHQL_DEFAULT_PAGE_SIZE,
            schema=schema,
            max_page_size=settings.GRAPHQL_MAX_PAGE_SIZE,
            max_list_length=settings.GRAPHQL_MAX_LIST_LENGTH,
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


def _format_execution_error(error) -> dict:
    """GraphQL, validation and domain errors as graphene formats them. Any other exception
    is a bug that GraphQL would otherwise answer with status 200 and the exception's own
    text: log it with its traceback on ``core.graphql`` (so it reaches the error tracker)
    and answer ``INTERNAL_SERVER_ERROR`` without internals (its text only in DEBUG)."""
    if isinstance(error, GraphQLError) and not error.path:
        # Parsing, validation and variable coercion (a scalar's parser refusing a value).
        return GraphQLView.format_error(error)
    original = error.original_error if isinstance(error, GraphQLError) else error
    if original is None or isinstance(original, (*CLIENT_ERRORS, HttpError)):
        return GraphQLView.format_error(error)
    path = getattr(error, "path", None)
    logger.error(
        "Unhandled %s in GraphQL at %s: %s",
        type(original).__name__,
        ".".join(map(str, path or [])) or "-",
        original,
        exc_info=(type(original), original, original.__traceback__),
    )
    formatted = {"message": INTERNAL_ERROR_MESSAGE}
    if isinstance(error, GraphQLError):
        formatted.update({k: v for k, v in error.formatted.items() if k in ("locations", "path")})
    formatted["extensions"] = {"code": INTERNAL_ERROR_CODE}
    if settings.DEBUG:
        formatted["extensions"]["exception"] = f"{type(original).__name__}: {original}"
    return formatted


def _is_json_list(body: bytes) -> bool:
    try:
        return isinstance(json.loads(body), list)
    except (TypeError, ValueError):
        return False


def _coded_http_error(message: str, code: str) -> HttpError:
    error = HttpError(HttpResponseBadRequest(message), message)
    error.code = code
    return error


@lru_cache(maxsize=256)
def _parse_and_validate(schema, query: str):
    """The document and validation errors of a query text; clients repeat the same few
    queries, so parsing and validating them once per process saves most of the overhead."""
    try:
        document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
    except GraphQLError as exc:
        if "more than" in exc.message and "tokens" in exc.message:
            exc.extensions = {**(exc.extensions or {}), "code": "QUERY_TOO_LARGE"}
        return None, (exc,)
    errors = tuple(validate(schema, document)) or tuple(literal_errors(document))
    for error in errors:
        # graphql-core's own guard against the cyclic introspection bomb: same code as ours.
        if error.message == "Maximum introspection depth exceeded":
            error.extensions = {**(error.extensions or {}), "code": "QUERY_TOO_DEEP"}
    return document, errors
