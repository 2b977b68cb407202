"""The dependency graph of a computed value, read from what the tape recorded.

Nodes are the inputs (leaves), the constants the operations used, and the operations
themselves, numbered v1, v2, ... in the order they ran. Each edge carries the local
partial derivative ∂(operation)/∂(argument), taken from the operation's own VJP rule, and
each node, when the graph is still whole, its adjoint ∂y/∂node: the chain rule, term by
term, on the reader's own computation.

Values: the tape keeps only what the derivative rules need, so an operation's value is
found where it was saved (its own output, or a later operation's saved input) and
otherwise recomputed by running the primitive again on its arguments' values, in the
order the operations ran, from the leaves and the saved constants. A value that was
modified in place since it was used is not trusted, and shows as unknown.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from ..graph import FREED, Node
from ..tensor import Tensor, wrap
from .text import SMALL, fmt, jacobian_lines, table

REPLAY_LIMIT = 1 << 20  # operations with larger outputs are not recomputed for display


@dataclass
class GraphNode:
    id: str                  # "n0", "n1", ... (stable within one graph)
    kind: str                # "input", "constant" or "op"
    name: str                # "x", "v3", "2" (a constant's value), "c1"
    op: str | None           # the primitive's name for operations
    shape: tuple
    value: np.ndarray | None
    grad: np.ndarray | None = None   # ∂y/∂(this node), or a leaf's .grad (see grad_source)
    arguments: list = field(default_factory=list)  # names of the arguments, in order
    grad_source: str = "adjoint"  # "adjoint": ∂y/∂node of this graph; "grad": leaf .grad

    @property
    def title(self) -> str:
        if self.kind == "op":
            return f"{self.name} = {self.op}({', '.join(self.arguments)})"
        return self.name


@dataclass
class GraphEdge:
    source: str              # node ids
    target: str
    position: int            # which argument of the target, from 0
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
        found = [n for n in self.nodes if n.name == name]
        if len(found) == 1:
            return found[0]
        if found:
            raise KeyError(f"{len(found)} constants are called {name!r}: pick one from "
                           f".nodes (ids {[n.id for n in found]})")
        raise KeyError(f"no node named {name!r}; the nodes are "
                       f"{[n.name for n in self.nodes]}")

    def edge(self, source: str, target: str, argument: int | None = None) -> GraphEdge:
        """The edge from the node named ``source`` to the one named ``target``; when
        ``source`` is several arguments of ``target`` (x * x), ``argument`` (from 1)
        says which."""
        s, t = self.node(source).id, self.node(target).id
        found = [e for e in self.edges if e.source == s and e.target == t]
        if argument is not None:
            found = [e for e in found if e.position == argument - 1]
        if len(found) == 1:
            return found[0]
        if found:
            raise KeyError(f"{source} is arguments {[e.position + 1 for e in found]} of "
                           f"{target}: pass argument=1, 2, ...")
        raise KeyError(f"no edge {source} -> {target}"
                       + (f" for argument {argument}" if argument is not None else ""))

    def edge_lines(self, edge: GraphEdge) -> list:
        """The label of an edge: ∂target/∂source and its value, as lines (empty for the
        constants, which are not differentiated)."""
        if edge.partial is None:
            return []
        target, source = self._by_id[edge.target], self._by_id[edge.source]
        name = f"∂{target.name}/∂{source.name}"
        if sum(e.source == edge.source and e.target == edge.target for e in self.edges) > 1:
            name += f" (argument {edge.position + 1})"
        return jacobian_lines(name, edge.partial, target.shape)

    def grad_line(self, node: GraphNode) -> str | None:
        if node.grad is None:
            return None
        if node.grad_source == "grad":
            return f"{node.name}.grad = {fmt(node.grad)}"
        return f"∂{self._by_id[self.output].name}/∂{node.name} = {fmt(node.grad)}"

    def node_lines(self, node: GraphNode) -> list:
        """The text of a node's box: what it is, its shape, its value, its gradient."""
        if node.kind == "constant":
            return [node.name] + ([fmt(node.value)] if node.name.startswith("c")
                                  and node.value is not None else [])
        lines = [node.title, f"shape {tuple(node.shape)}"]
        if node.value is not None:
            lines.append(f"value {fmt(node.value)}")
        grad = self.grad_line(node)
        if grad is not None:
            lines.append(grad)
        return lines

    def summary(self) -> str:
        """The graph as a table: each node, what it computes, its value, the local
        partial derivatives on the edges into it, and its gradient."""
        out = self._by_id[self.output].name
        rows = []
        for node in self.nodes:
            if node.kind == "constant":
                continue
            partials = [" ".join(self.edge_lines(e)) for e in self.edges
                        if e.target == node.id and e.partial is not None]
            what = node.title.split(" = ", 1)[1] if node.kind == "op" else node.kind
            grad = "" if node.grad is None else (
                fmt(node.grad) + (" (.grad)" if node.grad_source == "grad" else ""))
            rows.append((node.name, what, fmt(node.value), "; ".join(partials), grad))
        head = f"Dependency graph of {out}: {self._counts()}"
        header = ("node", "computes", "value", "local partials (edges in)", f"∂{out}/∂node")
        if not any(row[-1] for row in rows):  # no gradients known: no column for them
            header, rows = header[:-1], [row[:-1] for row in rows]
        text = head + "\n" + table(rows, header)
        return text + (f"\n({self.note})" if self.note else "")

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

    def _counts(self) -> str:
        ops = sum(n.kind == "op" for n in self.nodes)
        inputs = [n.name for n in self.nodes if n.kind == "input"]
        return (f"{ops} operation{'' if ops == 1 else 's'} on "
                f"{', '.join(inputs) or 'no inputs'}")

    def __repr__(self) -> str:
        return f"<Graph: {self._counts()}>"


