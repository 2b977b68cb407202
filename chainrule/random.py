"""Random tensors, reproducible from ``seed`` (one NumPy Generator per process).

Floating results take the default float dtype (float32) unless ``dtype`` is given.
"""
from __future__ import annotations

import functools
import math
import operator

import numpy as np

from . import dtypes
from .creation import _check_dtype, _finish, _float_dtype, _shape
from .tensor import Tensor

_generator = [np.random.default_rng()]


def seed(value: int) -> None:
    """Reset the generator so that the following draws repeat."""
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise ValueError(f"seed must be a finite integer, got {value}")
        if not float(value).is_integer():  # seed(2.5) and seed(2) must not be one stream
            raise TypeError(f"seed must be a non-negative integer, got {value!r}")
        value = int(value)
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"seed must be a non-negative integer, got {value!r} "
                        f"({type(value).__name__})") from None
    if value < 0:
        raise TypeError(f"seed must be a non-negative integer, got {value}")
    _generator[0] = np.random.default_rng(value)


def generator() -> np.random.Generator:
    """The NumPy Generator behind this module (for draws this module does not offer)."""
    return _generator[0]


def _size(size, op):
    return () if size is None else _shape(size, op)


def _value(v, op, what):
    if isinstance(v, Tensor):
        return v._data
    if v is None or isinstance(v, str | bytes):
        raise TypeError(f"{op}: {what} must be a number or a tensor, got {v!r}")
    return v


def _drawing(op):
    """NumPy's errors from a draw (scale < 0, low >= high...) as the standard types,
    naming the draw."""
    def decorate(draw):
        @functools.wraps(draw)
        def checked(*args, **kwargs):
            try:
                return draw(*args, **kwargs)
            except np.exceptions.AxisError:
                raise
            except (TypeError, ValueError, OverflowError) as exc:
                message = str(exc)
                if message.startswith(op):
                    raise
                kind = TypeError if isinstance(exc, TypeError) else ValueError
                raise kind(f"{op}: {message}") from None
        return checked
    return decorate


def _float_draw_dtype(dtype, op):
    dtype = _float_dtype(dtype)
    if dtype.kind != "f":  # normal(dtype=int64) would truncate every sample
        raise TypeError(f"{op}: dtype must be a float dtype, got {dtype}; draw floats and "
                        "round them yourself if integers are wanted, or use randint")
    return dtype


@_drawing("normal")
def normal(loc=0.0, scale=1.0, size=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Samples from N(loc, scale²)."""
    dtype = _float_draw_dtype(dtype, "normal")
    values = _generator[0].normal(_value(loc, "normal", "loc"),
                                  _value(scale, "normal", "scale"), _size(size, "normal"))
    return _finish(np.asarray(values, dtype), requires_grad)


@_drawing("uniform")
def uniform(low=0.0, high=1.0, size=None, dtype=None, requires_grad: bool = False) -> Tensor:
    """Samples from the uniform distribution on [low, high)."""
    dtype = _float_draw_dtype(dtype, "uniform")
    values = _generator[0].uniform(_value(low, "uniform", "low"),
                                   _value(high, "uniform", "high"), _size(size, "uniform"))
    return _finish(np.asarray(values, dtype), requires_grad)


@_drawing("randint")
def randint(low, high=None, size=None, dtype=None) -> Tensor:
    """Random integers in [low, high) (or [0, low) when high is None); int64 by default."""
    bounds = [_value(b, "randint", name) for b, name in ((low, "low"), (high, "high"))
              if b is not None or name == "low"]
    for b in bounds:  # randint(2.5) would silently mean randint(2)
        if np.ndim(b) == 0 and isinstance(np.asarray(b).item(), float):
            raise TypeError(f"randint: low and high must be integers, got {b!r}")
    values = _generator[0].integers(low, high, _size(size, "randint"))
    return _finish(np.asarray(values, dtypes.int64 if dtype is None else _check_dtype(dtype)),
                   False)


def permutation(x, axis: int = 0) -> Tensor:
    """A random permutation of ``range(x)`` (an int, giving int64), or a copy of x with
    its elements shuffled along ``axis`` (NumPy's ``Generator.permutation(x, axis=0)``).

    Unlike the other draws it takes no ``size=``: NumPy's has none, because the result's
    shape is x's own (n for an int). For b independent permutations of n, shuffle each
    row: ``generator().permuted(np.tile(np.arange(n), (b, 1)), axis=1)``.
    """
    data = x._data if isinstance(x, Tensor) else x
    if isinstance(data, float | np.floating) or data is None or isinstance(data, str | bytes):
        raise TypeError(f"permutation: x must be an int (the length) or a tensor with at "
                        f"least one axis, got {data!r}")
    if np.ndim(data) == 0 and np.asarray(data).dtype.kind not in "iu":
        raise TypeError(f"permutation: x must be an int (the length) or a tensor with at "
                        f"least one axis, got a 0-d value of dtype {np.asarray(data).dtype}")
    try:
        values = _generator[0].permutation(data, axis)
    except (TypeError, ValueError) as exc:  # AxisError is a ValueError too
        kind = next(k for k in (np.exceptions.AxisError, ValueError, TypeError)
                    if isinstance(exc, k))
        raise kind(f"permutation: {exc} (x of shape {np.shape(data)}, axis={axis})") from None
    return _finish(np.asarray(values), False)
