"""Making tensors: from data, from shapes, and from ranges.

Python floats (and ``arange(4.0)``, ``ones``, ``zeros``...) give the default float dtype,
float32 unless changed with ``set_default_dtype``; NumPy arrays keep their dtype.
"""
from __future__ import annotations

import operator

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
        if array.dtype.kind not in "biufc":
            raise TypeError(
                f"cannot make a tensor from a NumPy array of dtype {array.dtype}; tensors "
                "hold numbers (bool, int, float or complex): convert it first, e.g. "
                "a.astype(float)")
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
            if isinstance(data, int):
                raise TypeError(
                    f"cannot make a tensor from the integer {data}: it does not fit in "
                    "int64; give a float (e.g. float(n)) or a smaller integer")
            raise TypeError(
                f"cannot make a tensor from {type(data).__name__} data: it is not numeric, "
                "its nested lists are ragged (rows of different lengths), or it holds None "
                "or integers too large for int64")
        if array.dtype.kind not in "biufc":
            raise TypeError(
                f"cannot make a tensor from data of dtype {array.dtype} (e.g. strings); "
                "give numbers")
        if dtype is None:
            inferred = dtypes.infer_dtype(data)
            dtype = inferred if inferred is not None else dtypes.python_data_dtype(array, data)
    if dtype is not None and array.dtype != dtype:
        try:
            return array.astype(dtype)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValueError(f"cannot convert the data (dtype {array.dtype}, shape "
                             f"{array.shape}) to {dtype}: {exc}") from None
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


def _check_dtype(dtype, what: str = "dtype") -> np.dtype:
    """dtype as a NumPy dtype, which must be numeric (bool, int, float or complex):
    tensors hold numbers. None is refused too (NumPy would read it as float64)."""
    if dtype is None:
        raise TypeError(f"{what}: None is not a dtype; use e.g. 'float32' or numpy.float64")
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{dtype!r} is not a dtype; use e.g. 'float32' or numpy.float64") from None
    if dtype.kind not in "biufc":
        raise TypeError(f"{dtype} is not a numeric dtype, and tensors hold numbers; use "
                        "e.g. 'float32', 'int64' or 'bool'")
    return dtype


def _check_flag(flag, what: str) -> bool:
    """A True/False argument; anything else (a string, None, a number) is refused, since
    its truth value would silently decide."""
    if flag is True or flag is False or isinstance(flag, np.bool_):
        return bool(flag)
    raise TypeError(f"{what} must be True or False, got {flag!r} ({type(flag).__name__})")


def _finish(array: np.ndarray, requires_grad: bool, name: str | None = None) -> Tensor:
    out = wrap(array)
    if requires_grad is not False and _check_flag(requires_grad, "requires_grad"):
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
    if isinstance(data, Tensor) and (dtype is None or data.dtype == _check_dtype(dtype)):
        if requires_grad is not False and _check_flag(requires_grad, "requires_grad"):
            data.requires_grad = True
        return data
    return _finish(as_ndarray(data, dtype), requires_grad)


def _float_dtype(dtype):
    return dtypes._default[0] if dtype is None else _check_dtype(dtype)


_SCALARS = (bool, int, float, complex, np.generic)


def _shape(shape, op: str) -> tuple:
    """shape as a tuple of ints of 0 or more. Floats are refused, as NumPy does: 2.5
    rows is a mistake, and truncating it would hide it."""
    if isinstance(shape, Tensor):
        shape = shape.tolist()
    if isinstance(shape, str | bytes):
        raise TypeError(f"{op}: shape must be an int or a sequence of ints, got the string "
                        f"{shape!r}")
    try:
        dims = (operator.index(shape),)
    except TypeError:
        try:
            if not isinstance(shape, tuple | list | range | np.ndarray):
                raise TypeError  # a set or a dict has no order to take dimensions in
            dims = tuple(operator.index(s) for s in shape)
        except TypeError:
            raise TypeError(f"{op}: shape must be an int or a sequence of ints, got "
                            f"{shape!r}") from None
    if any(d < 0 for d in dims):
        raise ValueError(f"{op}: shape {dims} has a negative dimension; dimensions are 0 "
                         "or more")
    return dims


def _count(value, op: str, what: str) -> int:
    """An int argument of 0 or more (a size, a number of samples)."""
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: {what} must be an int, got {value!r} "
                        f"({type(value).__name__})") from None
    if value < 0:
        raise ValueError(f"{op}: {what} must be 0 or more, got {value}")
    return value


def _number(value, op: str, what: str):
    """A real number argument: a Python or NumPy number, or a one-element tensor."""
    if isinstance(value, Tensor):
        if value.size != 1 or value.dtype.kind not in "biuf":
            raise TypeError(f"{op}: {what} must be a real number, got a tensor of shape "
                            f"{value.shape} and dtype {value.dtype}")
        return value._data.reshape(()).item()
    if isinstance(value, bool | int | float | np.integer | np.floating | np.bool_):
        return value
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "biuf":
        return value.reshape(()).item()
    raise TypeError(f"{op}: {what} must be a real number, got {value!r} "
                    f"({type(value).__name__})")