# ---------------------------------------------------------------- building


def build(y: Tensor, gradients: bool = True, values: dict | None = None,
          inputs: list | None = None) -> Graph:
    """The graph of everything ``y`` was computed from. ``values`` (node -> (output,
    inputs), as ``trace`` records them) fills in what the nodes did not save; ``inputs``
    (trace's) are shown even where ``y`` does not depend on them."""
    values = values or {}
    if not isinstance(y, Tensor):
        raise TypeError(f"graph: expected a tensor, got {type(y).__name__}")
    if y._node is None and inputs is None and not y._requires_grad:
        raise ValueError(
            "graph: this tensor has no recorded history; compute it from a tensor with "
            "requires_grad=True (e.g. chainrule.tensor(2.0, requires_grad=True, name='x')), "
            "or use chainrule.viz.trace(f, x=2.0)")
    order = nodes_in_order(y._node) if y._node is not None else []
    leaf_list = list(inputs or []) + [t for t in leaf_tensors(order)
                                      if not any(t is s for s in inputs or [])]
    if y._node is None and y._requires_grad and not any(t is y for t in leaf_list):
        leaf_list.append(y)
    names = leaf_names(leaf_list, len(order), _constant_names(order, values))
    known = node_values(order, y, values)
    nodes, edges, ids, leaves = [], [], {}, {}
    for t in leaf_list:
        leaves[id(t)] = f"n{len(nodes)}"
        grad = _small(t._grad._data) if t._grad is not None else None
        nodes.append(GraphNode(leaves[id(t)], "input", names[id(t)], None, tuple(t.shape),
                               _small(t._data), grad, grad_source="grad"))
    numbers = {node: number for number, node in enumerate(order, 1)}
    constants = 0
    freed = False
    for number, node in enumerate(order, 1):
        arguments, sources = [], []
        recorded = values.get(node)
        freed = freed or node.raw is FREED
        for i, parent in enumerate(node.parents):
            if parent is None:
                value = _constant_value(node, i, recorded)
                if value is None:
                    arguments.append("·")
                    sources.append(None)
                    continue
                constants += 1
                cid = f"n{len(nodes)}"
                nodes.append(GraphNode(cid, "constant", constant_name(value, constants), None,
                                       value.shape, _small(value)))
                arguments.append(nodes[-1].name)
                sources.append(cid)
            elif parent.__class__ is Node:
                sources.append(ids[parent])
                arguments.append(f"v{numbers[parent]}")
            else:
                sources.append(leaves[id(parent)])
                arguments.append(names[id(parent)])
        node_id = f"n{len(nodes)}"
        ids[node] = node_id
        value = known.get(node)
        nodes.append(GraphNode(node_id, "op", f"v{number}", node.prim.name, tuple(node.shape),
                               _small(value), arguments=arguments))
        for i, source in enumerate(sources):
            if source is None:
                continue
            partial = local_partial(node, i) if node.parents[i] is not None else None
            edges.append(GraphEdge(source, node_id, i, partial))
    if y._node is not None:
        output = ids[y._node]
    elif any(t is y for t in leaf_list):
        output = leaves[id(y)]   # the identity: y is one of the inputs
    else:                        # a constant: y depends on no input
        output = f"n{len(nodes)}"
        nodes.append(GraphNode(output, "constant", constant_name(y._data, constants + 1),
                               None, tuple(y.shape), _small(y._data)))
    graph = Graph(nodes, edges, output)
    notes = []
    if any("·" in n.arguments for n in nodes):
        notes.append("· is a constant the tape did not keep (chainrule.viz.trace(f, x=...) "
                     "shows it)")
    if any(e.partial is None and graph._by_id[e.source].kind != "constant" for e in edges):
        if not freed:
            notes.append("partials not shown were too large, or their saved values were "
                         "modified in place")
    if freed:
        notes.append("a backward pass freed this graph: local partials and intermediate "
                     "gradients need backward(retain_graph=True), or chainrule.viz.trace")
    elif gradients and y._data.size == 1 and all(_saved_intact(node) for node in order):
        _attach_adjoints(graph, y, order, ids, leaf_list, leaves)
    graph.note = "; ".join(notes)
    return graph


