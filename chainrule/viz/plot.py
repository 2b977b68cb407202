"""f and its derivatives by automatic differentiation, on one figure (exercise 4)."""
from __future__ import annotations

import importlib.util
import io

import numpy as np

from ..creation import tensor
from ..tensor import Tensor
from ..transforms import grad, vmap

BLOCK = 10_000  # points evaluated per batched call (and per step of a progress report)


def derivatives(f, xs, order: int = 1, progress=None) -> list:
    """[f(xs), f'(xs), ..., f⁽ᵒʳᵈᵉʳ⁾(xs)] at the points ``xs`` by autodiff: the k-th
    derivative is grad applied k times, batched over the points with vmap, BLOCK points
    at a time. ``progress(n)`` is called as each block of n points is done."""
    if order < 0:
        raise ValueError(f"plot: order must be 0 or more, got {order}")
    xs = np.asarray(xs, dtype=np.float64).reshape(-1)
    curves, g = [], f
    for _ in range(order + 1):
        batched = vmap(_scalar(g))
        parts = []
        for start in range(0, len(xs), BLOCK):
            points = xs[start:start + BLOCK]
            with np.errstate(all="ignore"):
                parts.append(np.asarray(batched(tensor(points)).numpy(), dtype=np.float64))
            if progress is not None:
                progress(len(points))
        curves.append(np.concatenate(parts) if parts else np.zeros(0))
        g = grad(g)
    return curves


def _scalar(f):
    def scalar_f(x):
        y = f(x)
        if not isinstance(y, Tensor):
            raise TypeError("plot: f must compute its value with chainrule operations")
        return y
    return scalar_f


_figure_class = []


def _figure(**options):
    """A matplotlib Figure outside pyplot that shows itself in Jupyter (pyplot's figures
    do through the inline backend; this one must say so itself)."""
    if not _figure_class:
        from matplotlib.figure import Figure

        class PlotFigure(Figure):
            def _repr_png_(self) -> bytes:
                buffer = io.BytesIO()
                self.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
                return buffer.getvalue()
        _figure_class.append(PlotFigure)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    figure = _figure_class[0](**options)
    FigureCanvasAgg(figure)  # its own canvas: drawing and saving need no pyplot backend
    return figure


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def plot(f, lo: float, hi: float, order: int = 1, num: int = 200, path: str | None = None,
         ax=None, label: str | None = None, progress=None):
    """Plot f and its first ``order`` derivatives on [lo, hi]; returns the figure and
    saves it to ``path`` when given. Needs matplotlib (pip install 'chainrule[plot]').

    The figure is a matplotlib Figure made outside pyplot (nothing accumulates in
    pyplot's list of open figures), unless ``ax`` is given: then it draws there.
    A function with a ``formula`` attribute (as the command line makes) is named by it.
    """
    if importlib.util.find_spec("matplotlib") is None:
        raise ImportError("chainrule.viz.plot needs matplotlib: pip install "
                          "'chainrule[plot]'")
    if not hi > lo:
        raise ValueError(f"plot: the interval must have lo < hi, got [{lo}, {hi}]")
    formula = getattr(f, "formula", None)
    if label is None:
        name = getattr(f, "__name__", "f")
        label = name if name.isidentifier() else "f"
    xs = np.linspace(lo, hi, num)
    curves = derivatives(f, xs, order, progress)
    if ax is None:
        fig = _figure(figsize=(8, 4.2))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    for k, ys in enumerate(curves):
        name = label if k == 0 else label + "′" * k if k < 4 else f"{label}^({k})"
        text = f"{name}(x)" + (f" = {_short(formula, 40)}" if formula and k == 0 else "")
        ax.plot(xs, ys, label=text + (" (autodiff)" if k else ""),
                linestyle="-" if k == 0 else "--")
    ax.axhline(0.0, color="#999", linewidth=0.8)
    ax.set_xlabel("x")
    ax.set_ylabel("value")
    # Outside the axes, on the right: the legend never covers the curves.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
              frameon=False)
    ax.grid(alpha=0.3)
    what = f"{label}(x) = {_short(formula)}" if formula else label
    ax.set_title(what if order == 0 else
                 f"{what} and its derivative{'s' if order > 1 else ''} by autodiff")
    if path is not None:
        fig.savefig(path, dpi=150, bbox_inches="tight")
    return fig
