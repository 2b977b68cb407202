"""What transforms leave on tensors, and the per-thread record of which are running.

Every transform invocation (a jvp, a vmap) takes a new level from one global counter, so
a tangent or a batch always says which invocation it belongs to; nested transforms never
mix their perturbations or their batch axes.
"""
from __future__ import annotations

import itertools
import threading

new_level = itertools.count(1).__next__


class Tangents(dict):
    """A tensor's forward-mode tangents: {level: tangent tensor}."""

    __slots__ = ()
    is_batch = False


class BatchInfo:
    """Marks a tensor batched by vmap: ``value`` holds the whole batch on axis 0."""

    __slots__ = ("level", "value")
    is_batch = True

    def __init__(self, level: int, value) -> None:
        self.level = level
        self.value = value


class _State(threading.local):
    def __init__(self) -> None:
        self.suppressed = set()      # tangent levels whose JVP rule is running
        self.forward_levels = []     # jvp levels in progress, outermost first
        self.batch_levels = []       # (level, size) of vmaps in progress
        self.reverse_depth = 0       # grad / vjp calls in progress


state = _State()


def any_transform_active() -> bool:
    return bool(state.forward_levels or state.batch_levels)