def nodes_in_order(root: Node) -> list:
    """Every node ``root`` depends on (itself included), oldest first."""
    seen, stack, found = set(), [root], []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        found.append(node)
        stack.extend(p for p in node.parents if p is not None and p.__class__ is Node)
    return sorted(found, key=lambda n: n.seq)


def leaf_tensors(order) -> list:
    """The leaf tensors the nodes read, in the order they are first used."""
    found = {}
    for node in order:
        for p in node.parents:
            if p is not None and p.__class__ is not Node:
                found.setdefault(id(p), p)
    return list(found.values())


def leaf_names(leaves, operations: int, taken=()) -> dict:
    """{id(leaf): name}, unique: the user's names where given ("w", "b"), else x (or x1,
    x2, ... for several); a name already taken, by another leaf, an operation (v1 ...)
    or a constant, gets a suffix (x_2)."""
    used = {f"v{k}" for k in range(1, operations + 1)} | set(taken)
    names = {}
    unnamed = [t for t in leaves if not t.name]
    for t in leaves:  # the user's names first: they are kept where they can be
        if t.name:
            names[id(t)] = _free(t.name, used)
    for k, t in enumerate(unnamed, 1):
        names[id(t)] = _free("x" if len(unnamed) == 1 else f"x{k}", used)
    return names


def _free(name: str, used: set) -> str:
    candidate, k = name, 1
    while candidate in used:
        k += 1
        candidate = f"{name}_{k}"
    used.add(candidate)
    return candidate


def constant_name(data, number: int) -> str:
    data = np.asarray(data)
    if data.size == 1:
        return fmt(data.reshape(()))
    return f"c{number}"


def _constant_names(order, values) -> set:
    names, number = set(), 0
    for node in order:
        for i, parent in enumerate(node.parents):
            if parent is None:
                value = _constant_value(node, i, values.get(node))
                if value is not None:
                    number += 1
                    names.add(constant_name(value, number))
    return names


def _constant_value(node: Node, index: int, recorded):
    if recorded is not None:
        value = recorded[1][index]
    elif node.raw is not FREED and index < len(node.raw):
        value = node.raw[index]
    else:
        value = None
    if value is None:
        return None
    return np.asarray(value._data if isinstance(value, Tensor) else value)


def _small(data) -> np.ndarray | None:
    if data is None:
        return None
    data = np.asarray(data)
    return data.copy() if data.size <= SMALL else None


# ---------------------------------------------------------------- values


def _unchanged(t, node: Node) -> bool:
    """Whether tensor ``t`` is as it was when ``node`` was recorded."""
    version = getattr(t, "_version", None)
    return version is None or version[0] <= node.epoch


def node_values(order, y: Tensor, recorded: dict) -> dict:
    """{node: its output value} for as many nodes as can be known (see the module's
    docstring): recorded, saved, or recomputed by the primitive itself."""
    known = {}
    for node in order:
        if node in recorded:
            known[node] = np.asarray(recorded[node][0])
        elif node.ans is not None and (node.out_version is None
                                       or node.out_version[0] <= node.epoch):
            known[node] = node.ans
    if y._node is not None:
        known.setdefault(y._node, y._data)
    for node in order:  # a later operation may have saved it as its input
        raw, saved = node.raw, node.inputs
        if raw is FREED or saved is None:
            continue
        for i, parent in enumerate(node.parents):
            if (parent.__class__ is Node and parent not in known and i < len(raw)
                    and raw[i] is not None and _unchanged(saved[i], node)):
                known[parent] = raw[i]
    for node in order:
        if node not in known and int(np.prod(node.shape, dtype=int)) <= REPLAY_LIMIT:
            arguments = _replay_arguments(node, known)
            if arguments is not None:
                try:
                    with np.errstate(all="ignore"):
                        known[node] = np.asarray(node.prim.impl(*arguments))
                except Exception:  # noqa: BLE001 - a value we cannot show stays unknown
                    pass
    return known


