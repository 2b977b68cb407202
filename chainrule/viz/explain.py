"""The chain rule evaluated both ways, as tables: exercises 6 to 8 of the chapter.

For f at a point: the forward sweep (every intermediate value), the tangent sweep from
x to f (forward mode, by the operations' JVP rules) and the adjoint sweep from f back to
x (reverse mode, by their VJP rules). Each row names the chain-rule product it applies,
with the local partial derivatives as numbers; both sweeps end at the same derivative.
The cost table says what each mode needs for f: Rⁿ → Rᵐ.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from ..backward import grad as _grad
from ..graph import Node
from ..tensor import wrap
from .graph import _local_partial, _nodes_in_order
from .render import fmt


@dataclass
class Row:
    name: str        # "v3", "x"
    formula: str     # the chain-rule product, in symbols
    numbers: str     # the same with the numbers put in
    value: np.ndarray


class Explanation:
    """The three sweeps of ``explain`` and the cost of each mode."""

    def __init__(self, forward, tangent, adjoint, cost, direction, cotangent) -> None:
        self.forward = forward        # rows: vK = op(...) = value
        self.tangent = tangent        # rows: v̇K = Σ ∂vK/∂vJ · v̇J
        self.adjoint = adjoint        # rows: v̄J = Σ v̄K · ∂vK/∂vJ
        self.cost = cost              # dict: the numbers of the cost table
        self.direction = direction    # the input direction the tangent sweep follows
        self.cotangent = cotangent    # the output weights the adjoint sweep starts from

    @property
    def forward_derivative(self) -> np.ndarray:
        """⟨f̄, J·ẋ⟩: the end of the tangent sweep, weighted by the output cotangent
        (for f: R → R simply f'(x))."""
        return np.asarray(np.sum(self.tangent[-1].value * self.cotangent))

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
                 _table([(r.name, r.formula, fmt(r.value)) for r in self.forward],
                        ("", "operation", "value"))]
        seed = ", ".join(f"{k}̇ = {fmt(v)}" for k, v in self.direction.items())
        parts += ["", f"Tangent sweep, forward mode, from x to f (seed {seed})",
                  _table([(f"{r.name}̇", r.formula, r.numbers, fmt(r.value))
                          for r in self.tangent], ("", "chain rule", "numbers", "value"))]
        parts += ["", f"Adjoint sweep, reverse mode, from f back to x (seed f̄ = "
                      f"{fmt(self.cotangent)})",
                  _table([(f"{r.name}̄", r.formula, r.numbers, fmt(r.value))
                          for r in self.adjoint], ("", "chain rule", "numbers", "value"))]
        parts += ["", f"Both sweeps give df = {fmt(self.forward_derivative)} (forward) and "
                      f"{fmt(self.reverse_derivative)} (reverse).", "", self.cost_table()]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        import html
        return f"<pre>{html.escape(str(self))}</pre>"


def explain(f, *args, direction=None, cotangent=None, **named) -> Explanation:
    """Evaluate ``f`` at the given point (``explain(f, 2.0)`` or ``explain(f, x=2.0)``)
    and show the chain rule applied from x to f and from f back to x.

    ``direction``: the input tangent ẋ of the forward sweep; ``cotangent``: the output
    weights f̄ the adjoint sweep starts from. Both default to the first element (of the
    first input, of the output), so for f: R → R both sweeps give f'(x); in general they
    meet at ⟨f̄, J·ẋ⟩.
    """
    from . import record
    out, inputs, values = record(f, *args, **named)
    order = _nodes_in_order(out._node)
    names = _names(order, inputs)
    forward = _forward_rows(order, names, values)
    seeds = _seeds(inputs, direction)
    tangent = _tangent_rows(order, names, inputs, seeds)
    if cotangent is None:
        cotangent = np.zeros(out.shape)
        cotangent.reshape(-1)[0] = 1.0
    cotangent = np.broadcast_to(np.asarray(cotangent, dtype=np.float64), out.shape).copy()
    adjoint = _adjoint_rows(out, order, names, inputs, cotangent)
    cost = _cost(order, inputs, out)
    return Explanation(forward, tangent, adjoint, cost,
                       {t.name: s for t, s in zip(inputs, seeds)}, cotangent)


