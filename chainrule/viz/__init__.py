"""``chainrule.viz``: the chain rule made visible on your own code.

- ``graph(y)`` / ``trace(f, x=2.0)``: the dependency graph, with values, local partial
  derivatives on the edges and each node's gradient; ``.to_dot()``, ``.render(path)``,
  ``.summary()`` (a table), and a picture in Jupyter.
- ``explain(f, x)``: the forward sweep, the tangent sweep (x to f) and the adjoint sweep
  (f back to x) as tables, and what each mode costs.
- ``plot(f, lo, hi, order=1)``: f and its derivatives by autodiff on one figure.

They work on the tensors of every dialect (chainrule.torch, .mxnet, ...) too.
"""
from __future__ import annotations

import numpy as np

from ..creation import tensor
from ..graph import enable_grad, grad_state
from ..tensor import Tensor, as_class
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
        if self.previous is not None:  # e.g. anomaly mode's checks
            self.previous(node, out, inputs)

    def __enter__(self):
        self.previous = grad_state.observer
        grad_state.observer = self
        return self

    def __exit__(self, *exc) -> None:
        grad_state.observer = self.previous


def _input(value, name: str, what: str = "trace") -> Tensor:
    """A float64 leaf that requires grad, of the value's own tensor class when it is a
    dialect's tensor (so that f may use that dialect's methods on it)."""
    if isinstance(value, Tensor):
        t = tensor(np.asarray(value._data, dtype=np.float64), requires_grad=True,
                   name=value.name or name)
        return as_class(t, value.__class__)
    if value is None or isinstance(value, str | bytes):
        raise TypeError(f"{what}: the input {name} must be a number or an array of numbers, "
                        f"got {value!r}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{what}: the input {name} must be a number or an array of "
                        f"numbers, got {type(value).__name__} ({exc})") from None
    return tensor(array, requires_grad=True, name=name)


def record(f, *args, **named):
    """Run ``f`` on float64 inputs that require grad (named after the keywords) and keep
    every value it computes. Returns (output, inputs, recorder values). An output that
    is a number, or that does not depend on the inputs, is a constant tensor."""
    return _record("trace", f, args, named)


def _record(what, f, args, named):
    if not callable(f):
        raise TypeError(f"{what}: f must be a function (a callable), got "
                        f"{type(f).__name__}; e.g. {what}(lambda x: x * x, x=2.0)")
    inputs = [_input(v, "x" if len(args) == 1 and not named else f"x{i}", what)
              for i, v in enumerate(args)]
    inputs += [_input(v, k, what) for k, v in named.items()]
    with _Recorder() as recorder, enable_grad():
        out = f(*inputs[:len(args)], **dict(zip(named, inputs[len(args):])))
    if not isinstance(out, Tensor):
        try:
            out = tensor(np.asarray(out, dtype=np.float64))
        except (TypeError, ValueError):
            raise TypeError(f"{what}: f must return a tensor or a number, got "
                            f"{type(out).__name__}") from None
    return out, inputs, recorder.values


def trace(f, *args, **named) -> Graph:
    """Run ``f`` at the given point and return its full graph: every value, every local
    partial derivative, every gradient. ``trace(f, x=2.0)`` names the input x."""
    out, inputs, values = record(f, *args, **named)
    return build(out, gradients=True, values=values, inputs=inputs)


__all__ = ["graph", "trace", "explain", "plot", "Graph"]
