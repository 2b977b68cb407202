"""The tape: graph nodes, grad modes (thread-local) and in-place modification tracking.

Ownership runs one way only, so finished graphs are freed by reference counting and
Python's cyclic collector has nothing to do: an output tensor holds its Node, a Node holds
its parents (parent Nodes, or the leaf Tensors themselves) and the values its rule saved,
and nothing points back from a Node to the tensor it produced. A rule that needs its own
output saves the raw array, and the sweep re-wraps it around the node when needed.
"""
from __future__ import annotations

import functools
import itertools
import threading

# Sequence numbers order nodes by creation; a node is always newer than its parents, so
# the reverse sweep may visit nodes in decreasing sequence order.
next_seq = itertools.count().__next__


class Node:
    """One recorded primitive application (the ``grad_fn`` of a tensor)."""

    __slots__ = ("prim", "parents", "raw", "inputs", "ans", "out_version", "seq",
                 "epoch", "shape", "hooks", "__weakref__")

    def name(self) -> str:
        return self.prim.backward_name

    @property
    def next_functions(self) -> tuple:
        """The parent nodes (or leaf tensors) this node sends gradients to, None where none."""
        return self.parents

    def register_hook(self, hook) -> None:
        if self.hooks is None:
            self.hooks = []
        self.hooks.append(hook)

    def __repr__(self) -> str:
        return f"<{self.prim.backward_name}>"


FREED = ("freed",)  # marks a node whose saved values were released by a sweep


# ---------------------------------------------------------------- grad modes


class _GradState(threading.local):
    enabled = True   # class attributes: the defaults for every new thread
    # Called as observer(node, output, inputs) for every recorded operation, when set:
    # tools that show a computation (chainrule.viz) keep the values it went through.
    observer = None


grad_state = _GradState()


def is_grad_enabled() -> bool:
    """Whether operations on tensors that require grad are being recorded (in this thread)."""
    return grad_state.enabled


class _GradModeContext:
    """Base for no_grad / enable_grad: a context manager that is also a decorator."""

    mode = True

    def __enter__(self):
        self._prev = grad_state.enabled
        grad_state.enabled = self.mode
        return self

    def __exit__(self, *exc) -> None:
        grad_state.enabled = self._prev

    def __call__(self, func):
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            prev = grad_state.enabled
            grad_state.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                grad_state.enabled = prev
        return wrapper


class no_grad(_GradModeContext):
    """Do not record operations (context manager or decorator), e.g. for optimizer updates."""

    mode = False


class enable_grad(_GradModeContext):
    """Record operations again inside a ``no_grad`` block (context manager or decorator)."""

    mode = True


class set_grad_enabled(_GradModeContext):
    """Turn recording on or off: takes effect at once, and as a context manager restores."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._prev = grad_state.enabled
        grad_state.enabled = self.mode

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        grad_state.enabled = self._prev

    def __call__(self, func):
        # Used as a decorator, the mode applies inside the function only.
        grad_state.enabled = self._prev
        return super().__call__(func)


# ---------------------------------------------------------------- in-place tracking
#
# Every in-place operation takes a new epoch and stamps it on the tensor's version
# counter (a one-item list shared by a tensor and its views). A node remembers the epoch
# it was created in; a saved value whose stamp is newer was modified after it was saved.
# While no in-place operation has happened since a node was made, the sweep skips the
# check entirely, so the common path costs one integer comparison per node.

epoch = [0]
_epoch_lock = threading.Lock()


def bump_version(counter: list) -> None:
    with _epoch_lock:
        epoch[0] += 1
        counter[0] = epoch[0]


# ---------------------------------------------------------------- scoped recording


class recording:
    """While the block runs, the given leaves require grad, so what is computed from them
    is recorded; afterwards each is as it was. For APIs that record only inside a scope
    (a "record" block, a tape, a gradient collector) rather than whenever a tensor
    requires grad. The recorded graph stays usable after the block."""

    def __init__(self, leaves) -> None:
        self.leaves = [leaf for leaf in leaves if leaf._node is None]
        self.before = []

    def __enter__(self):
        self.before = [leaf._requires_grad for leaf in self.leaves]
        for leaf in self.leaves:
            if leaf._data.dtype.kind == "f":
                leaf._requires_grad = True
        return self

    def add(self, leaf) -> None:
        """Watch one more leaf from now until the block ends."""
        if leaf._node is None and all(leaf is not known for known in self.leaves):
            self.leaves.append(leaf)
            self.before.append(leaf._requires_grad)
            if leaf._data.dtype.kind == "f":
                leaf._requires_grad = True

    def __exit__(self, *exc) -> None:
        for leaf, flag in zip(self.leaves, self.before):
            leaf._requires_grad = flag
