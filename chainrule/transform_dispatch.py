"""Where a primitive goes when an input carries tangents or a batch.

Batches are taken first, the innermost vmap (highest level) first: its batching rule
calls primitives on the unbatched values, which come back here for the next level. What
is left are tangents, which forward mode's JVP rules handle.
"""
from __future__ import annotations

from . import batching, forward
from .tensor import Tensor


def dispatch(prim, args, n):
    top = None
    for a in args[:n]:
        if isinstance(a, Tensor) and a._aux is not None and a._aux.is_batch:
            if top is None or a._aux.level > top:
                top = a._aux.level
    if top is not None:
        return batching.apply_rule(prim, args, n, top)
    return forward.apply_rule(prim, args, n)
