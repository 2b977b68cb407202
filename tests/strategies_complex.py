"""Strategies for the parts of complex numbers (chainrule/ops/complex.py). On the real
values the property tests draw they are simple (real is the identity, imag zero, angle
piecewise constant); tests/test_complex.py draws complex values for them and for every
other entry that NumPy defines on complex numbers."""
from __future__ import annotations

from strategies import _elementwise_case, builds

builds("real", "imag", "conj", "angle")(_elementwise_case)
