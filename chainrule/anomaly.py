"""Anomaly mode: find where a NaN or an infinity first appears.

Inside ``detect_anomaly()`` every recorded operation's output is checked in the forward
pass, and every gradient in the backward pass, and the first value that is NaN or
infinite raises AnomalyError, naming the operation and the line of the user's code that
created it. The line is found by walking the stack, which is slow: it happens only in
this mode (the ordinary path pays one test of a flag per backward sweep).

Operations outside autograd (no input requires grad, or under no_grad) are not checked:
they carry no gradient, and checking them would cost every operation a test.
"""
from __future__ import annotations

import functools
import os
import sys
import weakref

import numpy as np

from .errors import AnomalyError
from .graph import grad_state

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_NUMPY = os.path.dirname(os.path.abspath(np.__file__)) + os.sep

# Where each node recorded in anomaly mode was created: node -> (file, line, function, code)
origins: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def is_anomaly_enabled() -> bool:
    """Whether anomaly mode is on in this thread."""
    return grad_state.anomaly


class detect_anomaly:
    """Check for NaN and infinity in the forward and backward passes (context manager or
    decorator); raise AnomalyError at the first, naming the operation and the user's line
    that created it. For debugging: it makes every recorded operation slower."""

    def __enter__(self):
        self._previous = (grad_state.anomaly, grad_state.observer)
        grad_state.anomaly = True
        grad_state.observer = _Checker(grad_state.observer)
        return self

    def __exit__(self, *exc) -> None:
        grad_state.anomaly, grad_state.observer = self._previous

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with detect_anomaly():
                return func(*args, **kwargs)
        return wrapper


class _Checker:
    """The observer of anomaly mode: where each node comes from, and its output's check.
    Calls the observer that was installed before it (a tool that keeps values)."""

    def __init__(self, previous) -> None:
        self.previous = previous

    def __call__(self, node, out, inputs) -> None:
        origins[node] = user_line()
        if self.previous is not None:
            self.previous(node, out, inputs)
        if not _finite(out):
            given = [i for i, x in enumerate(inputs) if isinstance(x, np.ndarray)
                     and not _finite(x)]
            cause = (f"; its input {given[0]} already did, so the bad value came from outside "
                     "the recorded computation" if given else "")
            raise AnomalyError(
                f"anomaly: {node.prim.name} produced {_kind(out)} in its output (shape "
                f"{np.shape(out)}){cause}, at {_where(origins[node])}. Look at the values "
                f"this operation was given (e.g. log of 0, 0/0, inf - inf, overflow of exp)")


def check_gradient(node, index: int, g, parent_shape) -> None:
    """In a backward sweep in anomaly mode: raise if the gradient that ``node``'s rule
    gave for its input ``index`` is not finite."""
    data = getattr(g, "_data", g)
    if _finite(data):
        return
    origin = origins.get(node)
    where = (f"the operation was created at {_where(origin)}" if origin else
             "run the forward pass inside detect_anomaly() too to see the line that "
             "created it")
    raise AnomalyError(
        f"anomaly: the backward of {node.prim.name} ({node.prim.backward_name}) gave "
        f"{_kind(data)} in the gradient of its input {index} (shape {parent_shape}); "
        f"{where}. The rule is the derivative at the values it saw: check them for "
        f"points where it is undefined (log or sqrt at 0, division by 0)")


def check_sum(key, g) -> None:
    """In anomaly mode: the summed gradient of a node's output (or of a leaf) is finite
    although every part was (the sum overflowed)."""
    data = getattr(g, "_data", g)
    if _finite(data):
        return
    if hasattr(key, "prim"):
        origin = origins.get(key)
        what = (f"the output of {key.prim.name}"
                + (f" (created at {_where(origin)})" if origin else ""))
    else:
        what = f"the leaf of shape {key.shape}" + (f" named {key.name!r}" if key.name else "")
    raise AnomalyError(
        f"anomaly: the gradient of {what} is {_kind(data)}, though each of its parts was "
        "finite: their sum overflowed. Scale the loss down, or compute in float64")


def check_seed(g, argname: str) -> None:
    """The cotangent a sweep starts from, in anomaly mode."""
    data = getattr(g, "_data", g)
    if not _finite(data):
        raise AnomalyError(f"anomaly: the {argname} a backward starts from contains "
                           f"{_kind(data)}")


def user_line():
    """(file, line, function, code) of the innermost frame outside chainrule and NumPy."""
    frame = sys._getframe(1)
    while frame is not None:
        name = os.path.abspath(frame.f_code.co_filename)
        if not (name.startswith(_PACKAGE) or name.startswith(_NUMPY)):
            import linecache
            code = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
            return frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name, code
        frame = frame.f_back
    return None


def _where(origin) -> str:
    if origin is None:
        return "an unknown place (no frame outside chainrule)"
    file, line, function, code = origin
    return f"{file}:{line} in {function}" + (f": {code}" if code else "")


def _finite(array) -> bool:
    array = np.asarray(array)
    if array.dtype.kind not in "fc":
        return True
    return bool(np.isfinite(array).all())


def _kind(array) -> str:
    array = np.asarray(array)
    if np.isnan(array).any():
        return "NaN"
    return "infinity"
