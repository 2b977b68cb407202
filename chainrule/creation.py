"""Making tensors: from data, from shapes, and from ranges.

Python floats (and ``arange(4.0)``, ``ones``, ``zeros``...) give the default float dtype,
float32 unless changed with ``set_default_dtype``; NumPy arrays keep their dtype.
"""
from __future__ import annotations

import numpy as np

from . import dtypes
from .tensor import Tensor, wrap


def as_ndarray(data, dtype=None, copy: bool = False) -> np.ndarray:
    """Convert tensor data (arrays, numbers, nested lists, tensors) to an ndarray."""
    if dtype is not None:
        dtype = _check_dtype(dtype)
    if isinstance(data, Tensor):
        array = data._data
    elif isinstance(data, np.ndarray):
        array = data
    else:
        if data is None:
            raise TypeError("cannot make a tensor from None; give numbers, a list or an array")
        if isinstance(data, str | bytes):
            raise TypeError(f"cannot make a tensor from a string ({data!r}); give numbers")
        if isinstance(data, (list, tuple)):
            data = _unwrap_nested(data)
        try:
            array = np.asarray(data)
        except ValueError as exc:
            raise ValueError(
                f"cannot make a tensor from this data: {exc}. Nested lists must be "
                "rectangular (every row the same length)") from None
        if array.dtype == object:
            raise TypeError(
                f"cannot make a tensor from {type(data).__name__} data: it is not numeric or "
                "its nested lists are ragged (rows of different lengths)")
        if array.dtype.kind not in "biufc":
            raise TypeError(
                f"cannot make a tensor from data of dtype {array.dtype} (e.g. strings); "
                "give numbers")
        if dtype is None:
            inferred = dtypes.infer_dtype(data)
            dtype = inferred if inferred is not None else dtypes.python_data_dtype(array, data)
    if dtype is not None and array.dtype != dtype:
        return array.astype(dtype)
    if copy:
        return array.copy()
    return array


def _unwrap_nested(data):
    """Lists may hold tensors (e.g. ``tensor([x, y])`` of 0-d tensors): take their values."""
    out = []
    for item in data:
        if isinstance(item, Tensor):
            out.append(item._data)
        elif isinstance(item, (list, tuple)):
            out.append(_unwrap_nested(item))
        else:
            out.append(item)
    return out


def _check_dtype(dtype) -> np.dtype:
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype; use e.g. 'float32' or numpy.float64") from None


def _finish(array: np.ndarray, requires_grad: bool, name: str | None = None) -> Tensor:
    out = wrap(array)
    if requires_grad:
        out.requires_grad = True
    if name is not None:
        out.name = name
    return out


def tensor(data, dtype=None, requires_grad: bool = False, name: str | None = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers, nested lists, arrays, tensors).

    Python floats become the default float dtype (float32); Python ints become int64;
    NumPy arrays keep their dtype. ``name`` labels the tensor in graphs and tables.
    """
    return _finish(as_ndarray(data, dtype, copy=True), requires_grad, name)


def asarray(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """``data`` as a tensor, without copying when it already is an array or tensor.

    A tensor of the right dtype is returned as it is. A NumPy array is wrapped, not
    copied: later writes to that array through NumPy are invisible to autograd.
    """
    if isinstance(data, Tensor) and (dtype is None or data.dtype == np.dtype(dtype)):
        if requires_grad:
            data.requires_grad = True
        return data
    return _finish(as_ndarray(data, dtype), requires_grad)


def _float_dtype(dtype):
    return dtypes._default[0] if dtype is None else _check_dtype(dtype)


def _shape(shape) -> tuple:
    if isinstance(shape, Tensor):
        shape = shape.tolist()
    if isinstance(shape, str | bytes):
        raise TypeError(f"shape must be an int or a sequence of ints, got the string {shape!r}")
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        return tuple(int(s) for s in shape)
    except (TypeError, ValueError):
        raise TypeError(f"shape must be an int or a sequence of ints, got {shape!r}") from None


def zeros(shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros (default float dtype)."""
    return _finish(np.zeros(_shape(shape), _float_dtype(dtype)), requires_grad)


def ones(shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones (default float dtype)."""
    return _finish(np.ones(_shape(shape), _float_dtype(dtype)), requires_grad)


def empty(shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (default float dtype)."""
    return _finish(np.empty(_shape(shape), _float_dtype(dtype)), requires_grad)


def full(shape, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value as in ``tensor``."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = dtypes.infer_dtype(fill_value) or np.asarray(fill_value).dtype
    return _finish(np.full(_shape(shape), fill_value, _check_dtype(dtype)), requires_grad)


def eye(N: int, M: int | None = None, k: int = 0, dtype=None,
        requires_grad: bool = False) -> Tensor:
    """A 2-D tensor with ones on the k-th diagonal (default float dtype)."""
    return _finish(np.eye(N, M, k, dtype=_float_dtype(dtype)), requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop): ``arange(4.0)`` is float32, ``arange(4)`` int64."""
    values = (start, stop, step)
    if dtype is None:
        floats = any(isinstance(v, float | np.floating) for v in values if v is not None)
        dtype = dtypes._default[0] if floats else dtypes.int64
    if stop is None:
        start, stop = 0, start
    return _finish(np.arange(start, stop, step, dtype=_check_dtype(dtype)), requires_grad)


def linspace(start, stop, num: int = 50, endpoint: bool = True, dtype=None,
             requires_grad: bool = False) -> Tensor:
    """``num`` evenly spaced values from start to stop (default float dtype)."""
    array = np.linspace(float(start), float(stop), num, endpoint=endpoint)
    return _finish(array.astype(_float_dtype(dtype)), requires_grad)


def _like_dtype(a, dtype):
    if dtype is not None:
        return _check_dtype(dtype)
    if isinstance(a, Tensor | np.ndarray):
        return a.dtype
    return as_ndarray(a).dtype


def zeros_like(a, dtype=None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype of ``a``."""
    return _finish(np.zeros(np.shape(a), _like_dtype(a, dtype)), requires_grad)


def ones_like(a, dtype=None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype of ``a``."""
    return _finish(np.ones(np.shape(a), _like_dtype(a, dtype)), requires_grad)


def full_like(a, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with the shape and dtype of ``a``."""
    return _finish(np.full(np.shape(a), fill_value, _like_dtype(a, dtype)), requires_grad)


def empty_like(a, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uninitialised, with the shape and dtype of ``a``."""
    return _finish(np.empty(np.shape(a), _like_dtype(a, dtype)), requires_grad)
