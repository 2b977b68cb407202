"""The chain rule evaluated both ways, as tables: exercises 6 to 8 of the chapter.

For f at a point: the forward sweep (every intermediate value), the tangent sweep from
x to f (forward mode, by the operations' JVP rules) and the adjoint sweep from f back to
x (reverse mode, by their VJP rules). Each row names the chain-rule product it applies,
with the local partial derivatives as numbers; both sweeps end at the same derivative.
The cost table says what each mode needs for f: Rⁿ → Rᵐ.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..backward import grad as _grad
from ..graph import Node
from ..tensor import wrap
from .graph import leaf_names, local_partial, nodes_in_order, node_values
from .text import fmt, table


def _factor(value) -> str:
    """A factor of a product as shown: negative numbers in parentheses."""
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text


@dataclass
class Row:
    name: str        # "v3", "x"
    formula: str     # the chain-rule product, in symbols
    numbers: str     # the same with the numbers put in
    value: np.ndarray


class Explanation:
    """The three sweeps of ``explain`` and the cost of each mode."""

    def __init__(self, forward, tangent, adjoint, cost, direction, cotangent,
                 output_tangent, output_name) -> None:
        self.forward = forward        # rows: vK = op(...) = value
        self.tangent = tangent        # rows: v̇K = Σ ∂vK/∂vJ · v̇J
        self.adjoint = adjoint        # rows: v̄J = Σ v̄K · ∂vK/∂vJ
        self.cost = cost              # dict: the numbers of the cost table
        self.direction = direction    # the input direction the tangent sweep follows
        self.cotangent = cotangent    # the output weights the adjoint sweep starts from
        self.output_tangent = output_tangent  # J·ẋ, where the tangent sweep ends
        self.output_name = output_name        # "v6", or "x" when f(x) = x

    @property
    def forward_derivative(self) -> np.ndarray:
        """⟨f̄, J·ẋ⟩: the end of the tangent sweep, weighted by the output cotangent
        (for f: R → R simply f'(x))."""
        return np.asarray(np.sum(self.output_tangent * self.cotangent))

    @property
    def reverse_derivative(self) -> np.ndarray:
        """⟨f̄ᵀJ, ẋ⟩: the adjoint sweep's input rows against the tangent seed."""
        total = 0.0
        for row in self.adjoint:
            if row.name in self.direction:
                total = total + np.sum(row.value * self.direction[row.name])
        return np.asarray(total)

    def cost_table(self) -> str:
        """What each mode needs for the whole Jacobian, as text."""
        return _cost_text(self.cost)

    def __str__(self) -> str:
        parts = ["Forward sweep (evaluate f, keep what reverse mode needs)",
                 table([(r.name, r.formula, fmt(r.value)) for r in self.forward],
                       ("", "operation", "value"))]
        seed = ", ".join(f"{k}̇ = {fmt(v)}" for k, v in self.direction.items())
        parts += ["", f"Tangent sweep, forward mode, from x to f (seed {seed})",
                  table([(f"{r.name}̇", r.formula, r.numbers, fmt(r.value))
                         for r in self.tangent], ("", "chain rule", "numbers", "value"))]
        parts += ["", f"Adjoint sweep, reverse mode, from f back to x (seed "
                      f"{self.output_name}̄ = {fmt(self.cotangent)})",
                  table([(f"{r.name}̄", r.formula, r.numbers, fmt(r.value))
                         for r in self.adjoint], ("", "chain rule", "numbers", "value"))]
        parts += ["", f"Both sweeps give df = {fmt(self.forward_derivative)} (forward) and "
                      f"{fmt(self.reverse_derivative)} (reverse).", "", self.cost_table()]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        import html
        return f"<pre>{html.escape(str(self))}</pre>"


def explain(f, *args, direction=None, cotangent=None, **named) -> Explanation:
    """Evaluate ``f`` at the given point (``explain(f, 2.0)`` or ``explain(f, x=2.0)``;
    a dialect's tensor as the point gives f that dialect's tensors) and show the chain
    rule applied from x to f and from f back to x.

    ``direction``: the input tangent ẋ of the forward sweep; ``cotangent``: the output
    weights f̄ the adjoint sweep starts from. Both default to the first element (of the
    first input, of the output), so for f: R → R both sweeps give f'(x); in general they
    meet at ⟨f̄, J·ẋ⟩.
    """
    from . import _record
    out, inputs, values = _record("explain", f, args, named)
    order = nodes_in_order(out._node) if out._node is not None else []
    names = leaf_names(inputs, len(order))
    for number, node in enumerate(order, 1):
        names[id(node)] = f"v{number}"
    known = node_values(order, out, values)
    seeds = _seeds(inputs, direction)
    tangent, output_tangent = _tangent_rows(order, names, inputs, seeds, out)
    if cotangent is None:
        cotangent = np.zeros(out.shape)
        cotangent.reshape(-1)[0] = 1.0
    cotangent = np.broadcast_to(np.asarray(cotangent, dtype=np.float64), out.shape).copy()
    output_name = (names[id(out._node)] if out._node is not None
                   else names.get(id(out), "f"))
    return Explanation(_forward_rows(order, names, values, known, out, inputs), tangent,
                       _adjoint_rows(out, order, names, inputs, cotangent),
                       _cost(order, inputs, out),
                       {names[id(t)]: s for t, s in zip(inputs, seeds)}, cotangent,
                       output_tangent, output_name)


def _argument_names(node, names, values) -> list:
    recorded = values.get(node)
    result = []
    for i, parent in enumerate(node.parents):
        if parent is not None:
            result.append(names[id(parent)])
        elif recorded is not None:
            result.append(fmt(recorded[1][i]))
        else:
            result.append("·")
    return result


def _forward_rows(order, names, values, known, out, inputs) -> list:
    if not order:  # f(x) = x, or a constant
        is_input = any(out is t for t in inputs)
        return [Row(names[id(out)] if is_input else "f", "the input" if is_input
                    else "a constant", "", np.asarray(out._data))]
    return [Row(names[id(node)], f"{node.prim.name}({', '.join(_argument_names(node, names, values))})",
                "", np.asarray(known.get(node))) for node in order]


def _seeds(inputs, direction) -> list:
    if direction is not None:
        given = direction if isinstance(direction, (list, tuple)) else [direction]
        return [np.broadcast_to(np.asarray(d, dtype=np.float64), t.shape).copy()
                for d, t in zip(given, inputs)]
    seeds = [np.zeros(t.shape) for t in inputs]
    if seeds:
        seeds[0].reshape(-1)[0] = 1.0
    return seeds


def _tangent_rows(order, names, inputs, seeds, out):
    tangent = {id(t): s for t, s in zip(inputs, seeds)}
    rows = [Row(names[id(t)], "seed", "", s) for t, s in zip(inputs, seeds)]
    for node in order:
        ts = [None if p is None else tangent.get(id(p)) for p in node.parents]
        # The operation's own JVP rule gives the value...
        value = node.prim.jvp(tuple(ts), node.ans, *node.raw)
        value = np.zeros(node.shape) if value is None else np.broadcast_to(
            np.asarray(value, dtype=np.float64), node.shape)
        tangent[id(node)] = value
        # ...and the row spells it as the chain-rule sum of partials times tangents.
        terms, numbers = [], []
        for i, (parent, t) in enumerate(zip(node.parents, ts)):
            if parent is None or t is None:
                continue
            partial = local_partial(node, i)
            source = names[id(parent)]
            terms.append(f"∂{names[id(node)]}/∂{source}·{source}̇")
            numbers.append(f"{_factor(partial)}·{_factor(t)}" if partial is not None else "…")
        rows.append(Row(names[id(node)], " + ".join(terms) or "0",
                        " + ".join(numbers) or "0", value))
    if out._node is not None:
        return rows, tangent[id(out._node)]
    if id(out) in tangent:  # f(x) = x
        return rows, tangent[id(out)]
    rows.append(Row("f", "0 (a constant)", "0", np.zeros(out.shape)))
    return rows, np.zeros(out.shape)


def _adjoint_rows(out, order, names, inputs, cotangent) -> list:
    if not order:  # the identity passes the seed on; a constant sends nothing back
        return [Row(names[id(t)], "seed" if t is out else "0 (f does not depend on it)",
                    "", cotangent if t is out else np.zeros(t.shape)) for t in inputs]
    targets, keys = [], []
    for node in order:
        stand_in = wrap(np.zeros(node.shape))
        stand_in._node = node
        stand_in._requires_grad = True
        targets.append(stand_in)
        keys.append(id(node))
    targets += inputs
    keys += [id(t) for t in inputs]
    grads = _grad(out, targets, wrap(cotangent), retain_graph=True, allow_unused=True)
    adjoint = {k: (np.zeros(t.shape) if g is None else g.numpy())
               for k, t, g in zip(keys, targets, grads)}
    consumers = {}
    for node in order:
        for i, parent in enumerate(node.parents):
            if parent is not None:
                consumers.setdefault(id(parent), []).append((node, i))
    rows = []
    for item in list(reversed(order)) + list(inputs):
        key = id(item)
        name = names[key]
        if item.__class__ is Node and item is out._node:
            rows.append(Row(name, "seed", "", adjoint[key]))
            continue
        terms, numbers = [], []
        for consumer, i in consumers.get(key, []):
            partial = local_partial(consumer, i)
            cname = names[id(consumer)]
            terms.append(f"{cname}̄·∂{cname}/∂{name}")
            numbers.append(f"{_factor(adjoint[id(consumer)])}·{_factor(partial)}"
                           if partial is not None else "…")
        rows.append(Row(name, " + ".join(terms) or "0", " + ".join(numbers) or "0",
                        adjoint[key]))
    return rows


def _cost(order, inputs, out) -> dict:
    saved = 0
    for node in order:
        if node.inputs is not None:  # raw: the arrays themselves (a dialect's .size
            saved += sum(np.size(v) for v in node.raw[:len(node.parents)]  # may be a method)
                         if v is not None)
        if node.ans is not None:
            saved += np.size(node.ans)
    n = sum(int(np.prod(t.shape, dtype=int)) for t in inputs)
    m = int(np.prod(out.shape, dtype=int))
    k = len(order)
    # Either mode evaluates f itself once (its k operations), and each sweep then applies
    # one derivative rule per operation: JVP rules forward, VJP rules backward.
    return {"inputs": n, "outputs": m, "operations": k,
            "forward_sweeps": n, "reverse_sweeps": m,
            "forward_operations": k + n * k, "reverse_operations": k + m * k,
            "saved_values": saved,
            "cheaper": ("reverse" if m < n else "forward" if n < m else "either")}


def _cost_text(cost) -> str:
    k = cost["operations"]
    rows = [("forward (tangent) mode", f"{cost['forward_sweeps']} (one per input)",
             f"{cost['forward_operations']} = {k} + {cost['forward_sweeps']}×{k}",
             "0 (values are used as they are computed)"),
            ("reverse (adjoint) mode", f"{cost['reverse_sweeps']} (one per output)",
             f"{cost['reverse_operations']} = {k} + {cost['reverse_sweeps']}×{k}",
             f"{cost['saved_values']} (kept from the forward sweep)")]
    verdict = {"reverse": "reverse mode is cheaper: fewer outputs than inputs",
               "forward": "forward mode is cheaper: fewer inputs than outputs",
               "either": "as many inputs as outputs: the same work either way, and "
                         "forward mode saves the memory"}[cost["cheaper"]]
    return (f"The whole Jacobian of f: R^{cost['inputs']} → R^{cost['outputs']} "
            f"({k} operations):\n"
            + table(rows, ("mode", "sweeps", "operations", "values held"))
            + f"\noperations: f's {k} once, then one derivative rule per operation per "
              f"sweep\n{verdict}")
