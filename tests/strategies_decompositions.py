"""Strategies for the decompositions (chainrule/ops/decompositions.py).

A decomposition's derivative exists only away from its singular points (repeated
eigenvalues or singular values, rank loss, matrices that are not positive definite), and
its outputs are defined up to signs. So each case draws values in the entry's declared
domain and maps them, inside the function checked, to a safe input, and checks outputs
that do not depend on the signs:

- cholesky ("matrix"): x xᴴ plus the strict upper triangle of x. x is invertible, so
  x xᴴ is positive definite; the upper part is what cholesky does not read (its
  derivative there must be 0).
- eigh, svd, qr, pinv ("real", entries in [-1.5, 1.5], so every matrix of at most 3 x 3
  has norm below 4.5): plus a constant diagonal 10, 20, 30 (padded to the rectangle):
  eigenvalues and singular values then lie within 4.5 of those, at least 1 apart and away
  from 0.
- qr's R diagonal made positive (LAPACK's signs jump where a column is 0 below its
  pivot, and hypothesis draws zeros).
- eigenvectors and singular vectors enter as v · conj(v[0]) (each column times its own
  first entry, conjugated), which a sign flip of the column (or, for complex values,
  a phase) leaves alone; svd also gives U diag(s) Vᴴ.

The cases take complex values too (tests/test_complex.py adds imaginary parts): their
outputs are complex then, and real for real inputs (eig's are its real and imaginary
parts for real inputs, so that float32 runs stay float32).
"""
from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from strategies import MAX_SIDE, Case, _batch_shapes, builds, draw_inputs, input_domains

from chainrule.ops import (concatenate, conj, einsum, imag, matmul, real, reshape, sign,
                          swapaxes)
from chainrule.ops.decompositions import _unpack_eigh, _unpack_qr, _unpack_svd
from chainrule.ops.shape import shape_of

SPREAD = 10.0  # the gap of the constant diagonal


def _rectangle(draw, empty: bool, square: bool = False) -> tuple:
    batch = _batch_shapes(draw, 1)[0]
    m = draw(st.integers(1, MAX_SIDE))
    n = m if square else draw(st.integers(1, MAX_SIDE))
    if empty:
        which = draw(st.sampled_from(["m", "n", "batch"] if not square else ["n", "batch"]))
        if which == "batch":
            batch = (0,) + batch[1:]
        elif which == "m":
            m = 0
        else:
            n = 0
            m = 0 if square else m
    return batch + (m, n)


def _spread(x):
    """x plus the constant diagonal SPREAD · (1, 2, 3) on its rectangle, in x's dtype."""
    m, n = shape_of(x)[-2:]
    diagonal = np.zeros((m, n), dtype=x.dtype)
    k = min(m, n)
    diagonal[np.arange(k), np.arange(k)] = SPREAD * np.arange(1, k + 1)
    return x + diagonal


def _sign_free(v):
    return v * conj(v[..., :1, :])


def _flat(parts, batch_ndim):
    """The parts side by side as one array (batch axes kept): a case has one output."""
    return concatenate([reshape(p, shape_of(p)[:batch_ndim] + (math.prod(shape_of(p)[batch_ndim:]),))
                        for p in parts], -1)


def _draw(draw, prim, shape):
    (domain,) = input_domains(prim, 1)
    (x,) = draw_inputs(draw, (domain,), (shape,))
    return x


@builds("cholesky")
def _cholesky_case(draw, key, prim, empty):
    n = draw(st.integers(0 if empty else 1, MAX_SIDE))
    batch = _batch_shapes(draw, 1)[0]
    if empty and n:
        batch = (0,) + batch[1:]
    shape = batch + (n, n)
    x = _draw(draw, prim, shape)
    upper = np.triu(np.ones((n, n)), 1)
    call = prim.call

    def apply(x):
        return call(matmul(x, conj(swapaxes(x, -1, -2))) + x * upper.astype(x.dtype))
    return Case(key, apply, [x], (True,), f"x xᴴ + triu(x, 1), shape {shape}")


