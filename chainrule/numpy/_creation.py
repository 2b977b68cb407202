"""Making arrays in ``chainrule.numpy``: NumPy's functions and defaults (float64), giving
tensors. ``array``/``asarray`` of lists holding tensors stack them, so gradients reach
each one; ``linspace``/``logspace`` are differentiable in tensor endpoints."""
from __future__ import annotations

import numpy as np

from .. import creation, ops
from ..tensor import Tensor, wrap
from ._core import asarray_like, cast_to, traced

__all__ = ["array", "asarray", "asanyarray", "ascontiguousarray", "zeros", "ones", "empty",
           "full", "zeros_like", "ones_like", "empty_like", "full_like", "eye", "identity",
           "arange", "linspace", "logspace"]


def _dtype(dtype, name):
    return None if dtype is None else creation._check_dtype(dtype, f"{name}: dtype")


def array(object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0,  # noqa: A002
          like=None):
    """A tensor of ``object``'s values (a copy unless ``copy=False``), as ``numpy.array``
    reads them; tensors inside stay in the graph."""
    dtype = _dtype(dtype, "array")
    result = asarray_like(object, dtype)
    if copy and (result is object or isinstance(object, np.ndarray)):
        # A value in a graph or a transform (tangents, a batch) is copied by a recorded op.
        result = ops.copy(result) if traced(result) else wrap(result._data.copy())
    if result.ndim < ndmin:
        result = ops.reshape(result, (1,) * (ndmin - result.ndim) + result.shape)
    return result


def asarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """``a`` as a tensor, without a copy when it already is one (or an ndarray)."""
    return array(a, dtype, copy=bool(copy))


asanyarray = asarray


def ascontiguousarray(a, dtype=None, *, like=None):
    return array(a, dtype, copy=False, ndmin=1)


def zeros(shape, dtype=float, order="C", *, device=None, like=None):
    """Zeros (float64 unless ``dtype`` says otherwise)."""
    return wrap(np.zeros(creation._shape(shape, "zeros"), _dtype(dtype, "zeros"), order))


def ones(shape, dtype=None, order="C", *, device=None, like=None):
    """Ones (float64 unless ``dtype`` says otherwise)."""
    return wrap(np.ones(creation._shape(shape, "ones"), _dtype(dtype, "ones"), order))


def empty(shape, dtype=float, order="C", *, device=None, like=None):
    """Uninitialised values (float64 unless ``dtype`` says otherwise)."""
    return wrap(np.empty(creation._shape(shape, "empty"), _dtype(dtype, "empty"), order))


def full(shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    """``fill_value`` everywhere; the dtype follows the value, as in NumPy."""
    fill = asarray_like(fill_value)
    dtype = _dtype(dtype, "full") or fill.dtype
    target = creation._shape(shape, "full")
    if traced(fill):
        return ops.broadcast_to(cast_to(fill, dtype), target)
    return wrap(np.full(target, fill._data, dtype, order))


def _like(a, dtype, shape, name):
    a = asarray_like(a)
    return (a.shape if shape is None else creation._shape(shape, name),
            _dtype(dtype, name) or a.dtype)


def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return wrap(np.zeros(*_like(a, dtype, shape, "zeros_like")))


def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return wrap(np.ones(*_like(a, dtype, shape, "ones_like")))


def empty_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return wrap(np.empty(*_like(a, dtype, shape, "empty_like")))


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *,
              device=None):
    target, dtype = _like(a, dtype, shape, "full_like")
    return full(target, fill_value, dtype)


def eye(N, M=None, k=0, dtype=float, order="C", *, device=None, like=None):  # noqa: N803
    """Ones on the k-th diagonal (float64 unless ``dtype`` says otherwise)."""
    return wrap(np.eye(N, M, k, _dtype(dtype, "eye"), order))


def identity(n, dtype=None, *, like=None):
    return wrap(np.identity(n, _dtype(dtype, "identity")))


def arange(*args, dtype=None, device=None, like=None, **kwargs):
    """``arange([start,] stop[, step])`` as NumPy: ``arange(4.0)`` is float64."""
    names = ("start", "stop", "step")
    values = [creation._number(v, "arange", names[i]) for i, v in enumerate(args)]
    values += [creation._number(kwargs.pop(n), "arange", n) for n in names if n in kwargs]
    if kwargs:
        raise TypeError(f"arange: unexpected arguments {sorted(kwargs)}")
    return wrap(np.arange(*values, dtype=_dtype(dtype, "arange")))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    """``num`` evenly spaced values from start to stop; differentiable in tensor
    endpoints (the values are start + fraction * (stop - start))."""
    num = creation._count(num, "linspace", "num (the number of samples)")
    if not isinstance(start, Tensor) and not isinstance(stop, Tensor):
        values = np.linspace(start, stop, num, endpoint, retstep, _dtype(dtype, "linspace"),
                             axis)
        return (wrap(values[0]), values[1]) if retstep else wrap(values)
    if axis != 0:
        raise ValueError("linspace: with tensor endpoints only axis=0 is supported")
    start, stop = asarray_like(start), asarray_like(stop)
    steps = num - 1 if endpoint else num
    fraction = np.arange(num, dtype=np.float64) / (steps if steps > 0 else 1)
    lead = np.broadcast_shapes(start.shape, stop.shape)
    delta = stop - start
    fraction = fraction.reshape((num,) + (1,) * len(lead))
    values = start + asarray_like(fraction) * delta
    if dtype is not None:
        values = cast_to(values, np.dtype(dtype))
    return (values, delta / steps if steps > 0 else delta * np.nan) if retstep else values


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``base ** linspace(start, stop)``; differentiable in tensor endpoints and base."""
    exponents = linspace(start, stop, num, endpoint, axis=axis)
    values = ops.power(base, exponents)
    return values if dtype is None else cast_to(values, np.dtype(dtype))
