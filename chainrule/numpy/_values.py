"""Functions of ``chainrule.numpy`` that have no derivative to speak of (indices, bins,
tests, text): NumPy computes them on the values; results that are arrays are tensors
that do not require grad (as ``argmax``'s), text is text."""
from __future__ import annotations

import numpy as np

from .. import ops
from ..tensor import wrap
from ._core import asarray_like, values_of

__all__ = ["searchsorted", "digitize", "iscomplex", "isreal", "isneginf", "isposinf",
           "array2string", "array_str", "array_repr", "real_if_close"]


def _tensor(result):
    return wrap(np.asarray(result))


def searchsorted(a, v, side="left", sorter=None):
    """Indices where ``v`` would be inserted into the sorted ``a`` to keep it sorted."""
    return _tensor(np.searchsorted(values_of(a), values_of(v), side,
                                   None if sorter is None else values_of(sorter)))


def digitize(x, bins, right=False):
    """The index of the bin each value of ``x`` falls in."""
    return _tensor(np.digitize(values_of(x), values_of(bins), right))


def iscomplex(x):
    return _tensor(np.iscomplex(values_of(x)))


def isreal(x):
    return _tensor(np.isreal(values_of(x)))


def isneginf(x, out=None):
    return _tensor(np.isneginf(values_of(x), out))


def isposinf(x, out=None):
    return _tensor(np.isposinf(values_of(x), out))


def array2string(a, *args, **kwargs):
    """The values as NumPy prints them (text)."""
    return np.array2string(values_of(a), *args, **kwargs)


def array_str(a, *args, **kwargs):
    return np.array_str(values_of(a), *args, **kwargs)


def array_repr(arr, *args, **kwargs):
    return np.array_repr(values_of(arr), *args, **kwargs)


def real_if_close(a, tol=100):
    """The real part when every imaginary part is within ``tol`` machine epsilons of 0
    (differentiable, as ``real``); ``a`` itself otherwise."""
    a = asarray_like(a)
    if a.dtype.kind != "c":
        return a
    limit = tol * np.finfo(a.dtype).eps if tol > 1 else tol
    if np.all(np.abs(a._data.imag) < limit):
        return ops.real(a)
    return a
