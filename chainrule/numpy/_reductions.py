"""Reductions and scans of ``chainrule.numpy`` with NumPy's signatures and dtypes.

NumPy's mean, var and std of integers are float64 (the core's would be float32): the
input is converted first. ``where=`` masks are refused by name; ``initial=`` is honoured.
"""
from __future__ import annotations

import numpy as np

from .. import ops
from ._core import _NOT_GIVEN, asarray_like, convert, float_result, no_out, unsupported_keywords

__all__ = ["sum", "mean", "average", "var", "std", "prod", "max", "amax", "min", "amin",
           "argmax", "argmin", "cumsum", "cumprod", "all", "any", "count_nonzero", "ptp",
           "cumulative_sum", "cumulative_prod"]


def _with_initial(result, initial, combine):
    """``initial`` joins in the result's dtype, as NumPy casts it (2.0 with ints is 2)."""
    if initial is _NOT_GIVEN:
        return result
    return combine(result, asarray_like(np.asarray(initial, dtype=result.dtype)))


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOT_GIVEN,  # noqa: A001
        where=_NOT_GIVEN):
    """Sum of the elements over ``axis`` (NumPy's signature); differentiable."""
    return _fold(ops.sum, ops.add, "sum", a, axis, dtype, out, keepdims, initial, where)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOT_GIVEN,
         where=_NOT_GIVEN):
    """Product of the elements over ``axis``; differentiable."""
    return _fold(ops.prod, ops.multiply, "prod", a, axis, dtype, out, keepdims, initial,
                 where)


def _fold(op, combine, name, a, axis, dtype, out, keepdims, initial, where):
    no_out(name, out)
    unsupported_keywords(name, where=where)
    a = asarray_like(a)
    if dtype is not None:
        a = convert(a, dtype)
    return _with_initial(op(a, axis, keepdims=keepdims), initial, combine)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NOT_GIVEN):
    """Arithmetic mean over ``axis``: float64 for integer input, as in NumPy."""
    no_out("mean", out)
    unsupported_keywords("mean", where=where)
    a = asarray_like(a)
    a = float_result(a) if dtype is None else convert(a, dtype)
    return ops.mean(a, axis, keepdims=keepdims)


def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    """Weighted average over ``axis`` (NumPy's ``average``); differentiable in ``a`` and
    ``weights``."""
    a = float_result(asarray_like(a))
    if weights is None:
        result = ops.mean(a, axis, keepdims=keepdims)
        if not returned:
            return result
        count = a.size // result.size if result.size else 0
        return result, asarray_like(np.full(result.shape, count, dtype=result.dtype))
    w = asarray_like(weights)
    if w.shape != a.shape:
        if not isinstance(axis, int) or w.ndim != 1 or w.shape[0] != a.shape[axis]:
            raise ValueError(f"average: weights of shape {w.shape} do not fit a of shape "
                             f"{a.shape}: give weights of a's shape, or 1-d weights along "
                             "an int axis")
        w = ops.reshape(w, tuple(-1 if i == axis % a.ndim else 1 for i in range(a.ndim)))
    total = ops.sum(ops.broadcast_to(w, a.shape), axis, keepdims=keepdims)
    result = ops.sum(a * w, axis, keepdims=keepdims) / total
    return (result, ops.broadcast_to(total, result.shape)) if returned else result


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NOT_GIVEN,
        mean=_NOT_GIVEN, correction=_NOT_GIVEN):
    """Variance over ``axis``, dividing by n - ddof; float64 for integer input."""
    return _spread(ops.var, "var", a, axis, dtype, out, ddof, keepdims, where, mean,
                   correction)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NOT_GIVEN,
        mean=_NOT_GIVEN, correction=_NOT_GIVEN):
    """Standard deviation over ``axis``, dividing by n - ddof; float64 for integer input."""
    return _spread(ops.std, "std", a, axis, dtype, out, ddof, keepdims, where, mean,
                   correction)


def _spread(op, name, a, axis, dtype, out, ddof, keepdims, where, mean, correction):
    no_out(name, out)
    unsupported_keywords(name, where=where, mean=mean)
    if correction is not _NOT_GIVEN:
        if ddof != 0:
            raise ValueError(f"{name}: ddof and correction can't be provided simultaneously.")
        ddof = correction
    a = asarray_like(a)
    a = float_result(a) if dtype is None else convert(a, dtype)
    if a.dtype.kind == "c":
        return _complex_spread(name, a, axis, ddof, keepdims)
    return op(a, axis, ddof=ddof, keepdims=keepdims)


def _complex_spread(name, a, axis, ddof, keepdims):
    """NumPy's var of complex values is real: the mean of |x - mean|² (the core's var
    squares without conjugating)."""
    centered = a - ops.mean(a, axis, keepdims=True)
    squares = ops.real(centered * ops.conj(centered))
    total = ops.sum(squares, axis, keepdims=keepdims)
    count = a.size // total.size if total.size else 0
    result = total / (count - ddof)
    return ops.sqrt(result) if name == "std" else result


