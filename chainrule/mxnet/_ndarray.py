"""mxnet.numpy.ndarray: chainrule's Tensor with MXNet's gradient buffer, backward and
printing (NumPy's repr, with the dtype said unless it is float32 or bool)."""
from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.tensor import as_class

from . import autograd
from .base import mxnet_errors

_GRAD_REQ = {"write": "write", "add": "add", "null": "null"}


class Context:
    """A device; chainrule computes on the CPU."""

    __slots__ = ("device_type", "device_id")

    def __init__(self, device_type: str = "cpu", device_id: int = 0) -> None:
        self.device_type, self.device_id = device_type, device_id

    def __repr__(self) -> str:
        return f"{self.device_type}({self.device_id})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Context) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


class ndarray(cr.Tensor):
    """An array that speaks MXNet's NumPy interface (mxnet.numpy.ndarray)."""

    __slots__ = ()
    _guards_conversion = False  # NumPy's converters read recorded arrays, as in MXNet
    _repr_html_ = None  # Jupyter shows the text, as for MXNet's arrays

    def __repr__(self) -> str:
        text = repr(self._data)
        dtype = self._data.dtype
        if "dtype=" in text:
            if dtype == np.float32:
                text = text[:text.rindex(",")] + ")"
        elif dtype not in (np.float32, np.bool_):
            text = text[:-1] + f", dtype={dtype})"
        return text

    def __str__(self) -> str:
        return str(self._data)

    # ------------------------------------------------------------ autograd

    def attach_grad(self, grad_req: str = "write", stype=None) -> None:
        """Allocate a gradient buffer (zeros) and record operations on this array inside
        ``autograd.record()``. ``grad_req``: 'write' (each backward overwrites), 'add'
        (backwards accumulate) or 'null' (no gradient)."""
        mode = _GRAD_REQ.get(grad_req)
        if mode is None:
            raise ValueError(f"attach_grad: grad_req must be 'write', 'add' or 'null', "
                             f"got {grad_req!r}")
        if self._node is not None:
            self.detach_()  # MXNet makes it a new variable, cut from its history
        self._grad = as_class(cr.zeros_like(self), ndarray)
        self.grad_accumulation = mode
        autograd.mark_variable(self)

    @property
    def grad(self):
        """The gradient buffer (None until ``attach_grad()``)."""
        return self._grad

    def backward(self, out_grad=None, retain_graph: bool = False, train_mode: bool = True):
        """Backpropagate; a non-scalar array gives the gradient of its sum."""
        autograd.backward(self, out_grad, retain_graph, train_mode)

    # ------------------------------------------------------------ conversion and device

    def asnumpy(self) -> np.ndarray:
        """A NumPy copy of the values."""
        return self._data.copy()

    @property
    def ctx(self) -> Context:
        return Context()

    context = device = ctx

    def as_in_ctx(self, ctx) -> ndarray:
        return self

    as_in_context = to_device = as_in_ctx

    def wait_to_read(self) -> None:
        """Nothing to wait for: chainrule computes eagerly."""


# In-place updates speak MXNet's errors too.
for _name in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__", "__setitem__"):
    setattr(ndarray, _name, mxnet_errors(getattr(cr.Tensor, _name)))
