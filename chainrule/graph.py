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
import weakref

# Sequence numbers order nodes by creation; a node is always newer than its parents, so
# the reverse sweep may visit nodes in decreasing sequence order.
next_seq = itertools.count().__next__


class Node:
    """One recorded primitive application (the ``grad_fn`` of a tensor)."""

    # shape and dtype are the output's: the sweep sums cotangents to the shape and takes
    # the real part of a complex cotangent that reaches a real value.
    __slots__ = ("prim", "parents", "raw", "inputs", "ans", "out_version", "seq",
                 "epoch", "shape", "dtype", "hooks", "__weakref__")

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
    anomaly = False  # detect_anomaly(): check for NaN and infinity (chainrule.anomaly)
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


class _NoArgumentGradMode(_GradModeContext):
    """A grad mode without arguments also decorates bare: ``@no_grad`` as ``@no_grad()``
    (as in PyTorch 2)."""

    def __new__(cls, func=None):
        self = super().__new__(cls)
        if func is None:
            return self
        if not callable(func):
            raise TypeError(
                f"{cls.__name__}() takes no arguments; use it as `with {cls.__name__}():`, "
                f"`@{cls.__name__}()` or `@{cls.__name__}`, got {type(func).__name__}")
        return self(func)


class no_grad(_NoArgumentGradMode):
    """Do not record operations (context manager or decorator, with or without
    parentheses), e.g. for optimizer updates."""

    mode = False


class enable_grad(_NoArgumentGradMode):
    """Record operations again inside a ``no_grad`` block (context manager or decorator,
    with or without parentheses)."""

    mode = True


class set_grad_enabled(_GradModeContext):
    """Turn recording on or off: takes effect at once, and as a context manager restores."""

    def __init__(self, mode: bool) -> None:
        if mode is not True and mode is not False and type(mode).__name__ != "bool_":
            raise TypeError(f"set_grad_enabled: mode must be True or False, got {mode!r}")
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
    requires grad. The recorded graph stays usable after the block.

    With ``variables`` (a :class:`Variables` registry) the block also watches every live
    member of the registry, and any tensor registered while the block is open (in this
    thread) from then on."""

    def __init__(self, leaves=(), variables: Variables | None = None) -> None:
        self.variables = variables
        if variables is not None:
            leaves = list(leaves) + variables.members()
        self.leaves = []
        self.before = []
        for leaf in leaves:
            self._remember(leaf)

    def _remember(self, leaf) -> bool:
        if leaf._node is not None or any(leaf is known for known in self.leaves):
            return False
        self.leaves.append(leaf)
        self.before.append(leaf._requires_grad)
        return True

    def __enter__(self):
        self.before = [leaf._requires_grad for leaf in self.leaves]
        for leaf in self.leaves:
            if leaf._data.dtype.kind in "fc":
                leaf._requires_grad = True
        if self.variables is not None:
            self.variables._open().append(self)
        return self

    def add(self, leaf) -> None:
        """Watch one more leaf from now until the block ends."""
        if self._remember(leaf) and leaf._data.dtype.kind in "fc":
            leaf._requires_grad = True

    def __exit__(self, *exc) -> None:
        if self.variables is not None:
            opened = self.variables._open()
            if self in opened:
                opened.remove(self)
        for leaf, flag in zip(self.leaves, self.before):
            leaf._requires_grad = flag


class Variables:
    """The live tensors a front end watches in its recording blocks (its "attached" or
    "trainable" arrays), held weakly: a tensor nobody uses any more drops out. Registering
    a tensor while ``recording(variables=this)`` blocks are open in this thread makes
    those blocks watch it from then on, as if it had been there when they began."""

    def __init__(self) -> None:
        # Keyed by id: tensors compare elementwise, so they cannot key a dict themselves.
        self._members = weakref.WeakValueDictionary()
        self._local = threading.local()

    def _open(self) -> list:
        """The recording blocks of this registry open in this thread, outermost first."""
        opened = getattr(self._local, "blocks", None)
        if opened is None:
            opened = self._local.blocks = []
        return opened

    def register(self, tensor) -> None:
        self._members[id(tensor)] = tensor
        for block in self._open():
            block.add(tensor)

    def unregister(self, tensor) -> None:
        if tensor in self:
            del self._members[id(tensor)]

    def __contains__(self, tensor) -> bool:
        return self._members.get(id(tensor)) is tensor

    def members(self) -> list:
        return list(self._members.values())

    def recording(self) -> bool:
        """Whether a block of this registry is open in this thread."""
        return bool(self._open())
