"""Random tensors, reproducible from ``seed`` (one NumPy Generator per process).

Floating results take the default float dtype (float32) unless ``dtype`` is given.
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes
from .creation import _finish, _float_dtype
from .tensor import Tensor

_generator = [np.random.default_rng()]


def seed(value: int) -> None:
    """Reset the generator so that the following draws repeat."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"seed must be a finite integer, got {value}")
    try:
        _generator[0] = np.random.default_rng(int(value))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"seed must be a non-negative integer, got {value!r} ({exc})") from None


def generator() -> np.random.Generator:
    """The NumPy Generator behind this module (for draws this module does not offer)."""
    return _generator[0]


def _size(size):
    if size is None:
        return ()
    if isinstance(size, Tensor):
        size = size.tolist()
    return size


def _value(v):
    return v._data if isinstance(v, Tensor) else v


def normal(loc=0.0, scale=1.0, size=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Samples from N(loc, scale²)."""
    values = _generator[0].normal(_value(loc), _value(scale), _size(size))
    return _finish(np.asarray(values, _float_dtype(dtype)), requires_grad)


def uniform(low=0.0, high=1.0, size=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Samples from the uniform distribution on [low, high)."""
    values = _generator[0].uniform(_value(low), _value(high), _size(size))
    return _finish(np.asarray(values, _float_dtype(dtype)), requires_grad)


def randint(low, high=None, size=None, dtype=None) -> Tensor:
    """Random integers in [low, high) (or [0, low) when high is None); int64 by default."""
    values = _generator[0].integers(low, high, _size(size))
    return _finish(np.asarray(values, dtypes.int64 if dtype is None else dtype), False)


def permutation(x, axis: int = 0) -> Tensor:
    """A random permutation of ``range(x)`` (an int, giving int64), or a copy of x with
    its elements shuffled along ``axis`` (NumPy's ``Generator.permutation(x, axis=0)``).

    Unlike the other draws it takes no ``size=``: NumPy's has none, because the result's
    shape is x's own (n for an int). For b independent permutations of n, shuffle each
    row: ``generator().permuted(np.tile(np.arange(n), (b, 1)), axis=1)``.
    """
    data = x._data if isinstance(x, Tensor) else x
    try:
        values = _generator[0].permutation(data, axis)
    except (TypeError, ValueError) as exc:  # AxisError is a ValueError too
        kind = next(k for k in (np.exceptions.AxisError, ValueError, TypeError)
                    if isinstance(exc, k))
        raise kind(f"permutation: {exc} (x of shape {np.shape(data)}, axis={axis})") from None
    return _finish(np.asarray(values), False)
