"""vmap's machinery: batched tensors and the batching rules' common shapes.

Inside ``vmap(f)`` an argument is a BatchedTensor: it looks like one example (its shape
leaves out the batch axis) and holds the whole batch, on axis 0, in its ``value``. A
primitive applied to batched tensors runs its batching rule once on the whole batch,
never a Python loop over the examples; the rule calls ordinary primitives on the values,
so the tape and forward mode see plain operations on plain arrays.
"""
from __future__ import annotations

import numpy as np

from .tensor import Tensor
from .transform_state import BatchInfo, Tangents

_new = object.__new__


class BatchedTensor(Tensor):
    """One example's view of a batch inside vmap (the batch lives on ``value``'s axis 0)."""

    __slots__ = ()

    @property
    def shape(self) -> tuple:
        return np.shape(self._aux.value)[1:]

    @property
    def ndim(self) -> int:
        return np.ndim(self._aux.value) - 1

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def dtype(self):
        return self._aux.value.dtype

    @property
    def requires_grad(self) -> bool:
        return self._aux.value.requires_grad

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __repr__(self) -> str:
        return f"BatchedTensor(batch of {np.shape(self._aux.value)[0]}, shape={self.shape}, " \
               f"value={self._aux.value!r})"

    def _concrete(self, what: str):
        raise ValueError(
            f"{what} of a batched value inside vmap: each example has its own value, so "
            "Python cannot take one. Python control flow that depends on values (if, "
            "while, bool(), float()) is not batched; use chainrule.where for per-example "
            "choices, or call the function per example outside vmap")

    def __bool__(self):
        self._concrete("the truth value")

    def __float__(self):
        self._concrete("float()")

    def __int__(self):
        self._concrete("int()")

    def __index__(self):
        self._concrete("an index")

    def item(self):
        self._concrete("item()")

    def tolist(self):
        self._concrete("tolist()")

    def numpy(self):
        self._concrete("numpy()")

    def __array__(self, dtype=None, copy=None):
        self._concrete("a NumPy array")

    def detach(self) -> BatchedTensor:
        """The batch outside the graph (and without tangents), still batched."""
        return make_batched(self._aux.value.detach(), self._aux.level)

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        raise RuntimeError("backward() is not available inside vmap; use chainrule.grad or "
                           "chainrule.vjp, which vmap batches")


def make_batched(value, level: int) -> BatchedTensor:
    """A batched tensor whose examples are the slices of ``value`` along axis 0."""
    if not isinstance(value, Tensor):
        from .tensor import wrap
        value = wrap(np.asarray(value))
    t = _new(BatchedTensor)
    t._data = value._data
    t._node = None
    t._requires_grad = False
    t._grad = None
    t._version = None
    t._extra = None
    t._aux = BatchInfo(level, value)
    return t


def insert_level(x, level: int, axis: int = 0) -> Tensor:
    """x with its logical ``axis`` made the batch of ``level``. Wrappers nest with the
    highest level outermost, so the new level goes beneath any higher one."""
    from .ops import moveaxis
    if isinstance(x, Tensor) and x._aux is not None and x._aux.is_batch \
            and x._aux.level > level:
        return make_batched(insert_level(x._aux.value, level, axis + 1), x._aux.level)
    return make_batched(moveaxis(x, axis, 0) if axis else x, level)


def is_batched_at(x, level: int) -> bool:
    return isinstance(x, Tensor) and x._aux is not None and x._aux.is_batch \
        and x._aux.level == level


def batch_size(value) -> int:
    return np.shape(value)[0]


def apply_rule(prim, args, n, level):
    """Apply ``prim`` to arguments of which some are batched at ``level``."""
    values, batched = [], []
    structured = False
    for a in args[:n]:
        if is_batched_at(a, level):
            value = a._aux.value
            values.append(value)
            batched.append(True)
            structured = structured or value._extra is not None
        else:
            values.append(a)
            batched.append(False)
    rule = prim.batch
    if rule is None:
        raise NotImplementedError(f"vmap: {prim.name} has no batching rule")
    if structured:  # perhaps a Jacobian's one-hot basis, which some rules can use
        from . import onehot
        out = onehot.apply(prim, values, batched, args[n:], rule)
        if out is not None:
            return make_batched(out, level)
    return make_batched(rule(prim, values, batched, args[n:]), level)


