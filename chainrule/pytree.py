"""Nested tuples, lists and dicts of arrays ("pytrees"): flatten to leaves and rebuild.

Dicts are walked in sorted key order (as in JAX); None is an empty subtree.
"""
from __future__ import annotations


class TreeDef:
    """The shape of a pytree without its leaves."""

    __slots__ = ("kind", "meta", "children")

    def __init__(self, kind: str, meta=None, children=()) -> None:
        self.kind = kind          # "leaf", "none", "tuple", "list", "dict"
        self.meta = meta          # dict keys, or the namedtuple class
        self.children = children

    @property
    def num_leaves(self) -> int:
        if self.kind == "leaf":
            return 1
        return sum(child.num_leaves for child in self.children)

    def __eq__(self, other) -> bool:
        return (isinstance(other, TreeDef) and self.kind == other.kind
                and self.meta == other.meta and self.children == other.children)

    def __repr__(self) -> str:
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        inner = ", ".join(map(repr, self.children))
        if self.kind == "dict":
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.meta, self.children))
            return "{" + inner + "}"
        return f"({inner})" if self.kind == "tuple" else f"[{inner}]"


LEAF = TreeDef("leaf")


def flatten(tree) -> tuple[list, TreeDef]:
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves) -> TreeDef:
    if tree is None:
        return TreeDef("none")
    if isinstance(tree, tuple):
        meta = type(tree) if hasattr(tree, "_fields") else None
        return TreeDef("tuple", meta, tuple(_flatten(x, leaves) for x in tree))
    if isinstance(tree, list):
        return TreeDef("list", None, tuple(_flatten(x, leaves) for x in tree))
    if isinstance(tree, dict):
        keys = tuple(sorted(tree))
        return TreeDef("dict", keys, tuple(_flatten(tree[k], leaves) for k in keys))
    leaves.append(tree)
    return LEAF


def unflatten(treedef: TreeDef, leaves):
    it = iter(leaves)
    result = _build(treedef, it)
    return result


def _build(treedef: TreeDef, it):
    kind = treedef.kind
    if kind == "leaf":
        return next(it)
    if kind == "none":
        return None
    children = [_build(c, it) for c in treedef.children]
    if kind == "tuple":
        return treedef.meta(*children) if treedef.meta is not None else tuple(children)
    if kind == "list":
        return children
    return dict(zip(treedef.meta, children))


def tree_map(fn, tree):
    leaves, treedef = flatten(tree)
    return unflatten(treedef, [fn(x) for x in leaves])


def broadcast_prefix(prefix, tree, what: str = "in_axes") -> list:
    """One entry of ``prefix`` per leaf of ``tree``: a prefix leaf covers its subtree."""
    out: list = []
    _broadcast(prefix, tree, out, what)
    return out


def _broadcast(prefix, tree, out, what):
    if not isinstance(prefix, (tuple, list, dict)) or prefix is None:
        out.extend([prefix] * flatten(tree)[1].num_leaves)
        return
    if isinstance(prefix, dict):
        if not isinstance(tree, dict) or set(prefix) != set(tree):
            raise ValueError(f"{what}: the dict {prefix!r} does not match the arguments' keys")
        for k in sorted(prefix):
            _broadcast(prefix[k], tree[k], out, what)
        return
    if not isinstance(tree, (tuple, list)) or len(prefix) != len(tree):
        raise ValueError(
            f"{what}: {prefix!r} does not match the structure of the arguments (expected "
            f"{len(tree) if isinstance(tree, (tuple, list)) else 'a single value'} entries)")
    for p, t in zip(prefix, tree):
        _broadcast(p, t, out, what)