def _names(order, inputs) -> dict:
    names = {id(t): t.name for t in inputs}
    for number, node in enumerate(order, 1):
        names[id(node)] = f"v{number}"
    return names


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


def _forward_rows(order, names, values) -> list:
    rows = []
    for node in order:
        args = _argument_names(node, names, values)
        rows.append(Row(names[id(node)], f"{node.prim.name}({', '.join(args)})", "",
                        np.asarray(values[node][0])))
    return rows


def _seeds(inputs, direction) -> list:
    if direction is not None:
        given = direction if isinstance(direction, (list, tuple)) else [direction]
        return [np.broadcast_to(np.asarray(d, dtype=np.float64), t.shape).copy()
                for d, t in zip(given, inputs)]
    seeds = [np.zeros(t.shape) for t in inputs]
    seeds[0].reshape(-1)[0] = 1.0
    return seeds


def _product(partial, vector) -> np.ndarray:
    """∂target/∂source (a Jacobian of shape target + source) applied to a tangent."""
    source_ndim = np.ndim(vector)
    flat = np.reshape(partial, np.shape(partial)[:np.ndim(partial) - source_ndim] + (-1,))
    return flat @ np.reshape(vector, -1)


def _tangent_rows(order, names, inputs, seeds) -> list:
    tangent = {id(t): s for t, s in zip(inputs, seeds)}
    rows = [Row(t.name, "seed", "", s) for t, s in zip(inputs, seeds)]
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
            partial = _local_partial(node, i)
            source = names[id(parent)]
            terms.append(f"∂{names[id(node)]}/∂{source}·{source}̇")
            numbers.append(f"{fmt(partial)}·{fmt(t)}" if partial is not None else "…")
        rows.append(Row(names[id(node)], " + ".join(terms) or "0",
                        " + ".join(numbers) or "0", value))
    return rows


def _adjoint_rows(out, order, names, inputs, cotangent) -> list:
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
            partial = _local_partial(consumer, i)
            cname = names[id(consumer)]
            terms.append(f"{cname}̄·∂{cname}/∂{name}")
            numbers.append(f"{fmt(adjoint[id(consumer)])}·{fmt(partial)}"
                           if partial is not None else "…")
        rows.append(Row(name, " + ".join(terms) or "0", " + ".join(numbers) or "0",
                        adjoint[key]))
    return rows


def _cost(order, inputs, out) -> dict:
    saved = 0
    for node in order:
        if node.inputs is not None:
            saved += sum(np.size(v) for v in node.inputs[:len(node.parents)]
                         if v is not None)
        if node.ans is not None:
            saved += np.size(node.ans)
    n = sum(t.size for t in inputs)
    m = out.size
    return {"inputs": n, "outputs": m, "operations": len(order),
            "forward_sweeps": n, "reverse_sweeps": m,
            "forward_operations": n * len(order), "reverse_operations": m * len(order),
            "saved_values": saved}


def _cost_text(cost) -> str:
    rows = [("forward (tangent) mode", f"{cost['forward_sweeps']} (one per input)",
             str(cost["forward_operations"]), "0 (values are used as they are computed)"),
            ("reverse (adjoint) mode", f"{cost['reverse_sweeps']} (one per output)",
             str(cost["reverse_operations"]),
             f"{cost['saved_values']} (kept from the forward sweep)")]
    verdict = ("reverse mode is cheaper: fewer outputs than inputs"
               if cost["outputs"] < cost["inputs"] else
               "forward mode is cheaper: fewer inputs than outputs"
               if cost["inputs"] < cost["outputs"] else
               "as many inputs as outputs: forward mode saves the memory")
    return (f"The whole Jacobian of f: R^{cost['inputs']} → R^{cost['outputs']} "
            f"({cost['operations']} operations):\n"
            + _table(rows, ("mode", "sweeps", "operations", "values held")) + f"\n{verdict}")


def _width(text: str) -> int:
    """Columns on screen: the dots of ẋ and bars of x̄ are combining marks, not columns."""
    return sum(1 for c in text if not unicodedata.combining(c))


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(rows, header) -> str:
    rows = [tuple(str(c) for c in r) for r in rows]
    widths = [max(_width(str(h)), *(_width(r[i]) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(header)]
    line = "  ".join(_pad(str(h), w) for h, w in zip(header, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join([line, rule] + body)
