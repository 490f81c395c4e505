"""Depth and cost limits on incoming GraphQL operations.

Depth counts nested selections (fragments inlined). Cost estimates how many objects a
query resolves: every selected object field counts once per instance, i.e. multiplied by
the page sizes (``first``/``last``, or an assumed length for plain lists) of the lists
above it. A query that fans out to millions of objects is refused before it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    OperationDefinitionNode,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)

INTROSPECTION_ROOTS = {"__schema", "__type", "__typename"}


@dataclass
class QueryMeasure:
    depth: int
    cost: int


def _page_size(field: FieldNode, variables: dict, default: int) -> int | None:
    for arg in field.arguments or ():
        if arg.name.value in ("first", "last"):
            if isinstance(arg.value, VariableNode):
                value = variables.get(arg.value.name.value)
            else:
                value = value_from_ast_untyped(arg.value, variables)
            try:
                return max(int(value), 0) if value is not None else default
            except (TypeError, ValueError):
                return default
    return None


# Assumed length of a plain list field (``certifications``) for the cost estimate.
PLAIN_LIST_FACTOR = 10


def _is_list(type_) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _is_connection(type_) -> bool:
    fields = getattr(type_, "fields", None) or {}
    return "edges" in fields and "pageInfo" in fields


def measure(
    document,
    variables: dict | None,
    operation_name: str | None,
    default_page: int,
    schema=None,
):
    variables = variables or {}
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    worst = QueryMeasure(0, 0)

    def field_type(parent, name):
        fields = getattr(parent, "fields", None)
        if not fields or name not in fields:
            return None, None
        ftype = fields[name].type
        return ftype, get_named_type(ftype)

    def walk(selection_set, parent, depth: int, multiplier: int, seen: frozenset):
        max_depth, cost = depth, 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                if sel.name.value in INTROSPECTION_ROOTS and depth == 0:
                    continue
                # Scalars are free; every object (or list of objects) costs one per instance.
                if sel.selection_set:
                    cost += multiplier
                    ftype, named = field_type(parent, sel.name.value)
                    size = _page_size(sel, variables, default_page)
                    if _is_connection(named):
                        size = default_page if size is None else size
                    elif _is_connection(parent) and sel.name.value == "edges":
                        size = 1  # already counted by the connection's page size
                    elif size is None and ftype is not None and _is_list(ftype):
                        size = PLAIN_LIST_FACTOR
                    child_mult = multiplier * (size if size is not None else 1)
                    d, c = walk(sel.selection_set, named, depth + 1, child_mult, seen)
                    max_depth, cost = max(max_depth, d), cost + c
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                target = schema.get_type(cond.name.value) if (schema and cond) else parent
                d, c = walk(sel.selection_set, target, depth, multiplier, seen)
                max_depth, cost = max(max_depth, d), cost + c
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name in seen or name not in fragments:
                    continue
                frag = fragments[name]
                target = schema.get_type(frag.type_condition.name.value) if schema else None
                d, c = walk(frag.selection_set, target, depth, multiplier, seen | {name})
                max_depth, cost = max(max_depth, d), cost + c
        return max_depth, cost

    for op in operations:
        root = schema.get_root_type(op.operation) if schema else None
        d, c = walk(op.selection_set, root, 0, 1, frozenset())
        worst = QueryMeasure(max(worst.depth, d), max(worst.cost, c))
    return worst


def check_limits(
    document, variables, operation_name, *, max_depth, max_cost, default_page, schema=None
):
    m = measure(document, variables, operation_name, default_page, schema)
    errors = []
    if m.depth > max_depth:
        errors.append(
            GraphQLError(
                f"Query depth {m.depth} exceeds the maximum allowed depth of {max_depth}.",
                extensions={"code": "QUERY_TOO_DEEP", "depth": m.depth, "maxDepth": max_depth},
            )
        )
    if m.cost > max_cost:
        errors.append(
            GraphQLError(
                f"Query cost {m.cost} exceeds the maximum allowed cost of {max_cost}; "
                "ask for smaller pages or fewer nested lists.",
                extensions={"code": "QUERY_TOO_COSTLY", "cost": m.cost, "maxCost": max_cost},
            )
        )
    return errors
