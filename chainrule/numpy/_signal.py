"""Polynomials, interpolation and 1-d convolution in ``chainrule.numpy``, composed of
differentiable ops (derivatives in every argument that holds numbers)."""
from __future__ import annotations

import numpy as np

from .. import ops
from ._core import asarray_like, cast_to, convert, result_dtype

__all__ = ["polyval", "interp", "convolve", "correlate"]


def polyval(p, x):
    """The polynomial with coefficients ``p`` (highest power first) at ``x``, by Horner's
    rule."""
    p, x = asarray_like(p), asarray_like(x)
    if p.ndim != 1:
        raise ValueError(f"numpy.polyval: p must be 1-d coefficients, got shape {p.shape}")
    target = result_dtype(p, x)
    p, x = cast_to(p, target), cast_to(x, target)
    value = ops.zeros_like_op(x)
    for i in range(p.shape[0]):
        value = value * x + p[i]
    return value


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points (xp, fp) at x (xp increasing);
    ``left``/``right`` (default fp[0], fp[-1]) outside. Each x is matched to its segment
    by comparisons (not by indices computed on the values), so it works inside vmap and
    is differentiable in x, xp and fp."""
    if period is not None:
        raise TypeError("numpy.interp: period= is not supported by chainrule.numpy; wrap x "
                        "into one period first (x % period) and extend xp, fp")
    x, xp, fp = (asarray_like(v) for v in (x, xp, fp))
    # NumPy interpolates in float64 (complex128 for complex fp), whatever the inputs.
    x, xp = convert(x, np.float64), convert(xp, np.float64)
    fp = convert(fp, np.complex128 if fp.dtype.kind == "c" else np.float64)
    if xp.ndim != 1 or fp.shape != xp.shape or xp.shape[0] == 0:
        raise ValueError(f"numpy.interp: xp and fp must be 1-d of one non-zero length, got "
                         f"shapes {xp.shape} and {fp.shape}")
    n = xp.shape[0]
    if n == 1:
        inside = ops.broadcast_to(fp[0], x.shape)
    else:
        x0, x1, y0, y1 = xp[:-1], xp[1:], fp[:-1], fp[1:]
        column = ops.expand_dims(x, -1)  # x against every segment, on a new last axis
        last = np.arange(n - 1) == n - 2  # the last segment includes its right end
        in_segment = ops.logical_and(column >= x0, ops.logical_or(
            column < x1, ops.logical_and(last, column <= x1)))
        lines = y0 + (y1 - y0) / (x1 - x0) * (column - x0)
        inside = ops.sum(ops.where(in_segment, lines, 0.0), -1)
    below = fp[0] if left is None else left
    above = fp[-1] if right is None else right
    result = ops.where(x < xp[0], below, ops.where(x > xp[-1], above, inside))
    return ops.where(ops.isnan(x), np.nan, result)


def _full_convolution(a, v):
    """The full discrete convolution of 1-d a and v: each output is a row of v's values
    (gathered by index, zeros outside) times a."""
    n, m = a.shape[0], v.shape[0]
    k = np.arange(n + m - 1)[:, None] - np.arange(n)[None, :]
    index = np.where((k >= 0) & (k < m), k, m)  # m points at an appended zero
    padded = ops.concatenate([v, ops.zeros_like_op(v[:1])], 0)
    return ops.matmul(padded[index], a)


def convolve(a, v, mode="full"):
    """The discrete, linear convolution of two 1-d sequences (modes 'full', 'same',
    'valid')."""
    a, v = (asarray_like(t) for t in (a, v))
    target = result_dtype(a, v)
    a, v = cast_to(ops.atleast_1d(a), target), cast_to(ops.atleast_1d(v), target)
    if a.ndim != 1 or v.ndim != 1 or not a.shape[0] or not v.shape[0]:
        raise ValueError(f"numpy.convolve: a and v must be non-empty 1-d sequences, got "
                         f"shapes {a.shape} and {v.shape}")
    full = _full_convolution(a, v)
    short, long = sorted((a.shape[0], v.shape[0]))
    if mode == "full":
        return full
    if mode == "same":
        start = (short - 1) // 2
        return full[start:start + long]
    if mode == "valid":
        return full[short - 1:long]
    raise ValueError(f"numpy.convolve: mode must be 'full', 'same' or 'valid', got {mode!r}")


def correlate(a, v, mode="valid"):
    """The cross-correlation of two 1-d sequences: sum over n of a[n + k] * conj(v[n])."""
    v = ops.flip(ops.atleast_1d(asarray_like(v)), 0)
    if v.dtype.kind == "c":
        v = ops.conj(v)
    return convolve(a, v, mode)
