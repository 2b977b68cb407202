"""Hypothesis strategies for the FFT primitives (chainrule.ops.fft).

The property tests check real functions of real inputs, so each case wraps its primitive:
a complex input is a + i b of two drawn real arrays (both differentiated, or one a
constant), and a complex output is seen through ``real_view`` (its real and imaginary
parts side by side). Transformed axes are never empty (NumPy refuses a transform of no
points); empty draws empty an axis that is not transformed.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from strategies import Case, _roles, builds, draw_inputs

from chainrule.ops import add, multiply, stack
from chainrule.ops.complex import imag, real

NORMS = ("backward", "ortho", "forward")
MAX_SIZE = 12  # input elements: the outputs (real and imaginary parts) are checked whole


def real_view(y):
    """The real and imaginary parts of y on a new last axis."""
    return stack([real(y), imag(y)], axis=-1)


def complex_of(a, b):
    """a + i b, in their precision (a Python complex is a weak scalar: float32 gives
    complex64)."""
    return add(a, multiply(b, 1j))


def _layout(draw, empty: bool, ordered: bool):
    """An input shape (1 to 3 axes, at most MAX_SIZE elements), the axes transformed
    (a non-empty subset; ``ordered``: in any order, as the last one matters) and a norm."""
    ndim = draw(st.integers(2 if empty else 1, 3))
    shape = list(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    while np.prod(shape) > MAX_SIZE:
        shape[shape.index(max(shape))] -= 1
    count = draw(st.integers(1, ndim - 1 if empty else ndim))
    axes = draw(st.permutations(range(ndim)))[:count]
    axes = tuple(axes) if ordered else tuple(sorted(axes))
    if empty:
        shape[draw(st.sampled_from([a for a in range(ndim) if a not in axes]))] = 0
    return tuple(shape), axes, draw(st.sampled_from(NORMS))


def _complex_pair(draw, shape, empty):
    """Two real arrays for a + i b, and which of them are differentiated."""
    domains, shapes = ("real", "real"), [shape, shape]
    inputs = draw_inputs(draw, domains, shapes)
    differentiated, _ = _roles(draw, domains, shapes, empty)
    return inputs, differentiated


@builds("fftn")
def _fftn_case(draw, key, prim, empty):
    shape, axes, norm = _layout(draw, empty, ordered=False)
    inverse = draw(st.booleans())
    call = prim.call
    if draw(st.booleans()):  # a real input (NumPy's fft of real data)
        (x,) = draw_inputs(draw, ("real",), (shape,))
        return Case(key, lambda x: real_view(call(x, axes, inverse, norm)), [x], (True,),
                    f"real input, axes={axes}, inverse={inverse}, norm={norm!r}")
    inputs, differentiated = _complex_pair(draw, shape, empty)
    return Case(key, lambda a, b: real_view(call(complex_of(a, b), axes, inverse, norm)),
                inputs, differentiated,
                f"input a + ib, axes={axes}, inverse={inverse}, norm={norm!r}")


@builds("rfftn")
def _rfftn_case(draw, key, prim, empty):
    shape, axes, norm = _layout(draw, empty, ordered=True)
    n = shape[axes[-1]]
    (x,) = draw_inputs(draw, ("real",), (shape,))
    call = prim.call
    return Case(key, lambda x: real_view(call(x, axes, norm, n)), [x], (True,),
                f"axes={axes}, norm={norm!r}, n={n}")


@builds("irfftn")
def _irfftn_case(draw, key, prim, empty):
    shape, axes, norm = _layout(draw, empty, ordered=True)
    # m frequencies come from a signal of 2m - 2 or 2m - 1 points (m = 1: of one point).
    m = shape[axes[-1]]
    n = 2 * m - 1 if m == 1 or draw(st.booleans()) else 2 * m - 2
    inputs, differentiated = _complex_pair(draw, shape, empty)
    call = prim.call
    return Case(key, lambda a, b: call(complex_of(a, b), axes, norm, n), inputs,
                differentiated, f"input a + ib, axes={axes}, norm={norm!r}, n={n}")
