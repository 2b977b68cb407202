"""Statistics of ``chainrule.numpy`` built from differentiable ops: median, the NaN-ignoring
reductions, cov, corrcoef and trapezoid, with NumPy's signatures and results.

The NaN-ignoring reductions replace NaNs by the reduction's identity with ``where``, so
no gradient reaches (or comes from) a NaN; a slice of NaNs only is NaN, as in NumPy.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import ops
from . import _reductions
from ._core import (_NOT_GIVEN, asarray_like, convert, float_result, no_out,
                    unsupported_keywords)
from ._shapes import concatenate
from ._sorting import sort  # gathers by argsort, so the gradient is routed

__all__ = ["median", "nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin",
           "cov", "corrcoef", "trapezoid"]


def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median along ``axis``: the middle of the sorted values (the mean of the two
    middle ones for an even count); the gradient goes to those elements."""
    no_out("median", out)
    a = float_result(asarray_like(a))
    flat = axis is None
    values = ops.ravel(a) if flat else a
    along = 0 if flat else axis
    ordered = sort(values, along)
    n = ordered.shape[along]
    if n == 0:
        raise ValueError("median: the array (or the axis) is empty; NumPy's answer is nan")
    lead = (slice(None),) * (along % ordered.ndim)
    middle = ordered[lead + (slice((n - 1) // 2, n // 2 + 1),)]
    result = ops.mean(middle, along, keepdims=True)
    if keepdims:
        return ops.reshape(result, (1,) * a.ndim) if flat else result
    return ops.reshape(result, ()) if flat else ops.squeeze(result, along)


def _masked(a, fill):
    """a with its NaNs replaced by ``fill``, and where the NaNs were."""
    a = asarray_like(a)
    nan = ops.isnan(a)
    if a.dtype.kind not in "fc":  # integers and bools hold no NaN, and keep their dtype
        return a, nan
    return ops.where(nan, fill, a), nan


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOT_GIVEN,
           where=_NOT_GIVEN):
    """Sum treating NaNs as zero."""
    return _reductions.sum(_masked(a, 0.0)[0], axis, dtype, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NOT_GIVEN,
            where=_NOT_GIVEN):
    """Product treating NaNs as one."""
    return _reductions.prod(_masked(a, 1.0)[0], axis, dtype, out, keepdims, initial, where)


def _count(nan, axis, keepdims, dtype):
    return ops.astype(ops.sum(ops.logical_not(nan), axis, keepdims=keepdims), dtype)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NOT_GIVEN):
    """Mean of the non-NaN values (NaN, with a RuntimeWarning, where there are none)."""
    no_out("nanmean", out)
    unsupported_keywords("nanmean", where=where)
    a = float_result(asarray_like(a)) if dtype is None else asarray_like(a, np.dtype(dtype))
    filled, nan = _masked(a, 0.0)
    count = _count(nan, axis, keepdims, a.dtype)
    _warn_if_empty(count, "nanmean", "Mean of empty slice")
    with np.errstate(invalid="ignore", divide="ignore"):  # warned above, as NumPy does
        return ops.sum(filled, axis, keepdims=keepdims) / count


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
           where=_NOT_GIVEN, mean=_NOT_GIVEN, correction=_NOT_GIVEN):
    """Variance of the non-NaN values, dividing by their count - ddof."""
    no_out("nanvar", out)
    unsupported_keywords("nanvar", where=where, mean=mean)
    if correction is not _NOT_GIVEN:
        ddof = correction
    a = float_result(asarray_like(a)) if dtype is None else asarray_like(a, np.dtype(dtype))
    filled, nan = _masked(a, 0.0)
    count = _count(nan, axis, True, a.dtype)
    # The count without the kept axes: a reshape of the tensor itself (the shape of a sum
    # of the data would hold the batch inside vmap).
    divisor = count if keepdims else ops.reshape(count, ()) if axis is None else \
        ops.squeeze(count, axis)
    _warn_if_empty(divisor - ddof, "nanvar", "Degrees of freedom <= 0 for slice")
    with np.errstate(invalid="ignore", divide="ignore"):  # warned above, as NumPy does
        centered = ops.where(nan, 0.0, a - ops.sum(filled, axis, keepdims=True) / count)
        squares = ops.sum(centered * centered, axis, keepdims=keepdims)
        return squares / (divisor - ddof)


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
           where=_NOT_GIVEN, mean=_NOT_GIVEN, correction=_NOT_GIVEN):
    """Standard deviation of the non-NaN values."""
    return ops.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                           correction=correction))


