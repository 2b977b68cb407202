"""chainrule.numpy.linalg: numpy.linalg's names and signatures, differentiable.

The functions accept tensors, ndarrays and array-likes, compute in NumPy's dtypes
(integers become float64; float32 stays float32) and return tensors; several results
come as the named tuples NumPy 2 returns (EighResult, SVDResult, QRResult,
SlogdetResult, EigResult), which unpack like tuples. Stacks of matrices (the last two
axes) work everywhere NumPy allows them.

Derivatives are those of chainrule.ops.decompositions (see its conventions), for real
and complex matrices alike: eigenvector and singular-vector signs (for complex matrices,
phases) are arbitrary, so only losses that do not depend on them have meaningful
gradients (as in JAX and PyTorch; phase-dependent losses are refused in the backward
pass); qr(mode='complete') is not differentiable for tall matrices;
svd(full_matrices=True) of a non-square matrix gives its extra columns (a basis of the
orthogonal complement, LAPACK's values) the derivative of an orthonormal basis that
follows the complement (see _complement): exact, to every order, for losses that do not
depend on the choice of that basis; other losses of those columns have no defined
derivative. pinv has a closed-form rule (not a composite of svd), valid where the rank is
locally constant. matrix_rank is not differentiated (an integer).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import ops
from ..ops import decompositions as dec
from ..ops.linalg import inv as _inv, det as _det, slogdet as _slogdet, solve as _solve
from ..ops.linalg import norm as _norm
from ..ops.shape import normalize_axes, normalize_axis, shape_of
from ..tensor import Tensor
from ._core import asarray_like, no_out, values_of
from ._shapes import matrix_transpose  # numpy.linalg's is numpy's own

LinAlgError = np.linalg.LinAlgError

__all__ = ["LinAlgError", "EigResult", "EighResult", "QRResult", "SVDResult",
           "SlogdetResult", "cholesky", "cond", "det", "eig", "eigh", "eigvals",
           "eigvalsh", "inv", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv",
           "qr", "slogdet", "solve", "svd", "svdvals", "matrix_norm", "vector_norm",
           "matrix_transpose"]


class EigResult(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


class EighResult(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


class QRResult(NamedTuple):
    Q: Tensor
    R: Tensor


class SlogdetResult(NamedTuple):
    sign: Tensor
    logabsdet: Tensor


class SVDResult(NamedTuple):
    U: Tensor
    S: Tensor
    Vh: Tensor


# ---------------------------------------------------------------- operands


def _operand(a) -> Tensor:
    """a as a tensor in the dtype numpy.linalg computes in (integers and booleans become
    float64)."""
    x = asarray_like(a)
    return x if x.dtype.kind in "fc" else ops.astype(x, np.dtype(np.float64))


def _matrix(a, name: str) -> Tensor:
    x = _operand(a)
    shape = shape_of(x)
    if len(shape) < 2:
        raise LinAlgError(f"{name}: {len(shape)}-dimensional array given (shape {shape}); "
                          "the array must be at least two-dimensional, a matrix or a stack "
                          "of matrices in its last two axes")
    return x


def _square(a, name: str) -> Tensor:
    x = _matrix(a, name)
    shape = shape_of(x)
    if shape[-1] != shape[-2]:
        raise LinAlgError(f"{name}: the last 2 dimensions of the array must be square, got "
                          f"shape {shape}")
    return x


def _mT(x):
    return ops.swapaxes(x, -1, -2)


# ---------------------------------------------------------------- inverse, det, solve


def inv(a):
    """The inverse of a square matrix (or of each in a stack); LinAlgError if singular."""
    return _inv(_square(a, "inv"))


def det(a):
    """The determinant; differentiable at singular matrices too (the cofactors)."""
    return _det(_square(a, "det"))


def slogdet(a):
    """(sign, log|det|) as SlogdetResult; log|det| is differentiable, sign is not."""
    sign, logabsdet = _slogdet(_square(a, "slogdet"))
    return SlogdetResult(sign, logabsdet)


def solve(a, b):
    """x with a @ x = b: b is a vector when 1-D, else a matrix (or stack), NumPy 2's rule."""
    a = _square(a, "solve")
    return _solve(a, _operand(b))


