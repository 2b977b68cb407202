"""Products and linear algebra: matmul, einsum, dot, tensordot, inner, outer, vdot,
linalg.norm, inv, det, slogdet, solve.

Batched (stacked) matrices follow NumPy: the last two axes are the matrix, the others
broadcast; the engine sums broadcast cotangents back to each input's shape.
"""
from __future__ import annotations

from collections.abc import Sequence  # noqa: F401 - annotations

from ..typing import Array, ArrayLike, Axis, DTypeLike, ShapeLike  # noqa: F401

import builtins
import math
import string

import numpy as np

from ..primitive import EachInput, primitive
from ..tensor import Tensor
from .shape import (broadcast_to, expand_dims, int_tuple, normalize_axes, ravel, reshape,
                    shape_of, squeeze, swapaxes, transpose, unreduce)


def _mT(x):
    return swapaxes(x, -1, -2)


# ---------------------------------------------------------------- matmul


def _matmul_x(g, ans, x, y):
    xn, yn = np.ndim(x), np.ndim(y)
    if yn == 1:
        return g * y if xn == 1 else expand_dims(g, -1) * y
    if xn == 1:
        return squeeze(matmul(y, expand_dims(g, -1)), -1)
    return matmul(g, _mT(y))


def _matmul_y(g, ans, x, y):
    xn, yn = np.ndim(x), np.ndim(y)
    if xn == 1:
        return g * x if yn == 1 else expand_dims(x, -1) * expand_dims(g, -2)
    if yn == 1:
        return squeeze(matmul(_mT(x), expand_dims(g, -1)), -1)
    return matmul(_mT(x), g)


def _matmul_jvp(tangents, ans, x, y):
    tx, ty = tangents
    total = None if tx is None else matmul(tx, y)
    if ty is not None:
        term = matmul(x, ty)
        total = term if total is None else total + term
    return total


def _batch_matmul(prim, values, batched, params):
    # Vectors become matrices (a row on the left, a column on the right), batched
    # operands get the rank of the other, and the added axes are dropped at the end.
    x, y = values
    bx, by = batched
    x_vector, y_vector = np.ndim(x) - bx == 1, np.ndim(y) - by == 1
    if x_vector:
        x = expand_dims(x, -2)
    if y_vector:
        y = expand_dims(y, -1)
    rank = max(np.ndim(x) - bx, np.ndim(y) - by)

    def lift(v, b):
        shape = np.shape(v)
        if b and len(shape) - 1 < rank:
            v = reshape(v, shape[:1] + (1,) * (rank - len(shape) + 1) + shape[1:])
        return v

    out = matmul(lift(x, bx), lift(y, by))
    if y_vector:
        out = squeeze(out, -1)
    if x_vector:
        out = squeeze(out, -1 if y_vector else -2)
    return out


def _matmul_impl(x, y):
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        raise ValueError("matmul: 0-d operands are not allowed; use multiply (*) instead")
    return np.matmul(x, y)


matmul = primitive("matmul", _matmul_impl, (_matmul_x, _matmul_y), nin=2,
                   backward_name="MatmulBackward", jvp=_matmul_jvp, batch=_batch_matmul,
                   domain="real")
matmul.__doc__ = """Matrix product with NumPy's rules: 1-D operands are vectors, more than
two dimensions are stacks of matrices that broadcast."""


def dot(a: ArrayLike, b: ArrayLike) -> Array:
    """NumPy's dot: products of scalars, inner product of vectors, matrix product, and for
    N-d arrays the sum over the last axis of a and the second-to-last of b."""
    an, bn = np.ndim(a), np.ndim(b)
    if an == 0 or bn == 0:
        return a * b
    if bn <= 2 or an == 1:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [-2]))


def vdot(a: ArrayLike, b: ArrayLike) -> Array:
    """Sum of the elementwise product of the flattened a and b (real values)."""
    return matmul(ravel(a), ravel(b))


