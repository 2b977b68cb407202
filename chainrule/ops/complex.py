"""The parts of complex numbers: real, imag, conj, angle (and abs, in arithmetic.py).

The rules follow JAX's (and HIPS autograd's) convention: a VJP is the plain transpose of
the JVP as a real-linear map, with no conjugation. For a real loss L of z = x + iy the
gradient is then ∂L/∂x − i·∂L/∂y, and for a holomorphic f the VJP of g is g·f'(z). A
cotangent for a complex input is complex; ``_as_input`` makes it so where a rule's
formula would give a real one (the derivative of real(z) is a real number, but the
cotangent it sends to z is the complex g + 0i). docs/complex.md says more.
"""
from __future__ import annotations

import numpy as np

from ..primitive import primitive
from .arithmetic import absolute, where


def _is_complex(x) -> bool:
    return x.dtype.kind == "c"


def _as_input(g, x):
    """g as a cotangent for x: complex when x is (g + 0i), unchanged otherwise."""
    return g * (1 + 0j) if _is_complex(x) and not _is_complex(g) else g


def _real_impl(x):
    return np.real(x)


def _imag_impl(x):
    # NumPy gives a read-only 0 for a real x; an array of zeros keeps the shape.
    return np.imag(x) if _is_complex(x) else np.zeros_like(x)


real = primitive("real", _real_impl, (lambda g, ans, x: _as_input(g, x),),
                 save="inputs", jvp="linear", batch="elementwise", domain="real",
                 backward_name="RealBackward")
real.__doc__ = "The real part of x (x itself, as a new tensor, for a real x)."

imag = primitive("imag", _imag_impl, (lambda g, ans, x: g * -1j if _is_complex(x) else g * 0,),
                 save="inputs", jvp="linear", batch="elementwise", domain="real",
                 backward_name="ImagBackward")
imag.__doc__ = "The imaginary part of x (zeros for a real x)."

conj = primitive("conj", np.conj, (lambda g, ans, x: conj(g),), save="none", jvp="linear",
                 batch="elementwise", domain="real", backward_name="ConjBackward")
conj.__doc__ = "The complex conjugate of x (x itself, as a new tensor, for a real x)."


def _angle_rule(g, ans, x):
    # d angle(z) = Im(conj(z)·dz) / |z|²; its transpose sends g to g·conj(i·z) / |z|².
    # A real x has angle 0 or π: piecewise constant, so the cotangent is zero.
    if not _is_complex(x):
        return g * 0
    return g * conj(x * 1j) / _nonzero(absolute(x) ** 2)


def _angle_jvp(tangents, ans, x):
    if not _is_complex(x):
        return tangents[0] * 0
    return imag(conj(x) * tangents[0]) / _nonzero(absolute(x) ** 2)


angle = primitive("angle", np.angle, (_angle_rule,), save="inputs", jvp=_angle_jvp,
                  batch="elementwise", domain="nonzero", backward_name="AngleBackward")
angle.__doc__ = ("The angle of x in the complex plane, in (-π, π]. Its derivative at 0 "
                 "is taken as 0.")


def _nonzero(r):
    """r with its zeros replaced by ones, so that a rule divides by |z|² safely at z = 0
    (where the numerator is zero too, and the derivative is taken as 0)."""
    return where(r == 0, 1.0, r)


def unit(z):
    """z / |z| (0 at 0): |z|'s rules use its conjugate."""
    return z / _nonzero(absolute(z))