@builds("eigh")
def _eigh_case(draw, key, prim, empty):
    shape = _rectangle(draw, empty, square=True)
    x = _draw(draw, prim, shape)
    call, batch_ndim = prim.call, len(shape) - 2

    def apply(x):
        w, v = _unpack_eigh(call(_spread(x)))
        return _flat([w, _sign_free(v)], batch_ndim)
    return Case(key, apply, [x], (True,), f"eigenvalues, v · v[0]; shape {shape}")


@builds("svd")
def _svd_case(draw, key, prim, empty):
    shape = _rectangle(draw, empty)
    full = draw(st.booleans())
    x = _draw(draw, prim, shape)
    call, batch_ndim, m = prim.call, len(shape) - 2, shape[-2]

    def apply(x):
        u, s, v = _unpack_svd(call(_spread(x), full), m)
        product = matmul(u * s[..., None, :], swapaxes(v, -1, -2))  # v holds conj(V)
        return _flat([product, s, _sign_free(u), _sign_free(v)], batch_ndim)
    return Case(key, apply, [x], (True,), f"full={full}, shape {shape}")


@builds("qr")
def _qr_case(draw, key, prim, empty):
    shape = _rectangle(draw, empty)
    # mode='complete' is differentiable only when it is the reduced mode (m <= n).
    complete = shape[-2] <= shape[-1] and draw(st.booleans())
    x = _draw(draw, prim, shape)
    call, batch_ndim, (m, n) = prim.call, len(shape) - 2, shape[-2:]
    k = min(m, n)

    def apply(x):
        q, r = _unpack_qr(call(_spread(x), complete), m, n, complete)
        # LAPACK's signs jump where a column has zeros below its pivot: R's diagonal
        # made positive (a constant sign per column) is the smooth QR.
        signs = sign(einsum("...ii->...i", r[..., :, :k]))
        return _flat([q * signs[..., None, :], r * signs[..., :, None]], batch_ndim)
    return Case(key, apply, [x], (True,), f"complete={complete}, shape {shape}")


@builds("pinv")
def _pinv_case(draw, key, prim, empty):
    shape = _rectangle(draw, empty)
    x = _draw(draw, prim, shape)
    call = prim.call
    return Case(key, lambda x: call(_spread(x), ()), [x], (True,), f"shape {shape}")


@builds("eig")
def _eig_case(draw, key, prim, empty):
    """A non-symmetric matrix: plus the spread diagonal (real eigenvalues), or plus a
    rotation block (a conjugate pair ±SPREAD·i and, for 3 x 3, the real 2·SPREAD), so
    that eigenvalues stay apart. LAPACK returns eigenvalues in no set order (a triangular
    matrix, which hypothesis likes to draw, swaps them when perturbed), so the outputs
    are sums over the eigenpairs, free of order and phases: V diag(wᵏ) Vᴴ for
    k = 0, 1, 2 (real and imaginary parts)."""
    shape = _rectangle(draw, empty, square=True)
    rotate = shape[-1] >= 2 and draw(st.booleans())
    x = _draw(draw, prim, shape)
    call, batch_ndim, n = prim.call, len(shape) - 2, shape[-1]
    block = np.zeros((n, n))
    if rotate:
        block[0, 1], block[1, 0] = SPREAD, -SPREAD
        block[2:, 2:] = 2 * SPREAD * np.eye(n - 2)

    def apply(x):
        packed = call(x + block.astype(x.dtype) if rotate else _spread(x))
        w, v = _unpack_eigh(packed)  # eig packs as eigh does
        parts = []
        for k in range(3):
            sums = einsum("...ij,...j,...kj->...ik", v, w ** k, conj(v)) / SPREAD ** k
            parts += [sums] if x.dtype.kind == "c" else [real(sums), imag(sums)]
        return _flat(parts, batch_ndim)
    return Case(key, apply, [x], (True,), f"rotation={rotate}, shape {shape}")
