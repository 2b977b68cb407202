"""Finite differences of arrays: diff and gradient, as slices, differences and joins.

gradient follows NumPy's formulas line by line (second-order central differences inside,
first- or second-order one-sided ones at the edges, uniform or given coordinates), with
each piece computed on slices and the pieces joined, instead of written into an output
array. Spacings may be tensors too: the coefficients are chainrule arithmetic.
"""
from __future__ import annotations

import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from .. import ops
from ..tensor import Tensor
from ._convert import axis_index
from ._core import _NOT_GIVEN, asarray_like, cast_to, traced
from ._joining import join

__all__ = ["diff", "gradient"]


def _along(ndim: int, axis: int, item) -> tuple:
    return (slice(None),) * axis + (item,) + (slice(None),) * (ndim - axis - 1)


def _edge(a, axis: int, value, length: int) -> Tensor:
    """prepend= or append= as an array; a scalar fills a slab of length one."""
    value = asarray_like(value)
    if value.ndim == 0:
        shape = list(a.shape)
        shape[axis] = length
        value = ops.broadcast_to(value, tuple(shape))
    return value


def diff(a, n=1, axis=-1, prepend=_NOT_GIVEN, append=_NOT_GIVEN) -> Tensor:
    """The n-th differences a[i+1] - a[i] along ``axis`` (after prepend/append)."""
    n = operator.index(n)
    a = asarray_like(a)
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"diff: the order n must be non-negative, got {n}")
    if a.ndim == 0:
        raise ValueError("diff: needs an input of at least one dimension, got a 0-d one")
    axis = axis_index(axis, a.ndim, "diff")
    parts = [a]
    if prepend is not _NOT_GIVEN:
        parts.insert(0, _edge(a, axis, prepend, 1))
    if append is not _NOT_GIVEN:
        parts.append(_edge(a, axis, append, 1))
    if len(parts) > 1:
        a = join(parts, axis, "diff")
    later, earlier = _along(a.ndim, axis, slice(1, None)), _along(a.ndim, axis, slice(None, -1))
    # Booleans differ or not (NumPy's rule): not differentiated, like comparisons.
    step = ops.not_equal if a.dtype == np.bool_ else ops.subtract
    for _ in range(n):
        a = step(ops.getitem(a, later), ops.getitem(a, earlier))
    return a


def _spacings(varargs, f: Tensor, axes: tuple) -> list:
    """One spacing per axis: a scalar, or the differences of the given coordinates
    (a scalar again when they are evenly spaced, as NumPy does)."""
    if not varargs:
        return [1.0] * len(axes)
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return list(varargs) * len(axes)
    if len(varargs) != len(axes):
        raise TypeError(f"gradient: {len(varargs)} spacings for {len(axes)} axes; give "
                        "none, one scalar, or one (scalar or 1-d coordinates) per axis")
    spacings = []
    for axis, spacing in zip(axes, varargs):
        if np.ndim(spacing) == 0:
            spacings.append(spacing)
            continue
        coordinates = asarray_like(spacing)
        if coordinates.ndim != 1:
            raise ValueError(f"gradient: spacings must be scalars or 1-d coordinates, got "
                             f"shape {coordinates.shape}")
        if coordinates.shape[0] != f.shape[axis]:
            raise ValueError(f"gradient: {coordinates.shape[0]} coordinates for axis {axis} "
                             f"of length {f.shape[axis]}; they must match")
        if coordinates.dtype.kind in "biu":
            coordinates = cast_to(coordinates, np.dtype(np.float64))
        steps = diff(coordinates)
        # Evenly spaced constant coordinates take NumPy's uniform formula. Coordinates in
        # a graph or a transform keep one step per interval: each coordinate's derivative
        # goes through its own steps, whatever their values happen to be.
        if not traced(steps):
            values = steps.numpy()
            if values.size and (values == values[0]).all():
                steps = ops.getitem(steps, 0)
        spacings.append(steps)
    return spacings


