"""Inputs of the composites as tensors, with NumPy's dtypes and NumPy's axis errors.

The core's defaults are a deep-learning library's (Python floats become float32); NumPy
reads them as float64, so non-tensor inputs go through ``numpy.asarray`` first. Results
are tensors (as jax.numpy returns jax arrays), so every input becomes one here.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from ..creation import as_ndarray
from ..ops import stack
from ..tensor import Tensor, wrap


def as_tensor(x) -> Tensor:
    """x as a tensor: tensors as they are, lists holding tensors stacked (so gradients
    reach each one), anything else as NumPy reads it."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (list, tuple)) and _holds_tensor(x):
        return stack([as_tensor(item) for item in x])
    return wrap(as_ndarray(np.asarray(x)))


def _holds_tensor(items) -> bool:
    return any(isinstance(i, Tensor) or (isinstance(i, (list, tuple)) and _holds_tensor(i))
               for i in items)


def as_tensors(arrays, op: str) -> list:
    """A sequence of array-likes (the ``tup`` of vstack and friends) as tensors."""
    if isinstance(arrays, Tensor) or not isinstance(arrays, (list, tuple)):
        raise TypeError(f"{op}: arrays to stack must be passed as a list or tuple of "
                        f"arrays, got {type(arrays).__name__}")
    return [as_tensor(a) for a in arrays]


def axis_index(axis, ndim: int, op: str) -> int:
    """``axis`` as a non-negative int; out of range raises NumPy's AxisError (a ValueError
    and an IndexError) naming the op."""
    return normalize_axis_index(axis, ndim, op)


def refuse_out(out, op: str) -> None:
    if out is not None:
        raise TypeError(f"{op}: out= is not supported, since writing into an array would "
                        "leave the graph; use the returned tensor instead")


def astype(x: Tensor, dtype) -> Tensor:
    """x in ``dtype`` (recorded, so gradients flow between float dtypes)."""
    from ..ops import astype as cast
    return x if dtype is None or x.dtype == np.dtype(dtype) else cast(x, dtype)