def matrix_power(a, n):
    """a to the integer power n by repeated squaring (n < 0: of the inverse; n = 0: the
    identity, a constant)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"matrix_power: the exponent must be an integer, got "
                        f"{type(n).__name__}")
    x = asarray_like(a)
    _square(x, "matrix_power")
    if n == 0:
        eye = np.broadcast_to(np.eye(shape_of(x)[-1], dtype=x.dtype), shape_of(x))
        return asarray_like(eye.copy())
    if n < 0:
        x, n = inv(x), -int(n)
    result, power = None, x
    while n:
        if n & 1:
            result = power if result is None else ops.matmul(result, power)
        n >>= 1
        if n:
            power = ops.matmul(power, power)
    return result


def multi_dot(arrays, *, out=None):
    """The product of two or more arrays, in the cheapest order (NumPy's: the first may
    be a row vector, the last a column vector)."""
    no_out("multi_dot", out)
    tensors = [_operand(a) for a in arrays]
    if len(tensors) < 2:
        raise ValueError("multi_dot: expecting at least two arrays")
    first_vector, last_vector = tensors[0].ndim == 1, tensors[-1].ndim == 1
    if first_vector:
        tensors[0] = ops.expand_dims(tensors[0], 0)
    if last_vector:
        tensors[-1] = ops.expand_dims(tensors[-1], -1)
    for i, t in enumerate(tensors):
        if t.ndim != 2:
            raise LinAlgError(f"multi_dot: array {i} has {t.ndim} dimensions (shape "
                              f"{t.shape}); all but the first and last must be 2-D")
    result = _chain(tensors, _chain_order([t.shape for t in tensors]), 0, len(tensors) - 1)
    if first_vector:
        result = ops.squeeze(result, 0)
    if last_vector:
        result = ops.squeeze(result, -1)
    return result


def _chain_order(shapes):
    """split[i][j]: where the cheapest product of matrices i..j splits (the classic
    matrix-chain dynamic programme, as NumPy's multi_dot)."""
    n = len(shapes)
    dims = [shapes[0][0]] + [s[1] for s in shapes]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(tensors, split, i, j):
    if i == j:
        return tensors[i]
    k = split[i][j]
    return ops.matmul(_chain(tensors, split, i, k), _chain(tensors, split, k + 1, j))


# ---------------------------------------------------------------- decompositions


def cholesky(a, /, *, upper=False):
    """L with a = L Lᵀ, read from a's lower triangle (upper=True: U = Lᵀ with a = Uᵀ U,
    read from the upper triangle). LinAlgError if a is not positive definite."""
    x = _square(a, "cholesky")
    if upper:
        return _mT(dec.cholesky_p(_mT(x)))
    return dec.cholesky_p(x)


def qr(a, mode="reduced"):
    """QRResult(Q, R) for mode 'reduced' or 'complete'; R alone for mode 'r'. Mode 'raw'
    (Householder reflectors) is not differentiated: it refuses a tensor that requires
    grad."""
    if mode not in ("reduced", "complete", "r", "raw"):
        raise ValueError(f"qr: unrecognized mode {mode!r}; use 'reduced', 'complete', 'r' "
                         "or 'raw'")
    x = _matrix(a, "qr")
    m, n = shape_of(x)[-2:]
    if mode == "raw":
        values = values_of(x)  # refused inside vmap
        if x.requires_grad or x._aux is not None:  # reverse mode, or a tangent (jvp)
            raise ValueError("qr: mode='raw' (Householder reflectors) is not "
                             "differentiable; use mode='reduced'")
        return tuple(asarray_like(part) for part in np.linalg.qr(values, mode="raw"))
    complete = mode == "complete"
    q, r = dec._unpack_qr(dec.qr_p(x, complete), m, n, complete)
    return r if mode == "r" else QRResult(q, r)


def eigh(a, UPLO="L"):
    """EighResult(eigenvalues, eigenvectors) of a symmetric matrix, read from its lower
    (UPLO='L') or upper ('U') triangle; eigenvalues ascending, eigenvectors unit columns."""
    return _eigh(a, UPLO, "eigh")


def _eigh(a, UPLO, name):
    x = _square(a, name)
    if UPLO not in ("L", "U"):
        raise ValueError(f"{name}: UPLO must be 'L' or 'U', got {UPLO!r}")
    w, v = dec._unpack_eigh(dec.eigh_p(x if UPLO == "L" else _mT(x)))
    return EighResult(_real_values(w), v)


def eigvalsh(a, UPLO="L"):
    """The eigenvalues of a symmetric matrix, ascending (see eigh)."""
    return _eigh(a, UPLO, "eigvalsh").eigenvalues


def _real_values(x):
    """Eigenvalues of a Hermitian matrix and singular values are real, as NumPy returns
    them (a complex matrix's are packed with its complex vectors)."""
    return ops.real(x) if x.dtype.kind == "c" else x


def _complement(x, first):
    """The columns that complete ``first`` (U's or V's first min(m, n) columns) to the
    full unitary factor: LAPACK's values C0, made differentiable as the orthonormalised
    (Gram-Schmidt, by a Cholesky factor) projection of C0 off ``first``:
    B = (I - first firstᴴ) C0, C = B L⁻ᴴ with L Lᴴ = Bᴴ B. At the point B = C0 and L = I,
    so the values are LAPACK's; C stays an orthonormal basis of the complement, so losses
    that do not depend on the choice of that basis have exact derivatives of every order."""
    constant = dec.svd_complement(x)
    cplx = first.dtype.kind == "c"

    def adjoint(a):
        return dec._mH(a, cplx)
    b = constant - ops.matmul(first, ops.matmul(adjoint(first), constant))
    lower = dec.cholesky_p(ops.matmul(adjoint(b), b))
    return adjoint(_solve(lower, adjoint(b)))


def eig(a):
    """EigResult(eigenvalues, eigenvectors) of a general square matrix: complex, unless a
    real matrix has only real eigenvalues (then real, as NumPy returns them); eigenvectors
    are unit columns with LAPACK's phases. Only losses that do not depend on those phases
    are differentiable (|v|², v_i·conj(v_j) within one eigenvector, the eigenvalues):
    others raise ValueError in the backward pass, as PyTorch does; forward mode keeps the
    phases still (Im(v_jᴴ dv_j) = 0)."""
    return _eig(a, "eig")


def _eig(a, name):
    return EigResult(*dec._unpack_eigh(dec.eig_p(_square(a, name))))


def eigvals(a):
    """The eigenvalues of a general square matrix (see eig)."""
    return _eig(a, "eigvals").eigenvalues


def svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    """SVDResult(U, S, Vh) with a = U diag(S) Vh, S descending; S alone when
    compute_uv=False. hermitian=True computes it from eigh, as NumPy does (the lower
    triangle read; full_matrices does not matter for a square matrix)."""
    x = _matrix(a, "svd")
    if hermitian:
        return _hermitian_svd(_square(x, "svd"), compute_uv)
    m, n = shape_of(x)[-2:]
    u, s, v = dec._unpack_svd(dec.svd_p(x, bool(full_matrices)), m)
    s = _real_values(s)
    if not compute_uv:
        return s
    if full_matrices and m > n:
        u = ops.concatenate([u, _complement(x, u)], -1)
    elif full_matrices and n > m:
        v = ops.concatenate([v, _complement(x, v)], -1)
    return SVDResult(u, s, _mT(v))


def _hermitian_svd(x, compute_uv):
    """NumPy's hermitian=True: from eigh (the lower triangle read): s = |w| descending,
    U the eigenvectors in that order, Vh = (U · sign(w))ᴴ."""
    from ._sorting import argsort, take_along_axis
    w, v = _eigh(x, "L", "svd")
    order = ops.flip(argsort(ops.absolute(w), axis=-1), -1)
    s = take_along_axis(ops.absolute(w), order, axis=-1)
    if not compute_uv:
        return s
    u = take_along_axis(v, ops.expand_dims(order, -2), axis=-1)
    signs = take_along_axis(ops.sign(w), order, axis=-1)
    vh = _mT(u * ops.expand_dims(signs, -2))
    return SVDResult(u, s, ops.conj(vh) if vh.dtype.kind == "c" else vh)


def svdvals(x, /):
    """The singular values, descending (svd with compute_uv=False)."""
    return svd(x, compute_uv=False)


def pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    """The Moore-Penrose pseudo-inverse; singular values at most rcond (or rtol) times the
    largest are taken as 0, as in NumPy. Differentiable where the rank is locally
    constant (a closed-form rule)."""
    x = _matrix(a, "pinv")
    if hermitian:  # NumPy's eigh-based path reads the lower triangle only
        x = _square(x, "pinv")
        n = shape_of(x)[-1]
        read = dec._hermitian_lower if x.dtype.kind == "c" else dec._sym_lower
        x = read(x, n, x.dtype)
    options = {"hermitian": bool(hermitian)}
    if rcond is not None:
        options["rcond"] = rcond
    if rtol is not np._NoValue:
        options["rtol"] = rtol
    return dec.pinv_p(x, tuple(sorted(options.items())))


def matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """The rank (an integer tensor, not differentiated), as NumPy counts it."""
    value = values_of(_operand(A))  # refused inside vmap
    kwargs = {"tol": tol, "hermitian": hermitian}
    if rtol is not None:
        kwargs["rtol"] = rtol
    return asarray_like(np.asarray(np.linalg.matrix_rank(value, **kwargs)))


def cond(x, p=None):
    """The condition number in norm p (None, 2, -2: the ratio of extreme singular values;
    'fro', 'nuc', 1, -1, inf, -inf: norm(x) · norm(inv(x)))."""
    x = _matrix(x, "cond")
    if p is None or p == 2 or p == -2:
        s = svdvals(x)
        return s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
    _square(x, "cond")
    try:
        return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))
    except LinAlgError:  # as NumPy: inf for each singular matrix (of a stack)
        pass
    values = values_of(x)
    singular = np.zeros(values.shape[:-2], dtype=bool)
    for index in np.ndindex(singular.shape):
        try:
            np.linalg.inv(values[index])
        except LinAlgError:
            singular[index] = True
    eye = np.eye(values.shape[-1], dtype=values.dtype)
    regular = ops.where(singular[..., None, None], eye, x)
    finite = norm(regular, p, axis=(-2, -1)) * norm(inv(regular), p, axis=(-2, -1))
    return ops.where(singular, np.inf, finite)


