"""Reductions and scans: sum, mean, prod, max, min, var, std, cumsum, cumprod,
logsumexp, softmax, log_softmax, argmax, argmin.

Reductions take NumPy's ``axis`` (None, an int or a tuple) and ``keepdims``.
"""
from __future__ import annotations

from collections.abc import Sequence  # noqa: F401 - annotations

from ..typing import Array, ArrayLike, Axis, DTypeLike, ShapeLike  # noqa: F401

import math
import warnings

import numpy as np

from ..primitive import primitive
from ..tensor import Tensor
from .shape import (astype, concatenate, flip, getitem, moveaxis, normalize_axes,
                    normalize_axis, ravel, reshape, shape_of, sum_p, unreduce)


def _value(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _reduction_axes(x, axis, op: str) -> tuple:
    """(x's shape, the axes to reduce as a sorted tuple, or None for all of them).

    A 0-d tensor has one implicit axis of length one: axis 0 or -1 reduces it (as in
    PyTorch, and NumPy's sum, prod, max and min); other axes raise AxisError."""
    shape = shape_of(x)
    axes = normalize_axes(axis, len(shape), op, shape)
    return shape, (None if not shape else axes)


def _reduced_size(shape, axes) -> int:
    if axes is None:
        return int(np.prod(shape))
    return int(np.prod([shape[a] for a in axes]))


def _prepare(x, dtype, out, op: str):
    """NumPy's ``dtype=`` (compute in that dtype) and ``out=`` (not for tensors)."""
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (a tensor's result is a new tensor); "
                        f"assign the result instead, y = {op}(x, ...)")
    if dtype is None:
        return x
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        hint = "" if op.startswith("cum") else ", so pass keepdims by name: keepdims=True"
        raise TypeError(f"{op}: dtype must be a dtype, got {dtype!r}; the parameters follow "
                        f"NumPy's order, {op}(x, axis, dtype, ...){hint}") from None
    return x if dtype == _value(x).dtype else astype(x, dtype)


def _divisor(n: int, ddof, op: str, shape, axes) -> float:
    """1 / (n - ddof), the factor of a mean or a variance. Without degrees of freedom it is
    nan, with NumPy's RuntimeWarning (never a bare ZeroDivisionError, or a negative
    variance for ddof > n)."""
    if isinstance(ddof, bool) or not isinstance(ddof, int | float | np.integer | np.floating):
        raise TypeError(f"{op}: ddof must be a number (the degrees of freedom subtracted "
                        f"from the count), got {ddof!r}")
    if n - ddof > 0:
        return 1.0 / (n - ddof)
    over = "all axes" if axes is None else f"axis {axes[0] if len(axes) == 1 else axes}"
    if ddof:
        why = (f"degrees of freedom <= 0: {n} values over {over} of shape {shape} with "
               f"ddof={ddof}; use a ddof below {n}")
    else:
        why = f"the reduction over {over} of shape {shape} has no elements"
    warnings.warn(f"{op}: {why}; the result is nan", RuntimeWarning, stacklevel=3)
    return math.nan


def sum(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None,  # noqa: A001 - NumPy's name
        out: None = None, keepdims: bool = False) -> Array:
    """Sum over ``axis`` (all axes when None), computed in ``dtype`` when given."""
    x = _prepare(x, dtype, out, "sum")
    shape, axes = _reduction_axes(x, axis, "sum")
    return sum_p(x, axes, bool(keepdims), shape)


def mean(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False) -> Array:
    """Arithmetic mean over ``axis``; nan (with a RuntimeWarning) over no elements."""
    x = _prepare(x, dtype, out, "mean")
    shape, axes = _reduction_axes(x, axis, "mean")
    factor = _divisor(_reduced_size(shape, axes), 0, "mean", shape, axes)
    return sum_p(x, axes, bool(keepdims), shape) * factor


def _centered(x, shape, axes):
    n = _reduced_size(shape, axes)
    return x - sum_p(x, axes, True, shape) * (1.0 / n if n else math.nan)


def var(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        ddof: int = 0, keepdims: bool = False) -> Array:
    """Variance over ``axis``, dividing by n - ddof; nan (with a RuntimeWarning, as in
    NumPy) when n - ddof <= 0."""
    x = _prepare(x, dtype, out, "var")
    shape, axes = _reduction_axes(x, axis, "var")
    factor = _divisor(_reduced_size(shape, axes), ddof, "var", shape, axes)
    centered = _centered(x, shape, axes)
    return sum_p(centered * centered, axes, bool(keepdims), shape) * factor


def std(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        ddof: int = 0, keepdims: bool = False) -> Array:
    """Standard deviation over ``axis``; nan (with a RuntimeWarning) when n - ddof <= 0.
    Where it is 0 (constant values) its gradient is taken as 0, as for the norm at the
    zero vector."""
    from .linalg import norm_p
    x = _prepare(x, dtype, out, "std")
    shape, axes = _reduction_axes(x, axis, "std")
    factor = math.sqrt(_divisor(_reduced_size(shape, axes), ddof, "std", shape, axes))
    return norm_p(_centered(x, shape, axes), 2, axes, bool(keepdims), shape) * factor


# ---------------------------------------------------------------- prod


def _prod_impl(x, axes, keepdims, shape):
    return np.prod(x, axis=axes, keepdims=keepdims)


def _prod_rule(g, ans, x, axes, keepdims, shape):
    g = unreduce(g, axes, keepdims, shape)
    if _value(x).size == 0 or _divides_safely(g, x, ans):  # (no elements: nothing to divide)
        return g * (unreduce(ans, axes, keepdims, shape) / x)
    # Otherwise the product of the other elements, from exclusive cumulative products
    # taken from both ends: exact at zeros (where ans / x is 0/0), and without the
    # division whose derivative, taken again, cancels catastrophically near zero.
    axes = tuple(range(len(shape))) if axes is None else axes
    rest = [a for a in range(len(shape)) if a not in axes]
    moved = moveaxis(x, axes, tuple(range(len(rest), len(shape))))
    lead = shape_of(moved)[:len(rest)]
    flat = reshape(moved, lead + (-1,))
    ones = np.ones(lead + (1,), dtype=_value(x).dtype)
    before = concatenate([ones, cumprod(getitem(flat, (..., slice(None, -1))), -1)], -1)
    after = flip(concatenate([ones, cumprod(flip(getitem(flat, (..., slice(1, None))), -1),
                                            -1)], -1), -1)
    others = reshape(before * after, shape_of(moved))
    return g * moveaxis(others, tuple(range(len(rest), len(shape))), axes)


prod_p = primitive("prod", _prod_impl, (_prod_rule,), save="both", jvp="reduction", batch="reduction",
                   domain="real")


def prod(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False) -> Array:
    """Product over ``axis``. Exact at zeros (the derivative is the product of the others)."""
    x = _prepare(x, dtype, out, "prod")
    shape, axes = _reduction_axes(x, axis, "prod")
    return prod_p(x, axes, bool(keepdims), shape)


# ---------------------------------------------------------------- max / min


def _extreme_rule(g, ans, x, axes, keepdims, shape):
    # Ties share the gradient evenly (JAX's convention): each of k maxima gets g / k.
    hit = x == unreduce(ans, axes, keepdims, shape)
    count = sum_p(where(hit, 1.0, 0.0), axes, True, shape)
    return where(hit, unreduce(g, axes, keepdims, shape) / count, 0)


def _max_impl(x, axes, keepdims, shape):
    return np.max(x, axis=axes, keepdims=keepdims)


def _min_impl(x, axes, keepdims, shape):
    return np.min(x, axis=axes, keepdims=keepdims)


max_p = primitive("max", _max_impl, (_extreme_rule,), save="both", backward_name="MaxBackward",
                  jvp="reduction", batch="reduction", domain="distinct")
min_p = primitive("min", _min_impl, (_extreme_rule,), save="both", backward_name="MinBackward",
                  jvp="reduction", batch="reduction", domain="distinct")


def _check_nonempty(shape, axes, op):
    if _reduced_size(shape, axes) == 0:
        raise ValueError(f"{op}: zero-size reduction over axis {axes} of shape {shape} has "
                         "no identity")


def max(x: ArrayLike, axis: Axis = None, out: None = None,  # noqa: A001 - NumPy's name
        keepdims: bool = False) -> Array:
    """Maximum over ``axis``. Tied maxima share the gradient equally."""
    x = _prepare(x, None, out, "max")
    shape, axes = _reduction_axes(x, axis, "max")
    _check_nonempty(shape, axes, "max")
    return max_p(x, axes, bool(keepdims), shape)


def min(x: ArrayLike, axis: Axis = None, out: None = None,  # noqa: A001 - NumPy's name
        keepdims: bool = False) -> Array:
    """Minimum over ``axis``. Tied minima share the gradient equally."""
    x = _prepare(x, None, out, "min")
    shape, axes = _reduction_axes(x, axis, "min")
    _check_nonempty(shape, axes, "min")
    return min_p(x, axes, bool(keepdims), shape)


amax, amin = max, min


def _argmax_impl(x, axis, keepdims):
    return np.argmax(x, axis=axis, keepdims=keepdims)


def _argmin_impl(x, axis, keepdims):
    return np.argmin(x, axis=axis, keepdims=keepdims)


def _batch_arg(prim, values, batched, params):
    axis, keepdims = params
    value = values[0]
    shape = shape_of(value)
    if axis is None:
        flat = reshape(value, shape[:1] + (-1,))
        out = prim.call(flat, 1, keepdims)
        return reshape(out, shape[:1] + (1,) * (len(shape) - 1)) if keepdims else out
    return prim.call(value, axis % (len(shape) - 1) + 1, keepdims)


argmax_p = primitive("argmax", _argmax_impl, None, batch=_batch_arg)
argmin_p = primitive("argmin", _argmin_impl, None, batch=_batch_arg)


def _arg_axis(x, axis, out, op):
    _prepare(x, None, out, op)
    if axis is None:
        return None
    shape = shape_of(x)
    axis = normalize_axis(axis, len(shape), op, shape)
    return axis if shape else None


def argmax(x: ArrayLike, axis: int | None = None, out: None = None, *,
           keepdims: bool = False) -> Array:
    """Index of the maximum (of the flattened x when axis is None). Not differentiable."""
    return argmax_p(x, _arg_axis(x, axis, out, "argmax"), bool(keepdims))


def argmin(x: ArrayLike, axis: int | None = None, out: None = None, *,
           keepdims: bool = False) -> Array:
    """Index of the minimum (of the flattened x when axis is None). Not differentiable."""
    return argmin_p(x, _arg_axis(x, axis, out, "argmin"), bool(keepdims))


# ---------------------------------------------------------------- scans


def _cumsum_impl(x, axis):
    return np.cumsum(x, axis=axis)


def _reverse_cumsum(g, axis):
    return flip(cumsum_p(flip(g, axis), axis), axis)


cumsum_p = primitive("cumsum", _cumsum_impl, (
    lambda g, ans, x, axis: _reverse_cumsum(g, axis),
), save="none", jvp="linear", batch="axis", domain="real")


def _scan_axis(x, axis, op):
    """The axis of a scan, or None to scan the flattened x (also for a 0-d x, which
    NumPy scans as one axis of length one)."""
    if axis is None:
        return None
    shape = shape_of(x)
    axis = normalize_axis(axis, len(shape), op, shape)
    return axis if shape else None


def cumsum(x: ArrayLike, axis: int | None = None, dtype: DTypeLike = None,
           out: None = None) -> Array:
    """Cumulative sum along ``axis`` (of the flattened x when None)."""
    x = _prepare(x, dtype, out, "cumsum")
    axis = _scan_axis(x, axis, "cumsum")
    return cumsum_p(ravel(x), 0) if axis is None else cumsum_p(x, axis)


def _cumprod_impl(x, axis):
    return np.cumprod(x, axis=axis)


# The exact derivative of cumprod forms products of every pair (i, j) along the axis:
# n² values. Longer axes divide instead (exact but where x is 0 or the products
# underflow, and less accurate near zero at second order).
_PAIRWISE_LIMIT = 512


def _cumprod_parts(x, axis):
    """For the zero-safe derivative of cumprod along ``axis`` (moved last):
    head[i] = prod_{k<i} x_k and between[i, j] = prod_{i<k<=j} x_k, with
    d ans_j / d x_i = head[i] * between[i, j] for i <= j."""
    xm = moveaxis(x, axis, -1)
    n = shape_of(xm)[-1]
    i = np.arange(n)
    later = i[None, :] > i[:, None]                       # [i, k]: k > i
    between = cumprod_p(where(later, reshape(xm, shape_of(xm)[:-1] + (1, n)), 1.0), -1)
    ones = np.ones(shape_of(xm)[:-1] + (1,), dtype=_value(x).dtype)
    head = concatenate([ones, cumprod_p(getitem(xm, (..., slice(None, -1))), -1)], -1)
    upper = i[None, :] >= i[:, None]                      # [i, j]: j >= i
    return head, between, upper


def _divides_safely(g, x, ans) -> bool:
    """Whether a rule of prod or cumprod may divide by x: a first derivative (plain
    arrays: a rule that is itself differentiated divides no more, see _prod_rule), no
    zero in x, no subnormal (ans / x loses its digits there), and no product that
    underflowed or overflowed."""
    if isinstance(g, Tensor) or isinstance(x, Tensor):
        return False
    value, out = _value(x), _value(ans)
    if value.dtype.kind != "f":
        return not np.any(value == 0) and bool(np.all(np.isfinite(out) & (out != 0)))
    tiny = np.finfo(value.dtype).tiny
    return (not np.any(np.abs(value) < tiny)
            and bool(np.all(np.isfinite(out) & (np.abs(out) >= tiny))))


def _cumprod_rule(g, ans, x, axis):
    if (_value(x).size == 0 or _divides_safely(g, x, ans)
            or shape_of(x)[axis] > _PAIRWISE_LIMIT):
        return _reverse_cumsum(g * ans, axis) / x
    head, between, upper = _cumprod_parts(x, axis)
    gm = moveaxis(g, axis, -1)
    n = shape_of(gm)[-1]
    tail = sum_p(where(upper, reshape(gm, shape_of(gm)[:-1] + (1, n)) * between, 0.0),
                 (len(shape_of(between)) - 1,), False, shape_of(between))
    return moveaxis(head * tail, -1, axis)


def _cumprod_jvp(tangents, ans, x, axis):
    (t,) = tangents
    if (_value(x).size == 0 or _divides_safely(t, x, ans)
            or shape_of(x)[axis] > _PAIRWISE_LIMIT):
        return ans * cumsum_p(t / x, axis)
    head, between, upper = _cumprod_parts(x, axis)
    tm = moveaxis(t, axis, -1)
    n = shape_of(tm)[-1]
    weighted = reshape(tm * head, shape_of(tm)[:-1] + (n, 1)) * between   # [i, j]
    total = sum_p(where(upper, weighted, 0.0), (len(shape_of(between)) - 2,), False,
                  shape_of(between))
    return moveaxis(total, -1, axis)


cumprod_p = primitive("cumprod", _cumprod_impl, (_cumprod_rule,), save="both", jvp=_cumprod_jvp, batch="axis",
                      domain="real")


def cumprod(x: ArrayLike, axis: int | None = None, dtype: DTypeLike = None,
            out: None = None) -> Array:
    """Cumulative product along ``axis`` (of the flattened x when None). Exact at zeros."""
    x = _prepare(x, dtype, out, "cumprod")
    axis = _scan_axis(x, axis, "cumprod")
    return cumprod_p(ravel(x), 0) if axis is None else cumprod_p(x, axis)


# ---------------------------------------------------------------- log-sum-exp family


def _logsumexp_impl(x, axes, keepdims, shape):
    m = np.max(x, axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    if not keepdims:
        out = out.reshape(()) if axes is None else np.squeeze(out, axis=axes)
    return out


def _logsumexp_rule(g, ans, x, axes, keepdims, shape):
    return unreduce(g, axes, keepdims, shape) * exp(x - unreduce(ans, axes, keepdims, shape))


logsumexp_p = primitive("logsumexp", _logsumexp_impl, (_logsumexp_rule,), save="both", jvp="reduction", batch="reduction",
                        domain="real")


def logsumexp(x: ArrayLike, axis: Axis = None, *, keepdims: bool = False) -> Array:
    """log(sum(exp(x))) over ``axis``, computed without overflow. (``keepdims`` is
    keyword-only: SciPy's third positional parameter is ``b``.)"""
    shape, axes = _reduction_axes(x, axis, "logsumexp")
    return logsumexp_p(x, axes, bool(keepdims), shape)


def log_softmax(x: ArrayLike, axis: Axis = -1) -> Array:
    """x - logsumexp(x) along ``axis`` (an int or a tuple): log-probabilities, stable for
    large inputs. A 0-d x is one value on its own: log_softmax is 0."""
    _reduction_axes(x, axis, "log_softmax")  # so that a bad axis names log_softmax
    return x - logsumexp(x, axis, keepdims=True)


def softmax(x: ArrayLike, axis: Axis = -1) -> Array:
    """exp(x) / sum(exp(x)) along ``axis`` (an int or a tuple). A 0-d x is one value on its
    own: softmax is 1, as in PyTorch and SciPy."""
    _reduction_axes(x, axis, "softmax")  # so that a bad axis names softmax
    return exp(log_softmax(x, axis))


from .arithmetic import where  # noqa: E402
from .elementwise import exp  # noqa: E402
