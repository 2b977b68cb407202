"""What the distributions share: freezing, standardizing (location_scale for the
distributions with no shape parameter), NaN for invalid parameters, and
log / gammaln that keep Python numbers Python numbers (weak, as in NumPy: a float32 x
with scale=2.0 stays float32)."""
from __future__ import annotations

import math

import numpy as np

from ...ops import special as sp
from ...ops.arithmetic import logical_and, where
from ...ops.compare import greater
from ...ops.elementwise import log
from ..special import as_inputs, needs_scipy


def _number(v) -> bool:
    """A Python int or float (weak); NumPy's scalars are not (np.float64 is a float)."""
    return type(v) in (int, float)


def log_of(v):
    """log v: a Python float for a number (NaN for v <= 0, as SciPy's parameters)."""
    if _number(v):
        return math.log(v) if v > 0 else math.nan
    return log(v)


def gammaln_of(v, op: str):
    """log Γ(v): math.lgamma for a number (no SciPy needed), else the primitive."""
    if _number(v):
        return math.lgamma(v) if v > 0 else math.nan
    needs_scipy(op)
    return sp.gammaln(v)


def valid_if(out, *positive):
    """out, NaN where a parameter that must be positive is not (SciPy's answer)."""
    condition = True
    for p in positive:
        if _number(p):
            if not p > 0:
                return out * math.nan
            continue
        above = greater(p, 0)
        condition = above if condition is True else logical_and(condition, above)
    return out if condition is True else where(condition, out, math.nan)


def positive_or_one(constant):
    """A constant shape parameter with 1 where it is not > 0: the function it goes to
    (gammainc, betainc) is evaluated at a valid point there, and valid_if gives the NaN."""
    return np.where(np.asarray(constant) > 0, constant, 1.0)


def standardize(x, loc, scale, *shapes, op: str):
    """z = (x - loc) / scale, then scale and the shape parameters, all as inputs
    (converted together with x and loc, so that their dtypes combine as in NumPy)."""
    x, loc, scale, *shapes = as_inputs(x, loc, scale, *shapes, op=op)
    return ((x - loc) / scale, scale, *shapes)


def location_scale(standard, x, loc, scale, op: str, log_density: bool = False):
    """standard(z) at z = (x - loc) / scale, NaN where scale <= 0; for a log-density
    minus log scale (the density of x is the standard one's divided by scale)."""
    z, scale = standardize(x, loc, scale, op=op)
    out = standard(z)
    return valid_if(out - log_of(scale) if log_density else out, scale)


class Distribution:
    """A distribution's methods; calling it freezes parameters, as in SciPy."""

    name = "distribution"

    def __call__(self, *args, **kwds):
        return Frozen(self, args, kwds)

    def __repr__(self) -> str:
        return f"<chainrule.scipy.stats.{self.name}>"


class Frozen:
    """A distribution with its parameters given: ``norm(0, 2).logpdf(x)``."""

    def __init__(self, dist, args, kwds) -> None:
        self.dist, self.args, self.kwds = dist, args, kwds

    def __getattr__(self, method):
        function = getattr(self.dist, method)
        # x first, if the method takes one (entropy takes none)
        return lambda *x: function(*x, *self.args, **self.kwds)

    def __repr__(self) -> str:
        return f"<frozen chainrule.scipy.stats.{self.dist.name}{self.args}{self.kwds or ''}>"