# ---------------------------------------------------------------- norms


def norm(x, ord=None, axis=None, keepdims=False):
    """NumPy's vector and matrix norms, with every ord NumPy takes: vectors None/2, inf,
    -inf, 0 (a count), any other number p (sum(|x|**p)**(1/p)); matrices None/'fro',
    'nuc', 1, -1, 2, -2, inf, -inf; axis None, an int or a pair; keepdims.
    At the zero vector the gradient of the p-norms (p >= 1) is taken as 0; the matrix
    2-norm's gradient is that of the largest singular value (not unique where it repeats).
    """
    x = _operand(x)
    nd = x.ndim
    if axis is None:
        if ord is None:
            return _norm(_modulus(x), None, None, keepdims)
        if nd == 1:
            axes = (0,)
        elif nd == 2:
            axes = (0, 1)
        else:
            raise ValueError(f"norm: improper number of dimensions to norm (shape {x.shape}) "
                             "for ord={ord!r}: give axis (an int for vector norms, a pair "
                             "for matrix norms)")
    elif isinstance(axis, int | np.integer):
        axes = (int(axis),)
    else:
        axes = tuple(int(a) for a in axis)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"norm: axis must be None, an int or a pair of ints, got {axis!r}")


def _modulus(x):
    """|x| for a complex x: every norm but the spectral ones is a norm of the moduli."""
    return ops.absolute(x) if x.dtype.kind == "c" else x


