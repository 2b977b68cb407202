"""Default dtype, weak Python scalars, and which dtypes can carry a gradient.

Deep-learning frameworks default to float32 and let Python scalars adapt to the tensor
they meet (``x * 2.5`` keeps ``x``'s dtype). NumPy defaults to float64; NumPy arrays,
0-d ones included, promote by their dtypes (NumPy 2's rule). This module is the one
place those rules live; chainrule.numpy applies NumPy's own defaults on top.
"""
from __future__ import annotations

import threading

import numpy as np

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)
complex64 = np.dtype(np.complex64)
complex128 = np.dtype(np.complex128)

_default = [float32]

# Python and NumPy scalars are "weak": they take the dtype of the tensor they meet.
SCALAR_TYPES = (int, float, complex, bool, np.generic)


def set_default_dtype(dtype) -> None:
    """Set the floating dtype used for Python floats, ``arange(4.0)``, ``ones``, random..."""
    try:
        if dtype is None:  # NumPy reads None as float64
            raise TypeError
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"set_default_dtype: {dtype!r} is not a dtype; use e.g. "
                        "chainrule.float32 or 'float64'") from None
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: the default dtype must be a float dtype, got {dtype}")
    _default[0] = dtype
    _scalar_cache.clear()


def get_default_dtype() -> np.dtype:
    """The floating dtype that new tensors get when none is given (float32 unless changed)."""
    return _default[0]


# Floating and complex tensors carry gradients. Complex ones follow JAX's convention (the
# VJP is the plain transpose of the JVP): see docs/complex.md.
DIFFERENTIABLE_KINDS = "fc"


def real_dtype(dtype) -> np.dtype:
    """The real dtype of a float or complex one: float64 for complex128 and float64."""
    return np.finfo(dtype).dtype


def can_require_grad(dtype: np.dtype) -> bool:
    return dtype.kind in DIFFERENTIABLE_KINDS


def check_grad_dtype(dtype: np.dtype, what: str = "tensor") -> None:
    if dtype.kind not in DIFFERENTIABLE_KINDS:
        raise TypeError(
            f"only floating point and complex tensors can require gradients, but this {what} "
            f"has dtype {dtype}; create it with a float dtype, e.g. dtype=float32 or a float "
            f"literal such as 4.0 instead of 4")


def infer_dtype(data) -> np.dtype | None:
    """The dtype a new tensor gets from Python data: floats take the default float dtype."""
    if isinstance(data, np.ndarray | np.generic):
        return None  # NumPy data keeps its dtype
    if isinstance(data, bool):
        return bool_
    if isinstance(data, int):
        return int64
    if isinstance(data, float):
        return _default[0]
    if isinstance(data, complex):
        return np.dtype(np.complex64 if _default[0] == float32 else np.complex128)
    return None


def python_data_dtype(array: np.ndarray, data) -> np.dtype:
    """Dtype for an array built from nested Python lists: float64 becomes the default."""
    if isinstance(data, np.ndarray | np.generic):
        return array.dtype
    if array.dtype == float64:
        return _default[0]
    if array.dtype == complex128:  # complex numbers pair two of the default float
        return complex64 if _default[0] == float32 else complex128
    if array.dtype.kind == "i":
        return int64
    return array.dtype


# Converting a Python scalar costs NumPy more than the arithmetic on a small array, so
# constants met in loops (``y * 1.01 + 0.5``) are converted once per (value, dtype).
# 0.0 and -0.0 are equal keys but different constants (1 / (x * -0.0) is -inf), so a
# zero is keyed by its repr; NaN is never cached (each NaN object is its own key).
_scalar_cache: dict = {}
_cache_lock = threading.Lock()


def weak_scalar(value, dtype: np.dtype) -> np.ndarray:
    """``value`` as a read-only 0-d array of the dtype it takes next to a ``dtype`` tensor."""
    key = (value.__class__, value, dtype) if value else (value.__class__, repr(value), dtype)
    try:
        return _scalar_cache[key]
    except (KeyError, TypeError):
        pass
    kind = dtype.kind
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        target = dtype
    elif isinstance(value, int):
        target = dtype if kind in "iufc" else int64
    elif isinstance(value, float):
        target = dtype if kind in "fc" else _default[0]
    elif isinstance(value, complex):
        target = dtype if kind == "c" else np.result_type(dtype, np.complex64)
    else:
        raise TypeError(f"unsupported scalar {value!r} of type {type(value).__name__}")
    with np.errstate(over="ignore"):
        array = np.array(value, dtype=target)
    array.flags.writeable = False
    if value != value:  # NaN
        return array
    with _cache_lock:
        if len(_scalar_cache) > 4096:
            _scalar_cache.clear()
        try:
            _scalar_cache[key] = array
        except TypeError:  # unhashable; just skip the cache
            pass
    return array
