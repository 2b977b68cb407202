"""Matrix structure: diagonal, diag, diagflat, trace, tril, triu, kron, cross.

Composites: a diagonal is an advanced index, its transpose (a vector placed on a
diagonal) is scatter_add, triangles are where with a constant mask, kron is a broadcast
product reshaped, and cross is products of components.
"""
from __future__ import annotations

import operator
import warnings

import numpy as np

from ..ops import (broadcast_to, getitem, moveaxis, multiply, ravel, reshape, scatter_add,
                   stack, sum, transpose, where)
from ..tensor import Tensor
from ._convert import axis_index
from ._core import asarray_like, no_out

__all__ = ["diagonal", "diag", "diagflat", "trace", "tril", "triu", "kron", "cross"]


def _diagonal_positions(n: int, m: int, offset: int) -> tuple:
    """Row and column indices of the ``offset`` diagonal of an n x m matrix."""
    rows = np.arange(max(0, min(n, m - offset) if offset >= 0 else min(n + offset, m)))
    if offset < 0:
        rows = rows - offset
    return rows, rows + offset


def diagonal(a, offset=0, axis1=0, axis2=1) -> Tensor:
    """The ``offset`` diagonal of the (axis1, axis2) matrices, as a last axis."""
    a = asarray_like(a)
    offset = operator.index(offset)
    if a.ndim < 2:
        raise ValueError(f"diagonal: needs an array of at least two dimensions, got shape "
                         f"{a.shape}")
    axis1 = axis_index(axis1, a.ndim, "diagonal: axis1")
    axis2 = axis_index(axis2, a.ndim, "diagonal: axis2")
    if axis1 == axis2:
        raise ValueError(f"diagonal: axis1 and axis2 cannot be the same, got {axis1}")
    rest = [d for d in range(a.ndim) if d not in (axis1, axis2)]
    a = transpose(a, rest + [axis1, axis2])
    rows, cols = _diagonal_positions(a.shape[-2], a.shape[-1], offset)
    return getitem(a, (Ellipsis, rows, cols))


def diag(v, k=0) -> Tensor:
    """A 1-d v on the k-th diagonal of a square matrix, or the k-th diagonal of a 2-d v."""
    v = asarray_like(v)
    k = operator.index(k)
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError(f"diag: input must be 1-d or 2-d, got shape {v.shape}")
    n = v.shape[0] + abs(k)
    rows, cols = _diagonal_positions(n, n, k)
    return scatter_add(v, (rows, cols), (n, n))


def diagflat(v, k=0) -> Tensor:
    """The flattened v on the k-th diagonal of a square matrix."""
    return diag(ravel(asarray_like(v)), k)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None) -> Tensor:
    """Sum of the ``offset`` diagonal of the (axis1, axis2) matrices."""
    no_out("trace", out)
    a = asarray_like(a)
    if a.ndim < 2:
        raise ValueError(f"trace: needs an array of at least two dimensions, got shape "
                         f"{a.shape}")
    return sum(diagonal(a, offset, axis1, axis2), -1, dtype=dtype)


def _triangle(m, mask_of, op: str) -> Tensor:
    m = asarray_like(m)
    if m.ndim == 0:
        raise TypeError(f"{op}: needs an array of at least one dimension, got a 0-d one")
    return where(mask_of(*m.shape[-2:]), m, 0)


def tril(m, k=0) -> Tensor:
    """m with the entries above the k-th diagonal (of its last two axes) zeroed."""
    k = operator.index(k)
    return _triangle(m, lambda *nm: np.tri(*nm, k=k, dtype=bool), "tril")


def triu(m, k=0) -> Tensor:
    """m with the entries below the k-th diagonal (of its last two axes) zeroed."""
    k = operator.index(k)
    return _triangle(m, lambda *nm: ~np.tri(*nm, k=k - 1, dtype=bool), "triu")


def kron(a, b) -> Tensor:
    """Kronecker product: blocks a[i] * b, for any numbers of axes."""
    a, b = asarray_like(a), asarray_like(b)
    n = max(a.ndim, b.ndim)
    sa = (1,) * (n - a.ndim) + a.shape
    sb = (1,) * (n - b.ndim) + b.shape
    # a's axes interleaved with b's: (s0, 1, s1, 1, ...) * (1, t0, 1, t1, ...).
    product = multiply(reshape(a, tuple(v for s in sa for v in (s, 1))),
                       reshape(b, tuple(v for t in sb for v in (1, t))))
    return reshape(product, tuple(s * t for s, t in zip(sa, sb)))


def _times(x, y):
    return None if x is None or y is None else x * y


def _minus(p, q):
    if q is None:
        return p
    return -q if p is None else p - q


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None) -> Tensor:
    """Cross product of 3-vectors (or 2-vectors, whose z-component is 0) along axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = asarray_like(a), asarray_like(b)
    if a.ndim < 1 or b.ndim < 1:
        raise ValueError(f"cross: at least one array has zero dimensions (shapes {a.shape} "
                         f"and {b.shape}); give vectors")
    a = moveaxis(a, axis_index(axisa, a.ndim, "cross: axisa"), -1)
    b = moveaxis(b, axis_index(axisb, b.ndim, "cross: axisb"), -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"cross: incompatible dimensions for cross product (dimension must "
                         f"be 2 or 3), got vectors of length {na} and {nb}")
    if na == 2 or nb == 2:
        warnings.warn("cross: arrays of 2-dimensional vectors are deprecated (as in NumPy "
                      "2.0); use arrays of 3-dimensional vectors instead",
                      DeprecationWarning, stacklevel=2)
    shape = np.broadcast_shapes(a.shape[:-1], b.shape[:-1])
    x = [getitem(a, (Ellipsis, i)) for i in range(na)] + [None] * (3 - na)
    y = [getitem(b, (Ellipsis, i)) for i in range(nb)] + [None] * (3 - nb)
    z = _minus(x[0] * y[1], x[1] * y[0])
    if na == nb == 2:
        return broadcast_to(z, shape)
    axisc = axis_index(axisc, len(shape) + 1, "cross: axisc")
    parts = [_minus(_times(x[1], y[2]), _times(x[2], y[1])),
             _minus(_times(x[2], y[0]), _times(x[0], y[2])), z]
    return moveaxis(stack([broadcast_to(p, shape) for p in parts], -1), -1, axisc)
