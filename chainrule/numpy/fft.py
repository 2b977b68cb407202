"""chainrule.numpy.fft: numpy.fft's functions, names and signatures, differentiable.

Each transform fits its input to the requested lengths (n= / s=: crop with getitem,
zero-pad with pad, as NumPy does) and applies one of the three primitives of
chainrule.ops.fft, whose rules give derivatives of any order in both modes. The results
are tensors, as everywhere in chainrule.numpy (recorded when an input requires grad).
Dtypes follow the installed NumPy (NumPy 2: float32 in, complex64 out).
"""
from __future__ import annotations

import operator

import numpy as np

from ..ops import getitem, pad, roll
from ..ops.fft import SWAPPED, fftn_p, irfftn_p, reverse, rfftn_p
from ..ops.shape import normalize_axis
from ._core import asarray_like, no_out

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2",
           "irfft2", "rfftn", "irfftn", "hfft", "ihfft", "fftshift", "ifftshift",
           "fftfreq", "rfftfreq"]

NORMS = ("backward", "ortho", "forward")


# ---------------------------------------------------------------- arguments


def _norm(norm, name: str) -> str:
    if norm is None:
        return "backward"
    if norm not in NORMS:
        raise ValueError(f'{name}: invalid norm {norm!r}; use "backward" (the default), '
                         '"ortho" or "forward"')
    return norm


def _length(n, name: str, axis: int, shape: tuple) -> int:
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"{name}: the number of points must be an int, got {n!r}") from None
    if n < 1:
        raise ValueError(f"{name}: Invalid number of FFT data points ({n}) specified for "
                         f"axis {axis} of an input of shape {shape}; give n (or s) of 1 "
                         "or more, and transform only non-empty axes")
    return n


def _sequence(value, name: str, what: str) -> tuple:
    """An int or a sequence (of ints, checked later) as a tuple."""
    if hasattr(value, "__index__"):
        return (value,)
    try:
        return tuple(value)
    except TypeError:
        raise TypeError(f"{name}: {what} must be an int or a sequence of ints, got "
                        f"{value!r}") from None


def _axes_and_sizes(x, s, axes, name: str):
    """numpy.fft's (s, axes) as (axes, sizes): axes non-negative and distinct, sizes the
    requested lengths (the input's own where s is None or -1)."""
    shape = np.shape(x)
    ndim = len(shape)
    if s is not None:
        s = _sequence(s, name, "s")
    if axes is None:
        axes = range(ndim) if s is None else range(-len(s), 0)
    axes = _sequence(axes, name, "axes")
    if s is not None and len(s) != len(axes):
        raise ValueError(f"{name}: s has {len(s)} lengths for {len(axes)} axes {axes}; "
                         "give one length per axis")
    if ndim == 0:
        raise np.exceptions.AxisError(
            f"{name}: a 0-d input has no axis to transform; give an array of at least one "
            "dimension")
    axes = tuple(normalize_axis(a, ndim, name, shape) for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: repeated axis in {axes}; to transform an axis twice, "
                         "call the transform twice")
    if not axes:
        raise ValueError(f"{name}: no axes to transform; give at least one axis")
    if s is None:
        s = tuple(shape[a] for a in axes)
    s = tuple(shape[a] if size == -1 else size for a, size in zip(axes, s))
    return axes, tuple(_length(size, name, a, shape) for a, size in zip(axes, s))


def _fit(x, axes, sizes):
    """x cropped or zero-padded on ``axes`` to ``sizes`` (numpy.fft's n= and s=)."""
    shape = np.shape(x)
    index = [slice(None)] * len(shape)
    widths = [(0, 0)] * len(shape)
    for a, size in zip(axes, sizes):
        if shape[a] > size:
            index[a] = slice(0, size)
        elif shape[a] < size:
            widths[a] = (0, size - shape[a])
    if any(i != slice(None) for i in index):
        x = getitem(x, tuple(index))
    if any(w != (0, 0) for w in widths):
        x = pad(x, widths)
    return x


# ---------------------------------------------------------------- complex transforms


def _complex(a, s, axes, norm, out, inverse: bool, name: str):
    no_out(f"fft.{name}", out)
    x = asarray_like(a)
    norm = _norm(norm, name)
    axes, sizes = _axes_and_sizes(x, s, axes, name)
    return fftn_p(_fit(x, axes, sizes), axes, inverse, norm)


def fftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional DFT over ``axes`` (all by default), of lengths ``s``."""
    return _complex(a, s, axes, norm, out, False, "fftn")


def ifftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional inverse DFT."""
    return _complex(a, s, axes, norm, out, True, "ifftn")


def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _complex(a, s, axes, norm, out, False, "fft2")


def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _complex(a, s, axes, norm, out, True, "ifft2")


def fft(a, n=None, axis=-1, norm=None, out=None):
    """The one-dimensional DFT along ``axis``, of length ``n``."""
    return _complex(a, None if n is None else (n,), (axis,), norm, out, False, "fft")


