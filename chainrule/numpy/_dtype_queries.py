"""Questions about dtypes and kinds (``result_type``, ``can_cast``, ``iscomplexobj`` ...):
NumPy's answers, with tensors read as their dtype. They return plain values."""
from __future__ import annotations

import numpy as np

from ..tensor import Tensor

__all__ = ["result_type", "can_cast", "promote_types", "iscomplexobj", "isrealobj",
           "isscalar", "iterable", "ndarray"]

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


iterable = np.iterable  # asks only for iter(): never dispatched
