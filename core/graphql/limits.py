"""Limits on incoming GraphQL operations, checked before anything runs.

Every check walks the parsed document once (fragments inlined, this request's variables
applied) and refuses the whole operation with a coded error — nothing is executed, so a
mutation that breaks a limit writes nothing:

* ``QUERY_TOO_DEEP`` — nested selections deeper than ``GRAPHQL_MAX_DEPTH``.
* ``QUERY_TOO_COSTLY`` — more than ``GRAPHQL_MAX_COST`` objects. Cost estimates how many
  objects a query resolves: every selected object field counts once per instance, i.e.
  multiplied by the page sizes (``first``/``last``, or an assumed length for plain lists) of the
  lists above it. Every top-level field costs at least ``ROOT_FIELD_COST`` (a mutation
  ``MUTATION_FIELD_COST``): aliases are counted one by one, so asking for the same field 500
  times under 500 aliases costs 500 times as much.
* ``PAGE_SIZE_TOO_LARGE`` — ``first``/``last`` above ``GRAPHQL_MAX_PAGE_SIZE`` on any
  connection field, wherever it is nested (refused, never silently clamped).
* ``INPUT_LIST_TOO_LONG`` — a list argument (``ids``, ``lines``, ``filter.vendors``…, also
  inside input objects and variables) longer than ``GRAPHQL_MAX_LIST_LENGTH`` (or its entry
  in ``LIST_LENGTH_LIMITS``); the error names the field and the argument.
* ``QUERY_TOO_DEEP`` for introspection that expands a type's ``fields`` (or
  ``inputFields``, ``interfaces``, ``possibleTypes``, ``enumValues``) more than once along a
  path: the standard introspection query of every GraphQL tool passes, the cyclic
  ``fields { type { fields { type … } } }`` bomb does not. Introspection is otherwise allowed
  in every environment (the schema is public: ``schema.graphql`` is committed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    get_named_type,
    value_from_ast_untyped,
)

INTROSPECTION_ROOTS = {"__schema", "__type"}
# Introspection fields that list the parts of a type: one expansion per path is enough for
# every tool's introspection query; more is the exponential "introspection bomb".
INTROSPECTION_EXPANDING = {"fields", "inputFields", "interfaces", "possibleTypes", "enumValues"}

# Assumed length of a plain list field (``certifications``) for the cost estimate.
PLAIN_LIST_FACTOR = 10
# Least cost of one top-level field (each is at least one database round trip) and of one
# top-level mutation (a transaction and writes).
ROOT_FIELD_COST = 25
MUTATION_FIELD_COST = 100
# Per-argument exceptions to GRAPHQL_MAX_LIST_LENGTH: ``"<field>.<argument path>": limit``,
# e.g. ``"checkoutLinesAdd.lines": 200``.
LIST_LENGTH_LIMITS: dict[str, int] = {}


@dataclass
class QueryMeasure:
    depth: int
    cost: int
    problems: list[GraphQLError] = field(default_factory=list)


def _argument_value(arg, variables: dict):
    if isinstance(arg.value, VariableNode):
        return variables.get(arg.value.name.value)
    try:
        return value_from_ast_untyped(arg.value, variables)
    except Exception:  # pragma: no cover - malformed literals fail validation first
        return None


def _page_size(node: FieldNode, variables: dict, default: int) -> int | None:
    for arg in node.arguments or ():
        if arg.name.value in ("first", "last"):
            value = _argument_value(arg, variables)
            try:
                return max(int(value), 0) if value is not None else default
            except (TypeError, ValueError):
                return default
    return None


def _is_list(type_) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _is_connection(type_) -> bool:
    fields = getattr(type_, "fields", None) or {}
    return "edges" in fields and "pageInfo" in fields


def _long_lists(value, path: str):
    """``(path, length)`` of every list inside an argument value (nested inputs included)."""
    if isinstance(value, list):
        yield path, len(value)
        for item in value:
            if isinstance(item, dict | list):
                yield from _long_lists(item, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _long_lists(item, f"{path}.{key}")


def measure(
    document,
    variables: dict | None,
    operation_name: str | None,
    default_page: int,
    schema=None,
    *,
    max_page_size: int | None = None,
    max_list_length: int | None = None,
) -> QueryMeasure:
    variables = variables or {}
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    worst = QueryMeasure(0, 0)
    problems: list[GraphQLError] = []
    reported: set[tuple] = set()

    def problem(key: tuple, message: str, extensions: dict) -> None:
        if key not in reported:
            reported.add(key)
            problems.append(GraphQLError(message, extensions=extensions))

    def field_type(parent, name):
        fields = getattr(parent, "fields", None)
        if not fields or name not in fields:
            return None, None
        ftype = fields[name].type
        return ftype, get_named_type(ftype)

    def check_arguments(node: FieldNode, named) -> None:
        name = node.name.value
        if max_page_size is not None and _is_connection(named):
            for arg in node.arguments or ():
                if arg.name.value not in ("first", "last"):
                    continue
                value = _argument_value(arg, variables)
                if isinstance(value, int) and value > max_page_size:
                    problem(
                        ("page", name, arg.name.value),
                        f"`{arg.name.value}` may be at most {max_page_size}.",
                        {
                            "code": "PAGE_SIZE_TOO_LARGE",
                            "field": name,
                            "argument": arg.name.value,
                            "value": value,
                            "maxPageSize": max_page_size,
                        },
                    )
        if max_list_length is None:
            return
        for arg in node.arguments or ():
            value = _argument_value(arg, variables)
            for path, length in _long_lists(value, arg.name.value):
                limit = LIST_LENGTH_LIMITS.get(f"{name}.{path}", max_list_length)
                if length > limit:
                    problem(
                        ("list", name, path),
                        f"`{name}({path})` accepts at most {limit} items, got {length}.",
                        {
                            "code": "INPUT_LIST_TOO_LONG",
                            "field": name,
                            "argument": path,
                            "length": length,
                            "maxLength": limit,
                        },
                    )

    def walk_introspection(selection_set, depth: int, expanded: frozenset, seen: frozenset):
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                name = sel.name.value
                if name in INTROSPECTION_EXPANDING:
                    if expanded:
                        problem(
                            ("introspection", name),
                            "Introspection may list the parts of a type (`fields`, "
                            "`inputFields`, `interfaces`, `possibleTypes`, `enumValues`) "
                            "only once along a path.",
                            {"code": "QUERY_TOO_DEEP", "field": name},
                        )
                        continue
                    inner = expanded | {name}
                else:
                    inner = expanded
                if sel.selection_set:
                    walk_introspection(sel.selection_set, depth + 1, inner, seen)
            elif isinstance(sel, InlineFragmentNode):
                walk_introspection(sel.selection_set, depth, expanded, seen)
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name in seen or name not in fragments:
                    continue
                walk_introspection(fragments[name].selection_set, depth, expanded, seen | {name})

    def walk(selection_set, parent, depth: int, multiplier: int, seen: frozenset, root_cost=0):
        max_depth, cost = depth, 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                name = sel.name.value
                if name == "__typename":
                    continue
                if name in INTROSPECTION_ROOTS:
                    # Not counted in depth/cost (the standard introspection query is deep);
                    # bounded by the expansion rule, and each alias still pays the root cost.
                    cost += root_cost
                    if sel.selection_set:
                        walk_introspection(sel.selection_set, depth + 1, frozenset(), seen)
                    continue
                ftype, named = field_type(parent, name)
                check_arguments(sel, named)
                # Scalars are free below the root; every object (or list of objects) costs
                # one per instance.
                if sel.selection_set:
                    cost += max(multiplier, root_cost)
                    size = _page_size(sel, variables, default_page)
                    if _is_connection(named):
                        size = default_page if size is None else size
                    elif _is_connection(parent) and name == "edges":
                        size = 1  # already counted by the connection's page size
                    elif size is None and ftype is not None and _is_list(ftype):
                        size = PLAIN_LIST_FACTOR
                    child_mult = multiplier * (size if size is not None else 1)
                    d, c = walk(sel.selection_set, named, depth + 1, child_mult, seen)
                    max_depth, cost = max(max_depth, d), cost + c
                else:
                    cost += root_cost
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                target = schema.get_type(cond.name.value) if (schema and cond) else parent
                d, c = walk(sel.selection_set, target, depth, multiplier, seen, root_cost)
                max_depth, cost = max(max_depth, d), cost + c
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name in seen or name not in fragments:
                    continue
                frag = fragments[name]
                target = schema.get_type(frag.type_condition.name.value) if schema else None
                d, c = walk(frag.selection_set, target, depth, multiplier, seen | {name}, root_cost)
                max_depth, cost = max(max_depth, d), cost + c
        return max_depth, cost

    for op in operations:
        root = schema.get_root_type(op.operation) if schema else None
        root_cost = (
            MUTATION_FIELD_COST if op.operation == OperationType.MUTATION else ROOT_FIELD_COST
        )
        d, c = walk(op.selection_set, root, 0, 1, frozenset(), root_cost)
        worst = QueryMeasure(max(worst.depth, d), max(worst.cost, c))
    worst.problems = problems
    return worst


def check_limits(
    document,
    variables,
    operation_name,
    *,
    max_depth,
    max_cost,
    default_page,
    schema=None,
    max_page_size: int | None = None,
    max_list_length: int | None = None,
):
    m = measure(
        document,
        variables,
        operation_name,
        default_page,
        schema,
        max_page_size=max_page_size,
        max_list_length=max_list_length,
    )
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
    return errors + m.problems
