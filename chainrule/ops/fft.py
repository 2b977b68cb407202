"""Discrete Fourier transforms: three primitives, every numpy.fft transform built on them.

``fftn_p(x, axes, inverse, norm)`` is the complex DFT (or its inverse) over ``axes``,
``rfftn_p(x, axes, norm, n)`` the DFT of a real array (the halved spectrum: the last
axis keeps n // 2 + 1 frequencies) and ``irfftn_p(z, axes, norm, n)`` its inverse (a
real array of length n on the last axis). None of them crops or pads: numpy.fft's n= and
s= are getitem / pad around them (chainrule.numpy.fft), so each rule sees equal lengths.

The transforms are linear, so the JVP is the transform of the tangent. The VJP is the
plain transpose (the JAX convention: no conjugation). The DFT matrix is symmetric, so
fft's transpose is fft itself with the same norm. The halved transforms are only real-
linear, and their transposes would need a complex conjugate; with R the index reversal
x[j] -> x[-j mod n] on the transformed axes, conj(rfftn(x)) = rfftn(R x) for a real x and
irfftn(conj(z)) = R irfftn(z), so R stands in for it and the rules stay within these
primitives:

- rfftn's transpose, Re(F^T [g; 0]) (F the whole DFT, the dropped frequencies zero), is
  R irfftn(g / c) at the swapped norm. c counts how often each kept frequency stands in
  the whole spectrum (1 at 0 and, for even n, at n / 2; 2 elsewhere, for k and n - k),
  which irfftn's Hermitian reading would otherwise add back;
- irfftn's transpose is c * rfftn(R g) at the swapped norm (JAX's _irfft_transpose,
  conj(c * rfftn(g)), with the conjugate written as R).

"Swapped norm": a transform at norm "backward" scales by 1 and its inverse by 1/N, and
the transpose of a scale is itself, so the transposed transform runs at the norm that
gives the same scale ("backward" <-> "forward"; "ortho" stays).

Batching: the axes are the first parameter and never negative, so vmap's batch axis in
front shifts them by one (the "axis" shorthand).
"""
from __future__ import annotations

import numpy as np

from ..dtypes import real_dtype
from ..primitive import primitive
from .arithmetic import multiply
from .shape import flip_p, roll_p

SWAPPED = {"backward": "forward", "ortho": "ortho", "forward": "backward"}


def reverse(x, axes):
    """x[-j mod n] on each of ``axes`` (index 0 stays, the rest reverse)."""
    return roll_p(flip_p(x, axes), (1,) * len(axes), axes)


def _mirror_counts(n: int, dtype) -> np.ndarray:
    """c: how often each of the n // 2 + 1 frequencies of a real signal's halved spectrum
    stands in the whole spectrum (itself and its mirror n - k)."""
    counts = np.full(n // 2 + 1, 2.0, dtype=dtype)
    counts[0] = 1.0
    if n % 2 == 0:
        counts[-1] = 1.0
    return counts


def _along(values: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """A 1-d array shaped to broadcast along ``axis`` of an ndim-d array."""
    return values.reshape([values.size if i == axis else 1 for i in range(ndim)])


# ---------------------------------------------------------------- complex DFT


def _fftn_impl(x, axes, inverse, norm):
    return (np.fft.ifftn if inverse else np.fft.fftn)(x, axes=axes, norm=norm)


fftn_p = primitive("fftn", _fftn_impl, (
    lambda g, ans, x, axes, inverse, norm: fftn_p(g, axes, inverse, norm),
), save="none", jvp="linear", batch="axis", backward_name="FftBackward", domain="real")
fftn_p.__doc__ = "The complex DFT over ``axes`` (``inverse``: the inverse DFT)."


# ---------------------------------------------------------------- real input, halved spectrum


def _rfftn_impl(x, axes, norm, n):
    return np.fft.rfftn(x, axes=axes, norm=norm)


def _rfftn_vjp(g, ans, x, axes, norm, n):
    weights = _along(1.0 / _mirror_counts(n, real_dtype(g.dtype)), axes[-1], np.ndim(g))
    return reverse(irfftn_p(multiply(g, weights), axes, SWAPPED[norm], n), axes)


def _irfftn_impl(z, axes, norm, n):
    shape = [np.shape(z)[a] for a in axes[:-1]] + [n]
    return np.fft.irfftn(z, s=shape, axes=axes, norm=norm)


def _irfftn_vjp(g, ans, z, axes, norm, n):
    counts = _along(_mirror_counts(n, g.dtype), axes[-1], np.ndim(g))
    return multiply(rfftn_p(reverse(g, axes), axes, SWAPPED[norm], n), counts)


rfftn_p = primitive("rfftn", _rfftn_impl, (_rfftn_vjp,), save="none", jvp="linear",
                    batch="axis", backward_name="RfftBackward", domain="real")
rfftn_p.__doc__ = ("The DFT of a real array over ``axes``: the last axis (of length ``n``) "
                   "keeps its n // 2 + 1 non-negative frequencies.")

irfftn_p = primitive("irfftn", _irfftn_impl, (_irfftn_vjp,), save="none", jvp="linear",
                     batch="axis", backward_name="IrfftBackward", domain="real")
irfftn_p.__doc__ = ("The inverse of rfftn: a halved spectrum over ``axes`` to a real array "
                    "whose last transformed axis has length ``n``.")
