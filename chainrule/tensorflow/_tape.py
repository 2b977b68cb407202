"""tf.GradientTape: inside its block, the operations on watched values are recorded;
``gradient`` returns the gradients (of the sum of a non-scalar target).

Policy: trainable Variables are watched on entry, other tensors by ``watch``; only what
was computed inside the block counts (the tape remembers the sequence numbers of the
graph nodes made while it was open); a tape that is not persistent answers one
``gradient`` (or ``jacobian``) call; a gradient computed while a tape is recording is
itself recorded (nested tapes give higher derivatives).
"""
from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.backward import grad as _grad
from chainrule.graph import next_seq, recording
from chainrule.pytree import flatten, unflatten

from ._tensor import TRAINABLE, _tensor, active, tf_errors


class UnconnectedGradients:
    """What ``gradient`` gives for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Record operations on watched tensors for automatic differentiation."""

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = persistent
        self._watch_variables = watch_accessed_variables
        self._recording = None
        self._used = False
        self._opened = self._closed = None  # node sequence numbers at entry and exit

    def __enter__(self) -> GradientTape:
        self._recording = recording(variables=TRAINABLE if self._watch_variables else None)
        self._recording.__enter__()
        active.tapes.append(self)
        self._opened = next_seq()
        return self

    def __exit__(self, *exc) -> None:
        self._closed = next_seq()
        active.tapes.remove(self)
        self._recording.__exit__(*exc)

    def _recorded(self, t) -> bool:
        """Whether this tape recorded the operation that made ``t``."""
        if not isinstance(t, cr.Tensor) or t._node is None:
            return False  # a constant, or a value from outside: nothing to differentiate
        seq = t._node.seq
        return seq > self._opened and (self._closed is None or seq < self._closed)

    def _gradients(self, roots, sources, cotangents, create_graph=None):
        """The core's reverse sweep over what this tape recorded: it does not enter nodes
        made before the tape opened (values from outside are constants here)."""
        if create_graph is None:
            create_graph = bool(active.tapes) and cr.is_grad_enabled()
        return _grad(roots, sources, cotangents, retain_graph=self._persistent or create_graph,
                     create_graph=create_graph, allow_unused=True, boundary=self._opened)

    def watch(self, tensor) -> None:
        """Record the operations on ``tensor`` (a tensor or a nested structure of them)."""
        if self not in active.tapes:
            raise RuntimeError("GradientTape.watch: the tape is not recording; call watch "
                               "inside the `with tf.GradientTape() as tape:` block")
        for t in flatten(tensor)[0]:
            if not isinstance(t, cr.Tensor):
                raise ValueError(f"Passed in object of type {type(t).__name__}, not "
                                 "tf.Tensor or tf.Variable")
            self._recording.add(t)

    def _check_unused(self) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians) (the first call released what the tape recorded; "
                "create it with tf.GradientTape(persistent=True) to call gradient more than "
                "once)")
        self._used = True

    @tf_errors
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """The gradient of ``target`` (summed over its elements, and over the targets of a
        list) with respect to each of ``sources``, in the structure of ``sources``."""
        self._check_unused()
        targets = flatten(target)[0]
        seeds = [None] * len(targets) if output_gradients is None else flatten(output_gradients)[0]
        roots, cotangents = [], []
        for t, seed in zip(targets, seeds):
            if self._recorded(t):
                roots.append(t)
                cotangents.append(np.ones(t._data.shape, t._data.dtype) if seed is None else seed)
        flat_sources, tree = flatten(sources)
        grads = [None] * len(flat_sources)
        if roots:
            grads = self._gradients(roots, flat_sources, cotangents)
        return unflatten(tree, [self._unconnected(g, s, unconnected_gradients)
                                for g, s in zip(grads, flat_sources)])

    @tf_errors
    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """d target / d source for each source: shape target.shape + source.shape (one
        batched reverse sweep over the recorded graph)."""
        self._check_unused()
        flat_sources, tree = flatten(sources)
        grads = [None] * len(flat_sources)
        if self._recorded(target):
            n = target._data.size
            basis = np.eye(n, dtype=target._data.dtype).reshape((n,) + target._data.shape)
            rows = cr.vmap(lambda v: self._gradients([target], flat_sources, [v], False))(basis)
            grads = [None if g is None else cr.reshape(g, target._data.shape + s._data.shape)
                     for g, s in zip(rows, flat_sources)]
        return unflatten(tree, [self._unconnected(g, s, unconnected_gradients, target)
                                for g, s in zip(grads, flat_sources)])

    @staticmethod
    def _unconnected(g, source, mode, target=None):
        if g is None and mode == UnconnectedGradients.ZERO:
            shape = source._data.shape if target is None else target._data.shape + source._data.shape
            return _tensor(cr.zeros(shape, source._data.dtype))
        return _tensor(g)
