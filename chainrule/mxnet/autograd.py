"""``mxnet.autograd``: record(), pause(), backward() and grad() with MXNet's policy.

Operations are recorded only inside ``with autograd.record():`` and only on arrays that
called ``attach_grad()`` (and what is computed from them): the attached arrays are a
``chainrule.graph.Variables`` registry, and each block is a ``recording`` of it, so they
require grad inside the block only, while the graph stays usable after it. A head's gradient
defaults to ones, so a non-scalar head gives the gradient of its sum. A backward without
``retain_graph=True`` releases the graph: a second one raises MXNetError.
"""
from __future__ import annotations

import contextlib
import threading

import numpy as np

import chainrule as cr
from chainrule.backward import grad as _grad
from chainrule.backward import backward as _backward
from chainrule.graph import Variables, recording
from chainrule.tensor import as_class

from .base import NOT_IN_GRAPH, MXNetError, mxnet_errors

_attached = Variables()  # the live arrays with an attached gradient


class _State(threading.local):
    def __init__(self) -> None:
        self.training = False


_state = _State()


def mark_variable(array) -> None:
    """Watch ``array`` in every record() block from now on (and in the open ones)."""
    _attached.register(array)


class record:
    """Record the operations on arrays with attached gradients, for a later backward."""

    def __init__(self, train_mode: bool = True) -> None:
        self.train_mode = train_mode

    def __enter__(self):
        self._mode = cr.enable_grad()
        self._mode.__enter__()
        self._scope = recording(variables=_attached)
        self._scope.__enter__()
        self._training, _state.training = _state.training, self.train_mode
        return self

    def __exit__(self, *exc) -> None:
        _state.training = self._training
        self._scope.__exit__(*exc)
        self._mode.__exit__(*exc)


class pause:
    """Stop recording inside a record() block (e.g. for a parameter update)."""

    def __init__(self, train_mode: bool = False) -> None:
        self.train_mode = train_mode

    def __enter__(self):
        self._mode = cr.no_grad()
        self._mode.__enter__()
        self._training, _state.training = _state.training, self.train_mode
        return self

    def __exit__(self, *exc) -> None:
        _state.training = self._training
        self._mode.__exit__(*exc)


def is_recording() -> bool:
    return _attached.recording() and cr.is_grad_enabled()


def is_training() -> bool:
    return _state.training


def _as_list(value) -> list:
    return [value] if isinstance(value, cr.Tensor) or value is None else list(value)


def _heads(heads, head_grads):
    heads = _as_list(heads)
    head_grads = [None] * len(heads) if head_grads is None else _as_list(head_grads)
    for head in heads:
        if not head.requires_grad:
            raise MXNetError(f"{NOT_IN_GRAPH} (chainrule: this array was not computed inside "
                             "autograd.record() from an array that called attach_grad())")
    # MXNet's head gradient defaults to ones: the gradient of the sum of the head.
    head_grads = [np.ones(h.shape, h.dtype) if g is None else g for h, g in zip(heads, head_grads)]
    return heads, head_grads


@mxnet_errors
def backward(heads, head_grads=None, retain_graph: bool = False, train_mode: bool = True):
    """Write (or add, per ``grad_req``) the gradients of ``heads`` into the variables' ``.grad``."""
    heads, head_grads = _heads(heads, head_grads)
    # One sweep for all heads (with grad_req='write' a sweep per head would overwrite);
    # like MXNet, a backward without retain_graph uses the whole graph up.
    _backward(heads, head_grads, retain_graph, release="all")


@mxnet_errors
def grad(heads, variables, head_grads=None, retain_graph=None, create_graph: bool = False,
         train_mode: bool = True):
    """The gradients of ``heads`` with respect to ``variables``, returned (``.grad`` untouched).

    With ``create_graph=True`` the computation of the gradients is recorded, so they can be
    differentiated again (the second derivative)."""
    listed = _as_list(variables)
    for i, v in enumerate(listed):
        if v not in _attached:
            raise MXNetError(
                f"Check failed: !AGInfo::IsNone(*variables[i]) && AGInfo::IsVariable("
                f"variables[i]->autograd_entry_.node): Cannot differentiate with respect to the "
                f"{i + 1}-th variable because it does not require gradient. (chainrule: call "
                f"attach_grad() on it before recording)")
    heads, head_grads = _heads(heads, head_grads)
    if retain_graph is None:
        retain_graph = create_graph
    # MXNet records while it runs a backward with create_graph=True.
    with record() if create_graph else contextlib.nullcontext():
        grads = _grad(heads, listed, head_grads, retain_graph, create_graph, allow_unused=True)
    # A variable the heads do not depend on gets zeros, as in MXNet.
    grads = [as_class(cr.zeros_like(v) if g is None else g, v.__class__)
             for g, v in zip(grads, listed)]
    return grads[0] if isinstance(variables, cr.Tensor) else grads


__all__ = [
    "backward",
    "grad",
    "is_recording",
    "is_training",
    "mark_variable",
    "pause",
    "record",
]
