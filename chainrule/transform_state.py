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
        self.ans_tangents = {}       # node -> tangents of its saved output, while they run
        self.batch_levels = []       # (level, size) of vmaps in progress
        self.basis_levels = set()    # those of them jacrev/jacfwd run over their basis
        self.hidden_levels = set()   # those of them stripped from the values in use
                                     # (inside a sweep or a batched custom rule)
        self.reverse_depth = 0       # grad / vjp calls in progress


state = _State()


def any_transform_active() -> bool:
    return bool(state.forward_levels or state.batch_levels)


class hiding_levels:
    """While code runs on values stripped of some vmap levels (the batch made a plain
    leading axis: a reverse sweep, a custom rule batched by hand), those levels are not
    the user's view of the values, and transforms started there must not batch at them."""

    def __init__(self, levels=None) -> None:
        self.levels = levels

    def __enter__(self):
        levels = self.levels
        if levels is None:
            levels = {level for level, _ in state.batch_levels}
        self.added = set(levels) - state.hidden_levels
        state.hidden_levels |= self.added

    def __exit__(self, *exc) -> None:
        state.hidden_levels -= self.added
