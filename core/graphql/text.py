"""Text no database column can hold, refused before a GraphQL operation runs.

PostgreSQL refuses NUL characters in text (``A string literal cannot contain NUL (0x00)
characters``, also inside ``jsonb``), and no database driver can encode an unpaired UTF-16
surrogate (``"\\ud800"`` is valid JSON but not valid UTF-8). Either would otherwise surface
as an unhandled exception in whichever resolver first stores or looks up the string, so the
endpoint refuses them once, for every string in the query text and in the variables, with
the code ``INVALID_CHARACTERS``.
"""

from __future__ import annotations

import re

from graphql import GraphQLError, StringValueNode, visit
from graphql.language import Visitor

CODE = "INVALID_CHARACTERS"
MESSAGE = "Text must not contain NUL characters or unpaired surrogates."

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def is_storable(text: str) -> bool:
    return _FORBIDDEN.search(text) is None


def _error(nodes=None) -> GraphQLError:
    return GraphQLError(MESSAGE, nodes, extensions={"code": CODE})


class _StringLiterals(Visitor):
    def __init__(self):
        super().__init__()
        self.bad: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_):
        if not is_storable(node.value):
            self.bad.append(node)


def literal_errors(document) -> list[GraphQLError]:
    """Errors for the string literals of a parsed query (cached with the document)."""
    visitor = _StringLiterals()
    visit(document, visitor)
    return [_error(visitor.bad)] if visitor.bad else []


def _walk(value) -> bool:
    if isinstance(value, str):
        return is_storable(value)
    if isinstance(value, dict):
        return all(_walk(k) and _walk(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_walk(v) for v in value)
    return True


def variable_errors(variables) -> list[GraphQLError]:
    """Errors for the request's variables (and the keys of JSON objects in them)."""
    return [] if _walk(variables or {}) else [_error()]