def _replay_arguments(node: Node, known: dict):
    raw = node.raw
    n = len(node.parents)
    if raw is FREED:
        if _arity(node.prim.impl) != n:
            return None  # the parameters (axis, shape, ...) were released with the rest
        raw = (None,) * n
    arguments = []
    for i, parent in enumerate(node.parents):
        if parent is None:
            value = raw[i] if i < len(raw) else None
        elif parent.__class__ is Node:
            value = known.get(parent)
        else:
            value = parent._data if _unchanged(parent, node) else None
        if value is None:
            return None
        arguments.append(value)
    return arguments + list(raw[n:])


_arities = {}


def _arity(impl) -> int | None:
    """How many positional arguments ``impl`` takes (None when variadic or unknown)."""
    if impl not in _arities:
        try:
            parameters = inspect.signature(impl).parameters.values()
        except (TypeError, ValueError):
            _arities[impl] = None
        else:
            kinds = [p.kind for p in parameters]
            _arities[impl] = None if inspect.Parameter.VAR_POSITIONAL in kinds else len(kinds)
    return _arities[impl]


# ---------------------------------------------------------------- derivatives


def _saved_intact(node: Node) -> bool:
    """Whether what the node saved is as it was (not modified in place since)."""
    from ..backward import check_versions
    from ..errors import SavedValueModifiedError
    try:
        check_versions(node)
    except SavedValueModifiedError:
        return False
    return True


def local_partial(node: Node, index: int):
    """∂node/∂argument ``index`` by the node's VJP rule: a number for scalars, the
    Jacobian (output × argument) for small tensors, None when too big or freed."""
    if node.raw is FREED or not _saved_intact(node):
        return None
    parent = node.parents[index]
    parent_shape = tuple(parent.shape)
    out_size = int(np.prod(node.shape, dtype=int))
    in_size = int(np.prod(parent_shape, dtype=int))
    if out_size * in_size > SMALL * SMALL:
        return None
    rule = node.prim.vjps[index]
    rows = []
    for k in range(out_size):
        seed = np.zeros(out_size)
        seed[k] = 1.0
        row = rule(seed.reshape(node.shape), node.ans, *node.raw)
        row = np.zeros(parent_shape) if row is None else np.asarray(row, dtype=np.float64)
        if row.shape != parent_shape:
            from ..ops import sum_to
            row = np.asarray(sum_to(row, parent_shape))
        rows.append(row.reshape(-1))
    return np.array(rows).reshape(tuple(node.shape) + parent_shape)


def _attach_adjoints(graph: Graph, y: Tensor, order, ids, leaf_list, leaves) -> None:
    """∂y/∂node for every node, by one reverse sweep that keeps the graph."""
    from ..backward import grad
    targets, owners = [], []
    for node in order:
        stand_in = wrap(np.zeros(node.shape))
        stand_in._node = node
        stand_in._requires_grad = True
        targets.append(stand_in)
        owners.append(ids[node])
    used = {id(t) for t in leaf_tensors(order)}
    if y._node is None:  # the identity, or a constant
        for t in leaf_list:
            node = graph._by_id[leaves[id(t)]]
            node.grad = np.ones(t.shape) if t is y else np.zeros(t.shape)
            node.grad_source = "adjoint"
        return
    for t in leaf_list:
        if id(t) in used:
            targets.append(t)
            owners.append(leaves[id(t)])
        else:  # an input the output does not depend on
            node = graph._by_id[leaves[id(t)]]
            node.grad, node.grad_source = np.zeros(t.shape), "adjoint"
    grads = grad(y, targets, retain_graph=True, allow_unused=True)
    for owner, g in zip(owners, grads):
        node = graph._by_id[owner]
        node.grad = _small(g.numpy()) if g is not None else np.zeros(node.shape)
        node.grad_source = "adjoint"
