"""Joining and editing along an axis: vstack, hstack, dstack, column_stack, row_stack,
append, insert, delete.

insert and delete take NumPy's own index arithmetic (which covers every form of ``obj``
and how ``values`` broadcast): NumPy runs the operation on the positions of the elements,
and the result is a gather of those positions from the inputs, so gradients route back
to the element each output came from.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import ops
from ..tensor import Tensor
from ._convert import axis_index, sequence_of_tensors
from ._core import asarray_like, cast_to
from ._rearranging import _at_least_3d

__all__ = ["vstack", "hstack", "dstack", "column_stack", "row_stack", "append", "insert",
           "delete"]


def join(arrays: list, axis: int, op: str, dtype=None, casting="same_kind") -> Tensor:
    """concatenate(arrays, axis) in one dtype, its shape errors naming ``op``."""
    if not arrays:
        raise ValueError(f"{op}: need at least one array to join")
    shapes = [a.shape for a in arrays]
    ndim = len(shapes[0])
    if ndim == 0:
        raise ValueError(f"{op}: zero-dimensional arrays cannot be concatenated")
    axis = axis_index(axis, ndim, op)
    for i, s in enumerate(shapes):
        if len(s) != ndim:
            raise ValueError(f"{op}: all the input arrays must have the same number of "
                             f"dimensions, but array 0 has shape {shapes[0]} and array {i} "
                             f"has shape {s}")
        if s[:axis] + s[axis + 1:] != shapes[0][:axis] + shapes[0][axis + 1:]:
            raise ValueError(f"{op}: the input arrays must have the same shape except along "
                             f"axis {axis}; array 0 has shape {shapes[0]} and array {i} has "
                             f"shape {s}")
    return ops.concatenate(in_common_dtype(arrays, op, dtype, casting), axis)


def in_common_dtype(arrays: list, op: str, dtype=None, casting="same_kind") -> list:
    """The tensors in ``dtype`` (NumPy's common dtype when None), refusing, as NumPy does,
    a cast that ``casting`` does not allow."""
    dtype = np.result_type(*(a.dtype for a in arrays)) if dtype is None else np.dtype(dtype)
    for a in arrays:
        if not np.can_cast(a.dtype, dtype, casting):
            raise TypeError(f"{op}: cannot cast an array of {a.dtype} to {dtype} "
                            f"with casting={casting!r}")
    return [cast_to(a, dtype) for a in arrays]


def vstack(tup, *, dtype=None, casting="same_kind") -> Tensor:
    """Arrays stacked as rows (along a first axis; 1-d arrays become rows)."""
    arrays = [ops.atleast_2d(a) for a in sequence_of_tensors(tup, "vstack")]
    return join(arrays, 0, "vstack", dtype, casting)


def row_stack(tup, *, dtype=None, casting="same_kind") -> Tensor:
    warnings.warn("row_stack is a deprecated alias of vstack (as in NumPy 2.0); use vstack",
                  DeprecationWarning, stacklevel=2)
    arrays = [ops.atleast_2d(a) for a in sequence_of_tensors(tup, "row_stack")]
    return join(arrays, 0, "row_stack", dtype, casting)


def hstack(tup, *, dtype=None, casting="same_kind") -> Tensor:
    """Arrays stacked as columns (along the second axis; along the first for 1-d)."""
    arrays = [ops.atleast_1d(a) for a in sequence_of_tensors(tup, "hstack")]
    axis = 0 if arrays and arrays[0].ndim == 1 else 1
    return join(arrays, axis, "hstack", dtype, casting)


def dstack(tup) -> Tensor:
    """Arrays stacked along the third axis (after atleast_3d)."""
    arrays = [_at_least_3d(a) for a in sequence_of_tensors(tup, "dstack")]
    return join(arrays, 2, "dstack")


def column_stack(tup) -> Tensor:
    """1-d arrays as the columns of a 2-d array; 2-d arrays joined along axis 1."""
    arrays = [ops.reshape(a, (-1, 1)) if a.ndim < 2 else a
              for a in sequence_of_tensors(tup, "column_stack")]
    return join(arrays, 1, "column_stack")


def append(arr, values, axis=None) -> Tensor:
    """values after arr along ``axis`` (both flattened when None)."""
    arr, values = asarray_like(arr), asarray_like(values)
    if axis is None:
        arr, values, axis = ops.ravel(arr), ops.ravel(values), 0
    return join([arr, values], axis, "append")


def _positions(x: Tensor, offset: int = 0) -> np.ndarray:
    return np.arange(offset, offset + x.size).reshape(x.shape)


def _numpy_positions(op: str, fn, *args, **kwargs) -> np.ndarray:
    try:
        return fn(*args, **kwargs)
    except (IndexError, ValueError, TypeError) as exc:
        raise type(exc)(f"{op}: {exc}") from None


def _index_value(obj):
    if isinstance(obj, Tensor):
        return obj.numpy()
    if isinstance(obj, (list, tuple)) and any(isinstance(o, Tensor) for o in obj):
        return np.asarray([o.numpy() if isinstance(o, Tensor) else o for o in obj])
    return obj


def insert(arr, obj, values, axis=None) -> Tensor:
    """values inserted into arr before the index or indices ``obj`` along ``axis``
    (of the flattened arr when None); values take arr's dtype, as in NumPy."""
    arr, values = asarray_like(arr), asarray_like(values)
    values = cast_to(values, arr.dtype)
    where = _numpy_positions("insert", np.insert, _positions(arr), _index_value(obj),
                             _positions(values, arr.size), axis)
    sources = ops.concatenate([ops.ravel(arr), ops.ravel(values)], 0)
    return ops.getitem(sources, where)


def delete(arr, obj, axis=None) -> Tensor:
    """arr without the entries at the index or indices ``obj`` along ``axis`` (of the
    flattened arr when None)."""
    arr = asarray_like(arr)
    where = _numpy_positions("delete", np.delete, _positions(arr), _index_value(obj), axis)
    return ops.getitem(ops.ravel(arr), where)
