"""Which fields did the client select? Used by selectors to prefetch only what is asked."""

from __future__ import annotations

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode


def selected_paths(info) -> set[str]:
    """Dotted paths of every field selected below the current one (fragments inlined).

    For ``organizations { edges { node { name certifications { kind } } } }`` this gives
    ``{"edges", "edges.node", "edges.node.name", "edges.node.certifications", ...}``.
    """
    paths: set[str] = set()
    fragments = info.fragments

    def walk(selection_set, prefix: str) -> None:
        if selection_set is None:
            return
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                path = f"{prefix}{sel.name.value}"
                paths.add(path)
                walk(sel.selection_set, path + ".")
            elif isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set, prefix)
            elif isinstance(sel, FragmentSpreadNode):
                frag = fragments.get(sel.name.value)
                if frag is not None:
                    walk(frag.selection_set, prefix)

    for node in info.field_nodes:
        walk(node.selection_set, "")
    return paths


def node_paths(info) -> set[str]:
    """Paths below ``edges.node`` of a connection, without that prefix."""
    prefix = "edges.node."
    return {p[len(prefix) :] for p in selected_paths(info) if p.startswith(prefix)}
