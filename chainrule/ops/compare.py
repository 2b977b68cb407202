"""Comparisons and tests: not differentiable, they return boolean tensors."""
from __future__ import annotations

from collections.abc import Sequence  # noqa: F401 - annotations

from ..typing import Array, ArrayLike, Axis, DTypeLike, ShapeLike  # noqa: F401

import numpy as np

from ..primitive import primitive
from .shape import normalize_axes


def _nondiff(name, impl, nin):
    op = primitive(name, impl, None, nin=nin, batch="elementwise")
    op.__doc__ = f"Elementwise {name} (not differentiable; returns booleans)."
    return op


equal = _nondiff("equal", np.equal, 2)
not_equal = _nondiff("not_equal", np.not_equal, 2)
less = _nondiff("less", np.less, 2)
less_equal = _nondiff("less_equal", np.less_equal, 2)
greater = _nondiff("greater", np.greater, 2)
greater_equal = _nondiff("greater_equal", np.greater_equal, 2)
isnan = _nondiff("isnan", np.isnan, 1)
isinf = _nondiff("isinf", np.isinf, 1)
isfinite = _nondiff("isfinite", np.isfinite, 1)


def _all_impl(x, axis, keepdims):
    return np.all(x, axis=axis, keepdims=keepdims)


def _any_impl(x, axis, keepdims):
    return np.any(x, axis=axis, keepdims=keepdims)


def _batch_axis_reduction(prim, values, batched, params):
    axis, keepdims = params
    n = np.ndim(values[0]) - 1
    if axis is None:
        axis = tuple(range(1, n + 1))
    elif isinstance(axis, (tuple, list)):
        axis = tuple(a % n + 1 for a in axis)
    else:
        axis = axis % n + 1
    return prim.call(values[0], axis, keepdims)


all_p = primitive("all", _all_impl, None, batch=_batch_axis_reduction)
any_p = primitive("any", _any_impl, None, batch=_batch_axis_reduction)


def all(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:  # noqa: A001 - NumPy's name
    """True where every element along ``axis`` is true."""
    _check_axis(x, axis, "all")
    return all_p(x, axis, keepdims)


def any(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:  # noqa: A001 - NumPy's name
    """True where some element along ``axis`` is true."""
    _check_axis(x, axis, "any")
    return any_p(x, axis, keepdims)


def _count_nonzero_impl(x, axis, keepdims):
    return np.asarray(np.count_nonzero(x, axis=axis, keepdims=keepdims))


count_nonzero_p = primitive("count_nonzero", _count_nonzero_impl, None,
                            batch=_batch_axis_reduction)


def count_nonzero(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Array:
    _check_axis(x, axis, "count_nonzero")
    return count_nonzero_p(x, axis, keepdims)


def _check_axis(x, axis, op) -> None:
    """A bad axis named by the op and x's shape, as the reductions do (not NumPy's error)."""
    if axis is not None:
        normalize_axes(axis, np.ndim(x), op, np.shape(x))


def allclose(a, b, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether a and b are equal within tolerance (a Python bool)."""
    from ..creation import as_ndarray
    a, b = as_ndarray(a), as_ndarray(b)
    try:
        return bool(np.allclose(a, b, rtol, atol, equal_nan))
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"allclose: {exc} (shapes {a.shape} {a.dtype} and {b.shape} "
                        f"{b.dtype})") from None


floor_divide = _nondiff("floor_divide", np.floor_divide, 2)
