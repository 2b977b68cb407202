"""``chainrule.viz``: the chain rule made visible on your own code.

- ``graph(y)`` / ``trace(f, x=2.0)``: the dependency graph, with values, local partial
  derivatives on the edges and each node's gradient; ``.to_dot()``, ``.render(path)``,
  and a picture in Jupyter.
- ``explain(f, x)``: the forward sweep, the tangent sweep (x to f) and the adjoint sweep
  (f back to x) as tables, and what each mode costs.
- ``plot(f, lo, hi, order=1)``: f and its derivatives by autodiff on one figure.
"""
from __future__ import annotations

import numpy as np

from ..creation import tensor
from ..graph import enable_grad, grad_state
from ..tensor import Tensor
from .explain import explain
from .graph import Graph, build
from .plot import plot


def graph(y: Tensor, gradients: bool = True) -> Graph:
    """The recorded dependency graph of ``y`` (with each node's gradient ∂y/∂node when y
    is a single value and its graph is still whole)."""
    return build(y, gradients)


class _Recorder:
    """Keeps the output and inputs of every operation recorded while it is installed."""

    def __init__(self) -> None:
        self.values = {}

    def __call__(self, node, out, inputs) -> None:
        self.values[node] = (out, inputs)

    def __enter__(self):
        self.previous = grad_state.observer
        grad_state.observer = self
        return self

    def __exit__(self, *exc) -> None:
        grad_state.observer = self.previous


def record(f, *args, **named):
    """Run ``f`` on float64 inputs that require grad (named after the keywords) and keep
    every value it computes. Returns (output, inputs, recorder values)."""
    inputs = [tensor(np.asarray(v, dtype=np.float64), requires_grad=True,
                     name="x" if len(args) == 1 and not named else f"x{i}")
              for i, v in enumerate(args)]
    inputs += [tensor(np.asarray(v, dtype=np.float64), requires_grad=True, name=k)
               for k, v in named.items()]
    with _Recorder() as recorder, enable_grad():
        out = f(*inputs[:len(args)], **dict(zip(named, inputs[len(args):])))
    if not isinstance(out, Tensor) or out._node is None:
        raise ValueError("trace: the function must compute its result from its inputs with "
                         "chainrule operations")
    return out, inputs, recorder.values


def trace(f, *args, **named) -> Graph:
    """Run ``f`` at the given point and return its full graph: every value, every local
    partial derivative, every gradient. ``trace(f, x=2.0)`` names the input x."""
    out, _, values = record(f, *args, **named)
    return build(out, gradients=True, values=values)


__all__ = ["graph", "trace", "explain", "plot", "Graph"]
