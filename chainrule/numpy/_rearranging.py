"""Rearranging axes and elements: rollaxis, rot90, flipud, fliplr, atleast_3d, meshgrid.
All transposes, flips, reshapes and broadcasts of existing ops. (squeeze, expand_dims,
moveaxis, swapaxes, tile, repeat, atleast_1d/2d are in _shapes.)
"""
from __future__ import annotations

import operator

import numpy as np

from .. import ops
from ..tensor import Tensor
from ._convert import axis_index
from ._core import asarray_like

__all__ = ["rollaxis", "rot90", "flipud", "fliplr", "atleast_3d", "meshgrid"]


def rollaxis(a, axis, start=0) -> Tensor:
    """a with ``axis`` moved to lie before position ``start`` (prefer moveaxis)."""
    a = asarray_like(a)
    n = a.ndim
    axis = axis_index(axis, n, "rollaxis")
    start = operator.index(start)
    if not -n <= start < n + 1:
        raise np.exceptions.AxisError(
            f"rollaxis: start must satisfy {-n} <= start < {n + 1} for an array of "
            f"dimension {n}, got {start}")
    start = start + n if start < 0 else start
    if axis < start:
        start -= 1
    if axis == start:
        return a
    axes = [d for d in range(n) if d != axis]
    axes.insert(start, axis)
    return ops.transpose(a, axes)


def rot90(m, k=1, axes=(0, 1)) -> Tensor:
    """m rotated by 90 degrees k times, from the first axis of ``axes`` to the second."""
    m = asarray_like(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must be two axes, got {axes}")
    n = m.ndim
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == n:
        raise ValueError(f"rot90: the axes must be different, got {axes} for an array of "
                         f"dimension {n}")
    if not all(-n <= a < n for a in axes):
        raise ValueError(f"rot90: axes {axes} are out of range for an array of dimension {n}")
    k = operator.index(k) % 4
    if k == 0:
        return m
    if k == 2:
        return ops.flip(ops.flip(m, axes[0]), axes[1])
    order = list(range(n))
    order[axes[0]], order[axes[1]] = order[axes[1]], order[axes[0]]
    if k == 1:
        return ops.transpose(ops.flip(m, axes[1]), order)
    return ops.flip(ops.transpose(m, order), axes[1])


def flipud(m) -> Tensor:
    """m with its first axis reversed."""
    m = asarray_like(m)
    if m.ndim < 1:
        raise ValueError("flipud: input must be at least 1-d, got a 0-d array")
    return ops.flip(m, 0)


def fliplr(m) -> Tensor:
    """m with its second axis reversed."""
    m = asarray_like(m)
    if m.ndim < 2:
        raise ValueError(f"fliplr: input must be at least 2-d, got shape {m.shape}")
    return ops.flip(m, 1)


def _one_or_tuple(results: list):
    return results[0] if len(results) == 1 else tuple(results)


def _at_least_3d(a: Tensor) -> Tensor:
    # NumPy's layout: a vector of length N becomes (1, N, 1), a matrix (M, N, 1).
    shape = {0: (1, 1, 1), 1: (1,) + a.shape + (1,), 2: a.shape + (1,)}.get(a.ndim, a.shape)
    return ops.reshape(a, shape)


def atleast_3d(*arys):
    return _one_or_tuple([_at_least_3d(asarray_like(a)) for a in arys])


def meshgrid(*xi, copy=True, sparse=False, indexing="xy") -> tuple:
    """Coordinate arrays from coordinate vectors ('xy': Cartesian, 'ij': matrix)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    n = len(xi)
    shapes = [(1,) * i + (-1,) + (1,) * (n - i - 1) for i in range(n)]
    if indexing == "xy" and n > 1:  # the first two axes are swapped
        shapes[0] = (1, -1) + (1,) * (n - 2)
        shapes[1] = (-1, 1) + (1,) * (n - 2)
    grids = [ops.reshape(asarray_like(x), s) for x, s in zip(xi, shapes)]
    if not sparse:
        shape = np.broadcast_shapes(*(g.shape for g in grids))
        grids = [ops.broadcast_to(g, shape) for g in grids]
    return tuple(grids)