def inner(a: ArrayLike, b: ArrayLike) -> Array:
    """Sum product over the last axes of a and b."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return a * b
    return tensordot(a, b, axes=([-1], [-1]))


def outer(a: ArrayLike, b: ArrayLike) -> Array:
    """outer(a, b)[i, j] = a.ravel()[i] * b.ravel()[j]."""
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def _operand_axis(axis, ndim, shape, name) -> int:
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(
            f"tensordot: axis {axis} is out of bounds for {name} of shape {shape}")
    return axis % ndim


def tensordot(a: ArrayLike, b: ArrayLike, axes: Axis | int = 2) -> Array:
    """Sum products over the given axes of a and b (NumPy's tensordot)."""
    an, bn = np.ndim(a), np.ndim(b)
    sa, sb = shape_of(a), shape_of(b)
    if isinstance(axes, int | np.integer):
        if not 0 <= axes <= builtins.min(an, bn):
            raise ValueError(f"tensordot: axes={axes} must be from 0 to the number of axes "
                             f"of the smaller operand ({builtins.min(an, bn)}); the shapes "
                             f"are {sa} and {sb}")
        axes_a = list(range(an - int(axes), an))
        axes_b = list(range(int(axes)))
    else:
        try:
            axes_a, axes_b = axes
            axes_a = int_tuple(axes_a, "tensordot", "axes")
            axes_b = int_tuple(axes_b, "tensordot", "axes")
        except (TypeError, ValueError):
            raise TypeError(f"tensordot: axes must be an int or a pair (axes of a, axes of "
                            f"b), got {axes!r}") from None
    # 0-d operands have no axes to sum over (no implicit one here, unlike reductions)
    axes_a = [_operand_axis(ax, an, sa, "a") for ax in axes_a]
    axes_b = [_operand_axis(ax, bn, sb, "b") for ax in axes_b]
    if len(set(axes_a)) != len(axes_a) or len(set(axes_b)) != len(axes_b):
        raise ValueError(f"tensordot: repeated axis in axes {axes!r}")
    if len(axes_a) != len(axes_b) or any(sa[i] != sb[j] for i, j in zip(axes_a, axes_b)):
        raise ValueError(f"tensordot: shape mismatch for sum over axes {axes_a} of {sa} and "
                         f"{axes_b} of {sb}")
    free_a = [i for i in range(an) if i not in axes_a]
    free_b = [i for i in range(bn) if i not in axes_b]
    k = int(np.prod([sa[i] for i in axes_a]))
    am = reshape(transpose(a, free_a + axes_a), (-1, k))
    bm = reshape(transpose(b, axes_b + free_b), (k, -1))
    return reshape(matmul(am, bm), tuple(sa[i] for i in free_a) + tuple(sb[i] for i in free_b))


# ---------------------------------------------------------------- einsum


def _parse_einsum(subscripts: str, shapes) -> tuple:
    """Explicit form without ellipses: (list of input subscripts, output subscript)."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string such as 'ij,jk->ik', got "
                        f"{type(subscripts).__name__}")
    if subscripts.count("->") > 1:
        raise ValueError(f"einsum: {subscripts!r} has more than one '->'")
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        lhs, out = subscripts.split("->")
    else:
        lhs, out = subscripts, None
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(f"einsum: {len(inputs)} subscripts for {len(shapes)} operands")
    used = set(subscripts) - set(".,->")
    free = [c for c in string.ascii_letters if c not in used]
    ell_dims = 0
    for sub, shape in zip(inputs, shapes):
        if "..." in sub:
            ell_dims = builtins.max(ell_dims, len(shape) - (len(sub) - 3))
    ell = "".join(free[:ell_dims])
    expanded = []
    for sub, shape in zip(inputs, shapes):
        if "..." in sub:
            n = len(shape) - (len(sub) - 3)
            sub = sub.replace("...", ell[ell_dims - n:])
        if len(sub) != len(shape):
            raise ValueError(f"einsum: subscript {sub!r} does not match operand shape {shape}")
        expanded.append(sub)
    sizes = {}
    for sub, shape in zip(expanded, shapes):
        for c, n in zip(sub, shape):
            known = sizes.setdefault(c, n)
            if known == 1:  # length 1 broadcasts against any other
                sizes[c] = n
            elif n not in (1, known):
                raise ValueError(f"einsum: index {c!r} has length {known} in one operand "
                                 f"and {n} in another (subscripts {subscripts!r}, shapes "
                                 f"{list(shapes)})")
    if out is None:
        counts = {}
        for c in "".join(expanded):
            counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return expanded, out


def _einsum_impl(*args):
    *operands, spec = args
    big = builtins.sum(np.size(o) for o in operands) > 4096 or len(operands) > 2
    return np.einsum(spec, *operands, optimize=big)


def _einsum_rule(i, g, ans, *args):
    *operands, spec = args
    inputs, out = spec.split("->")
    inputs = inputs.split(",")
    target = inputs[i]
    others = [(s, o) for j, (s, o) in enumerate(zip(inputs, operands)) if j != i]
    available = set(out).union(*[set(s) for s, _ in others])
    unique = "".join(dict.fromkeys(target))
    kept = "".join(c for c in unique if c in available)
    new_spec = ",".join([out] + [s for s, _ in others]) + "->" + kept
    grad = einsum_p(g, *[o for _, o in others], new_spec)
    sizes = dict(zip(target, shape_of(operands[i])))
    if kept != unique:  # letters summed only inside operand i: broadcast them back
        grad = reshape(grad, tuple(sizes[c] if c in kept else 1 for c in unique))
        grad = broadcast_to(grad, tuple(sizes[c] for c in unique))
    if unique != target:  # repeated letters (a diagonal): write onto that diagonal
        grad = diagonal_embed(grad, target + "->" + unique, tuple(sizes[c] for c in target))
    return grad


def _einsum_jvp(tangents, ans, *args):
    *operands, spec = args
    total = None
    for i, t in enumerate(tangents):
        if t is None:
            continue
        ops = list(operands)
        ops[i] = t
        term = einsum_p(*ops, spec)
        total = term if total is None else total + term
    return total


def _batch_einsum(prim, values, batched, params):
    (spec,) = params
    inputs, out = spec.split("->")
    letter = next(c for c in string.ascii_letters if c not in spec)
    inputs = [letter + sub if b else sub for sub, b in zip(inputs.split(","), batched)]
    return einsum_p(*values, ",".join(inputs) + "->" + letter + out)


einsum_p = primitive("einsum", _einsum_impl, EachInput(_einsum_rule), nin=1, variadic=True, jvp=_einsum_jvp, batch=_batch_einsum,
                     domain="real")


def einsum(subscripts: str, *operands: ArrayLike) -> Array:
    """Einstein summation (NumPy's einsum), differentiable in every operand."""
    inputs, out = _parse_einsum(subscripts, [shape_of(o) for o in operands])
    return einsum_p(*operands, ",".join(inputs) + "->" + out)


def _diagonal_embed_impl(x, spec, shape):
    out = np.zeros(shape, dtype=x.dtype)
    np.einsum(spec, out)[...] = x  # einsum's diagonal of a writable array is a view
    return out


def _batch_diagonal_embed(prim, values, batched, params):
    spec, shape = params
    source, target = spec.split("->")
    letter = next(c for c in string.ascii_letters if c not in spec)
    size = np.shape(values[0])[0]
    return diagonal_embed(values[0], f"{letter}{source}->{letter}{target}", (size,) + shape)


diagonal_embed = primitive("diagonal_embed", _diagonal_embed_impl, (
    lambda g, ans, x, spec, shape: einsum_p(g, spec),
), save="none", jvp="linear", batch=_batch_diagonal_embed, domain="real")


# ---------------------------------------------------------------- norms


def _norm_impl(x, p, axes, keepdims, shape):
    # add.reduce rather than np.sum: np.sum's Python wrapper costs more than the sum of
    # a short vector, and norms sit in loop conditions.
    if x.dtype.kind == "c":
        x = np.abs(x)  # the norm of complex values is that of their moduli
    if p == 2:
        return np.sqrt(np.add.reduce(x * x, axis=axes, keepdims=keepdims))
    return np.add.reduce(np.abs(x) ** p, axis=axes, keepdims=keepdims) ** (1.0 / p)


def _norm_rule(g, ans, x, p, axes, keepdims, shape):
    # The gradient at the zero vector is taken as 0 (a subgradient), not NaN.
    norm = unreduce(ans, axes, keepdims, shape)
    safe = where(norm == 0, 1, norm)
    g = unreduce(g, axes, keepdims, shape)
    if x.dtype.kind == "c":  # d|x| = Re(conj(u)·dx), u = x/|x|: the transpose sends g·conj(u)
        from .complex import conj, unit
        direction = conj(x) / safe if p == 2 else conj(unit(x)) * power(absolute(x) / safe,
                                                                           p - 1)
        return g * direction
    if p == 2:
        return g * (x / safe)
    return g * (sign(x) * power(absolute(x) / safe, p - 1))


norm_p = primitive("norm", _norm_impl, (_norm_rule,), save="both",
                   backward_name="NormBackward", jvp="reduction", batch="reduction", domain="nonzero")


def norm(x: ArrayLike, ord: float | str | None = None, axis: Axis = None, keepdims: bool = False) -> Array:
    """Vector p-norms and the matrix Frobenius, 1, and inf norms (NumPy's linalg.norm).

    At the zero vector the gradient of the 2-norm (and of p-norms) is taken as 0.
    Vector norms: ord None/2, any p >= 1, inf, -inf, 0 (a count, not differentiable).
    Matrix norms (2-d input, or a 2-tuple axis): None/'fro', 1, -1, inf, -inf.
    """
    shape = shape_of(x)
    nd = len(shape)
    axes = normalize_axes(axis, nd, "norm", shape) if nd else None  # 0-d: like reductions
    if axes is None and ord is not None:
        if nd == 1:
            axes = (0,)
        elif nd == 2:
            axes = (0, 1)
        else:
            raise ValueError("norm: improper number of dimensions to norm; give axis")
    if axes is None or len(axes) == 1:
        return _vector_norm(x, ord, axes, keepdims, shape)
    if len(axes) != 2:
        raise ValueError(f"norm: axis must name one or two axes, got {axis}")
    return _matrix_norm(x, ord, axis if isinstance(axis, (tuple, list)) else axes, keepdims)


def _vector_norm(x, ord, axes, keepdims, shape):
    if ord is None or ord == 2:
        return norm_p(x, 2, axes, bool(keepdims), shape)
    from .reduction import max, min, sum
    if ord == math.inf:
        return max(absolute(x), axes, keepdims=keepdims)
    if ord == -math.inf:
        return min(absolute(x), axes, keepdims=keepdims)
    if ord == 0:
        return sum(not_equal(x, 0), axes, keepdims=keepdims)
    if ord == 1:
        return sum(absolute(x), axes, keepdims=keepdims)
    if isinstance(ord, str) or ord < 1:
        raise ValueError(f"norm: ord={ord!r} is not supported for vectors; use a p >= 1, "
                         "inf, -inf or 0")
    return norm_p(x, float(ord), axes, bool(keepdims), shape)


def _matrix_norm(x, ord, axes, keepdims):
    from .reduction import max, min, sum
    nd = np.ndim(x)
    row, col = (a % nd for a in axes)
    if ord is None or ord == "fro":
        return norm_p(x, 2, tuple(sorted((row, col))), bool(keepdims), shape_of(x))
    if ord in (1, -1):
        pick, over, then = (max if ord == 1 else min), row, col
    elif ord in (math.inf, -math.inf):
        pick, over, then = (max if ord == math.inf else min), col, row
    else:
        raise NotImplementedError(
            f"norm: the matrix norm ord={ord!r} needs singular values: use "
            "chainrule.numpy.linalg.norm, which computes it from the differentiable svd; "
            "this one supports the matrix norms None/'fro', 1, -1, inf, -inf")
    sums = sum(absolute(x), over, keepdims=True)
    out = pick(sums, then, keepdims=True)
    return out if keepdims else squeeze(out, (row, col))


# ---------------------------------------------------------------- inverse, det, solve


def _check_square(x, op):
    shape = shape_of(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise np.linalg.LinAlgError(
            f"{op}: the last two dimensions must be square, got shape {shape}")


def _inv(x):
    return np.linalg.inv(x)


inv_p = primitive("inv", _inv, (
    lambda g, ans, x: -matmul(matmul(_mT(ans), g), _mT(ans)),
), save="output", backward_name="LinalgInvBackward", jvp=lambda ts, ans, x: -matmul(matmul(ans, ts[0]), ans), batch="elementwise",
    domain="matrix")


def inv(x: ArrayLike) -> Array:
    """Inverse of a square matrix (or of each in a stack)."""
    _check_square(x, "inv")
    return inv_p(x)


def _det(x):
    return np.linalg.det(x)


def _value(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _cofactors(x):
    """The matrix of cofactors of each matrix in a stack, (-1)^(i+j) det(x without row i
    and column j): adj(x)ᵀ, the derivative of det, at singular matrices too. Written with
    det itself, so it is differentiable to any order; n² determinants of size n - 1."""
    n = shape_of(x)[-1]
    if n == 0:  # det of a 0 x 0 matrix is 1, a constant: its derivative has no entries
        return np.zeros(shape_of(x), _value(x).dtype)
    if n == 1:
        return np.ones(shape_of(x), _value(x).dtype)
    keep = np.array([[k for k in range(n) if k != i] for i in range(n)])   # (n, n - 1)
    minors = getitem(x, (Ellipsis, keep[:, None, :, None], keep[None, :, None, :]))
    signs = np.where(np.add.outer(np.arange(n), np.arange(n)) % 2, -1.0, 1.0)
    return det_p(minors) * signs.astype(_value(x).dtype)


def _det_derivative(x, ans):
    """d det / dX = adj(X)ᵀ: det · X⁻ᵀ where X is well conditioned (one inverse), the
    cofactors where it is singular or nearly so (there det · X⁻ᵀ is 0 · ∞, or inaccurate:
    its error grows with the condition number)."""
    value = _value(x)
    if value.size:
        try:
            inverse = inv(x)
        except np.linalg.LinAlgError:
            inverse = None
        if inverse is not None:
            with np.errstate(all="ignore"):
                inverse_value = _value(inverse)
                rcond = 1.0 / (np.linalg.norm(value, 1, axis=(-2, -1))
                               * np.linalg.norm(inverse_value, 1, axis=(-2, -1)))
            if np.all(rcond > np.sqrt(np.finfo(value.dtype).eps)):
                return expand_dims(ans, (-1, -2)) * _mT(inverse)
    return _cofactors(x)


def _det_rule(g, ans, x):
    return expand_dims(g, (-1, -2)) * _det_derivative(x, ans)


def _det_jvp(tangents, ans, x):
    from .reduction import sum
    return sum(_det_derivative(x, ans) * tangents[0], (-2, -1))


def _trace_of_inverse_times(x, t):
    """trace(x⁻¹ t) for each matrix of a stack: d log|det x| in the direction t."""
    from .reduction import sum
    return sum(_mT(inv(x)) * t, (-2, -1))


det_p = primitive("det", _det, (_det_rule,), save="both",
                  backward_name="LinalgDetBackward", jvp=_det_jvp, batch="elementwise",
                  domain="matrix")


def det(x: ArrayLike) -> Array:
    """Determinant. Its derivative is the matrix of cofactors, adj(x)ᵀ, everywhere:
    det(x) · x⁻ᵀ for a well-conditioned x; from the n² minors at a singular or nearly
    singular x (exact, but O(n⁵) work there)."""
    _check_square(x, "det")
    return det_p(x)


def _logabsdet(x):
    return np.linalg.slogdet(x)[1]


logabsdet_p = primitive("slogdet", _logabsdet, (
    lambda g, ans, x: expand_dims(g, (-1, -2)) * _mT(inv(x)),
), backward_name="LinalgSlogdetBackward", jvp=lambda ts, ans, x: _trace_of_inverse_times(x, ts[0]),
                        batch="elementwise", domain="matrix")


def _sign_det(x):
    return np.linalg.slogdet(x)[0]


sign_det_p = primitive("sign_det", _sign_det, None, batch="elementwise")


def slogdet(x: ArrayLike) -> tuple:
    """(sign, log|det|) of a square matrix; log|det| is differentiable, sign is not."""
    _check_square(x, "slogdet")
    return sign_det_p(x), logabsdet_p(x)


def _solve(a, b):
    # Always a stack of matrices: NumPy 1 would read b with one dimension less than a
    # as a stack of vectors, so give b a's number of dimensions first.
    if b.ndim < a.ndim:
        b = b.reshape((1,) * (a.ndim - b.ndim) + b.shape)
    return np.linalg.solve(a, b)


def _solve_a(g, ans, a, b):
    return -matmul(solve_p(_mT(a), g), _mT(ans))


def _solve_jvp(tangents, ans, a, b):
    ta, tb = tangents
    rhs = tb
    if ta is not None:
        rhs = -matmul(ta, ans) if rhs is None else rhs - matmul(ta, ans)
    return solve_p(a, rhs)


solve_p = primitive("solve", _solve, (
    _solve_a,
    lambda g, ans, a, b: solve_p(_mT(a), g),
), nin=2, save="both", backward_name="LinalgSolveBackward", jvp=_solve_jvp, batch="elementwise",
    domain=("matrix", "real"))

def solve(a: ArrayLike, b: ArrayLike) -> Array:
    """x with a @ x = b. b is a vector when it is 1-D (NumPy 2's rule)."""
    _check_square(a, "solve")
    if np.ndim(b) == 1:
        return squeeze(solve_p(a, expand_dims(b, -1)), -1)
    return solve_p(a, b)


from .arithmetic import absolute, power, sign, where  # noqa: E402
from .indexing import getitem  # noqa: E402
from .compare import not_equal  # noqa: E402
