"""Helpers of the composites: sequences of array-likes, and NumPy's axis errors naming
the function. (Single array-likes go through ``_core.asarray_like``.)"""
from __future__ import annotations

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from ..tensor import Tensor
from ._core import asarray_like


def sequence_of_tensors(arrays, op: str) -> list:
    """The arrays that concatenate, stack, vstack and friends join, as tensors. As in
    NumPy: a list or tuple, or one array whose first axis is iterated; not a generator."""
    if isinstance(arrays, Tensor | np.ndarray):
        arrays = list(arrays)
    elif not isinstance(arrays, list | tuple):
        raise TypeError(f"{op}: arrays to join must be passed as a list or tuple of "
                        f"arrays (or one array to iterate over), got {type(arrays).__name__}")
    return [asarray_like(a) for a in arrays]


def axis_index(axis, ndim: int, op: str) -> int:
    """``axis`` as a non-negative int; out of range raises NumPy's AxisError (a ValueError
    and an IndexError) naming the op."""
    return normalize_axis_index(axis, ndim, op)
