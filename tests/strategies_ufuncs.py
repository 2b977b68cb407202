"""Strategies for the ufuncs of chainrule/ops/ufuncs.py (see tests/strategies.py)."""
from __future__ import annotations

from strategies import (Case, _broadcast_shapes, _elementwise_case, _off_the_jumps, _roles,
                        builds, draw_inputs, input_domains)

# Elementwise, drawn as the other elementwise entries are: broadcast shapes, each entry's
# domain (hypot and fabs away from their kinks at 0, fmax and fmin without ties, ldexp's
# exponents drawn as booleans: the integers 0 and 1, not differentiated).
builds("hypot", "logaddexp", "logaddexp2", "fmax", "fmin", "sinc", "deg2rad", "rad2deg",
       "fabs", "copysign", "ldexp", "nextafter")(_elementwise_case)


@builds("fmod")
def _fmod_case(draw, key, prim, empty):
    # x moved off the jumps of fmod (x = k·y), as for remainder; x has the whole shape.
    domains = input_domains(prim, 2)
    shapes = _broadcast_shapes(draw, 2, empty, full=0)
    inputs = draw_inputs(draw, domains, shapes)
    inputs[0] = _off_the_jumps(*inputs)
    differentiated, scalars = _roles(draw, domains, shapes, empty)
    return Case(key, prim.call, inputs, differentiated, "", scalars)
