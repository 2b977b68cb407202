"""Choosing elements: select and nan_to_num, as chains of where.

where sends the cotangent to the branch that was taken and zero to the other, so
nan_to_num's derivative passes through the finite entries and is 0 where a value was
replaced, and select's reaches only the choice that each element came from.
"""
from __future__ import annotations

import numpy as np

from .. import ops
from ..ops.complex import imag, real
from ..tensor import Tensor
from ._core import asarray_like, result_dtype

__all__ = ["select", "nan_to_num"]


def select(condlist, choicelist, default=0) -> Tensor:
    """Elements of choicelist[i] where condlist[i] is the first true condition, else
    ``default``."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: {len(choicelist)} choices for {len(condlist)} conditions; "
                         "give one choice per condition")
    if not condlist:
        raise ValueError("select: an empty condition list is not possible; give at least "
                         "one condition")
    conditions = [asarray_like(c) for c in condlist]
    for i, c in enumerate(conditions):
        if c.dtype != np.bool_:
            raise TypeError(f"select: invalid entry {i} in condlist: it should be a boolean "
                            f"array, got dtype {c.dtype}")
    # Python numbers are weak, as in NumPy: they take the dtype of the arrays.
    choices = [c if isinstance(c, (int, float, complex)) else asarray_like(c)
               for c in (*choicelist, default)]
    dtype = result_dtype(*choices)
    choices = [asarray_like(c, dtype) for c in choices]
    result = choices[-1]
    for condition, choice in zip(conditions[::-1], choices[-2::-1]):
        result = ops.where(condition, choice, result)
    shape = np.broadcast_shapes(*(c.shape for c in conditions + choices))
    return ops.broadcast_to(result, shape)


def _finite(x: Tensor, nan, posinf, neginf) -> Tensor:
    big = np.finfo(x.dtype).max
    posinf = big if posinf is None else posinf
    neginf = -big if neginf is None else neginf
    infinite = ops.isinf(x)
    x = ops.where(ops.logical_and(infinite, ops.greater(x, 0)), posinf, x)
    x = ops.where(ops.logical_and(infinite, ops.less(x, 0)), neginf, x)
    return ops.where(ops.isnan(x), nan, x)


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None) -> Tensor:
    """x with NaN replaced by ``nan`` and infinities by ``posinf`` / ``neginf`` (the
    largest finite values by default); complex parts are treated one by one."""
    for name, value in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
        if value is not None and not isinstance(value, (int, float, np.number)):
            raise TypeError(f"nan_to_num: {name} must be a number, got {value!r}")
    if nan is None:
        raise TypeError("nan_to_num: nan must be a number, got None")
    x = asarray_like(x)
    if x.dtype.kind == "c":
        return _finite(real(x), nan, posinf, neginf) + \
            1j * _finite(imag(x), nan, posinf, neginf)
    if x.dtype.kind != "f":
        return x  # integers and booleans hold no NaN nor infinity
    return _finite(x, nan, posinf, neginf)