def _vector_norm(x, ord, axis, keepdims):
    if isinstance(ord, str):
        raise ValueError(f"norm: invalid norm order {ord!r} for vectors; use a number, "
                         "inf or -inf")
    x = _modulus(x)
    if ord is None or ord in (0, 1, 2, np.inf, -np.inf) or ord > 1:
        return _norm(x, ord, axis, keepdims)
    # p < 1 (not a norm, but NumPy computes it): the power sum directly
    total = ops.sum(ops.power(ops.absolute(x), float(ord)), axis, keepdims=keepdims)
    return ops.power(total, 1.0 / ord)


def _matrix_norm(x, ord, axes, keepdims):
    nd = x.ndim
    row, col = (normalize_axis(a, nd, "norm", x.shape) for a in axes)
    if row == col:
        raise ValueError(f"norm: duplicate axes given, axis={axes}")
    if ord not in (2, -2, "nuc"):
        if ord not in (None, "fro", 1, -1, np.inf, -np.inf):
            raise ValueError(f"norm: invalid norm order {ord!r} for matrices; use None, "
                             "'fro', 'nuc', 1, -1, 2, -2, inf or -inf")
        return _norm(_modulus(x), ord, (row, col), keepdims)
    s = svdvals(ops.moveaxis(x, (row, col), (-2, -1)))
    if ord == 2:
        out = ops.max(s, -1)
    elif ord == -2:
        out = ops.min(s, -1)
    else:
        out = ops.sum(s, -1)
    return ops.expand_dims(out, tuple(sorted((row, col)))) if keepdims else out


def matrix_norm(x, /, *, keepdims=False, ord="fro"):
    """A norm of each matrix (the last two axes), NumPy 2's array-API name."""
    return norm(x, ord, (-2, -1), keepdims)


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    """A vector norm over axis (all axes when None, as one flat vector)."""
    x = _operand(x)
    if axis is None:
        flat = ops.ravel(x)
        out = _vector_norm(flat, ord, 0, False)
        return ops.reshape(out, (1,) * x.ndim) if keepdims else out
    if isinstance(axis, int | np.integer):
        return _vector_norm(x, ord, int(axis), keepdims)
    axes = normalize_axes(tuple(axis), x.ndim, "vector_norm", x.shape)
    rest = [a for a in range(x.ndim) if a not in axes]
    moved = ops.transpose(x, rest + list(axes))
    kept = tuple(x.shape[a] for a in rest)
    out = _vector_norm(ops.reshape(moved, kept + (-1,)), ord, -1, False)
    return ops.expand_dims(out, tuple(sorted(axes))) if keepdims else out

