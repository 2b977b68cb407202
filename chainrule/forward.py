"""Forward mode: tensors carry tangents, one per level, and primitives push them through
their JVP rules.

A primitive whose inputs carry tangents computes its output as usual (so the tape still
records it), then, level by level from the outermost, its JVP rule gives the output's
tangent. While the rule of level L runs, level L is switched off: the rule's own
operations carry the other levels' tangents (mixed derivatives) but not L's, which would
be a perturbation of a perturbation. Rules see the output carrying the lower levels'
tangents, so nested derivatives come out right.

``forward_sweep`` is the same rules run over an already recorded graph, in creation
order: the tangent sweep from inputs to outputs (used by ``linearize``).
"""
from __future__ import annotations

import numpy as np

from .graph import FREED, Node
from .tensor import Tensor, wrap
from .transform_state import Tangents, state



def apply_rule(prim, args, n):
    """Run ``prim`` on ``args`` (some carrying tangents) and attach the output tangents."""
    out = prim.call(*args, _plain=True)
    if prim.jvp is None or not isinstance(out, Tensor) or out.dtype.kind not in "fc":
        return out
    levels = set()
    for a in args[:n]:
        if isinstance(a, Tensor) and a._aux is not None:
            levels.update(a._aux)
    levels.difference_update(state.suppressed)
    if not levels:
        return out
    tangents = Tangents()
    out._aux = tangents
    for level in sorted(levels):
        ts = tuple(a._aux.get(level) if isinstance(a, Tensor) and a._aux is not None else None
                   for a in args[:n])
        state.suppressed.add(level)
        try:
            t = prim.jvp(ts, _as_the_rule_sees_it(out, tangents), *args)
        finally:
            state.suppressed.discard(level)
        if t is not None:
            tangents[level] = _match(t, out)
    if not tangents:
        out._aux = None
    elif out._node is not None and prim.save_output and state.forward_levels:
        # A backward pass recorded inside this jvp re-wraps the saved ``ans``: it must
        # carry these tangents too (forward over reverse). Kept until the outermost jvp
        # ends (a weak dictionary would leak: the tangents refer to the node).
        state.ans_tangents[out._node] = tangents
    return out


def _as_the_rule_sees_it(out: Tensor, lower) -> Tensor:
    """The output as a JVP rule gets it: the same values and node, carrying the lower
    levels' tangents computed so far. A tensor of its own: a rule that records an
    operation on it (exp's t * ans) saves this one, and were it ``out``, out would hold
    its tangent, the tangent its node, and the node ``out``: a reference cycle."""
    seen = object.__new__(out.__class__)
    seen._data = out._data
    seen._node = out._node
    seen._requires_grad = out._requires_grad
    seen._grad = None
    seen._version = out._version
    seen._extra = None
    seen._aux = Tangents(lower) if lower else None
    return seen


def _match(t, out):
    from .ops import astype, broadcast_to
    if t.shape != out.shape:
        t = broadcast_to(t, out.shape)
    if t.dtype != out.dtype and out.dtype.kind == "f":
        if t.dtype.kind == "c":  # a real value's tangent is real (docs/complex.md)
            from .ops.complex import real
            t = real(t)
        t = astype(t, out.dtype) if t.dtype != out.dtype else t
    return t


# ---------------------------------------------------------------- tangents on tensors


def attach(x: Tensor, level: int, t) -> Tensor:
    """A new tensor equal to x (recorded as an identity, so gradients still reach x)
    carrying tangent ``t`` at ``level``."""
    from .batching import attach_batched
    from .ops import alias
    if x._aux is not None and x._aux.is_batch:
        return attach_batched(x, level, t)
    y = alias(x)
    tangents = Tangents(y._aux) if y._aux is not None else Tangents()
    tangents[level] = t
    y._aux = tangents
    return y


def tangent_of(x, level: int):
    """The tangent of x at ``level`` (zeros when x does not depend on that level)."""
    from .batching import insert_level
    from .ops import zeros_like_op
    if not isinstance(x, Tensor):
        return None
    aux = x._aux
    if aux is not None and aux.is_batch:
        # The tangent may itself be batched by an inner vmap: nest the levels in order.
        return insert_level(tangent_of(aux.value, level), aux.level)
    if aux is not None and level in aux:
        return aux[level]
    return zeros_like_op(x)


def set_tangent(x: Tensor, level: int, t) -> None:
    """Give x (made by the caller, so it may be changed) tangent t at ``level``."""
    from .batching import to_values
    aux = x._aux
    if aux is not None and aux.is_batch:
        set_tangent(aux.value, level, to_values(t, aux.level, np.shape(aux.value)[0]))
        return
    tangents = Tangents(aux) if aux is not None else Tangents()
    tangents[level] = t
    x._aux = tangents


def tangent_levels(x) -> set:
    """The forward-mode levels x carries (inside its batch wrappers too)."""
    if not isinstance(x, Tensor) or x._aux is None:
        return set()
    if x._aux.is_batch:
        return tangent_levels(x._aux.value)
    return set(x._aux)


def drop_level(x, level: int) -> None:
    """Remove ``level`` from x's tangents once its transform is over (in place: only
    tensors made inside that transform can carry it)."""
    if not isinstance(x, Tensor) or x._aux is None:
        return
    aux = x._aux
    if aux.is_batch:
        drop_level(aux.value, level)
    elif level in aux:
        del aux[level]
        if not aux:
            x._aux = None


# ---------------------------------------------------------------- tangent sweep


class _Shaped:
    """Stands for an output its node did not save: rules read only its shape and dtype."""

    def __init__(self, shape, dtype) -> None:
        self.shape = shape
        self.dtype = dtype
        self.ndim = len(shape)


def forward_sweep(outputs, seeds: dict):
    """Tangents of ``outputs`` given tangents of some leaves or nodes (``seeds``), by
    the JVP rules over the recorded graph in creation order. Needs the saved values,
    so the graph must not have been freed by a backward pass."""
    nodes, seen = [], set()
    stack = [o._node for o in outputs if o._node is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        nodes.append(node)
        stack.extend(p for p in node.parents if p is not None and p.__class__ is Node)
    nodes.sort(key=lambda node: node.seq)
    tensor_mode = any(isinstance(s, Tensor) for s in seeds.values())
    tangent = dict(seeds)
    for node in nodes:
        if node in tangent:
            continue
        ts = tuple(None if p is None else tangent.get(p) for p in node.parents)
        if all(t is None for t in ts):
            continue
        if node.raw is FREED:
            raise RuntimeError(
                f"linearize: the graph was freed (by a backward pass through "
                f"{node.prim.name}); the tangent sweep needs its saved values")
        ans = node.ans
        if ans is None:  # not saved: rules may still need its shape and dtype
            ans = _Shaped(node.shape, next(t for t in ts if t is not None).dtype)
        if tensor_mode and not isinstance(ans, _Shaped):
            from .backward import _rewrap
            ans = _rewrap(ans, node)
        if tensor_mode:
            args = node.inputs if node.inputs is not None else node.raw
            ts = tuple(t if t is None or isinstance(t, Tensor) else wrap(np.asarray(t))
                       for t in ts)
        else:
            args = node.raw
        t = node.prim.jvp(ts, ans, *args)
        if t is not None:
            if np.shape(t) != node.shape:
                from .ops import broadcast_to
                t = broadcast_to(t, node.shape)
            tangent[node] = t
    results = []
    for o in outputs:
        key = o._node if o._node is not None else o
        results.append(tangent.get(key))
    return results
