"""Strategies for the special functions (chainrule/ops/special.py), and the domain
"probability" that ndtri declares.

Every builder skips, with the reason, when SciPy is not installed: the entries are in the
table either way, and their forwards need SciPy.
"""
from __future__ import annotations

import pytest
from hypothesis import strategies as st
from strategies import (DOMAINS, INTERVALS, Case, _broadcast_shapes, _elementwise_case,
                        builds, draw_inputs, input_domains)

from chainrule.ops import special

# (0, 1) away from its ends, where ndtri goes to ±inf (tests/op_specs.py draws the same).
INTERVALS["probability"] = (0.1, 0.9)
DOMAINS["probability"] = "[0.1, 0.9], inside (0, 1) (ndtri: a probability, away from ±inf)"

NO_SCIPY = f"SciPy is not installed, and the special functions compute with it: {special.INSTALL}"


def _skip_without_scipy() -> None:
    if not special.have_scipy():
        pytest.skip(NO_SCIPY)


@builds("gammaln", "digamma", "erf", "erfc", "erfinv", "ndtri", "ndtr", "log_ndtr", "i0",
        "i1", "xlogy", "xlog1py", "j0", "j1", "y0", "y1", "rgamma")
def _special_case(draw, key, prim, empty):
    _skip_without_scipy()
    return _elementwise_case(draw, key, prim, empty)


# The parameter each entry takes after x: an order, or gammainc's a (not differentiated).
PARAMETERS = {
    "polygamma": st.integers(0, 2),
    "iv": st.sampled_from([0.0, 0.5, 1.0, 2.5, -1.5]),
    "ive": st.sampled_from([0.0, 0.5, 1.0, 2.5, -1.5]),
    "gammainc": st.floats(0.5, 3.0),
    "gammaincc": st.floats(0.5, 3.0),
    "jv": st.sampled_from([0.0, 0.5, 1.0, 2.5, -1.5]),
    "yv": st.sampled_from([0.0, 0.5, 1.0, 2.5, -1.5]),
    "yn": st.integers(0, 3),
    # betainc's a and b, drawn together: its density x^(a-1) (1-x)^(b-1) / B(a, b)
    "betainc": st.tuples(st.floats(0.5, 3.0), st.floats(0.5, 3.0)),
}


@builds(*PARAMETERS)
def _parameter_case(draw, key, prim, empty):
    _skip_without_scipy()
    (shape,) = _broadcast_shapes(draw, 1, empty)
    (x,) = draw_inputs(draw, input_domains(prim, 1), (shape,))
    parameter = draw(PARAMETERS[key])
    parameters = parameter if isinstance(parameter, tuple) else (parameter,)
    call = prim.call
    return Case(key, lambda x: call(x, *parameters), [x], (True,), f"parameters={parameters}")

