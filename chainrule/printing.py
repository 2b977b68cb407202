"""How tensors print: NumPy's formatting of the values, then the autograd state."""
from __future__ import annotations

import numpy as np

from . import dtypes


def _implied_dtype(dtype: np.dtype) -> bool:
    """Dtypes the repr leaves unsaid: the default float, int64 and bool."""
    return dtype == dtypes.get_default_dtype() or dtype in (dtypes.int64, dtypes.bool_)


def tensor_repr(t, prefix: str = "tensor") -> str:
    data = t._data
    opening = prefix + "("
    if data.size == 0:
        body = f"[], size={data.shape}" if data.ndim > 1 else "[]"
    else:
        body = np.array2string(data, separator=", ", prefix=opening)
    extras = []
    if not _implied_dtype(data.dtype):
        extras.append(f"dtype={data.dtype}")
    if t._node is not None:
        extras.append(f"grad_fn=<{t._node.prim.backward_name}>")
    elif t._requires_grad:
        extras.append("requires_grad=True")
    name = t.name
    if name is not None:
        extras.append(f"name={name!r}")
    return opening + ", ".join([body] + extras) + ")"
