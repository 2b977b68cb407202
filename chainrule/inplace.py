"""In-place operations: ``+=``, ``x[i] = v``, ``add_``, ``zero_``, ``copy_``...

Outside recording (no_grad, or nothing involved requires grad) they are NumPy's in-place
operations. While recording, the new value becomes the tensor's value and its history:
the tensor's node is replaced by the node of the out-of-place operation, computed from a
snapshot of the old value. Either way the version counter moves, so a backward that
needs the old value raises instead of using the new one.
"""
from __future__ import annotations

import numpy as np

from . import ops
from .errors import LeafInPlaceError, SharedMemoryInPlaceError
from .graph import bump_version, grad_state
from .tensor import Tensor, wrap


def _same_kind(exc: Exception) -> type:
    """The standard exception type to re-raise NumPy's error as (NumPy's own casting
    errors subclass TypeError but cannot be built from a message)."""
    for kind in (IndexError, TypeError, ValueError):
        if isinstance(exc, kind):
            return kind
    return RuntimeError


def _check_value(x: Tensor, value, what: str, verb: str) -> None:
    """NumPy stores None as NaN and parses strings ("1.5") into a float tensor: refuse
    both, and other non-numeric arrays, rather than write something silently wrong.
    (A string is a ValueError, as NumPy's own failed conversion is.)"""
    bad_array = isinstance(value, np.ndarray) and value.dtype.kind not in "biufc"
    if value is None or bad_array or isinstance(value, str | bytes):
        shown = f"an array of dtype {value.dtype}" if bad_array else repr(value)
        kind = ValueError if isinstance(value, str | bytes) else TypeError
        raise kind(f"{what}: cannot {verb} a tensor of dtype {x.dtype} and shape {x.shape} "
                   f"with {shown}: tensors hold numbers; give a number, a tensor or an array "
                   "of numbers")


def _version_counter(x: Tensor) -> list:
    if x._version is None:
        x._version = [0, False]
    return x._version


def _check_recordable(x: Tensor, what: str) -> None:
    if x._node is None and x._requires_grad:
        raise LeafInPlaceError(
            f"{what}: a leaf tensor that requires grad cannot be modified in place while "
            "operations are recorded (its gradient would refer to a value that no longer "
            "exists). For a parameter update, do it under `with chainrule.no_grad():` "
            "(w -= lr * w.grad); otherwise use an out-of-place operation (w = w - ...)")
    if x._version is not None and x._version[1]:
        raise SharedMemoryInPlaceError(
            f"{what}: this tensor shares memory with another tensor (a view: a slice, "
            "reshape, transpose...) and one of them is part of a recorded computation; "
            "changing it in place would leave the other one's gradient wrong. Use an "
            "out-of-place operation, or .copy() the tensor before changing it")


def _snapshot(x: Tensor) -> Tensor:
    """The current value and history of x, in memory of its own. (A batched tensor is
    never written in place, so it is its own snapshot.)"""
    if _is_batched(x):
        return x
    old = wrap(x._data.copy(), x.__class__)
    old._node = x._node
    old._requires_grad = x._requires_grad
    old._aux = x._aux
    return old


def _is_batched(x) -> bool:
    return isinstance(x, Tensor) and x._aux is not None and x._aux.is_batch


def _recording(x: Tensor, other) -> bool:
    """Whether the update must go through the ops: to be recorded for backward, or to
    carry forward-mode tangents or a vmap batch."""
    if x._aux is not None or (isinstance(other, Tensor) and other._aux is not None):
        return True
    return grad_state.enabled and (
        x._requires_grad or (isinstance(other, Tensor) and other._requires_grad))


def _commit(x: Tensor, result: Tensor, what: str) -> Tensor:
    """Write ``result`` into x's memory and make its history x's history."""
    if _is_batched(x) or _is_batched(result):
        if not _is_batched(x):
            raise ValueError(f"{what}: cannot store a value that varies across a vmap batch "
                             "in a tensor that does not; build a new tensor instead")
        x._data, x._aux = result._data, result._aux  # vmap is functional: rebind
        return x
    try:
        np.copyto(x._data, result._data, casting="same_kind")
    except (TypeError, ValueError) as exc:
        raise _same_kind(exc)(
            f"{what}: cannot store a result of dtype {result.dtype} and shape {result.shape} "
            f"in a tensor of dtype {x.dtype} and shape {x.shape}: {exc}") from None
    x._node = result._node
    x._requires_grad = result._requires_grad
    x._aux = result._aux
    bump_version(_version_counter(x))
    return x


def apply_inplace(x: Tensor, op, ufunc, other, what: str) -> Tensor:
    """x ``op``= other, recorded when needed."""
    if _recording(x, other):
        _check_recordable(x, what)
        old = _snapshot(x)
        return _commit(x, op(old, old if other is x else other), what)
    value = other._data if isinstance(other, Tensor) else other
    try:
        ufunc(x._data, value, out=x._data, casting="same_kind")
    except (TypeError, ValueError) as exc:
        raise _same_kind(exc)(
            f"{what}: cannot update a tensor of dtype {x.dtype} and shape {x.shape} in place "
            f"with a value of shape {np.shape(value)}: {exc}") from None
    bump_version(_version_counter(x))
    return x


def setitem(x: Tensor, index, value, what: str = "x[index] = value") -> None:
    """x[index] = value (``what`` names the operation in errors: copy_ is one too)."""
    index = ops.normalize_index(index)
    _check_value(x, value, what, "assign to")
    if _recording(x, value):
        _check_recordable(x, what)
        old = _snapshot(x)
        if value is x:
            value = old
        _commit(x, ops.index_put(old, value, index), what)
        return
    data = value._data if isinstance(value, Tensor) else value
    try:
        x._data[index] = data
    except (ValueError, TypeError, IndexError) as exc:
        target = "a tensor" if index is Ellipsis else f"index {index!r} of a tensor"
        raise _same_kind(exc)(f"{what}: cannot assign a value of shape {np.shape(data)} "
                              f"to {target} of shape {x.shape}: {exc}") from None
    bump_version(_version_counter(x))


def fill_(x: Tensor, value, what: str = "fill_") -> Tensor:
    """Set every element to ``value``."""
    _check_value(x, value, what, "fill")
    if isinstance(value, Tensor) and value._requires_grad and grad_state.enabled:
        setitem(x, Ellipsis, value, what)
        return x
    if grad_state.enabled and x._requires_grad:
        _check_recordable(x, what)
        x._node = None  # a constant now: nothing flows back through it
        x._requires_grad = False
    try:
        x._data[...] = value._data if isinstance(value, Tensor) else value
    except (ValueError, TypeError) as exc:
        raise _same_kind(exc)(f"{what}: cannot fill a tensor of dtype {x.dtype} and shape "
                              f"{x.shape} with {value!r}: {exc}") from None
    bump_version(_version_counter(x))
    return x


def zero_(x: Tensor) -> Tensor:
    """Set every element to zero (e.g. ``x.grad.zero_()``)."""
    return fill_(x, 0, "zero_")


def copy_(x: Tensor, src) -> Tensor:
    """Copy the values of ``src`` (broadcast to x's shape) into x."""
    setitem(x, Ellipsis, src, "copy_")
    return x
