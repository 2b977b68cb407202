"""f and its derivatives by automatic differentiation, on one figure (exercise 4)."""
from __future__ import annotations

import numpy as np

from ..creation import tensor
from ..tensor import Tensor
from ..transforms import grad, vmap


def derivatives(f, xs, order: int = 1) -> list:
    """[f(xs), f'(xs), ..., f⁽ᵒʳᵈᵉʳ⁾(xs)] at the points ``xs`` by autodiff: the k-th
    derivative is grad applied k times, batched over the points with vmap."""
    if order < 0:
        raise ValueError(f"plot: order must be 0 or more, got {order}")
    points = tensor(np.asarray(xs, dtype=np.float64))
    curves, g = [], f
    for _ in range(order + 1):
        curves.append(np.asarray(vmap(_scalar(g))(points).numpy(), dtype=np.float64))
        g = grad(g)
    return curves


def _scalar(f):
    def scalar_f(x):
        y = f(x)
        if not isinstance(y, Tensor):
            raise TypeError("plot: f must compute its value with chainrule operations")
        return y
    return scalar_f


def plot(f, lo: float, hi: float, order: int = 1, num: int = 200, path: str | None = None,
         ax=None, label: str | None = None):
    """Plot f and its first ``order`` derivatives on [lo, hi]; returns the figure and
    saves it to ``path`` when given. Needs matplotlib (pip install 'chainrule[plot]')."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("chainrule.viz.plot needs matplotlib: pip install "
                          "'chainrule[plot]'") from None
    if label is None:
        name = getattr(f, "__name__", "f")
        label = name if name.isidentifier() else "f"
    if not hi > lo:
        raise ValueError(f"plot: the interval must have lo < hi, got [{lo}, {hi}]")
    xs = np.linspace(lo, hi, num)
    curves = derivatives(f, xs, order)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    for k, ys in enumerate(curves):
        name = label if k == 0 else label + "'" * k if k < 4 else f"{label}^({k})"
        ax.plot(xs, ys, label=f"{name}(x)" + (" (autodiff)" if k else ""),
                linestyle="-" if k == 0 else "--")
    ax.axhline(0.0, color="#999", linewidth=0.8)
    ax.set_xlabel("x")
    ax.set_ylabel("value")
    ax.legend()
    ax.grid(alpha=0.3)
    ax.set_title(f"{label} and its derivative{'s' if order > 1 else ''} by autodiff")
    if path is not None:
        fig.savefig(path, dpi=100, bbox_inches="tight")
    return fig
