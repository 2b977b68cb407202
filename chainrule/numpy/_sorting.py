"""Sorting and gathering along an axis: sort, argsort, partition, argpartition,
take_along_axis.

sort and partition are composites: the permutation comes from argsort/argpartition
(primitives that are not differentiated: an order has no derivative) and the values are
gathered with take_along_axis, i.e. advanced indexing, whose rule routes each output's
cotangent back to the element it came from. argsort is stable, so tied values keep
their order and each tie gets the gradient of its own position.
"""
from __future__ import annotations

import operator

import numpy as np

from ..ops import getitem, ravel
from ..ops.sorting import argpartition_p, argsort_p
from ..tensor import Tensor
from ._convert import axis_index
from ._core import asarray_like

__all__ = ["sort", "argsort", "partition", "argpartition", "take_along_axis",
           "put_along_axis"]


def _flat_or_axis(a, axis, op: str, indices: bool = False):
    """(a, axis) with axis None meaning the flattened a, as NumPy's sorting functions.
    NumPy's argsort and argpartition (``indices``) read a 0-d a as of shape (1,)."""
    a = asarray_like(a)
    if axis is None or (indices and a.ndim == 0):
        if axis is not None:
            axis_index(axis, 1, op)
        return ravel(a), 0
    return a, axis_index(axis, a.ndim, op)


def _refuse_order(order, op: str) -> None:
    if order is not None:
        raise ValueError(f"{op}: order= sorts structured arrays by field; tensors hold "
                         "numbers, so leave order=None")


def argsort(a, axis=-1, kind=None, order=None, *, stable=None) -> Tensor:
    """Indices that sort a along ``axis`` (always stable; ``kind`` is ignored)."""
    _refuse_order(order, "argsort")
    a, axis = _flat_or_axis(a, axis, "argsort", indices=True)
    return argsort_p(a, axis)


def sort(a, axis=-1, kind=None, order=None, *, stable=None) -> Tensor:
    """a sorted along ``axis`` (stable; ``kind`` is ignored). The gradient of each
    output goes to the element that landed there."""
    _refuse_order(order, "sort")
    a, axis = _flat_or_axis(a, axis, "sort")
    return take_along_axis(a, argsort_p(a, axis), axis)


def _kth(kth, op: str):
    if isinstance(kth, Tensor):
        kth = kth.numpy()
    try:
        return operator.index(kth)
    except TypeError:
        pass
    try:
        return tuple(operator.index(k) for k in np.asarray(kth).ravel())
    except TypeError:
        raise TypeError(f"{op}: kth must be an int or a sequence of ints, got "
                        f"{kth!r}") from None


def argpartition(a, kth, axis=-1, kind="introselect", order=None) -> Tensor:
    """Indices that partition a along ``axis`` around the kth element(s)."""
    _refuse_order(order, "argpartition")
    a, axis = _flat_or_axis(a, axis, "argpartition", indices=True)
    return argpartition_p(a, axis, _kth(kth, "argpartition"))


def partition(a, kth, axis=-1, kind="introselect", order=None) -> Tensor:
    """a with the kth element(s) where sorting would put them, smaller ones before and
    larger ones after; gradients follow the elements."""
    _refuse_order(order, "partition")
    a, axis = _flat_or_axis(a, axis, "partition")
    return take_along_axis(a, argpartition_p(a, axis, _kth(kth, "partition")), axis)


def along_axis_index(shape: tuple, indices, axis: int) -> tuple:
    """The advanced index that picks ``indices`` along ``axis`` and keeps the other axes
    in place (aranges that broadcast against indices, as NumPy builds it)."""
    items = []
    for d, n in enumerate(shape):
        if d == axis:
            items.append(indices)
        else:
            items.append(np.arange(n).reshape((1,) * d + (n,) + (1,) * (len(shape) - d - 1)))
    return tuple(items)


def take_along_axis(arr, indices, axis=-1) -> Tensor:
    """Values of arr at ``indices`` along ``axis`` (indices as argsort returns them)."""
    arr = asarray_like(arr)
    if not isinstance(indices, Tensor):
        indices = np.asarray(indices)
    if indices.dtype.kind not in "iu":
        raise IndexError(f"take_along_axis: indices must be an integer array, got dtype "
                         f"{indices.dtype}")
    if axis is None:
        if indices.ndim != 1:
            raise ValueError(f"take_along_axis: with axis=None, indices must be 1-d (they "
                             f"index the flattened arr), got shape {indices.shape}")
        arr, axis = ravel(arr), 0
    if indices.ndim != arr.ndim:
        raise ValueError(f"take_along_axis: indices and arr must have the same number of "
                         f"dimensions, got shapes {indices.shape} and {arr.shape}")
    axis = axis_index(axis, arr.ndim, "take_along_axis")
    return getitem(arr, along_axis_index(arr.shape, indices, axis))


def put_along_axis(arr, indices, values, axis) -> None:
    """Refused: NumPy's put_along_axis writes into arr in place, which a recorded graph
    cannot follow."""
    raise TypeError("put_along_axis writes into arr in place, which chainrule does not "
                    "record; build the result with chainrule.ops.index_put(arr, values, "
                    "index), or with where(mask, values, arr)")