def _fill(fill_value, op: str):
    """A fill value: numbers or an array-like of numbers (NumPy broadcasts it)."""
    if isinstance(fill_value, Tensor):
        return fill_value._data
    if fill_value is None or isinstance(fill_value, str | bytes):
        raise TypeError(f"{op}: fill_value must be a number, got {fill_value!r}")
    return fill_value if isinstance(fill_value, _SCALARS) else as_ndarray(fill_value)


def zeros(shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros (default float dtype)."""
    return _finish(np.zeros(_shape(shape, "zeros"), _float_dtype(dtype)), requires_grad)


def ones(shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones (default float dtype)."""
    return _finish(np.ones(_shape(shape, "ones"), _float_dtype(dtype)), requires_grad)


def empty(shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (default float dtype)."""
    return _finish(np.empty(_shape(shape, "empty"), _float_dtype(dtype)), requires_grad)


def full(shape, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``; its dtype follows the value as in ``tensor``."""
    if isinstance(fill_value, Tensor) and fill_value.size == 1:
        fill_value = fill_value.item()
    fill_value = _fill(fill_value, "full")
    if dtype is None:
        dtype = dtypes.infer_dtype(fill_value) or np.asarray(fill_value).dtype
    shape = _shape(shape, "full")
    return _finish(_filled("full", shape, fill_value, _check_dtype(dtype)), requires_grad)


def _filled(op, shape, fill_value, dtype) -> np.ndarray:
    try:
        return np.full(shape, fill_value, dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{op}: cannot fill shape {shape} with a fill_value of shape "
                         f"{np.shape(fill_value)} as {dtype}: {exc}") from None


def eye(N: int, M: int | None = None, k: int = 0, dtype=None,
        requires_grad: bool = False) -> Tensor:
    """A 2-D tensor with ones on the k-th diagonal (default float dtype)."""
    N = _count(N, "eye", "N (the number of rows)")
    M = None if M is None else _count(M, "eye", "M (the number of columns)")
    try:
        k = operator.index(k)
    except TypeError:
        raise TypeError(f"eye: k (the diagonal) must be an int, got {k!r}") from None
    return _finish(np.eye(N, M, k, dtype=_float_dtype(dtype)), requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in [start, stop): ``arange(4.0)`` is float32, ``arange(4)`` int64."""
    start = _number(start, "arange", "start")
    stop = None if stop is None else _number(stop, "arange", "stop")
    step = _number(step, "arange", "step")
    values = (start, stop, step)
    if dtype is None:
        floats = any(isinstance(v, float | np.floating) for v in values if v is not None)
        dtype = dtypes._default[0] if floats else dtypes.int64
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if not all(np.isfinite(v) for v in (start, stop, step)):
        raise ValueError(f"arange: start, stop and step must be finite, got start={start}, "
                         f"stop={stop}, step={step}")
    try:
        array = np.arange(start, stop, step, dtype=_check_dtype(dtype))
    except (ValueError, MemoryError) as exc:
        raise ValueError(f"arange: cannot make the range from {start} to {stop} by {step}: "
                         f"{exc}") from None
    return _finish(array, requires_grad)


def linspace(start, stop, num: int = 50, endpoint: bool = True, dtype=None,
             requires_grad: bool = False) -> Tensor:
    """``num`` evenly spaced values from start to stop (default float dtype)."""
    start = float(_number(start, "linspace", "start"))
    stop = float(_number(stop, "linspace", "stop"))
    num = _count(num, "linspace", "num (the number of samples)")
    array = np.linspace(start, stop, num, endpoint=_check_flag(endpoint, "linspace: endpoint"))
    return _finish(array.astype(_float_dtype(dtype)), requires_grad)


def _like(a, dtype) -> tuple:
    """The shape and dtype a ``*_like`` function takes from ``a`` (checked as data)."""
    if not isinstance(a, Tensor):
        a = as_ndarray(a)   # refuses what is not numbers, NumPy arrays of strings too
    return a.shape, (_check_dtype(dtype) if dtype is not None else a.dtype)


def zeros_like(a, dtype=None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype of ``a``."""
    return _finish(np.zeros(*_like(a, dtype)), requires_grad)


def ones_like(a, dtype=None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype of ``a``."""
    return _finish(np.ones(*_like(a, dtype)), requires_grad)


def full_like(a, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with the shape and dtype of ``a``."""
    shape, dtype = _like(a, dtype)
    return _finish(_filled("full_like", shape, _fill(fill_value, "full_like"), dtype),
                   requires_grad)


def empty_like(a, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uninitialised, with the shape and dtype of ``a``."""
    return _finish(np.empty(*_like(a, dtype)), requires_grad)
