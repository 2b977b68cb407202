"""The dependency graph of a computed value, read from what the tape recorded.

Nodes are the inputs (leaves), the constants the operations used, and the operations
themselves, numbered v1, v2, ... in the order they ran. Each edge carries the local
partial derivative ∂(operation)/∂(argument), taken from the operation's own VJP rule, and
each node, when the graph is still whole, its adjoint ∂y/∂node: the chain rule, term by
term, on the reader's own computation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..graph import FREED, Node
from ..tensor import Tensor, wrap

SMALL = 16  # values and partials of at most this many elements are shown


@dataclass
class GraphNode:
    id: str                  # "n0", "n1", ... (stable within one graph)
    kind: str                # "input", "constant" or "op"
    name: str                # "x", "v3", "c1"
    op: str | None           # the primitive's name for operations
    shape: tuple
    value: np.ndarray | None
    grad: np.ndarray | None = None   # the adjoint ∂y/∂(this node), when known
    arguments: list = field(default_factory=list)  # names of the arguments, in order

    @property
    def title(self) -> str:
        if self.kind == "op":
            return f"{self.name} = {self.op}({', '.join(self.arguments)})"
        return self.name


@dataclass
class GraphEdge:
    source: str              # node ids
    target: str
    position: int            # which argument of the target
    partial: np.ndarray | None  # ∂target/∂source (a Jacobian for small tensors)


class Graph:
    """The recorded dependency graph of a value (see ``chainrule.viz.graph``)."""

    def __init__(self, nodes, edges, output: str, note: str = "") -> None:
        self.nodes = nodes
        self.edges = edges
        self.output = output
        self.note = note
        self._by_id = {n.id: n for n in nodes}

    def node(self, name: str) -> GraphNode:
        """The node called ``name`` ("x", "v2", ...)."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(f"no node named {name!r}; the nodes are "
                       f"{[n.name for n in self.nodes]}")

    def edge(self, source: str, target: str) -> GraphEdge:
        """The edge from the node named ``source`` to the one named ``target``."""
        s, t = self.node(source).id, self.node(target).id
        for e in self.edges:
            if e.source == s and e.target == t:
                return e
        raise KeyError(f"no edge {source} -> {target}")

    def to_dot(self) -> str:
        from .render import to_dot
        return to_dot(self)

    def to_svg(self) -> str:
        from .render import to_svg
        return to_svg(self)

    def render(self, path: str) -> str:
        """Write the picture to ``path`` (.svg, .png or .dot); returns the path."""
        from .render import render
        return render(self, path)

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/svg+xml": self.to_svg(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        ops = sum(n.kind == "op" for n in self.nodes)
        inputs = [n.name for n in self.nodes if n.kind == "input"]
        return f"<Graph: {ops} operations on {', '.join(inputs) or 'no inputs'}>"


# ---------------------------------------------------------------- building


