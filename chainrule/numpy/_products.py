"""Products of ``chainrule.numpy`` (dot, vdot, inner, outer, tensordot, einsum) with NumPy's
signatures; the operands take NumPy's common dtype first (int64 with float32 is float64).
``matmul`` is a ufunc and lives with the others."""
from __future__ import annotations

from .. import ops
from ._core import asarray_like, cast_to, no_out, result_dtype

__all__ = ["dot", "vdot", "inner", "outer", "tensordot", "einsum"]


def _operands(*arrays):
    tensors = [asarray_like(a) for a in arrays]
    target = result_dtype(*tensors)
    return [cast_to(t, target) for t in tensors]


def dot(a, b, out=None):
    """NumPy's dot: products of vectors, matrices and stacks; differentiable."""
    no_out("dot", out)
    return ops.dot(*_operands(a, b))


def vdot(a, b, /):
    """The dot product of the flattened arrays (the first conjugated, for complex)."""
    a, b = _operands(a, b)
    if a.dtype.kind == "c":
        a = ops.conj(a)
    return ops.vdot(a, b)


def inner(a, b, /):
    """Sum of products over the last axes."""
    return ops.inner(*_operands(a, b))


def outer(a, b, out=None):
    """The outer product of the flattened arrays."""
    no_out("outer", out)
    return ops.outer(*_operands(a, b))


def tensordot(a, b, axes=2):
    """Sum of products over the given axes of a and b."""
    return ops.tensordot(*_operands(a, b), axes)


def einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    """Einstein summation over the operands (subscripts first, as a string)."""
    no_out("einsum", out)
    if not operands or not isinstance(operands[0], str):
        raise TypeError("einsum: give the subscripts as a string first, e.g. "
                        "einsum('ij,jk->ik', a, b) (the interleaved form is not supported)")
    tensors = _operands(*operands[1:])
    if dtype is not None:
        tensors = [cast_to(t, dtype) for t in tensors]
    return ops.einsum(operands[0], *tensors)
