"""The parts of complex numbers in ``chainrule.numpy``: ``real``, ``imag``, ``angle`` (NumPy
functions, not ufuncs; ``conj``/``conjugate`` are ufuncs and live with the others).
The rules are the core's (chainrule/ops/complex.py: JAX's convention, no conjugation)."""
from __future__ import annotations

import numpy as np

from .. import ops
from ._core import asarray_like

__all__ = ["real", "imag", "angle"]


def real(val):
    """The real part (a new tensor equal to ``val`` for real input)."""
    return ops.real(asarray_like(val))


def imag(val):
    """The imaginary part (zeros for real input)."""
    return ops.imag(asarray_like(val))


def angle(z, deg=False):
    """The angle in the complex plane, in (-π, π] (degrees with ``deg=True``)."""
    result = ops.angle(asarray_like(z))
    return result * (180 / np.pi) if deg else result
