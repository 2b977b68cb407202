"""Scaled one-hot batches: a Jacobian's standard basis keeps its structure for a while.

jacrev and jacfwd batch the rows of an identity matrix: example b is the one-hot e_b.
After an elementwise product with a factor u that is the same for every example, example
b is still one-hot, scaled: d_b e_b with d = u. A matrix product of such a batch with a
matrix A is then a scaling of A's rows, n² multiplications instead of the n³ of a matrix
product with the dense identity (the Jacobian of tanh(W @ x) costs one scaling of W, not
a 256 × 256 × 256 product).

The batch is always held densely as well, so every primitive may use it as it is; the
scales only ride along on the dense value (``value._extra["onehot"]``, a flat tensor of
one scale per example) through the primitives below, which keep them true, and the
matrix product reads them. Everything is written in chainrule ops, so it differentiates
(Hessians are jacfwd of jacrev) and batches again.
"""
from __future__ import annotations

import numpy as np

from .tensor import Tensor

KEY = "onehot"


def scales_of(value) -> Tensor | None:
    """d when ``value`` (a batch, examples on axis 0) is the scaled one-hot batch d_b e_b."""
    extra = value._extra if isinstance(value, Tensor) else None
    return None if extra is None else extra.get(KEY)


def mark(value: Tensor, scales) -> Tensor:
    value._extras()[KEY] = scales
    return value


def mark_basis(basis: Tensor) -> Tensor:
    """Mark an identity basis (examples on axis 0, one per element of an example)."""
    n = basis.shape[0]
    if n != int(np.prod(basis.shape[1:])):
        raise ValueError("mark_basis: not a square basis")
    from .creation import ones
    return mark(basis, ones(n, dtype=basis.dtype))


def apply(prim, values, batched, params, rule):
    """The batching rule's result, with scales kept or the structure used; None when
    ``prim`` is not one of those that know the structure."""
    handler = _HANDLERS.get(prim.name)
    return None if handler is None else handler(prim, values, batched, params, rule)


def _multiply(prim, values, batched, params, rule):
    # (d_b e_b) * u = (d_b u_b) e_b, for a factor u the same in every example that does not
    # widen the example
    out = rule(prim, values, batched, params)
    marked = _marked(values, batched)
    if len(marked) != 1 or all(batched):
        return out
    (i, scales), = marked
    if np.shape(out) != np.shape(values[i]):
        return out
    from .ops import broadcast_to, reshape
    example = tuple(np.shape(values[i])[1:])
    factor = reshape(broadcast_to(values[1 - i], example), (-1,))
    return mark(out, scales * factor)


def _reshape(prim, values, batched, params, rule):
    # a reshape keeps the order of the elements, so example b is one-hot at the same place
    out = rule(prim, values, batched, params)
    scales = scales_of(values[0])
    return out if scales is None else mark(out, scales)


def _negative(prim, values, batched, params, rule):
    out = rule(prim, values, batched, params)
    scales = scales_of(values[0])
    return out if scales is None else mark(out, -scales)


def _matmul(prim, values, batched, params, rule):
    # A @ (d_b e_b) = d_b A[:, b] (a column), (d_b e_b) @ A = d_b A[b, :] (a row): the rows
    # of Aᵀ or of A, scaled. Only one-hot vectors (or columns, rows) meet a plain matrix.
    from .ops import expand_dims, reshape, transpose
    marked = _marked(values, batched)
    if len(marked) != 1 or all(batched):
        return rule(prim, values, batched, params)
    (i, scales), = marked
    matrix, example = values[1 - i], tuple(np.shape(values[i])[1:])
    if np.ndim(matrix) != 2:
        return rule(prim, values, batched, params)
    if i == 1 and example in ((np.shape(matrix)[1],), (np.shape(matrix)[1], 1)):
        out = transpose(matrix) * expand_dims(scales, 1)      # (B, rows of A)
        return reshape(out, np.shape(out) + (1,)) if len(example) == 2 else out
    if i == 0 and example in ((np.shape(matrix)[0],), (1, np.shape(matrix)[0])):
        out = matrix * expand_dims(scales, 1)                  # (B, columns of A)
        return reshape(out, out.shape[:1] + (1,) + out.shape[1:]) if len(example) == 2 \
            else out
    return rule(prim, values, batched, params)


def _marked(values, batched) -> list:
    return [(i, s) for i, (v, b) in enumerate(zip(values, batched))
            if b and (s := scales_of(v)) is not None]


_HANDLERS = {"multiply": _multiply, "reshape": _reshape, "negative": _negative,
             "matmul": _matmul}