def materialize(value, batched: bool, size: int):
    """``value`` with the batch on axis 0, repeating it when it is not batched."""
    from .ops import broadcast_to, expand_dims
    if batched:
        return value
    return broadcast_to(expand_dims(value, 0), (size,) + tuple(np.shape(value)))


def size_of(values, batched) -> int:
    for v, b in zip(values, batched):
        if b:
            return batch_size(v)
    raise ValueError("no batched input")


# ---------------------------------------------------------------- rule shorthands


def elementwise(prim, values, batched, params):
    """Elementwise (and stacked-matrix) primitives: give batched inputs the rank of the
    widest example, so examples broadcast as they would alone, batch axis in front."""
    from .ops import reshape
    rank = max(np.ndim(v) - b for v, b in zip(values, batched))
    aligned = []
    for v, b in zip(values, batched):
        if b and np.ndim(v) - 1 < rank:
            shape = np.shape(v)
            v = reshape(v, shape[:1] + (1,) * (rank - len(shape) + 1) + shape[1:])
        aligned.append(v)
    return prim.call(*aligned, *params)


def reduction(prim, values, batched, params):
    """Primitives whose last three parameters are (axes, keepdims, input shape)."""
    *front, axes, keepdims, shape = params
    size = batch_size(values[0])
    axes = tuple(range(1, len(shape) + 1)) if axes is None else tuple(a + 1 for a in axes)
    return prim.call(values[0], *front, axes, keepdims, (size,) + tuple(shape))


def shifted_axis(prim, values, batched, params):
    """Primitives with one tensor and an axis parameter first (cumsum, flip, roll...)."""
    axis, *rest = params
    return prim.call(values[0], shift_axis(axis), *rest)


def shift_axis(axis):
    """An example's axis (or tuple of them) as an axis of the batch, which is in front:
    0 becomes 1, but -1 stays -1."""
    if axis is None:
        return None
    if isinstance(axis, tuple):
        return tuple(shift_axis(a) for a in axis)
    return axis + 1 if axis >= 0 else axis


# ---------------------------------------------------------------- tangents of batches


def attach_batched(x, level: int, t):
    """x (batched at some vmap level) carrying tangent t at ``level``."""
    from .forward import attach
    info = x._aux
    size = batch_size(info.value)
    value = attach(info.value, level, to_values(t, info.level, size))
    return make_batched(value, info.level)


def levels_of(x) -> list:
    """The vmap levels x is batched at, outermost wrapper (highest level) first."""
    levels = []
    while isinstance(x, Tensor) and x._aux is not None and x._aux.is_batch:
        levels.append(x._aux.level)
        x = x._aux.value
    return levels


def remove_level(x, level: int) -> Tensor:
    """x with the batch of ``level`` made its leading (logical) axis; higher levels stay
    wrapped around it."""
    from .ops import moveaxis
    info = x._aux
    if info.level == level:
        return info.value
    inner = remove_level(info.value, level)
    return make_batched(moveaxis(inner, 1, 0), info.level)


def to_values(t, level: int, size: int):
    """The per-batch values of t at vmap ``level`` (repeated when t is not batched)."""
    if level in levels_of(t):
        return remove_level(t, level)
    return materialize(t, False, size)


def broadcast_to_level(x, level: int, size: int):
    """x batched at ``level``: every example equal to x. Tangents of x that vary along
    that batch become per-example tangents."""
    from .ops import alias
    aux = x._aux if isinstance(x, Tensor) else None
    if aux is not None and aux.is_batch and aux.level > level:
        # Inner (higher) levels stay outside: insert this level beneath them.
        return make_batched(broadcast_to_level(aux.value, level, size), aux.level)
    if aux is not None and not aux.is_batch:
        value = materialize(alias(x, _plain=True), False, size)
        value._aux = Tangents({lvl: to_values(t, level, size) for lvl, t in aux.items()})
        return make_batched(value, level)
    return make_batched(materialize(x, False, size), level)
