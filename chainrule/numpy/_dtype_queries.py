"""Questions about dtypes, kinds and memory (``result_type``, ``can_cast``,
``iscomplexobj``, ``shares_memory`` ...): NumPy's answers, with tensors read as their dtype
or their NumPy data. They return plain values."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor

__all__ = ["result_type", "can_cast", "promote_types", "iscomplexobj", "isrealobj",
           "isscalar", "iterable", "ndarray", "shares_memory", "may_share_memory",
           "broadcast_shapes"]

ndarray = Tensor  # isinstance(x, chainrule.numpy.ndarray) holds for the results here


def _plain(x):
    """A tensor as its dtype (what NumPy's answer depends on) or its values."""
    return x.dtype if isinstance(x, Tensor) else x


def result_type(*arrays_and_dtypes):
    return np.result_type(*(_plain(x) for x in arrays_and_dtypes))


def can_cast(from_, to, casting="safe"):
    return np.can_cast(_plain(from_), to, casting)


promote_types = np.promote_types  # takes dtypes only, never dispatched


def iscomplexobj(x):
    return _plain(x).kind == "c" if isinstance(x, Tensor) else np.iscomplexobj(x)


def isrealobj(x):
    return not iscomplexobj(x)


def isscalar(element):
    """False for tensors, 0-d ones included (as NumPy says of 0-d arrays)."""
    return False if isinstance(element, Tensor) else np.isscalar(element)


def shares_memory(a, b, /, max_work=None):
    """Whether the tensors' (or arrays') data overlap in memory."""
    return np.shares_memory(_data(a), _data(b), max_work)


def may_share_memory(a, b, /, max_work=None):
    return np.may_share_memory(_data(a), _data(b), max_work)


def _data(x):
    return x._data if isinstance(x, Tensor) else x


iterable = np.iterable  # asks only for iter(): never dispatched
broadcast_shapes = np.broadcast_shapes  # takes shapes, not arrays: never dispatched
