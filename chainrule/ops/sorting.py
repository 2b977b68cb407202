"""The orders of values: argsort and argpartition. Indices have no derivative, so these
are not differentiated; chainrule.numpy's sort, partition and take_along_axis gather
the values with them (getitem), and their gradients follow the gather."""
from __future__ import annotations

import numpy as np

from ..primitive import primitive


def _argsort_impl(x, axis):
    return np.argsort(x, axis=axis, kind="stable")  # stable: ties keep their order


def _argpartition_impl(x, axis, kth):
    return np.argpartition(x, kth, axis=axis)


# batch="axis": the axis moves past vmap's batch axis.
argsort_p = primitive("argsort", _argsort_impl, None, nin=1, batch="axis")
argpartition_p = primitive("argpartition", _argpartition_impl, None, nin=1, batch="axis")