def _extreme(op, combine, name, a, axis, out, keepdims, initial, where):
    no_out(name, out)
    unsupported_keywords(name, where=where)
    a = asarray_like(a)
    if initial is not _NOT_GIVEN and a.size == 0:
        shape = np.sum(np.empty(a.shape), axis=axis, keepdims=keepdims).shape
        return asarray_like(np.full(shape, initial, dtype=np.result_type(a.dtype, initial)))
    return _with_initial(op(a, axis, keepdims=keepdims), initial, combine)


def max(a, axis=None, out=None, keepdims=False, initial=_NOT_GIVEN, where=_NOT_GIVEN):  # noqa: A001
    """Maximum over ``axis``; tied maxima share the gradient equally."""
    return _extreme(ops.max, ops.maximum, "max", a, axis, out, keepdims, initial, where)


def min(a, axis=None, out=None, keepdims=False, initial=_NOT_GIVEN, where=_NOT_GIVEN):  # noqa: A001
    """Minimum over ``axis``; tied minima share the gradient equally."""
    return _extreme(ops.min, ops.minimum, "min", a, axis, out, keepdims, initial, where)


def amax(a, axis=None, out=None, keepdims=False, initial=_NOT_GIVEN, where=_NOT_GIVEN):
    """Maximum over ``axis`` (NumPy's alias of ``max``)."""
    return _extreme(ops.max, ops.maximum, "amax", a, axis, out, keepdims, initial, where)


def amin(a, axis=None, out=None, keepdims=False, initial=_NOT_GIVEN, where=_NOT_GIVEN):
    """Minimum over ``axis`` (NumPy's alias of ``min``)."""
    return _extreme(ops.min, ops.minimum, "amin", a, axis, out, keepdims, initial, where)


def ptp(a, axis=None, out=None, keepdims=False):
    """Range (maximum - minimum) over ``axis``."""
    no_out("ptp", out)
    a = asarray_like(a)
    return ops.max(a, axis, keepdims=keepdims) - ops.min(a, axis, keepdims=keepdims)


def argmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the maximum (not differentiable)."""
    no_out("argmax", out)
    return ops.argmax(asarray_like(a), axis, keepdims=keepdims)


def argmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the minimum (not differentiable)."""
    no_out("argmin", out)
    return ops.argmin(asarray_like(a), axis, keepdims=keepdims)


def cumsum(a, axis=None, dtype=None, out=None):
    """Cumulative sum along ``axis`` (of the flattened array when None)."""
    no_out("cumsum", out)
    return ops.cumsum(asarray_like(a), axis, dtype)


def cumprod(a, axis=None, dtype=None, out=None):
    """Cumulative product along ``axis`` (of the flattened array when None)."""
    no_out("cumprod", out)
    return ops.cumprod(asarray_like(a), axis, dtype)


def cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """NumPy 2.1's cumsum: ``axis`` is needed beyond 1-d; ``include_initial`` starts
    with 0."""
    return _cumulative(ops.cumsum, 0, "cumulative_sum", x, axis, dtype, out, include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    """NumPy 2.1's cumprod: ``axis`` is needed beyond 1-d; ``include_initial`` starts
    with 1."""
    return _cumulative(ops.cumprod, 1, "cumulative_prod", x, axis, dtype, out,
                       include_initial)


def _cumulative(op, identity, name, x, axis, dtype, out, include_initial):
    no_out(name, out)
    x = asarray_like(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError(f"numpy.{name}: axis must be given for an array of "
                             f"{x.ndim} dimensions (shape {x.shape})")
        axis = 0
    x = ops.atleast_1d(x)
    result = op(x, axis, dtype)
    if not include_initial:
        return result
    shape = list(result.shape)
    shape[axis] = 1
    start = np.full(shape, identity, dtype=result.dtype)
    return ops.concatenate([start, result], axis)


def all(a, axis=None, out=None, keepdims=False, *, where=_NOT_GIVEN):  # noqa: A001
    """Whether every element is true (not differentiable)."""
    no_out("all", out)
    unsupported_keywords("all", where=where)
    return ops.all(asarray_like(a), axis, keepdims=keepdims)


def any(a, axis=None, out=None, keepdims=False, *, where=_NOT_GIVEN):  # noqa: A001
    """Whether any element is true (not differentiable)."""
    no_out("any", out)
    unsupported_keywords("any", where=where)
    return ops.any(asarray_like(a), axis, keepdims=keepdims)


def count_nonzero(a, axis=None, *, keepdims=False):
    """The number of non-zero elements (not differentiable)."""
    return ops.count_nonzero(asarray_like(a), axis, keepdims=keepdims)
