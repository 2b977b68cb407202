"""r_ and c_: NumPy's index-trick objects that join arrays, numbers and ranges.

``r_[x, y, 1.0]`` joins along the first axis, ``r_[0:3]`` and ``r_[0:1:5j]`` are ranges
(arange and linspace), a first string sets the axis, the minimum number of dimensions
and where 1-d items' axis goes (``r_['0,2,1', x, y]``); ``c_`` is ``r_['-1,2,0', ...]``.
Tensors among the items keep their graph: the result is a join of them.
"""
from __future__ import annotations

import numpy as np
from numpy import ScalarType

from .. import ops
from ..tensor import Tensor
from ._core import asarray_like, cast_to
from ._joining import join

__all__ = ["r_", "c_"]


def _range(item: slice) -> np.ndarray:
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    if isinstance(step, (complex, np.complexfloating)):  # 5j means 5 points
        return np.linspace(start, item.stop, num=int(abs(step)))
    return np.arange(start, item.stop, step)


def _at_least(x: Tensor, ndmin: int) -> Tensor:
    return ops.reshape(x, (1,) * (ndmin - x.ndim) + x.shape) if x.ndim < ndmin else x


def _place_axes(x: Tensor, item_ndim: int, ndmin: int, trans1d: int) -> Tensor:
    """Where the item's own axes go among the ndmin (NumPy's trans1d rule)."""
    if trans1d == -1 or item_ndim >= ndmin:
        return x
    k2 = ndmin - item_ndim
    k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
    axes = list(range(ndmin))
    return ops.transpose(x, axes[:k1] + axes[k2:] + axes[k1:k2])


def _directive(item: str, name: str):
    """(axis, ndmin, trans1d) from a string directive: '1', '0,2' or '0,2,1'."""
    if item in ("r", "c"):
        raise ValueError(f"{name}: the {item!r} directive makes an np.matrix, which "
                         "chainrule does not support; join into an array and reshape it")
    parts = item.split(",")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise ValueError(f"{name}: unknown special directive {item!r}; use e.g. '1', '0,2' "
                         "or '0,2,1' (axis, minimum dimensions, position of 1-d axes)") from None
    if len(numbers) > 3:
        raise ValueError(f"{name}: unknown special directive {item!r}: at most three numbers")
    return numbers


class AxisConcatenator:
    """Joins its index's items along an axis; ``r_`` and ``c_`` are its instances."""

    def __init__(self, name: str, axis: int = 0, ndmin: int = 1, trans1d: int = -1) -> None:
        self.name, self.axis, self.ndmin, self.trans1d = name, axis, ndmin, trans1d

    def __getitem__(self, key):
        if isinstance(key, str):
            raise ValueError(f"{self.name}: a string of rows builds an np.matrix, which "
                             "chainrule does not support; give arrays, numbers and ranges")
        key = key if isinstance(key, tuple) else (key,)
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        items, weak = [], []  # weak: Python and NumPy scalars, for NumPy's result_type
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError(f"{self.name}: special directives must be the first "
                                     f"entry, got {item!r} at position {k}")
                numbers = _directive(item, self.name)
                if len(numbers) == 1:
                    axis = numbers[0]
                else:
                    axis, ndmin = numbers[:2]
                    trans1d = numbers[2] if len(numbers) == 3 else trans1d
                continue
            if isinstance(item, slice):
                x = _at_least(asarray_like(_range(item)), ndmin)
                if ndmin > 1 and trans1d != -1:
                    x = ops.swapaxes(x, -1, trans1d)
                weak.append(x.dtype)
            elif type(item) in ScalarType:
                x = asarray_like(item)
                weak.append(item)
            else:
                x = asarray_like(item)
                x = _place_axes(_at_least(x, ndmin), x.ndim, ndmin, trans1d)
                weak.append(x.dtype)
            items.append(x)
        dtype = np.result_type(*weak) if weak else None
        items = [_at_least(x, ndmin) for x in items]
        if dtype is not None:
            items = [cast_to(x, dtype) for x in items]
        return join(items, axis, self.name)

    def __len__(self) -> int:
        return 0


r_ = AxisConcatenator("r_")
c_ = AxisConcatenator("c_", axis=-1, ndmin=2, trans1d=0)