def _combine(f, axis: int, weights, items) -> Tensor:
    """sum of weight * f[item along axis] over the pairs."""
    total = None
    for weight, item in zip(weights, items):
        term = weight * ops.getitem(f, _along(f.ndim, axis, item))
        total = term if total is None else total + term
    return total


def _along_axis(weight, ndim: int, axis: int):
    """Coordinate-dependent weights shaped to broadcast along ``axis``."""
    if np.ndim(weight) == 0:
        return weight
    shape = [1] * ndim
    shape[axis] = -1
    return ops.reshape(weight, tuple(shape))


def _interior(f, axis: int, h) -> Tensor:
    if np.ndim(h) == 0:
        return _combine(f, axis, (1.0 / (2.0 * h), -1.0 / (2.0 * h)),
                        (slice(2, None), slice(None, -2)))
    h1, h2 = ops.getitem(h, slice(0, -1)), ops.getitem(h, slice(1, None))
    weights = (-h2 / (h1 * (h1 + h2)), (h2 - h1) / (h1 * h2), h1 / (h2 * (h1 + h2)))
    weights = [_along_axis(w, f.ndim, axis) for w in weights]
    return _combine(f, axis, weights, (slice(None, -2), slice(1, -1), slice(2, None)))


def _step(h, index):
    return h if np.ndim(h) == 0 else ops.getitem(h, index)


def _edges(f, axis: int, h, edge_order: int) -> tuple:
    """The one-sided differences at the first and the last element of ``axis``."""
    first3, last3 = (slice(0, 1), slice(1, 2), slice(2, 3)), (slice(-3, -2), slice(-2, -1),
                                                             slice(-1, None))
    if edge_order == 1:
        h0, hn = _step(h, 0), _step(h, -1)
        return (_combine(f, axis, (1.0 / h0, -1.0 / h0), first3[1::-1]),
                _combine(f, axis, (1.0 / hn, -1.0 / hn), last3[:0:-1]))
    if np.ndim(h) == 0:
        start, end = (-1.5 / h, 2.0 / h, -0.5 / h), (0.5 / h, -2.0 / h, 1.5 / h)
    else:
        h1, h2 = _step(h, 0), _step(h, 1)
        start = (-(2.0 * h1 + h2) / (h1 * (h1 + h2)), (h1 + h2) / (h1 * h2),
                 -h1 / (h2 * (h1 + h2)))
        h1, h2 = _step(h, -2), _step(h, -1)
        end = (h2 / (h1 * (h1 + h2)), -(h2 + h1) / (h1 * h2), (2.0 * h2 + h1) / (h2 * (h1 + h2)))
    return _combine(f, axis, start, first3), _combine(f, axis, end, last3)


def gradient(f, *varargs, axis=None, edge_order=1):
    """Derivatives of sampled values f along each axis (or those in ``axis``): a tensor
    for one axis, a tuple for several. ``varargs``: spacings, as in NumPy."""
    f = asarray_like(f)
    axes = tuple(range(f.ndim)) if axis is None else normalize_axis_tuple(axis, f.ndim,
                                                                          "gradient")
    spacings = _spacings(varargs, f, axes)
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2, got {edge_order!r}")
    dtype = f.dtype if f.dtype.kind in "fc" else np.dtype(np.float64)
    f = cast_to(f, dtype)
    results = []
    for axis, h in zip(axes, spacings):
        if f.shape[axis] < edge_order + 1:
            raise ValueError(f"gradient: axis {axis} of length {f.shape[axis]} is too short "
                             f"for a numerical gradient; edge_order={edge_order} needs at "
                             f"least {edge_order + 1} elements")
        first, last = _edges(f, axis, h, edge_order)
        pieces = [first, _interior(f, axis, h), last]
        results.append(cast_to(join(pieces, axis, "gradient"), dtype))
    return results[0] if len(results) == 1 else tuple(results)