def build(y: Tensor, gradients: bool = True, values: dict | None = None) -> Graph:
    """The graph of everything ``y`` was computed from. ``values`` (node -> (output,
    inputs), as ``trace`` records them) fills in what the nodes did not save."""
    values = values or {}
    if not isinstance(y, Tensor):
        raise TypeError(f"graph: expected a tensor, got {type(y).__name__}")
    if y._node is None:
        raise ValueError(
            "graph: this tensor has no recorded history; compute it from a tensor with "
            "requires_grad=True (e.g. chainrule.tensor(2.0, requires_grad=True, name='x')), "
            "or use chainrule.viz.trace(f, x=2.0)")
    order = _nodes_in_order(y._node)
    ids, nodes, edges = {}, [], []
    leaves = {}

    def leaf_node(t: Tensor) -> str:
        key = id(t)
        if key not in leaves:
            name = t.name or (f"x{len(leaves)}" if len(leaves) else "x")
            leaves[key] = f"n{len(nodes)}"
            nodes.append(GraphNode(leaves[key], "input", name, None, t.shape, _small(t._data),
                                   _small(t._grad._data) if t._grad is not None else None))
        return leaves[key]

    constants = 0
    freed = False
    for number, node in enumerate(order, 1):
        node_id = f"n{len(nodes) + 1000}"  # placeholder, fixed below
        arguments, sources = [], []
        recorded = values.get(node)
        saved = recorded[1] if recorded is not None else node.inputs
        freed = freed or node.raw is FREED
        n_args = len(node.parents)
        for i in range(n_args):
            parent = node.parents[i]
            if parent is None:
                value = saved[i] if saved is not None else None
                if value is None:
                    arguments.append("·")
                    sources.append(None)
                    continue
                constants += 1
                cid = f"n{len(nodes)}"
                data = value._data if isinstance(value, Tensor) else np.asarray(value)
                nodes.append(GraphNode(cid, "constant", _constant_name(data, constants), None,
                                       data.shape, _small(data)))
                arguments.append(nodes[-1].name)
                sources.append(cid)
            elif parent.__class__ is Node:
                sources.append(ids[parent])
                arguments.append(next(n.name for n in nodes if n.id == ids[parent]))
            else:
                lid = leaf_node(parent)
                sources.append(lid)
                arguments.append(next(n.name for n in nodes if n.id == lid))
        node_id = f"n{len(nodes)}"
        ids[node] = node_id
        value = recorded[0] if recorded is not None else (
            node.ans if node.ans is not None else _value_of(node, y))
        nodes.append(GraphNode(node_id, "op", f"v{number}", node.prim.name, node.shape,
                               _small(value) if value is not None else None,
                               arguments=arguments))
        for i, source in enumerate(sources):
            if source is None:
                continue
            partial = _local_partial(node, i) if node.parents[i] is not None else None
            edges.append(GraphEdge(source, node_id, i, partial))
    graph = Graph(nodes, edges, ids[y._node])
    if gradients and not freed and y._data.size == 1:
        _attach_adjoints(graph, y, order, ids, leaves)
    elif freed:
        graph.note = ("a backward pass freed this graph: local partials and intermediate "
                      "gradients need backward(retain_graph=True), or chainrule.viz.trace")
    return graph


def _nodes_in_order(root: Node) -> list:
    seen, stack, found = set(), [root], []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        found.append(node)
        stack.extend(p for p in node.parents if p is not None and p.__class__ is Node)
    return sorted(found, key=lambda n: n.seq)


def _constant_name(data: np.ndarray, number: int) -> str:
    if data.size == 1:
        value = data.reshape(()).item()
        return f"{value:g}" if isinstance(value, float) else str(value)
    return f"c{number}"


def _small(data) -> np.ndarray | None:
    if data is None:
        return None
    data = np.asarray(data)
    return data.copy() if data.size <= SMALL else None


def _value_of(node: Node, y: Tensor):
    return y._data if node is y._node else None


def _local_partial(node: Node, index: int):
    """∂node/∂argument ``index`` by the node's VJP rule: a number for scalars, the
    Jacobian (output × argument) for small tensors, None when too big or freed."""
    if node.raw is FREED:
        return None
    parent = node.parents[index]
    parent_shape = parent.shape
    out_size = int(np.prod(node.shape))
    in_size = int(np.prod(parent_shape))
    if out_size * in_size > SMALL * SMALL:
        return None
    rule = node.prim.vjps[index]
    rows = []
    for k in range(out_size):
        seed = np.zeros(out_size)
        seed[k] = 1.0
        g = seed.reshape(node.shape)
        row = rule(g, node.ans, *node.raw)
        row = np.zeros(parent_shape) if row is None else np.asarray(row, dtype=np.float64)
        if row.shape != tuple(parent_shape):
            from ..ops import sum_to
            row = np.asarray(sum_to(row, parent_shape))
        rows.append(row.reshape(-1))
    jacobian = np.array(rows).reshape(tuple(node.shape) + tuple(parent_shape))
    return jacobian


def _attach_adjoints(graph: Graph, y: Tensor, order, ids, leaves) -> None:
    """∂y/∂node for every node, by one reverse sweep that keeps the graph."""
    from ..backward import grad
    targets, owners = [], []
    for node in order:
        stand_in = wrap(np.zeros(node.shape))
        stand_in._node = node
        stand_in._requires_grad = True
        targets.append(stand_in)
        owners.append(ids[node])
    leaf_tensors = _leaf_tensors(order)
    targets += [t for t in leaf_tensors if id(t) in leaves]
    owners += [leaves[id(t)] for t in leaf_tensors if id(t) in leaves]
    grads = grad(y, targets, retain_graph=True, allow_unused=True)
    for owner, g in zip(owners, grads):
        node = graph._by_id[owner]
        node.grad = _small(g.numpy()) if g is not None else np.zeros(node.shape)


def _leaf_tensors(order) -> list:
    found = {}
    for node in order:
        for p in node.parents:
            if p is not None and p.__class__ is not Node:
                found[id(p)] = p
    return list(found.values())