def _nan_extreme(name, op, fill, a, axis, out, keepdims):
    no_out(name, out)
    a = asarray_like(a)
    filled, nan = _masked(a, fill)
    result = op(filled, axis, keepdims=keepdims)
    empty = ops.all(nan, axis, keepdims=keepdims)
    if np.any(empty._data):  # the data, not a tensor's truth: inside vmap it is a batch
        warnings.warn(f"{name}: All-NaN slice encountered", RuntimeWarning, stacklevel=3)
    return ops.where(empty, np.nan, result) if result.dtype.kind in "fc" else result


def nanmax(a, axis=None, out=None, keepdims=False, initial=_NOT_GIVEN, where=_NOT_GIVEN):
    """Maximum ignoring NaNs (NaN, with a RuntimeWarning, for a slice of NaNs only)."""
    unsupported_keywords("nanmax", initial=initial, where=where)
    return _nan_extreme("nanmax", ops.max, -np.inf, a, axis, out, keepdims)


def nanmin(a, axis=None, out=None, keepdims=False, initial=_NOT_GIVEN, where=_NOT_GIVEN):
    """Minimum ignoring NaNs (NaN, with a RuntimeWarning, for a slice of NaNs only)."""
    unsupported_keywords("nanmin", initial=initial, where=where)
    return _nan_extreme("nanmin", ops.min, np.inf, a, axis, out, keepdims)


def _warn_if_empty(count, name, what):
    if np.any(count._data <= 0):  # the data: inside vmap a tensor's truth is refused
        warnings.warn(f"{name}: {what}", RuntimeWarning, stacklevel=3)


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """The covariance matrix of the variables in the rows of ``m`` (columns when
    ``rowvar`` is False), and of ``y``'s; 0-d for one variable, as in NumPy."""
    if fweights is not None or aweights is not None:
        raise TypeError("numpy.cov: fweights= and aweights= are not supported by "
                        "chainrule.numpy; weight the observations before calling cov")
    x = _at_least_float64(ops.atleast_2d(asarray_like(m)))
    if not rowvar and x.shape[0] != 1:
        x = ops.transpose(x)
    if y is not None:
        other = _at_least_float64(ops.atleast_2d(asarray_like(y)))
        if not rowvar and other.shape[0] != 1:
            other = ops.transpose(other)
        x = concatenate([x, other], axis=0)
    if dtype is not None:
        x = convert(x, dtype)
    ddof = (0 if bias else 1) if ddof is None else ddof
    centered = x - ops.mean(x, 1, keepdims=True)
    other = ops.transpose(centered)
    if centered.dtype.kind == "c":
        other = ops.conj(other)
    divisor = x.shape[1] - ddof
    if divisor <= 0:
        warnings.warn("cov: degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
    return ops.squeeze(ops.matmul(centered, other) / divisor)


def _at_least_float64(x):
    """NumPy computes cov in result_type(x, float64): float32 data gives float64."""
    target = np.result_type(x.dtype, np.float64)
    return x if x.dtype == target else convert(x, target)


def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients: cov divided by the outer product of the
    standard deviations."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    spread = ops.sqrt(ops.einsum("ii->i", c))
    return c / ops.outer(spread, spread)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of y along ``axis`` by the trapezoidal rule, with sample points ``x``
    or spacing ``dx``; differentiable in y, x and dx."""
    y = float_result(asarray_like(y))
    axis = axis % y.ndim
    lead = (slice(None),) * axis
    upper, lower = y[lead + (slice(1, None),)], y[lead + (slice(None, -1),)]
    if x is None:
        spacing = dx
    else:
        x = asarray_like(x)
        spacing = x[1:] - x[:-1] if x.ndim == 1 else \
            x[lead + (slice(1, None),)] - x[lead + (slice(None, -1),)]
        if x.ndim == 1:
            spacing = ops.reshape(spacing, (-1,) + (1,) * (y.ndim - 1 - axis))
    return ops.sum(spacing * (upper + lower) / 2.0, axis)