def ifft(a, n=None, axis=-1, norm=None, out=None):
    return _complex(a, None if n is None else (n,), (axis,), norm, out, True, "ifft")


# ---------------------------------------------------------------- real signals


def _real_forward(a, s, axes, norm, out, name: str):
    """rfftn's steps: (the fitted input, axes, norm, last length)."""
    no_out(f"fft.{name}", out)
    x = asarray_like(a)
    if x.dtype.kind == "c":
        raise TypeError(f"{name}: the input is complex ({x.dtype}) but {name} transforms real "
                        "signals; use fft (or fftn) for complex input")
    norm = _norm(norm, name)
    axes, sizes = _axes_and_sizes(x, s, axes, name)
    return _fit(x, axes, sizes), axes, norm, sizes[-1]


def _real_inverse(a, s, axes, norm, out, name: str):
    """irfftn's steps: the halved spectrum fitted to n // 2 + 1 frequencies on the last
    axis (n defaults to 2 (m - 1) for m frequencies, as in NumPy)."""
    no_out(f"fft.{name}", out)
    z = asarray_like(a)
    norm = _norm(norm, name)
    wanted = None if s is None else _sequence(s, name, "s")
    # The axes are checked with the input's own lengths (-1): the last one is m, not n.
    axes, sizes = _axes_and_sizes(z, None if wanted is None else (-1,) * len(wanted), axes,
                                  name)
    shape = np.shape(z)
    sizes = sizes[:-1] + (2 * (shape[axes[-1]] - 1),)
    if wanted is not None:
        sizes = tuple(size if w == -1 else w for size, w in zip(sizes, wanted))
    sizes = tuple(_length(size, name, a, shape) for a, size in zip(axes, sizes))
    fitted = _fit(z, axes, sizes[:-1] + (sizes[-1] // 2 + 1,))
    return fitted, axes, norm, sizes[-1]


def rfftn(a, s=None, axes=None, norm=None, out=None):
    """The n-dimensional DFT of a real array; the last axis keeps n // 2 + 1 frequencies."""
    return rfftn_p(*_real_forward(a, s, axes, norm, out, "rfftn"))


def irfftn(a, s=None, axes=None, norm=None, out=None):
    """The inverse of rfftn: a real array of lengths ``s``."""
    return irfftn_p(*_real_inverse(a, s, axes, norm, out, "irfftn"))


def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return rfftn_p(*_real_forward(a, s, axes, norm, out, "rfft2"))


def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return irfftn_p(*_real_inverse(a, s, axes, norm, out, "irfft2"))


def rfft(a, n=None, axis=-1, norm=None, out=None):
    return rfftn_p(*_real_forward(a, None if n is None else (n,), (axis,), norm, out, "rfft"))


def irfft(a, n=None, axis=-1, norm=None, out=None):
    return irfftn_p(*_real_inverse(a, None if n is None else (n,), (axis,), norm, out,
                                   "irfft"))


def hfft(a, n=None, axis=-1, norm=None, out=None):
    """The DFT of a signal with Hermitian symmetry, given by its first half: a real
    spectrum. NumPy's irfft(conj(a)) at the swapped norm, written as the reversal of
    irfft(a) (conj of the halved spectrum reverses the signal)."""
    z, axes, norm, n = _real_inverse(a, None if n is None else (n,), (axis,), norm, out,
                                     "hfft")
    return reverse(irfftn_p(z, axes, SWAPPED[norm], n), axes)


def ihfft(a, n=None, axis=-1, norm=None, out=None):
    """The inverse of hfft: NumPy's conj(rfft(a)) at the swapped norm, written as the
    rfft of the reversed signal."""
    x, axes, norm, n = _real_forward(a, None if n is None else (n,), (axis,), norm, out,
                                     "ihfft")
    return rfftn_p(reverse(x, axes), axes, SWAPPED[norm], n)


# ---------------------------------------------------------------- helpers


def _shift(x, axes, sign: int, name: str):
    x = asarray_like(x)
    shape = np.shape(x)
    axes = range(len(shape)) if axes is None else _sequence(axes, name, "axes")
    axes = tuple(normalize_axis(a, len(shape), name, shape) for a in axes)
    if not axes or not shape:
        return x
    return roll(x, tuple(sign * (shape[a] // 2) for a in axes), axes)


def fftshift(x, axes=None):
    """The zero frequency moved to the centre: a roll by half of each axis."""
    return _shift(x, axes, 1, "fftshift")


def ifftshift(x, axes=None):
    """The inverse of fftshift."""
    return _shift(x, axes, -1, "ifftshift")


def fftfreq(n, d=1.0, device=None):
    """The sample frequencies of an n-point DFT (plain values: NumPy's array)."""
    return np.fft.fftfreq(n, d, device=device)


def rfftfreq(n, d=1.0, device=None):
    """The sample frequencies of rfft's halved spectrum (NumPy's array)."""
    return np.fft.rfftfreq(n, d, device=device)
