"""``mxnet.numpy_extension`` (``from mxnet import npx``): MXNet's operators beyond NumPy."""
from __future__ import annotations

import chainrule as cr

from ._ndarray import Context
from .numpy import _out


def set_np(shape: bool = True, array: bool = True, dtype: bool = False) -> None:
    """Nothing to switch: these arrays always follow NumPy's semantics (float32 default)."""


def reset_np() -> None:
    """Nothing to switch back."""


def is_np_array() -> bool:
    return True


def is_np_shape() -> bool:
    return True


def cpu(device_id: int = 0) -> Context:
    return Context("cpu", device_id)


def num_gpus() -> int:
    return 0


def relu(data):
    return _out(cr.relu(data))


def sigmoid(data):
    return _out(cr.sigmoid(data))


def softmax(data, axis: int = -1):
    return _out(cr.softmax(data, axis))


def log_softmax(data, axis: int = -1):
    return _out(cr.log_softmax(data, axis))


__all__ = [
    "Context",
    "cpu",
    "is_np_array",
    "is_np_shape",
    "log_softmax",
    "num_gpus",
    "relu",
    "reset_np",
    "set_np",
    "sigmoid",
    "softmax",
]
