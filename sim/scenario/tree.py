"""Dotted paths (`negotiation.rounds`, `events.0.day`) into a raw scenario tree or model."""

from __future__ import annotations

from typing import Any


def put(tree: Any, path: str, value: Any) -> None:
    """Set the value at a dotted path of a raw tree, in place."""
    *parents, last = path.split(".")
    node = tree
    for key in parents:  # a table the file leaves out (all defaults) is made
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def get(tree: Any, path: str) -> Any:
    """The value at a dotted path of a raw tree or model."""
    node = tree
    for key in path.split("."):
        if isinstance(node, list):
            node = node[int(key)]
        elif isinstance(node, dict):
            node = node[key]
        else:
            node = getattr(node, key)
    return node
